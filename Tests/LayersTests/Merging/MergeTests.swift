import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Issue 7: every merge layer against Keras on fixture inputs (scripts/keras-fixtures/generate.py).
@Suite struct MergeTests {
    struct Case: Sendable, CustomStringConvertible {
        var className: String
        var inputs: [String]
        var file: String
        var config: [Keyword]
        var shape: [Int]
        var description: String { file }
    }

    static let file = FixtureCases("keras/merge/cases.json") { c in
        func f<T>(_ k: String) throws -> T { try FixtureCases<Case>.field(c, k) }
        let config: [String: Any] = try f("config")
        var keywords: [Keyword] = []
        if let axis = config["axis"] as? Int { keywords.append(Keyword("axis", .int(axis))) }
        if let axes = config["axes"] as? Int { keywords.append(Keyword("axes", .int(axes))) }
        if let axes = config["axes"] as? [Int] { keywords.append(Keyword("axes", .tuple(axes.map { .int($0) }))) }
        if let n = config["normalize"] as? Bool { keywords.append(Keyword("normalize", .bool(n))) }
        return Case(className: try f("class"), inputs: try f("inputs"), file: try f("file"), config: keywords, shape: try f("shape"))
    }
    static let cases = file.cases

    @Test func everyMergeLayerIsCovered() {
        #expect(Set(Self.cases.map(\.className)) == ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"])
        Self.file.expectComplete()
    }

    @Test(arguments: cases)
    func matchesKeras(_ c: Case) throws {
        var seeds = SeedSource(seed: 1)
        let layer = try LayerType.registry.get(c.className).build(Arguments([], c.config), seeds: &seeds).layer
        let xs = try c.inputs.map { try loadFixture("keras/merge/\($0).npy") }
        let shapes = xs.map { Shape([nil] + $0.shape.dropFirst().map { Optional($0) }) }
        #expect(try layer.outputShape(for: shapes) == Shape([nil] + c.shape.dropFirst().map { Optional($0) }))
        let y = try layer.call(xs, training: false)
        let (ok, worst) = closeness(y, try loadFixture("keras/merge/\(c.file).npy"), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(c.file): \(worst)")
    }

    @Test func referenceTableValues() throws {
        let a = try Tensor(shape: [1, 3], scalars: [1, 2, 3]), b = try Tensor(shape: [1, 3], scalars: [4, 0, -1])
        let c = try Tensor(shape: [1, 3], scalars: [0, 5, 1])
        func run(_ op: Merge.Operation, _ xs: [Tensor]) throws -> [Float] { try Merge(operation: op).call(xs, training: false).scalars }
        #expect(try run(.add, [a, b, c]) == [5, 7, 3])
        #expect(try run(.subtract, [a, b]) == [-3, 2, 4])
        #expect(try run(.multiply, [a, b, c]) == [0, 0, -3])
        #expect(try run(.maximum, [a, b, c]) == [4, 5, 3])
        #expect(try run(.minimum, [a, b]) == [1, 0, -1])
        let avg = try run(.average, [a, b, c])
        #expect(abs(avg[0] - 5.0 / 3) < 1e-6 && abs(avg[1] - 7.0 / 3) < 1e-6 && avg[2] == 1)
        // A single input is returned as it is (Keras 3).
        #expect(try run(.add, [a]) == [1, 2, 3])
    }

    @Test func shapeErrorsAreClear() {
        func message(_ t: String, _ kw: [Keyword], _ shapes: [[Int?]]) -> String {
            do {
                var seeds = SeedSource(seed: 1)
                _ = try LayerType.registry.get(t).build(Arguments([], kw), seeds: &seeds).layer.outputShape(for: shapes.map(Shape.init))
                return ""
            } catch { return "\(error)" }
        }
        #expect(message("add", [], [[nil, 3], [nil, 4]]) == "inputs have incompatible shapes (None, 3) and (None, 4)")
        #expect(message("subtract", [], [[nil, 3]]).contains("exactly 2 inputs"))
        #expect(message("concatenate", [], [[nil, 2, 3], [nil, 4, 3]]).contains("must match except on axis -1"))
        #expect(message("concatenate", [Keyword("axis", .int(0))], [[nil, 3], [nil, 3]]).contains("axis 0 is the batch"))
        #expect(message("dot", [Keyword("axes", .int(1))], [[nil, 3], [nil, 4]]).contains("sizes differ"))
        #expect(message("dot", [Keyword("axes", .int(1))], [[nil, 3], [nil, 3], [nil, 3]]).contains("exactly 2 inputs"))
        #expect(message("dot", [Keyword("axes", .string("x"))], [[nil, 3], [nil, 3]]).contains("axes must be"))
    }
}
