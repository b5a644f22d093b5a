import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// BatchNormalization, LayerNormalization, GroupNormalization, UnitNormalization, Rescaling and
/// Normalization (`generate.py normalization`): shapes, weights (and which
/// are trainable), config, the forward in inference and in training mode, the state a training
/// call leaves (the moving statistics), and the backward pass in both modes — all as Keras 3.
struct NormalizationCase: Sendable, CustomTestStringConvertible {
    let className: String, tokens: [String], inputShape: [Int], outputShape: [Int?]
    let params: Int, trainableParams: Int
    let weights: [(name: String, shape: [Int], trainable: Bool)]
    let configKeys: [String]
    let folder: String

    var command: String { className + " " + tokens.joined(separator: " ") }
    var testDescription: String { "\(command) on \(inputShape)" }

    init(_ c: [String: Any]) throws {
        func f<T>(_ k: String) throws -> T { try FixtureCases<NormalizationCase>.field(c, k) }
        className = try f("class")
        tokens = try f("tokens")
        inputShape = try f("input_shape")
        outputShape = kerasShape(try f("output_shape"))
        params = try f("params")
        trainableParams = try f("trainable_params")
        let weights: [[String: Any]] = try f("weights")
        self.weights = try weights.map { w in
            func g<T>(_ k: String) throws -> T { try FixtureCases<NormalizationCase>.field(w, k) }
            return (try g("name"), try g("shape"), try g("trainable"))
        }
        configKeys = try f("config_keys")
        folder = try f("folder")
    }

    static let file = FixtureCases("keras/normalization/cases.json", NormalizationCase.init)
}

@Suite struct NormalizationTests {
    @Test func fixturesArePresent() { NormalizationCase.file.expectComplete() }

    @Test(arguments: NormalizationCase.file.cases)
    func matchesKeras(_ c: NormalizationCase) throws {
        var layer = try expectMatchesKeras(buildLayer(command: c.command), inputs: [c.inputShape], output: c.outputShape, params: c.params,
                                           weights: c.weights.map(\.name), weightShapes: c.weights.map(\.shape), configKeys: c.configKeys)
        let specs = try layer.weightSpecs(for: [Shape(batchOf: c.inputShape)])
        #expect(specs.map(\.trainable) == c.weights.map(\.trainable))
        #expect(zip(specs, c.weights).reduce(0) { $0 + ($1.0.trainable ? $1.1.shape.reduce(1, *) : 0) } == c.trainableParams)
        let base = "keras/\(c.folder)/"
        layer.weights = try (0..<c.weights.count).map { try loadFixture(base + "weight\($0).npy") }
        let x = try loadFixture(base + "input.npy")
        var random = RandomGenerator(seed: 1)
        for (mode, training) in [("inference", false), ("training", true)] {
            let y = try layer.call([x], training: training)
            expectClose(y, try loadFixture(base + "output_\(mode).npy"), "\(mode) output", tolerance: 1e-4)
            let differentiable = try #require(layer as? any DifferentiableLayer)
            let (y2, back) = try differentiable.differentiableCall([x], training: training, random: &random)
            #expect(y2 == y)
            let grads = try back(try loadFixture(base + "grad_output_\(mode).npy"))
            expectClose(try #require(grads.inputs[0]), try loadFixture(base + "grad_input_\(mode).npy"), "\(mode) ∂x", tolerance: 1e-4)
            let trainable = zip(specs, grads.weights).filter { $0.0.trainable }.map(\.1)
            for (i, g) in trainable.enumerated() {
                expectClose(g, try loadFixture(base + "grad_weight\(i)_\(mode).npy"), "\(mode) ∂\(specs.filter(\.trainable)[i].name)", tolerance: 1e-4)
            }
        }
        let state = try (layer as? any StatefulLayer)?.updatedState(for: [x]) ?? layer.weights
        // Normalization's non-trainable weights (mean, variance, count) are set by adapt, not by training.
        #expect((layer is any StatefulLayer) == (c.className != "Normalization" && c.weights.contains { !$0.trainable }))
        for (i, w) in state.enumerated() {
            expectClose(w, try loadFixture(base + "state\(i).npy"), "\(c.weights[i].name) after a training call", tolerance: 1e-5)
        }
    }

    @Test func mistakesAreOneLine() {
        #expect(throws: LabError.self) { try buildLayer(command: "BatchNormalization renorm=True") }
        #expect(throws: LabError.self) { try buildLayer(command: "BatchNormalization epsilon=0") }
        #expect(throws: LabError.self) {
            _ = try buildLayer(command: "BatchNormalization axis=0").outputShape(for: [Shape(batchOf: [3])])
        }
        #expect(throws: LabError.self) {
            _ = try buildLayer(command: "BatchNormalization axis=3").outputShape(for: [Shape(batchOf: [3, 4])])
        }
    }
}
