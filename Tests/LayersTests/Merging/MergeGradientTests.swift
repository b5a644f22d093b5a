import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Issue 19: the merge layers' backward passes against the gradients JAX takes through
/// Keras (scripts/keras-fixtures/generate.py `grads`), plus the rules at ties.
@Suite struct MergeGradientTests {
    static let mergeClasses: Set<String> = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"]

    /// The input gradients of `layer` on `xs` for ∂L/∂y `g`.
    static func pull(_ layer: any Layer, _ xs: [Tensor], _ g: Tensor) throws -> [Tensor?] {
        let d = try #require(layer as? any DifferentiableLayer, "\(layer.className) has no backward pass")
        var random = RandomGenerator(seed: 1)
        let (y, back) = try d.differentiableCall(xs, training: false, random: &random)
        #expect(y == (try layer.call(xs, training: false)), "the forward values differ from call's")
        return try back(g).inputs
    }

    /// Every element within 1e-4 of the reference's largest magnitude (NaN only where it has NaN).
    static func expectClose(_ a: Tensor?, _ b: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let a else { Issue.record("\(what): no gradient", sourceLocation: sourceLocation); return }
        #expect(a.shape == b.shape, "\(what): shape \(a.shape) vs \(b.shape)", sourceLocation: sourceLocation)
        guard a.shape == b.shape else { return }
        let scale = max(b.scalars.filter { $0.isFinite }.map(abs).max() ?? 0, 1e-6)
        for (i, (x, y)) in zip(a.scalars, b.scalars).enumerated() where !(x.isNaN && y.isNaN) && !(abs(x - y) <= 1e-4 * scale) {
            Issue.record("\(what): element \(i) is \(x), Keras \(y) (scale \(scale))", sourceLocation: sourceLocation)
            return
        }
    }

    // MARK: merge/<file>.grad_*.npy beside each forward case

    @Test(arguments: MergeTests.cases)
    func matchesKerasOnTheForwardCases(_ c: MergeTests.Case) throws {
        var seeds = SeedSource(seed: 1)
        let layer = try LayerType.registry.get(c.className).build(Arguments([], c.config), seeds: &seeds).layer
        let xs = try c.inputs.map { try loadFixture("keras/merge/\($0).npy") }
        let grads = try Self.pull(layer, xs, try loadFixture("keras/merge/\(c.file).grad_output.npy"))
        #expect(grads.count == xs.count)
        for (i, g) in grads.enumerated() {
            Self.expectClose(g, try loadFixture("keras/merge/\(c.file).grad_input\(i).npy"), "\(c.file) input \(i)")
        }
    }

    // MARK: gradients/layers/NNN/ (Dot with normalize, Concatenate, ties in Maximum and Minimum)

    struct ExtraCase: Sendable, CustomStringConvertible {
        var folder: String
        var className: String
        var config: [Keyword]
        var inputs: Int
        var note: String?
        var description: String { "\(folder) \(className) \(config.map { "\($0.key)=\($0.value.python)" }.joined(separator: " "))" }
    }

    /// Every case under gradients/layers/ whose class is a merge layer; a folder that cannot be read is a problem.
    static let extra: (cases: [ExtraCase], problems: [String]) = {
        var cases: [ExtraCase] = [], problems: [String] = []
        let root = fixture("keras/gradients/layers")
        guard let folders = try? FileManager.default.contentsOfDirectory(atPath: root.path).sorted(), !folders.isEmpty else {
            return ([], ["keras/gradients/layers has no cases"])
        }
        for folder in folders {
            let path = "keras/gradients/layers/\(folder)"
            do {
                let c = try (loadJSON("\(path)/case.json") as? [String: Any]).orThrow("\(path)/case.json is not an object")
                let cls: String = try FixtureCases<ExtraCase>.field(c, "class", in: path)
                guard mergeClasses.contains(cls) else { continue }
                let config: [String: Any] = try FixtureCases<ExtraCase>.field(c, "config", in: path)
                var keywords: [Keyword] = []
                for (key, value) in config.sorted(by: { $0.key < $1.key }) where !["name", "trainable", "dtype"].contains(key) {
                    switch (key, value) {
                    case ("axis", let a as Int), ("axes", let a as Int): keywords.append(Keyword(key, .int(a)))
                    case ("axes", let a as [Int]): keywords.append(Keyword(key, .tuple(a.map { .int($0) })))
                    case ("normalize", let n as Bool): keywords.append(Keyword(key, .bool(n)))
                    default: throw FixtureError("\(path): config key '\(key)' = \(value) is not read")
                    }
                }
                let shapes: [[Int]] = try FixtureCases<ExtraCase>.field(c, "input_shapes", in: path)
                cases.append(ExtraCase(folder: path, className: cls, config: keywords, inputs: shapes.count, note: c["note"] as? String))
            } catch { problems.append("\(error)") }
        }
        return (cases, problems)
    }()

    @Test func extraCasesAreRead() {
        #expect(Self.extra.problems.isEmpty, "\(Self.extra.problems.prefix(5))")
        let classes = Set(Self.extra.cases.map(\.className))
        #expect(classes == Self.mergeClasses, "classes with extra cases: \(classes.sorted())")
        #expect(Self.extra.cases.filter { $0.className == "Dot" && $0.config.contains(Keyword("normalize", .bool(true))) }.count >= 5)
    }

