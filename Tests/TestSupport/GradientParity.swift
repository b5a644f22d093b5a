import Foundation
import Formats
import Layers
import TensorCore
import Testing

/// The one comparison of a layer's backward pass with Keras's: `generate.py grads` wrote,
/// in a case folder, the upstream gradient `grad_output.npy` and the vector-Jacobian
/// product Keras (jax.vjp of the layer's stateless_call, training=False) gives for it —
/// `grad_input.npy` (or `grad_input0.npy`, `grad_input1.npy` … for a list of inputs) and
/// `grad_weight0.npy`, `grad_weight1.npy` … in the weights' order. The layer runs its
/// `differentiableCall` on the case's inputs (its weights already set) and its pullback on
/// the same upstream gradient; every array must agree within `tolerance` of its largest value.
public func expectKerasGradients(_ layer: any Layer, inputs: [Tensor], folder: String, tolerance: Float = 1e-4,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard let differentiable = layer as? any DifferentiableLayer else {
        Issue.record("\(layer.className) has no backward pass", sourceLocation: sourceLocation)
        return
    }
    var random = RandomGenerator(seed: 1)
    let (_, pullback) = try differentiable.differentiableCall(inputs, training: false, random: &random)
    let dy = try loadFixture("\(folder)/grad_output.npy")
    let result = try pullback(dy)
    let inputFiles = inputs.count == 1 && fixtureExists("\(folder)/grad_input.npy") ? ["grad_input.npy"]
        : (0..<inputs.count).map { "grad_input\($0).npy" }
    for (i, file) in inputFiles.enumerated() where fixtureExists("\(folder)/\(file)") {
        let ours = try #require(result.inputs[i], "\(folder): no gradient for input \(i)", sourceLocation: sourceLocation)
        expectClose(ours, try loadFixture("\(folder)/\(file)"), "\(folder) \(file)", tolerance: tolerance, sourceLocation: sourceLocation)
    }
    #expect(result.weights.count == layer.weights.count, "\(folder): \(result.weights.count) weight gradients for \(layer.weights.count) weights",
            sourceLocation: sourceLocation)
    for (i, ours) in result.weights.enumerated() {
        expectClose(ours, try loadFixture("\(folder)/grad_weight\(i).npy"), "\(folder) grad_weight\(i)", tolerance: tolerance,
                    sourceLocation: sourceLocation)
    }
}

public func fixtureExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: fixture(path).path) }

/// Same shape, and every value within `tolerance` × the reference's largest magnitude.
public func expectClose(_ ours: Tensor, _ reference: Tensor, _ what: String, tolerance: Float = 1e-4,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(ours.shape == reference.shape, "\(what): shape \(ours.shape) vs \(reference.shape)", sourceLocation: sourceLocation)
    guard ours.shape == reference.shape else { return }
    let scale = max(reference.scalars.map { abs($0) }.max() ?? 0, 1e-6)
    var worst: (Float, Int) = (0, -1)
    for (i, (a, b)) in zip(ours.scalars, reference.scalars).enumerated() {
        let d = a.isNaN || b.isNaN ? (a.isNaN && b.isNaN ? 0 : .infinity) : abs(a - b)
        if d > worst.0 { worst = (d, i) }
    }
    #expect(worst.0 <= tolerance * scale,
            "\(what): element \(worst.1) is \(worst.1 >= 0 ? ours.scalars[worst.1] : 0) vs \(worst.1 >= 0 ? reference.scalars[worst.1] : 0) (scale \(scale))",
            sourceLocation: sourceLocation)
}

/// A case of `Tests/Fixtures/keras/gradients/layers` (or `pool_ties`): a layer Keras made from
/// `case.json`'s class and full config, built on `input_shapes`, with its weights and inputs.
public struct KerasGradientCase: Sendable, CustomStringConvertible {
    public var folder: String
    public var className: String
    public var entry: String
    public var inputShapes: [[Int]]
    public var description: String { "\(folder) \(className)" }

    public static func cases(in folder: String) -> FixtureCases<KerasGradientCase> {
        FixtureCases(folders: folder) { name in
            let json = try loadJSON("\(folder)/\(name)/case.json") as? [String: Any] ?? [:]
            let cls: String = try FixtureCases<KerasGradientCase>.field(json, "class")
            let config: [String: Any] = try FixtureCases<KerasGradientCase>.field(json, "config")
            let entry = try JSONSerialization.data(withJSONObject: ["class_name": cls, "config": config])
            return KerasGradientCase(folder: "\(folder)/\(name)", className: cls, entry: String(decoding: entry, as: UTF8.self),
                                     inputShapes: try FixtureCases<KerasGradientCase>.field(json, "input_shapes"))
        }
    }

    /// The layer, built for the case's input shapes, with Keras's weights.
    public func layer() throws -> any Layer {
        var seeds = SeedSource(seed: 1)
        var layer = try KerasModel.layer(try JSON.parse(entry), seeds: &seeds)
        let specs = try layer.weightSpecs(for: inputShapes.map { Shape(batchOf: Array($0.dropFirst())) })
        layer.weights = try specs.indices.map { try loadFixture("\(folder)/weight\($0).npy") }
        return layer
    }

    /// The inputs: `input.npy`, or `input0.npy`, `input1.npy` ….
    public func inputs() throws -> [Tensor] {
        if fixtureExists("\(folder)/input.npy") { return [try loadFixture("\(folder)/input.npy")] }
        return try inputShapes.indices.map { try loadFixture("\(folder)/input\($0).npy") }
    }
}
