import Testing
@testable import TensorCore
import Text

@Suite struct TensorTests {
    @Test func shapeMustMatchValues() {
        #expect(throws: LabError.self) { try Tensor(shape: [2, 3], scalars: [1, 2, 3]) }
        #expect(throws: LabError.self) { try Tensor(shape: [-1], scalars: []) }
        #expect(throws: LabError.self) { try Tensor(shape: [Int.max, 4], scalars: []) }
    }

    @Test func reshapeKeepsValues() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let r = try t.reshaped([3, 2])
        #expect(r.shape == [3, 2])
        #expect(r.scalars == t.scalars)
        #expect(throws: LabError.self) { try t.reshaped([4, 2]) }
    }

    @Test func describeLikePython() {
        #expect(Tensor.describe([16]) == "(16,)")
        #expect(Tensor.describe([2, 3]) == "(2, 3)")
    }
}

@Suite struct MatmulTests {
    /// The product computed with plain loops, to check OpenBLAS's.
    func reference(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { var s: Double = 0; for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }; c[i * n + j] = Float(s) } }
        return c
    }

    @Test(arguments: [(1, 1, 1), (3, 4, 5), (17, 33, 9), (64, 128, 31)])
    func matchesReference(_ dims: (Int, Int, Int)) throws {
        let (m, k, n) = dims
        var rng = RandomGenerator(seed: 7)
        var a = [Float](repeating: 0, count: m * k), b = [Float](repeating: 0, count: k * n)
        rng.fillNormal(&a); rng.fillNormal(&b)
        let c = try Tensor(shape: [m, k], scalars: a).matmul(Tensor(shape: [k, n], scalars: b))
        #expect(c.shape == [m, n])
        for (x, y) in zip(c.scalars, reference(a, b, m: m, k: k, n: n)) { #expect(abs(x - y) <= 1e-4 * max(1, abs(y))) }
    }

    @Test func appliesToTheLastAxisOfNDInput() throws {
        let x = try Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init))
        let w = try Tensor(shape: [3, 1], scalars: [1, 10, 100])
        let y = try x.matmul(w)
        #expect(y.shape == [2, 2, 1])
        #expect(y.scalars == [210, 543, 876, 1209])
    }

    @Test func innerSizesMustAgree() throws {
        let x = try Tensor(shape: [2, 3], scalars: Array(repeating: 1, count: 6))
        #expect(throws: LabError.self) { try x.matmul(Tensor(shape: [4, 2], scalars: Array(repeating: 1, count: 8))) }
    }

    @Test func biasIsAddedToEveryRow() throws {
        var y = try Tensor(shape: [2, 3], scalars: [0, 0, 0, 1, 1, 1])
        try y.addBias(try Tensor(shape: [3], scalars: [1, 2, 3]))
        // A bias that does not fit is an error, not a silent no-op.
        #expect(throws: LabError.self) { try y.addBias(try Tensor(shape: [2], scalars: [1, 2])) }
        #expect(y.scalars == [1, 2, 3, 2, 3, 4])
    }

    @Test func openBLASReportsItsKernel() {
        #expect(!BLAS.coreName.isEmpty)
        #expect(BLAS.threadCount >= 1)
    }
}

@Suite struct RandomTests {
    @Test func sameSeedSameStream() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        #expect(xs != (0..<100).map { _ in c.next() })
    }

    /// Pins the stream to xoshiro256** seeded by SplitMix64: the expected numbers come
    /// from an independent Python transcription of the two reference algorithms.
    /// A change here would silently change every user's weights.
    @Test func streamMatchesTheReferenceAlgorithm() {
        var zero = RandomGenerator(seed: 0)
        #expect((0..<3).map { _ in zero.next() } == [11091344671253066420, 13793997310169335082, 1900383378846508768])
        var seeded = RandomGenerator(seed: 1337)
        #expect((0..<3).map { _ in seeded.next() } == [12468955128717782748, 15024386940265324015, 14342583032507416131])
    }

    @Test func uniformStaysInRange() {
        var g = RandomGenerator(seed: 1)
        var v = [Float](repeating: 0, count: 100_000)
        g.fillUniform(&v, low: -0.5, high: 0.5)
        let s = Statistics(v)
        #expect(s.min >= -0.5 && s.max < 0.5)
        #expect(abs(s.mean) < 0.005)
        #expect(abs(s.std - (1.0 / 12).squareRoot()) < 0.003)
    }

    @Test func normalHasItsMoments() {
        var g = RandomGenerator(seed: 2)
        var v = [Float](repeating: 0, count: 100_001)
        g.fillNormal(&v, mean: 3, stddev: 2)
        let s = Statistics(v)
        #expect(abs(s.mean - 3) < 0.02)
        #expect(abs(s.std - 2) < 0.02)
    }

    @Test func truncatedNormalIsCutAtTwoSigma() {
        var g = RandomGenerator(seed: 3)
        var v = [Float](repeating: 0, count: 100_000)
        g.fillTruncatedNormal(&v, stddev: 0.5)
        let s = Statistics(v)
        #expect(s.min >= -1.0 && s.max <= 1.0)
        // A standard normal truncated to [-2, 2] has std 0.8796.
        #expect(abs(s.std - 0.5 * 0.87962566) < 0.005)
    }

    @Test func boundedIntegersCoverTheRange() {
        var g = RandomGenerator(seed: 4)
        let draws = (0..<10_000).map { _ in g.nextInt(below: 7) }
        #expect(Set(draws) == Set(0..<7))
    }
}

