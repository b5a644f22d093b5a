import Testing
@testable import Layers
@testable import TensorCore

/// Dense runs one gemm, then bias and activation in one pass per row: the same values
/// as matmul, addBias and the activation applied separately.
@Suite struct DenseFusedTests {
    @Test(arguments: ["linear", "relu", "softmax", "tanh", "sigmoid", "log_softmax", "gelu"])
    func fusedEpilogueMatchesSeparatePasses(_ name: String) throws {
        var rng = RandomGenerator(seed: 3)
        for (shape, bias) in [([5, 7], true), ([2, 3, 7], true), ([4, 7], false), ([1, 7], true)] {
            var x = try Tensor(zeros: shape); rng.fillNormal(&x.scalars)
            var k = try Tensor(zeros: [7, 6]); rng.fillNormal(&k.scalars)
            var b = try Tensor(zeros: [6]); rng.fillNormal(&b.scalars)
            let activation = try Activation.registry.get(name)
            let built = try buildLayer("dense", Arguments([.int(6)], [Keyword("activation", .string(name)), Keyword("use_bias", .bool(bias))]))
            var layer = try #require(built as? Dense)
            layer.weights = bias ? [k, b] : [k]
            let y = try layer.call(x, training: false)
            var expected = try x.matmul(k)
            if bias { try expected.addBias(b) }
            activation.apply(&expected)
            #expect(y.shape == expected.shape)
            for (u, v) in zip(y.scalars, expected.scalars) { #expect(abs(u - v) <= 1e-6 * max(1, abs(v)), "\(name) \(shape)") }
        }
    }
}
