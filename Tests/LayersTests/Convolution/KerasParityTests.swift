import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Every convolution and pooling case the fixture generator ran in Keras 3: output
/// shape, weight names and shapes, parameter count, auto-name, config keys and values,
/// and (for most) the forward output on Keras's own weights.
struct KerasCase: Sendable, CustomTestStringConvertible {
    let className: String
    let tokens: [String]
    let inputShape: [Int]
    let outputShape: [Int?]
    let params: Int
    let weights: [(name: String, shape: [Int])]
    let configKeys: [String]
    let config: [(key: String, python: String)]
    let name: String
    let folder: String?

    var command: String { className + " " + tokens.joined(separator: " ") }
    var testDescription: String { "\(command) on \(inputShape)" }

    /// The Python text of a JSON config value, as `Value.python` writes it.
    static func python(_ key: String, _ v: Any) -> String {
        if v is NSNull { return "None" }
        if ["use_bias", "keepdims"].contains(key), let b = v as? Bool { return b ? "True" : "False" }
        if let s = v as? String { return "'\(s)'" }
        if let a = v as? [Any] {
            let items = a.map { python(key, $0) }
            return items.count == 1 ? "(\(items[0]),)" : "(" + items.joined(separator: ", ") + ")"
        }
        if let i = v as? Int { return String(i) }
        return "\(v)"
    }

    init(_ c: [String: Any]) throws {
        func f<T>(_ k: String) throws -> T { try FixtureCases<KerasCase>.field(c, k) }
        let weights: [[String: Any]] = try f("weights"), config: [String: Any] = try f("config")
        className = try f("class")
        tokens = try f("tokens")
        inputShape = try f("input_shape")
        outputShape = kerasShape(try f("output_shape"))
        params = try f("params")
        self.weights = try weights.map { w in (try FixtureCases<KerasCase>.field(w, "name"), try FixtureCases<KerasCase>.field(w, "shape")) }
        configKeys = try f("config_keys")
        self.config = config.keys.sorted().map { ($0, Self.python($0, config[$0] ?? NSNull())) }
        name = try f("name")
        folder = c["folder"] as? String
    }

    /// The convolution and pooling cases, and those of layers added since (`layers/`).
    static let files = [FixtureCases("keras/conv/cases.json", KerasCase.init), FixtureCases("keras/layers/cases.json", KerasCase.init)]
    static let all = files.flatMap(\.cases)
    static let forward = all.filter { $0.folder != nil }
}

@Suite struct ConvolutionKerasParityTests {
    @Test func fixturesArePresent() {
        for file in KerasCase.files { file.expectComplete() }
        #expect(KerasCase.forward.count > 120)
        // Every registered convolution and pooling class appears in the fixtures.
        let classes = Set(KerasCase.all.map(\.className))
        for type in LayerType.registry.entries where type.className.contains("Conv") || type.className.contains("Pooling") {
            #expect(classes.contains(type.className), "no Keras case for \(type.className)")
        }
    }

    @Test(arguments: KerasCase.all)
    func shapesWeightsAndConfigMatchKeras(_ c: KerasCase) throws {
        let layer = try expectMatchesKeras(buildLayer(command: c.command), inputs: [c.inputShape], output: c.outputShape, params: c.params,
                                           weights: c.weights.map(\.name), weightShapes: c.weights.map(\.shape), configKeys: c.configKeys)
        #expect(snakeCase(layer.className) == c.name)
        let ours = Dictionary(uniqueKeysWithValues: layer.config.map { ($0.key, $0.value.python) })
        for (key, python) in c.config {
            #expect(ours[key] == python, "\(key): ours \(ours[key] ?? "missing"), Keras \(python)")
        }
    }

    @Test(arguments: KerasCase.forward)
    func forwardMatchesKeras(_ c: KerasCase) throws {
        let folder = try #require(c.folder)
        var layer = try buildLayer(command: c.command)
        layer.weights = try (0..<c.weights.count).map { try loadFixture("keras/\(folder)/weight\($0).npy") }
        let x = try loadFixture("keras/\(folder)/input.npy")
        let expected = try loadFixture("keras/\(folder)/output.npy")
        let y = try layer.call([x], training: false)
        let (ok, worst) = closeness(y, expected, rtol: 1e-4, atol: 1e-5)
        #expect(ok, "\(worst)")
    }