@Suite struct StatisticsTests {
    @Test func knownValues() {
        let s = Statistics([1, 2, 3, 4, 0, .nan])
        #expect(s.count == 6)
        #expect(s.nonFinite == 1)
        #expect(s.mean == 2)
        #expect(abs(s.std - 2.0.squareRoot()) < 1e-12)
        #expect(s.min == 0 && s.max == 4 && s.zeros == 1)
    }
}

@Suite struct QRTests {
    @Test(arguments: [(3, 3), (7, 4), (50, 50)])
    func qIsOrthonormal(_ dims: (Int, Int)) throws {
        let (m, n) = dims
        var g = RandomGenerator(seed: 9)
        var a = [Float](repeating: 0, count: m * n)
        g.fillNormal(&a)
        let (q, r) = try Tensor.qr(rows: m, cols: n, a)
        #expect(r.count == n)
        for i in 0..<n {
            for j in 0..<n {
                var dot: Float = 0
                for k in 0..<m { dot += q[k * n + i] * q[k * n + j] }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-5)
            }
        }
    }

    @Test func wideMatricesAreRejected() {
        #expect(throws: LabError.self) { try Tensor.qr(rows: 2, cols: 3, [1, 2, 3, 4, 5, 6]) }
    }
}

@Suite struct ErrorTests {
    @Test func suggestsTheNearestName() {
        #expect(nearest(to: "rleu", in: ["relu", "elu", "selu"]) == "relu")
        #expect(nearest(to: "he_unifrm", in: ["he_uniform", "he_normal"]) == "he_uniform")
        #expect(nearest(to: "zzzzzz", in: ["relu"]) == nil)
        let e = LabError.unknown("activation", "rleu", among: ["relu", "tanh"])
        #expect(e.description == "unknown activation 'rleu' — did you mean 'relu'?")
    }

    @Test func groupsForNorms() throws {
        let t = try Tensor(shape: [2, 2], scalars: [3, 0.1, 4, 0.2])
        let (norms, groupOf) = t.norms(reducing: [0])
        #expect(groupOf == [0, 1, 0, 1])
        #expect(abs(norms[0] - 5) < 1e-6)
        let (rowNorms, _) = t.norms(reducing: [1])
        #expect(rowNorms.count == 2)
    }
}

@Suite struct LabErrorTests {
    /// An error carries its place and the bad argument; it is rendered once, a place never twice.
    @Test func placesAndArgumentsRenderOnce() {
        let e = LabError(argument: "units", expected: "a positive whole number", got: "-3", suggestion: "for example 32")
        #expect(e.argument == "units" && e.expected == "a positive whole number" && e.got == "-3")
        let placed = e.at("dense_1").at("dense_1").at("model.keras")
        #expect(placed.place == ["model.keras", "dense_1"])
        #expect(placed.description == "model.keras: dense_1: units must be a positive whole number, got -3 — for example 32")
        // A message that already names the place (older style) is not prefixed again.
        #expect(LabError("dense: bad").at("dense").description == "dense: bad")
        #expect(Interrupt.error.at("dense") == Interrupt.error)
    }
}

@Suite struct UncountableShapeTests {
    /// A shape whose size overflows is an error, not a tensor with no values behind its shape.
    @Test func overflowingZerosAreAnError() {
        #expect(throws: LabError.self) { try Tensor(zeros: [Int.max / 2, 4]) }
    }
}