    @Test(arguments: extra.cases)
    func matchesKerasOnTheGradientCases(_ c: ExtraCase) throws {
        var seeds = SeedSource(seed: 1)
        let layer = try LayerType.registry.get(c.className).build(Arguments([], c.config), seeds: &seeds).layer
        let xs = try (0..<c.inputs).map { try loadFixture("\(c.folder)/input\($0).npy") }
        let y = try layer.call(xs, training: false)
        let (ok, worst) = closeness(y, try loadFixture("\(c.folder)/output.npy"), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(c.folder) output: \(worst)")
        let grads = try Self.pull(layer, xs, try loadFixture("\(c.folder)/grad_output.npy"))
        #expect(grads.count == xs.count)
        for (i, g) in grads.enumerated() {
            Self.expectClose(g, try loadFixture("\(c.folder)/grad_input\(i).npy"), "\(c.folder) input \(i)")
        }
    }

    // MARK: the rules, by hand

    static func t(_ shape: [Int], _ values: [Float]) -> Tensor { try! Tensor(shape: shape, scalars: values) }

    @Test func maximumAndMinimumSplitTiesAsJAX() throws {
        let a = Self.t([1, 3], [1, 2, 3]), b = Self.t([1, 3], [1, 5, 0]), g = Self.t([1, 3], [1, 1, 1])
        let max2 = try Self.pull(Merge(operation: .maximum), [a, b], g)
        #expect(max2[0]?.scalars == [0.5, 0, 1] && max2[1]?.scalars == [0.5, 1, 0])
        let min2 = try Self.pull(Merge(operation: .minimum), [a, b], g)
        #expect(min2[0]?.scalars == [0.5, 1, 0] && min2[1]?.scalars == [0.5, 0, 1])
        // Three equal inputs: Keras folds maximum(maximum(a, b), c), so c gets ½ and a, b ¼ each.
        let three = try Self.pull(Merge(operation: .maximum), [a, a, a], g)
        #expect(three.map { $0?.scalars } == [[0.25, 0.25, 0.25], [0.25, 0.25, 0.25], [0.5, 0.5, 0.5]])
    }

    @Test func broadcastInputsGetTheirGradientSummed() throws {
        let x = Self.t([2, 3], [1, 2, 3, 4, 5, 6]), y = Self.t([2, 1], [10, 20])
        let g = Self.t([2, 3], [1, 2, 3, 4, 5, 6])
        let add = try Self.pull(Merge(operation: .add), [x, y], g)
        #expect(add[0]?.scalars == g.scalars && add[1]?.scalars == [6, 15] && add[1]?.shape == [2, 1])
        let mul = try Self.pull(Merge(operation: .multiply), [x, y], g)
        #expect(mul[0]?.scalars == [10, 20, 30, 80, 100, 120] && mul[1]?.scalars == [14, 77])
        let avg = try Self.pull(Merge(operation: .average), [x, y], g)
        #expect(avg[1]?.scalars == [3, 7.5])
        let sub = try Self.pull(Merge(operation: .subtract), [x, y], g)
        #expect(sub[1]?.scalars == [-6, -15])
        // A lower-rank input (Keras inserts axes after the batch) gets its own shape back.
        let t = Self.t([2, 2, 3], Array(repeating: 1, count: 12)), v = Self.t([2, 3], [0, 0, 0, 0, 0, 0])
        let low = try Self.pull(Merge(operation: .add), [t, v], Self.t([2, 2, 3], (0..<12).map(Float.init)))
        #expect(low[1]?.shape == [2, 3] && low[1]?.scalars == [3, 5, 7, 15, 17, 19])
    }

    @Test func concatenateCutsTheGradientBackIntoPieces() throws {
        let a = Self.t([2, 1, 2], [0, 0, 0, 0]), b = Self.t([2, 2, 2], Array(repeating: 0, count: 8))
        let g = Self.t([2, 3, 2], (0..<12).map(Float.init))
        let grads = try Self.pull(Concatenate(axis: 1), [a, b], g)
        #expect(grads[0]?.scalars == [0, 1, 6, 7] && grads[1]?.scalars == [2, 3, 4, 5, 8, 9, 10, 11])
        let last = try Self.pull(Concatenate(axis: -1), [Self.t([2, 1], [0, 0]), Self.t([2, 2], [0, 0, 0, 0])], Self.t([2, 3], [1, 2, 3, 4, 5, 6]))
        #expect(last[0]?.scalars == [1, 4] && last[1]?.scalars == [2, 3, 5, 6])
    }

    @Test func dotGradientsAreTheTransposedProducts() throws {
        var dot = Dot()
        dot.axes = .int(1)
        let x = Self.t([1, 2], [1, 2]), y = Self.t([1, 2], [3, 4])
        let plain = try Self.pull(dot, [x, y], Self.t([1, 1], [2]))
        #expect(plain[0]?.scalars == [6, 8] && plain[1]?.scalars == [2, 4])
        // Normalised: the cosine's gradient; an all-zero vector gets NaN, as JAX gives it.
        dot.normalize = true
        let cosine = try Self.pull(dot, [Self.t([1, 2], [3, 0]), Self.t([1, 2], [0, 2])], Self.t([1, 1], [1]))
        #expect(cosine[0]?.scalars == [0, 1.0 / 3] && cosine[1]?.scalars == [0.5, 0])
        let zero = try Self.pull(dot, [Self.t([1, 2], [0, 0]), Self.t([1, 2], [1, 1])], Self.t([1, 1], [1]))
        #expect(zero[0]?.scalars.allSatisfy(\.isNaN) == true && zero[1]?.scalars == [0, 0])
    }

    @Test func aGradientOfTheWrongShapeIsAnError() throws {
        let x = Self.t([1, 2], [1, 2])
        #expect(throws: LabError.self) { try Self.pull(Merge(operation: .add), [x, x], Self.t([1, 3], [1, 2, 3])) }
        #expect(throws: LabError.self) { try Self.pull(Concatenate(), [x, x], Self.t([1, 2], [1, 2])) }
    }
}
