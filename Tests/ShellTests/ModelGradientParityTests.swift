import Foundation
import Formats
import Layers
import Models
import TensorCore
import Testing
import TestSupport
@testable import Shell

/// Whole models against Keras: `generate.py grads` saved each model (.keras), a batch and
/// its targets, and jax.grad of the total loss fit differentiates (compiled loss + weight
/// penalties + activity penalties / batch) for every trainable weight and the input.
/// LayerLab opens the same file and must give the same loss and gradients.
@Suite struct ModelGradientParityTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var loss: String
        var weights: [String]
        var lossValue: Double
        var compiledLoss: Double
        var description: String { name }
    }

    static let folder = "keras/gradients/models"

    static let cases = FixtureCases<Case>(folders: folder) { name in
        let json = try loadJSON("\(folder)/\(name)/case.json") as? [String: Any] ?? [:]
        return Case(name: name, loss: try FixtureCases<Case>.field(json, "loss"), weights: try FixtureCases<Case>.field(json, "weights"),
                    lossValue: try FixtureCases<Case>.field(json, "loss_value"),
                    compiledLoss: try FixtureCases<Case>.field(json, "compiled_loss"))
    }

    @Test func everyModelIsRead() {
        Self.cases.expectComplete()
        #expect(Self.cases.cases.count >= 8)
    }

    /// The arrays `prefix.npy` or `prefix0.npy`, `prefix1.npy` … in a case folder.
    static func arrays(_ name: String, _ prefix: String) throws -> [Tensor] {
        let base = "\(folder)/\(name)/"
        if FileManager.default.fileExists(atPath: fixture(base + prefix + ".npy").path) { return [try loadFixture(base + prefix + ".npy")] }
        var result: [Tensor] = []
        while FileManager.default.fileExists(atPath: fixture(base + prefix + "\(result.count).npy").path) {
            result.append(try loadFixture(base + prefix + "\(result.count).npy"))
        }
        return result
    }

    @Test(arguments: cases.cases)
    func lossAndGradientsMatchKeras(_ c: Case) throws {
        let data = try Data(contentsOf: fixture("\(Self.folder)/\(c.name)/model.keras"))
        let model = try KerasArchive.decode(data, seed: 1)
        let loss = try LossType.make(try parseValue(c.loss))
        let xs = try Self.arrays(c.name, "x"), ys = try Self.arrays(c.name, "y")
        try #require(xs.count == model.inputs.count && ys.count == model.outputNames.count, "\(xs.count) inputs, \(ys.count) targets")
        let feeds = Dictionary(uniqueKeysWithValues: zip(model.inputs.map(\.name), xs))
        let targets = Dictionary(uniqueKeysWithValues: zip(model.outputNames, ys))
        var random = RandomGenerator(seed: 1)
        let result = try model.gradients(feeds, targets: targets, loss: loss, random: &random, inputGradients: true)
        #expect(abs(result.loss - c.compiledLoss) <= 1e-5 * max(1, abs(c.compiledLoss)), "compiled loss \(result.loss) vs Keras \(c.compiledLoss)")
        #expect(abs(result.total - c.lossValue) <= 1e-5 * max(1, abs(c.lossValue)), "total \(result.total) vs Keras \(c.lossValue)")
        #expect(result.weights.map(\.path).sorted() == c.weights.sorted(), "trainable weights")
        for (i, path) in c.weights.enumerated() {
            guard let ours = result.weights.first(where: { $0.path == path }) else { continue }
            let keras = try loadFixture("\(Self.folder)/\(c.name)/grad\(i).npy")
            expectClose(ours.gradient, keras, "\(c.name): \(path)")
        }
        if let input = model.inputs.first, input.dtype == .float32,
           FileManager.default.fileExists(atPath: fixture("\(Self.folder)/\(c.name)/grad_input.npy").path) {
            let keras = try loadFixture("\(Self.folder)/\(c.name)/grad_input.npy")
            expectClose(try #require(result.inputs[input.name]), keras, "\(c.name): ∂loss/∂input")
        }
    }

    /// Within 1e-4 of the largest reference value (relative to the array's scale).
    func expectClose(_ ours: Tensor, _ keras: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.shape == keras.shape, "\(what): shape \(ours.shape) vs \(keras.shape)", sourceLocation: sourceLocation)
        guard ours.shape == keras.shape else { return }
        let scale = keras.scalars.map { abs($0) }.max() ?? 0
        let worst = zip(ours.scalars, keras.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4 * max(scale, 1e-6), "\(what): worst difference \(worst) at scale \(scale)", sourceLocation: sourceLocation)
    }
}
