import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// A fixture argument written by the generator with its Python type: `{"int": 3}`.
func typedValue(_ json: Any) -> Value {
    guard let d = json as? [String: Any], let (kind, v) = d.first else { return .string("?") }
    switch kind {
    case "none": return .null
    case "bool": return .bool((v as? NSNumber)?.boolValue ?? false)
    case "int": return .int((v as? NSNumber)?.intValue ?? 0)
    case "float": return .double((v as? NSNumber)?.doubleValue ?? .nan)
    case "str": return .string(v as? String ?? "")
    default: return .tuple((v as? [Any] ?? []).map(typedValue))
    }
}

/// Whether one of our config values says what Keras's JSON config says.
func matchesKeras(_ v: Value, _ j: Any) -> Bool {
    switch v {
    case .null: return j is NSNull
    case .bool(let b): return !(j is NSNull) && (j as? NSNumber)?.boolValue == b
    case .int(let i): return (j as? NSNumber)?.doubleValue == Double(i)
    case .double(let x): return (j as? NSNumber)?.doubleValue == x
    case .string(let s): return j as? String == s
    case .tuple(let items), .list(let items):
        guard let a = j as? [Any], a.count == items.count else { return false }
        return zip(items, a).allSatisfy { matchesKeras($0, $1) }
    case .object(let o):
        guard let d = j as? [String: Any], d["class_name"] as? String == o.className,
              let c = d["config"] as? [String: Any], c.count == o.config.count else { return false }
        return o.config.allSatisfy { k in c[k.key].map { matchesKeras(k.value, $0) } ?? false }
    case .dict(let items):
        guard let d = j as? [String: Any], d.count == items.count else { return false }
        return items.allSatisfy { k in d[k.key].map { matchesKeras(k.value, $0) } ?? false }
    case .call: return false
    }
}

struct KerasCoreCase: Sendable, CustomStringConvertible {
    let index: Int
    let className: String
    let args: Arguments
    let input: [Int]
    let output: [Int?]
    let params: Int
    let weights: [String]
    let configKeys: [String]
    var description: String { "\(index) \(className)(\(args.python)) on \(Tensor.describe(input))" }

    /// The config Keras wrote, by key.
    let kerasConfig: [String: SendableJSON]

    static let file = FixtureCases("keras/core/cases.json") { c in
        func f<T>(_ k: String) throws -> T { try FixtureCases<KerasCoreCase>.field(c, k) }
        let args: [Any] = try f("args"), kwargs: [String: Any] = try f("kwargs"), weights: [[Any]] = try f("weights")
        let keywords = kwargs.keys.sorted().compactMap { k in kwargs[k].map { Keyword(k, typedValue($0)) } }
        let config: [String: Any] = try f("config")
        return KerasCoreCase(index: try f("index"), className: try f("class_name"), args: Arguments(args.map(typedValue), keywords),
                             input: try f("input_shape"), output: kerasShape(try f("output_shape")), params: try f("params"),
                             weights: try weights.map { try ($0.first as? String).orThrow("a weight without a name") },
                             configKeys: try f("config_keys"), kerasConfig: config.mapValues { SendableJSON($0) })
    }
    static let all = file.cases
}

/// A JSON value read once, kept with its case.
struct SendableJSON: @unchecked Sendable { let value: Any; init(_ v: Any) { value = v } }

/// Builds a layer and its weights for an input shape, as the model does.
func built(_ type: String, _ args: Arguments, input: [Int]) throws -> any Layer {
    var layer = try buildLayer(type, args)
    let specs = try layer.weightSpecs(for: [Shape(batchOf: input)])
    layer.weights = try specs.map { try $0.initializer.sample($0.shape) }
    return layer
}

@Suite struct CoreLayerKerasTests {
    @Test func fixturesArePresent() {
        let classes = Set(KerasCoreCase.all.map(\.className))
        #expect(classes == ["Activation", "Dropout", "Flatten", "Reshape", "Permute", "RepeatVector", "Embedding"])
        KerasCoreCase.file.expectComplete()
    }

    @Test(arguments: KerasCoreCase.all)
    func shapesParamsWeightsAndConfigMatchKeras(_ c: KerasCoreCase) throws {
        let layer = try expectMatchesKeras(buildLayer(c.className, c.args), inputs: [c.input], output: c.output, params: c.params,
                                           weights: c.weights, configKeys: c.configKeys)
        let keras = c.kerasConfig
        for entry in layer.config {
            #expect(keras[entry.key].map { matchesKeras(entry.value, $0.value) } == true, "\(entry.key): \(entry.value.python)")
        }
        #expect(snakeCase(layer.className) == snakeCase(c.className))
    }

