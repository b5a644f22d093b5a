import Foundation
import Layers
import TensorCore
import Testing
import TestSupport

/// Every layer's backward pass against Keras's (jax.vjp of the layer at the same upstream
/// gradient), through the one harness `expectKerasGradients`: the forward fixtures' cases
/// and the cases `generate.py grads` adds (Dense with every activation, ties in pooling and
/// Maximum, Dot with normalize, repeated Embedding ids …).
@Suite struct KerasGradientTests {
    static let layerCases = KerasGradientCase.cases(in: "keras/gradients/layers")
    static let poolTies = KerasGradientCase.cases(in: "keras/gradients/pool_ties")

    @Test func everyCaseIsRead() {
        Self.layerCases.expectComplete()
        Self.poolTies.expectComplete()
    }

    @Test(arguments: layerCases.cases)
    func layerGradientsMatchKeras(_ c: KerasGradientCase) throws {
        try expectKerasGradients(try c.layer(), inputs: try c.inputs(), folder: c.folder)
    }

    @Test(arguments: poolTies.cases)
    func poolingTiesGoWhereKerasSendsThem(_ c: KerasGradientCase) throws {
        try expectKerasGradients(try c.layer(), inputs: try c.inputs(), folder: c.folder)
    }

    static let activationNames: [String] = (try? loadJSON("keras/activations/names.json") as? [String]) ?? []

    /// On a grid that holds the kinks (0, ±3, 6): the side JAX takes there is pinned too.
    @Test(arguments: activationNames)
    func activationDerivativesMatchJAX(_ name: String) throws {
        let activation = try Activation.registry.get(name)
        // glu's output is half as wide: its dy is the first half of each row.
        let x = try loadFixture("keras/activations/x.npy")
        let dy = try loadFixture("keras/activations/\(name == "glu" ? "glu." : "")grad_output.npy")
        let ours = activation.gradient(dy, pre: x, output: activation(x))
        expectClose(ours, try loadFixture("keras/activations/\(name).grad_input.npy"), "\(name)′")
    }

    @Test func everyActivationIsCovered() {
        #expect(Self.activationNames.count == 29)
        // threshold needs arguments: as a name Keras fails when it is called, and so does LayerLab when it is made.
        #expect(Set(Self.activationNames).isSuperset(of: Activation.registry.entries.filter { $0.refusal == nil }.map(\.className)))
    }
}