    /// Keras's VJPs (`generate.py grads_layers`) for the cases of layers added since the
    /// convolutions (`layers/cases`: Identity, ZeroPadding, Cropping, UpSampling …).
    @Test(arguments: KerasCase.forward.filter { $0.folder?.hasPrefix("layers/") == true })
    func layerGradientsMatchKeras(_ c: KerasCase) throws {
        let folder = "keras/" + (try #require(c.folder))
        var layer = try buildLayer(command: c.command)
        layer.weights = try (0..<c.weights.count).map { try loadFixture("\(folder)/weight\($0).npy") }
        try expectKerasGradients(layer, inputs: [try loadFixture("\(folder)/input.npy")], folder: folder)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let command: String, inputShape: [Int], kerasError: String
        var testDescription: String { "\(command) on \(inputShape)" }
        static let file = FixtureCases("keras/conv/errors.json") { c in
            func f<T>(_ k: String) throws -> T { try FixtureCases<ErrorCase>.field(c, k) }
            return ErrorCase(command: ([try f("class")] + (try f("tokens") as [String])).joined(separator: " "),
                             inputShape: try f("input_shape"), kerasError: try f("keras_error"))
        }
        static let all = file.cases
    }

    @Test func errorFixturesArePresent() { ErrorCase.file.expectComplete() }

    /// What Keras rejects, LayerLab rejects too: when the layer is made or when it meets its input.
    @Test(arguments: ErrorCase.all)
    func impossibleConfigurationsAreErrors(_ c: ErrorCase) {
        #expect(throws: LabError.self, "Keras: \(c.kerasError)") {
            let layer = try buildLayer(command: c.command)
            _ = try layer.outputShape(for: [Shape(batchOf: c.inputShape)])
            _ = try layer.weightSpecs(for: [Shape(batchOf: c.inputShape)])
        }
    }

    /// The worked examples of the Keras reference, run in Keras: same and causal padding,
    /// transposed cropping, pooling that ignores padded cells.
    @Test func referenceExamples() throws {
        let examples = try #require(try loadJSON("keras/conv/examples.json") as? [String: [Double]])
        func run(_ command: String, _ x: [Float], shape: [Int], kernel: [Float]? = nil) throws -> [Float] {
            var layer = try buildLayer(command: command)
            let specs = try layer.weightSpecs(for: [Shape(batchOf: shape)])
            layer.weights = try specs.map { spec in
                if spec.name == "kernel", let k = kernel { return try Tensor(shape: spec.shape, scalars: k) }
                return try Tensor(zeros: spec.shape)
            }
            return try layer.call([Tensor(shape: [1] + shape, scalars: x)], training: false).scalars
        }
        let x5: [Float] = [1, 2, 3, 4, 5]
        func expect(_ key: String, _ got: [Float]) { #expect(got.map(Double.init) == examples[key], "\(key)") }
        expect("conv1d_k2_same", try run("conv1d 1 2 padding=same", x5, shape: [5, 1], kernel: [1, 1]))
        expect("conv1d_k3_causal", try run("conv1d 1 3 padding=causal", x5, shape: [5, 1], kernel: [1, 1, 1]))
        expect("conv1d_k3_d2_causal", try run("conv1d 1 3 padding=causal dilation_rate=2", x5, shape: [5, 1], kernel: [1, 1, 1]))
        expect("conv1dtranspose_s2_valid", try run("conv1dtranspose 1 3 strides=2", [1, 2], shape: [2, 1], kernel: [1, 10, 100]))
        expect("conv1dtranspose_s2_same", try run("conv1dtranspose 1 3 strides=2 padding=same", [1, 2], shape: [2, 1], kernel: [1, 10, 100]))
        expect("avgpool1d_2_same", try run("averagepooling1d 2 padding=same", x5, shape: [5, 1]))
        expect("avgpool1d_3_s1_same", try run("avgpool1d 3 strides=1 padding=same", x5, shape: [5, 1]))
        expect("maxpool1d_3_s1_same_negative", try run("maxpool1d 3 strides=1 padding=same", x5.map { -$0 }, shape: [5, 1]))
        expect("avgpool2d_2_same_grid", try run("averagepooling2d 2 padding=same", (1...9).map(Float.init), shape: [3, 3, 1]))
    }
}
