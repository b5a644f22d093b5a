import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Models
@testable import TensorCore

/// The activation layers in Keras's file format (files/activations/, `generate.py activation_file`):
/// a file Keras wrote opens and gives Keras's output; LayerLab's own file gives it back;
/// each layer's config keys come in Keras's order (ELU's alpha before trainable).
@Suite struct ActivationFileTests {
    static let folder = "keras/files/activations"

    func output(_ model: Model) throws -> Tensor {
        let x = try loadFixture("\(Self.folder)/x.npy")
        return try #require(try model.forward([model.inputs[0].name: x]).first?.value)
    }

    @Test func kerasFileOpensAndMatchesKeras() throws {
        let model = try KerasArchive.load(contentsOf: fixture("\(Self.folder)/model.keras"), seed: 1)
        #expect(model.nodes.map(\.layer.className) == ["Dense", "ReLU", "PReLU", "ELU", "LeakyReLU", "ReLU", "Dense", "Activation",
                                                       "Softmax", "Activation"])
        let (ok, worst) = closeness(try output(model), try loadFixture("\(Self.folder)/y.npy"), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(worst)")
        // Saved by LayerLab and opened again: the same numbers.
        let again = try KerasArchive.decode(try KerasArchive.encode(model), seed: 2)
        #expect(try output(again) == output(model))
    }

    @Test func configKeysInKerasOrder() throws {
        func layerKeys(_ json: JSON) -> [[String]] {
            guard case .array(let layers)? = json["config"]?["layers"] else { return [] }
            return layers.compactMap { layer in
                guard case .object(let pairs)? = layer["config"] else { return nil }
                return pairs.map(\.0).filter { $0 != "batch_shape" && $0 != "sparse" && $0 != "ragged" }
            }
        }
        let keras = try JSON.parse(try String(contentsOf: fixture("\(Self.folder)/model.json"), encoding: .utf8))
        let model = try KerasModel.model(from: keras, seed: 1)
        let ours = layerKeys(try KerasModel.json(model)), theirs = layerKeys(keras)
        #expect(ours.count == theirs.count && !ours.isEmpty)
        for (o, k) in zip(ours, theirs) { #expect(o == k) }
    }
}
