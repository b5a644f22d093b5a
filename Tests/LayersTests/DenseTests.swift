import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Builds a layer from the words a user types after `add`.
func buildLayer(_ type: String, _ args: Arguments, seed: UInt64 = 1) throws -> any Layer {
    var seeds = SeedSource(seed: seed)
    return try LayerType.registry.get(type).build(args, seeds: &seeds).layer
}

@Suite struct DenseTests {
    struct ShapeCase: Sendable { let units: Int; let input: [Int]; let output: [Int?]; let params: Int; let kernel: [Int] }

    static let file = FixtureCases("keras/dense/shapes.json") { c in
        func f<T>(_ k: String) throws -> T { try FixtureCases<ShapeCase>.field(c, k) }
        return ShapeCase(units: try f("units"), input: try f("input_shape"), output: kerasShape(try f("output_shape")),
                         params: try f("params"), kernel: try f("kernel_shape"))
    }
    static let kerasCases = file.cases

    @Test func fixturesArePresent() { Self.file.expectComplete() }

    @Test(arguments: kerasCases)
    func shapesAndParamsMatchKeras(_ c: ShapeCase) throws {
        var layer = try buildLayer("dense", Arguments([.int(c.units)]))
        let input = Shape(batchOf: c.input)
        #expect(try layer.outputShape(for: [input]) == Shape(c.output))
        let specs = try layer.weightSpecs(for: [input])
        #expect(specs.map(\.name) == ["kernel", "bias"])
        #expect(specs[0].shape == c.kernel)
        layer.weights = try specs.map { try $0.initializer.sample($0.shape) }
        #expect(layer.parameterCount == c.params)
    }

    @Test func positionalWordsArePlacedByVocabulary() throws {
        let layer = try buildLayer("Dense", Arguments([.int(32), .string("relu"), .string("he_uniform")]))
        let dense = try #require(layer as? Dense)
        #expect(dense.activation.name == "relu")
        #expect(dense.kernel.initializer.object.className == "HeUniform")
        #expect(dense.bias.initializer.object.className == "Zeros")
    }

    @Test func keywordsUseKerasNames() throws {
        let layer = try buildLayer("dense", Arguments([.int(4)], [
            Keyword("use_bias", .bool(false)), Keyword("activation", .string("tanh")),
            Keyword("kernel_initializer", .call("RandomNormal", Arguments([], [Keyword("stddev", .double(0.1))]))),
            Keyword("kernel_regularizer", .call("l2", Arguments([.double(0.01)]))),
            Keyword("kernel_constraint", .call("MaxNorm", Arguments([.int(2)]))),
            Keyword("name", .string("hidden")),
        ]))
        #expect(layer.name == "hidden")
        #expect(try layer.weightSpecs(for: [Shape(batchOf: [3])]).map(\.name) == ["kernel"])
        let keys = layer.config.map(\.key)
        #expect(keys == ["units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
                         "bias_regularizer", "kernel_constraint", "bias_constraint", "quantization_config"])
    }

    @Test func activityRegularizerComesFirstWhenSet() throws {
        let layer = try buildLayer("dense", Arguments([.int(4)], [Keyword("activity_regularizer", .string("l2"))]))
        #expect(layer.config.first?.key == "activity_regularizer")
    }

    @Test func badArgumentsNameTheProblem() {
        func message(_ args: Arguments) -> String {
            do { _ = try buildLayer("dense", args); return "" } catch { return "\(error)" }
        }
        #expect(message(Arguments([.int(3), .string("rleu")])) == "unknown activation 'rleu' — did you mean 'relu'?")
        #expect(message(Arguments([.int(3)], [Keyword("skernel_initializer", .string("ones"))]))
                == "Dense() got an unexpected keyword argument 'skernel_initializer' — did you mean 'kernel_initializer'?")
        #expect(message(Arguments([])) == "Dense() missing required argument 'units'")
        #expect(message(Arguments([.int(0)])).contains("positive"))
        #expect(message(Arguments([.int(3)], [Keyword("dtype", .string("float16"))])).contains("float32"))
    }

    @Test func callComputesXWPlusB() throws {
        var layer = try buildLayer("dense", Arguments([.int(2)]))
        layer.weights = [try Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1]), try Tensor(shape: [2], scalars: [0.5, -0.5])]
        let y = try layer.call([try Tensor(shape: [1, 3], scalars: [1, 2, 3])], training: false)
        #expect(y.scalars == [4.5, 4.5])
        #expect(throws: LabError.self) { try layer.call([try Tensor(shape: [1, 4], scalars: [1, 2, 3, 4])], training: false) }
        #expect(layer.macs(for: [Shape(batchOf: [5, 3])]) == 30)
    }
}