    @Test(arguments: KerasCoreCase.all)
    func inferenceOutputsMatchKeras(_ c: KerasCoreCase) throws {
        var layer = try built(c.className, c.args, input: c.input)
        if !c.weights.isEmpty {
            layer.weights = try c.weights.map { try loadFixture("keras/core/\(c.index)/\($0).npy") }
        }
        let x = try loadFixture("keras/core/\(c.index)/input.npy")
        let expected = try loadFixture("keras/core/\(c.index)/output.npy")
        let y = try layer.call([x], training: false)
        let check = closeness(y, expected)
        #expect(check.ok, "\(check.worst)")
        // And its backward pass, at Keras's upstream gradient.
        try expectKerasGradients(layer, inputs: [x], folder: "keras/core/\(c.index)")
    }
}

@Suite struct CoreLayerTests {
    func tensor(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, scalars: (0..<(shape.reduce(1, *))).map(Float.init))
    }

    @Test func shortFormsAndAliases() throws {
        let reshape = try #require(try buildLayer("reshape", Arguments([.int(4), .int(8)])) as? Reshape)
        #expect(reshape.targetShape == [4, 8])
        let reshape2 = try #require(try buildLayer("Reshape", Arguments([.tuple([.int(-1), .int(8)])])) as? Reshape)
        #expect(reshape2.targetShape == [-1, 8])
        let permute = try #require(try buildLayer("permute", Arguments([.int(2), .int(1)])) as? Permute)
        #expect(permute.dims == [2, 1])
        for name in ["repeatvector", "repeat_vector", "RepeatVector"] {
            #expect(try buildLayer(name, Arguments([.int(3)])) is RepeatVector)
        }
        let embedding = try #require(try buildLayer("embedding", Arguments([.int(10), .int(4), .string("he_normal")])) as? Embedding)
        #expect(embedding.embeddings.initializer.object.className == "HeNormal")
        let activation = try #require(try buildLayer("activation", Arguments([.string("swish")])) as? ActivationLayer)
        #expect(activation.config == [Keyword("activation", .string("silu"))])
    }

    @Test func permuteMovesValuesAsTransposeDoes() throws {
        let layer = try buildLayer("permute", Arguments([.int(2), .int(1)]))
        let y = try layer.call([tensor([1, 2, 3])], training: false)
        #expect(y.shape == [1, 3, 2])
        #expect(y.scalars == [0, 3, 1, 4, 2, 5])
    }

    @Test func flattenChannelsFirstMovesChannelsLast() throws {
        let layer = try buildLayer("flatten", Arguments([], [Keyword("data_format", .string("channels_first"))]))
        // (1, 2 channels, 3 positions): channels last gives [c0p0, c1p0, c0p1, c1p1, …].
        let y = try layer.call([tensor([1, 2, 3])], training: false)
        #expect(y.shape == [1, 6])
        #expect(y.scalars == [0, 3, 1, 4, 2, 5])
        #expect(try layer.outputShape(for: [Shape([nil, nil, 3])]) == Shape([nil, nil]))
    }

    @Test func repeatVectorRepeatsEachSample() throws {
        let layer = try buildLayer("repeatvector", Arguments([.int(2)]))
        let y = try layer.call([tensor([2, 3])], training: false)
        #expect(y.shape == [2, 2, 3])
        #expect(y.scalars == [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
    }

    @Test func reshapeInfersMinusOne() throws {
        let layer = try buildLayer("reshape", Arguments([.tuple([.int(-1), .int(2)])]))
        #expect(try layer.outputShape(for: [Shape(batchOf: [2, 3, 4])]) == Shape([nil, 12, 2]))
        let y = try layer.call([tensor([2, 6])], training: false)
        #expect(y.shape == [2, 3, 2])
        #expect(y.scalars == (0..<12).map(Float.init))
    }

    @Test func embeddingPicksRowsAndNamesABadId() throws {
        var layer = try built("embedding", Arguments([.int(3), .int(2)]), input: [2])
        layer.weights = [try Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])]
        let y = try layer.call([Tensor(shape: [2, 2], scalars: [2, 0, 1, 1.7])], training: false)
        #expect(y.shape == [2, 2, 2])
        #expect(y.scalars == [20, 21, 0, 1, 10, 11, 10, 11])  // 1.7 truncates to 1, as a cast to int32 does
        layer.name = "embedding"
        #expect(throws: LabError("embedding: index 3 at position (1, 0) is out of range: valid ids are 0 to 2",
                                 suggestion: "ids must be whole numbers from 0 to input_dim − 1 = 2")) {
            try layer.call([Tensor(shape: [2, 2], scalars: [0, 1, 3, 0])], training: false)
        }
        #expect(throws: LabError.self) { try layer.call([Tensor(shape: [1, 1], scalars: [-1])], training: false) }
    }

    @Test func dropoutIsTheIdentityAtInference() throws {
        let layer = try buildLayer("dropout", Arguments([.double(0.5)]))
        let x = try tensor([4, 5])
        #expect(try layer.call([x], training: false) == x)
    }

    @Test func dropoutInTrainingKeepsAboutOneMinusRateScaled() throws {
        let layer = try #require(try buildLayer("dropout", Arguments([.double(0.25)])) as? Dropout)
        let x = try Tensor(zeros: [100, 100], value: 2)
        var random = RandomGenerator(seed: 5)
        let y = try layer.call([x], training: true, random: &random)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(Set(kept) == [Float(2 / 0.75)])
        let fraction = Double(kept.count) / 10_000
        #expect(abs(fraction - 0.75) < 0.02, "kept \(fraction)")
        // The same stream gives the same mask; another stream another one.
        var again = RandomGenerator(seed: 5), other = RandomGenerator(seed: 6)
        #expect(try layer.call([x], training: true, random: &again) == y)
        #expect(try layer.call([x], training: true, random: &other) != y)
    }

    @Test func dropoutNoiseShapeSharesTheMaskAlongAxesOfSizeOne() throws {
        let layer = try #require(try buildLayer("dropout", Arguments([.double(0.5)], [
            Keyword("noise_shape", .tuple([.null, .int(1), .int(6)]))])) as? Dropout)
        var random = RandomGenerator(seed: 1)
        let y = try layer.call([try Tensor(zeros: [3, 4, 6], value: 1)], training: true, random: &random)
        for b in 0..<3 {
            let rows = (0..<4).map { r in Array(y.scalars[(b * 24 + r * 6)..<(b * 24 + r * 6 + 6)]) }
            #expect(rows.allSatisfy { $0 == rows[0] }, "sample \(b): \(rows)")
        }
        #expect(Set(y.scalars).isSubset(of: [0, 2]))
    }

    @Test func dropoutWithSeedGivesTheSameMaskEveryTime() throws {
        let layer = try #require(try buildLayer("dropout", Arguments([.double(0.5)], [Keyword("seed", .int(7))])) as? Dropout)
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 2)
        let x = try Tensor(zeros: [4, 8], value: 1)
        #expect(try layer.call([x], training: true, random: &a) == layer.call([x], training: true, random: &b))
        let all = try buildLayer("dropout", Arguments([.int(1)]))
        #expect(try all.call([x], training: true).scalars.allSatisfy { $0 == 0 })
    }

    @Test func badArgumentsAreClearErrors() {
        func message(_ type: String, _ args: Arguments, input: [Int]? = nil) -> String {
            do {
                var layer = try buildLayer(type, args)
                layer.name = snakeCase(layer.className)
                if let input { _ = try layer.outputShape(for: [Shape(batchOf: input)]) }
                return ""
            } catch { return "\(error)" }
        }
        #expect(message("dropout", Arguments([.double(1.5)])) == "Dropout: rate must be between 0 and 1 (the fraction of values dropped), got 1.5")
        #expect(message("dropout", Arguments([.double(-0.1)])).contains("between 0 and 1"))
        #expect(message("dropout", Arguments([.double(0.5)], [Keyword("noise_shape", .tuple([.null, .int(2)]))]), input: [3])
                == "dropout: noise_shape (None, 2) does not fit the input (None, 3): each size must be None, 1 or the input's size")
        #expect(message("reshape", Arguments([.int(5), .int(8)]), input: [4, 8])
                == "reshape: target_shape (5, 8) holds 40 values but each input sample holds 32")
        #expect(message("reshape", Arguments([.int(-1), .int(5)]), input: [4, 8])
                == "reshape: cannot infer the -1 in target_shape (-1, 5): the input's 32 values per sample are not a multiple of 5")
        #expect(message("reshape", Arguments([.int(-1), .int(-1)])).contains("more than one -1"))
        #expect(message("reshape", Arguments([.int(0), .int(2)])).contains("positive or -1"))
        #expect(message("permute", Arguments([.int(0), .int(1)])).hasPrefix("Permute: dims (0, 1) must be a permutation of 1…2"))
        #expect(message("permute", Arguments([.int(1), .int(1)])).contains("permutation"))
        #expect(message("permute", Arguments([.int(2), .int(1)]), input: [2, 3, 4])
                == "permute: dims (2, 1) reorders 2 axes, but the input (None, 2, 3, 4) has 3 after the batch axis")
        #expect(message("repeatvector", Arguments([.int(3)]), input: [4, 8])
                == "repeat_vector: RepeatVector needs a 2-D input (batch, features), got (None, 4, 8) with 3 axes — add a flatten layer before it")
        #expect(message("repeatvector", Arguments([.int(0)])).contains("positive"))
        #expect(message("embedding", Arguments([.int(0), .int(4)])).contains("input_dim must be a positive whole number"))
        #expect(message("embedding", Arguments([.int(10), .int(4)], [Keyword("output_dm", .int(3))]))
                == "Embedding() got an unexpected keyword argument 'output_dm' — did you mean 'output_dim'?")
        #expect(message("flatten", Arguments([.string("channels_middle")])).contains("'channels_last' or 'channels_first'"))
        #expect(message("activation", Arguments([.string("rleu")])) == "unknown activation 'rleu' — did you mean 'relu'?")
        #expect(message("dropout", Arguments([.double(0.5)], [Keyword("dtype", .string("float16"))])).contains("float32"))
    }

    @Test func everyLayerAcceptsTheCommonArguments() throws {
        let common = [Keyword("name", .string("mine")), Keyword("trainable", .bool(false)), Keyword("dtype", .string("float32"))]
        let cases: [(String, [Value])] = [("activation", [.string("relu")]), ("dropout", [.double(0.5)]), ("flatten", []),
                                          ("reshape", [.int(4)]), ("permute", [.int(1)]), ("repeatvector", [.int(2)]),
                                          ("embedding", [.int(3), .int(2)]), ("lambda", [.string("x")])]
        for (type, args) in cases {
            let layer = try buildLayer(type, Arguments(args, common))
            #expect(layer.name == "mine" && !layer.trainable, "\(type)")
        }
    }

    @Test func explanationsPutTheNumbersIn() throws {
        var reshape = try buildLayer("reshape", Arguments([.int(-1), .int(8)]))
        reshape.name = "reshape"
        #expect(reshape.explanation(for: [Shape(batchOf: [4, 8])]).contains("the -1 in target_shape (-1, 8) = 32 / 8 = 4"))
        let embedding = try buildLayer("embedding", Arguments([.int(100), .int(8)]))
        #expect(embedding.explanation(for: [Shape(batchOf: [10])]).contains("params = input_dim · output_dim = 100 · 8 = 800"))
        let flatten = try buildLayer("flatten", Arguments())
        #expect(flatten.explanation(for: [Shape(batchOf: [4, 8])]).first?.contains("4 · 8 = 32: (None, 4, 8) → (None, 32)") == true)
        var permute = try buildLayer("permute", Arguments([.int(2), .int(1)]))
        permute.name = "permute"
        let moves = permute.explanation(for: [Shape(batchOf: [4, 8])])
        #expect(moves.contains("output axis 1 = input axis 2 (size 8)") && moves.contains("output shape: (None, 4, 8) → (None, 8, 4)"))
        var repeats = try buildLayer("repeatvector", Arguments([.int(3)]))
        repeats.name = "repeat_vector"
        #expect(repeats.explanation(for: [Shape(batchOf: [32])]).contains("output shape: (batch, n, features): (None, 32) → (None, 3, 32)"))
        let softmax = try buildLayer("activation", Arguments([.string("softmax")]))
        #expect(softmax.explanation(for: [Shape(batchOf: [5])]).first == "output = softmax(x), applied along the last axis (each row of 5 values)")
        let dropout = try buildLayer("dropout", Arguments([.double(0.25)]))
        #expect(dropout.explanation(for: [Shape(batchOf: [3])]).contains { $0.contains("1 − rate = 0.75") && $0.contains("1/(1 − rate) = 1.333") })
    }
}

@Suite struct HugeShapeTests {
    /// Sizes whose products overflow an Int are errors, never traps.
    @Test func overflowingProductsAreErrors() throws {
        var flatten = try buildLayer("flatten", Arguments())
        flatten.name = "flatten"
        let huge = Shape([nil, 3_037_000_499, 3_037_000_499, 3_037_000_499])
        #expect(throws: LabError.self) { try flatten.outputShape(for: [huge]) }
        var reshape = try buildLayer("reshape", Arguments([.int(99_999_999_999), .int(99_999_999_999)]))
        reshape.name = "reshape"
        #expect(throws: LabError.self) { try reshape.outputShape(for: [Shape(batchOf: [4])]) }
        let slice = try buildLayer("lambda", Arguments([.string("x[:, 1]")]))
        #expect(try slice.outputShape(for: [huge]) == Shape([nil, 3_037_000_499, 3_037_000_499]))
    }
}
