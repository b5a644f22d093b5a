import Testing
@testable import TensorCore

@Suite struct Im2ColTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: [Int], channels: Int, kernel: [Int], strides: [Int], dilation: [Int], pad: [Int], output: [Int], groups: Int
        var testDescription: String { "n\(input) c\(channels) k\(kernel) s\(strides) d\(dilation) p\(pad) o\(output) g\(groups)" }
        func geometry(batch: Int) throws -> ConvGeometry {
            try ConvGeometry(batch: batch, input: input, channels: channels, kernel: kernel, strides: strides,
                             dilation: dilation, padBefore: pad, output: output)
        }
    }

    static let cases: [Case] = [
        Case(input: [7], channels: 3, kernel: [3], strides: [1], dilation: [1], pad: [0], output: [5], groups: 1),
        Case(input: [7], channels: 2, kernel: [3], strides: [2], dilation: [1], pad: [1], output: [4], groups: 1),
        Case(input: [9], channels: 4, kernel: [3], strides: [1], dilation: [3], pad: [6], output: [9], groups: 2),
        Case(input: [5, 6], channels: 3, kernel: [3, 3], strides: [1, 1], dilation: [1, 1], pad: [1, 1], output: [5, 6], groups: 1),
        Case(input: [5, 6], channels: 4, kernel: [2, 3], strides: [2, 3], dilation: [1, 1], pad: [0, 1], output: [3, 2], groups: 4),
        Case(input: [6, 6], channels: 2, kernel: [3, 2], strides: [1, 1], dilation: [2, 3], pad: [2, 1], output: [4, 5], groups: 1),
        // Windows entirely in the padding, and a kernel wider than the input.
        Case(input: [2, 3], channels: 1, kernel: [5, 5], strides: [1, 1], dilation: [1, 1], pad: [3, 4], output: [4, 4], groups: 1),
        // Short runs (k·C ≤ 8) inside the input take the vector-copy path; the padded
        // border rows take the general one.
        Case(input: [8, 9], channels: 1, kernel: [3, 3], strides: [1, 1], dilation: [1, 1], pad: [0, 0], output: [6, 7], groups: 1),
        Case(input: [7, 6], channels: 2, kernel: [2, 3], strides: [2, 1], dilation: [2, 1], pad: [1, 1], output: [4, 6], groups: 1),
        Case(input: [4, 3, 5], channels: 2, kernel: [2, 2, 3], strides: [1, 2, 1], dilation: [1, 1, 2], pad: [1, 0, 2], output: [4, 2, 5], groups: 2),
    ]

    func random(_ count: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        var v = [Float](repeating: 0, count: count)
        rng.fillNormal(&v)
        return v
    }

    /// Multi-index helpers for the naive loops.
    func unravel(_ i: Int, _ sizes: [Int]) -> [Int] {
        var rest = i
        return sizes.reversed().map { s -> Int in let v = rest % s; rest /= s; return v }.reversed()
    }

    /// The column matrix written with nothing but index arithmetic.
    func naiveColumns(_ x: [Float], _ c: Case, batch: Int) -> [Float] {
        let cg = c.channels / c.groups, positions = c.output.reduce(1, *), k = c.kernel.reduce(1, *)
        var col: [Float] = []
        for b in 0..<batch {
            for q in 0..<positions {
                let o = unravel(q, c.output)
                for g in 0..<c.groups {
                    for a in 0..<k {
                        let off = unravel(a, c.kernel)
                        let pos = (0..<c.input.count).map { o[$0] * c.strides[$0] + off[$0] * c.dilation[$0] - c.pad[$0] }
                        let inside = zip(pos, c.input).allSatisfy { $0 >= 0 && $0 < $1 }
                        for ch in 0..<cg {
                            if inside {
                                var idx = b
                                for (p, n) in zip(pos, c.input) { idx = idx * n + p }
                                col.append(x[idx * c.channels + g * cg + ch])
                            } else {
                                col.append(0)
                            }
                        }
                    }
                }
            }
        }
        return col
    }

    @Test(arguments: cases)
    func gatherMatchesNaiveLoops(_ c: Case) throws {
        let batch = 2
        let g = try c.geometry(batch: batch)
        let x = random(batch * c.input.reduce(1, *) * c.channels, seed: 1)
        var col = [Float](repeating: .nan, count: g.rows * g.width)
        x.withUnsafeBufferPointer { xb in
            col.withUnsafeMutableBufferPointer { cb in
                // In two chunks, to check that a row range starts in the right place.
                let half = g.rows / 2
                Im2Col.gather(xb.baseAddress!, g, groups: c.groups, rows: 0..<half, into: cb.baseAddress!)
                Im2Col.gather(xb.baseAddress!, g, groups: c.groups, rows: half..<g.rows, into: cb.baseAddress! + half * g.width)
            }
        }
        #expect(col == naiveColumns(x, c, batch: batch))
    }

    /// The transposed convolution is the convolution's adjoint:
    /// ⟨conv(x, w), y⟩ = ⟨x, conv_transpose(y, w)⟩, for every geometry (negative
    /// padding after, dilation, windows in the padding), so oneDNN's deconvolution reads
    /// Keras's (k…, F, C) kernel the right way round.
    @Test(arguments: cases.filter { $0.groups == 1 })
    func transposedIsTheAdjointOfConvolution(_ c: Case) throws {
        let g = try c.geometry(batch: 2), filters = 3, k = c.kernel.reduce(1, *)
        let x = try Tensor(shape: [2] + c.input + [c.channels], scalars: random(2 * c.input.reduce(1, *) * c.channels, seed: 2))
        let y = try Tensor(shape: [2] + c.output + [filters], scalars: random(g.rows * filters, seed: 3))
        // Conv kernel (k…, C, F); the transposed kernel of the same numbers is (k…, C, F) read as (k…, F', C') with F' = C.
        let w = try Tensor(shape: c.kernel + [c.channels, filters], scalars: random(k * c.channels * filters, seed: 9))
        let forward = try x.convolved(with: w, g)
        let back = try y.transposeConvolved(with: w, g)
        #expect(back.shape == x.shape)
        let lhs = zip(forward.scalars, y.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let rhs = zip(x.scalars, back.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(lhs - rhs) <= 1e-5 * max(1, abs(lhs)) * Double(y.count).squareRoot())
        #expect(lhs != 0)
    }

    @Test(arguments: cases)
    func convolutionMatchesNaiveSums(_ c: Case) throws {
        let batch = 2, filters = 2 * c.groups
        let g = try c.geometry(batch: batch)
        let cg = c.channels / c.groups, fg = filters / c.groups, k = c.kernel.reduce(1, *)
        let x = try Tensor(shape: [batch] + c.input + [c.channels], scalars: random(batch * c.input.reduce(1, *) * c.channels, seed: 4))
        let w = try Tensor(shape: c.kernel + [cg, filters], scalars: random(k * cg * filters, seed: 5))
        let y = try x.convolved(with: w, g, groups: c.groups)
        #expect(y.shape == [batch] + c.output + [filters])
        let col = naiveColumns(x.scalars, c, batch: batch)
        var expected: [Float] = []
        for r in 0..<g.rows {
            for f in 0..<filters {
                let group = f / fg
                var s: Double = 0
                for a in 0..<k {
                    for ch in 0..<cg {
                        let row: Int = r * g.width + group * k * cg
                        let v = Double(col[row + a * cg + ch])
                        let weight = Double(w.scalars[(a * cg + ch) * filters + f])
                        s += v * weight
                    }
                }
                expected.append(Float(s))
            }
        }
        #expect(zip(y.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
    }

    /// The direct depthwise loop equals a grouped convolution with one channel per group
    /// (a (k…, C, dm) kernel is, in memory, a grouped kernel (k…, 1, C·dm)).
    @Test(arguments: cases, [1, 3])
    func depthwiseEqualsOneGroupPerChannel(_ c: Case, _ dm: Int) throws {
        let g = try c.geometry(batch: 2)
        let k = c.kernel.reduce(1, *)
        let x = try Tensor(shape: [2] + c.input + [c.channels], scalars: random(2 * c.input.reduce(1, *) * c.channels, seed: 6))
        let w = try Tensor(shape: c.kernel + [c.channels, dm], scalars: random(k * c.channels * dm, seed: 7))
        let bias = try Tensor(shape: [c.channels * dm], scalars: random(c.channels * dm, seed: 8))
        let direct = try x.depthwiseConvolved(with: w, g, bias: bias)
        let grouped = try x.convolved(with: w.reshaped(c.kernel + [1, c.channels * dm]), g, groups: c.channels, bias: bias)
        #expect(direct.shape == grouped.shape)
        #expect(zip(direct.scalars, grouped.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }

    @Test func geometryRejectsNonsense() {
        #expect(throws: LabError.self) { try ConvGeometry(batch: 1, input: [3, 3, 3, 3], channels: 1, kernel: [1, 1, 1, 1], strides: [1, 1, 1, 1], dilation: [1, 1, 1, 1], padBefore: [0, 0, 0, 0], output: [3, 3, 3, 3]) }
        #expect(throws: LabError.self) { try ConvGeometry(batch: 1, input: [3], channels: 1, kernel: [0], strides: [1], dilation: [1], padBefore: [0], output: [3]) }
        #expect(throws: LabError.self) { try ConvGeometry(batch: 1, input: [3], channels: 1, kernel: [1, 1], strides: [1], dilation: [1], padBefore: [0], output: [3]) }
    }

    @Test func poolingCountsOnlyRealCells() throws {
        // AvgPool2D(2, same) on the 3×3 grid 1…9 → [[3, 4.5], [7.5, 9]]; max → [[5, 6], [8, 9]].
        let x = try Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let g = try ConvGeometry(batch: 1, input: [3, 3], channels: 1, kernel: [2, 2], strides: [2, 2], dilation: [1, 1], padBefore: [0, 0], output: [2, 2])
        #expect(try x.pooled(g, mode: .average).scalars == [3, 4.5, 7.5, 9])
        #expect(try x.pooled(g, mode: .max).scalars == [5, 6, 8, 9])
        let global = try Tensor(shape: [2, 2, 2], scalars: [1, -1, 3, -5, 0, 2, 4, 6])
        #expect(try global.globalPooled(.average).scalars == [2, -3, 2, 4])
        #expect(try global.globalPooled(.max).scalars == [3, -1, 4, 6])
    }

    /// oneDNN's pooling and the Swift loops (kept for batches with NaN) agree on every
    /// geometry, padding cells included; and a NaN wins a max, as in Keras
    /// (MaxPooling2D on [[1, nan], [3, 2]] gives nan), where oneDNN alone would give 3.
    @Test(arguments: cases.filter { $0.dilation.allSatisfy { $0 == 1 } })
    func poolingOnOneDNNEqualsTheLoops(_ c: Case) throws {
        let g = try c.geometry(batch: 3)
        let x = try Tensor(shape: [3] + c.input + [c.channels], scalars: random(3 * c.input.reduce(1, *) * c.channels, seed: 11))
        for mode in [PoolMode.max, .average] {
            let fast = try x.pooled(g, mode: mode), loops = try x.pooledKeepingNaN(g, mode: mode)
            #expect(fast.shape == loops.shape)
            #expect(zip(fast.scalars, loops.scalars).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        }
    }

    @Test func aNaNWinsAMax() throws {
        let x = try Tensor(shape: [2, 2, 2, 1], scalars: [1, .nan, 3, 2, .nan, 1, 3, 2])
        let g = try ConvGeometry(batch: 2, input: [2, 2], channels: 1, kernel: [2, 2], strides: [2, 2], dilation: [1, 1], padBefore: [0, 0], output: [1, 1])
        #expect(try x.pooled(g, mode: .max).scalars.allSatisfy(\.isNaN))
        #expect(try x.pooled(g, mode: .average).scalars.allSatisfy(\.isNaN))
        #expect(x.containsNaN)
        #expect(try !Tensor(shape: [33], scalars: (0..<33).map { Float($0) }).containsNaN)
        #expect(try Tensor(shape: [33], scalars: (0..<33).map { $0 == 32 ? .nan : Float($0) }).containsNaN)
    }

    @Test func channelsMoveAndComeBack() throws {
        let x = try Tensor(shape: [2, 3, 2, 2], scalars: (0..<24).map(Float.init))
        let last = x.channelsMovedLast()
        #expect(last.shape == [2, 2, 2, 3])
        #expect(Array(last.scalars.prefix(6)) == [0, 4, 8, 1, 5, 9])
        #expect(last.channelsMovedFirst() == x)
    }
}
