import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// ReLU, LeakyReLU, PReLU, ELU and Softmax beyond the Keras parity cases (layers/cases.json):
/// Keras's errors, the corners of the gradient, and the activation names that cannot be used.
@Suite struct ActivationLayerTests {
    static let classes: Set<String> = ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Activation"]
    static let kerasCases = KerasCase.forward.filter { classes.contains($0.className) }

    @Test func everyClassHasKerasCases() {
        #expect(Set(Self.kerasCases.map(\.className)) == Self.classes)
        #expect(Self.kerasCases.count >= 25)
    }

    /// Keras's VJP (`generate.py layer_grads`) for each layers/cases.json case of these classes:
    /// ∂L/∂x and PReLU's ∂L/∂alpha.
    @Test(arguments: kerasCases)
    func gradientsMatchKeras(_ c: KerasCase) throws {
        let folder = "keras/" + (try #require(c.folder))
        var layer = try buildLayer(command: c.command)
        layer.weights = try (0..<c.weights.count).map { try loadFixture("\(folder)/weight\($0).npy") }
        try expectKerasGradients(layer, inputs: [try loadFixture("\(folder)/input.npy")], folder: folder)
    }

    /// What a layer does with its input shape (−1: unknown size): made, shape inferred, weights specified.
    func made(_ command: String, _ shape: [Int]) throws {
        let layer = try buildLayer(command: command)
        let input = Shape([nil] + shape.map { $0 < 0 ? nil : $0 })
        _ = try layer.outputShape(for: [input])
        _ = try layer.weightSpecs(for: [input])
    }

    @Test(arguments: [
        ("relu max_value=-1", [4]),                 // max_value of a ReLU layer cannot be a negative value
        ("relu negative_slope=-0.1", [4]),          // negative_slope … cannot be None or a negative value
        ("relu negative_slope=None", [4]),
        ("relu threshold=-1", [4]),                 // threshold … cannot be None or a negative value
        ("relu threshold=None", [4]),
        ("leakyrelu -0.2", [4]),                    // The negative_slope value of a Leaky ReLU layer cannot be … negative
        ("leakyrelu negative_slope=None", [4]),
        ("prelu shared_axes=3", [4, 2]),            // Keras: IndexError (no axis 3 after the batch)
        ("prelu shared_axes=0", [4, 2]),            // Keras would silently share the last axis
        ("prelu", [-1, 3]),                         // an axis of unknown size needs sharing
        ("softmax axis=2", [4]),                    // JAX: axis 2 is out of bounds for array of dimension 2
        ("softmax axis=(1, 1)", [4, 3]),            // an axis named twice
        ("softmax axis='last'", [4]),
        ("activation glu", [5]),                    // JAX: axis size must be divisible by 2
        ("dense 4 glu", [3]),                       // glu halves the last axis: only in its own layer
        ("conv1d 4 3 activation=glu", [8, 2]),
        ("dense 4 activation=threshold", [3]),      // threshold() missing 2 required positional arguments
        ("activation threshold", [3]),
    ])
    func kerasErrors(_ c: (String, [Int])) {
        #expect(throws: LabError.self, "\(c.0) on \(c.1)") { try made(c.0, c.1) }
    }

    @Test func kerasMessages() {
        #expect(throws: LabError("max_value of a ReLU layer cannot be a negative value. Received: max_value=-1")) {
            try buildLayer(command: "relu max_value=-1")
        }
        #expect(throws: LabError("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. "
                                 + "Received: negative_slope=None")) { try buildLayer(command: "leakyrelu negative_slope=None") }
    }

    /// jax.grad at the corners of ReLU.static_call.
    @Test func reluCorners() throws {
        func slopes(_ command: String, _ xs: [Float]) throws -> [Float] {
            let layer = try #require(try buildLayer(command: command) as? ReLU)
            return xs.map(layer.derivative)
        }
        #expect(try slopes("relu", [0, 1, -1]) == [0, 1, 0])
        #expect(try slopes("relu max_value=6", [0, 6, 3]) == [0, 0, 1])           // relu6's custom JVP
        #expect(try slopes("relu max_value=5", [5, 0, 2]) == [0.5, 0, 1])         // jnp.clip: a tie takes half
        #expect(try slopes("relu negative_slope=0.25", [0, -1]) == [1, 0.25])    // jax.nn.leaky_relu
        #expect(try slopes("relu threshold=1 negative_slope=0.5", [1, 2, 0]) == [0, 1, 0.5])
        #expect(try slopes("relu max_value=0", [0, 1, -1]) == [0, 0, 0])
        let elu = try #require(try buildLayer(command: "elu alpha=0.5") as? any DifferentiableLayer)
        var random = RandomGenerator(seed: 1)
        let (_, pullback) = try elu.differentiableCall([try Tensor(shape: [1, 2], scalars: [0, -1])], training: false, random: &random)
        let dx = try #require(try pullback(try Tensor(zeros: [1, 2], value: 1)).inputs.first ?? nil)
        #expect(abs(dx.scalars[0] - 0.5) < 1e-7 && abs(dx.scalars[1] - 0.18393972) < 1e-7)   // jax.grad: alpha at 0
    }

    @Test func preluAlphaGradient() throws {
        var layer = try buildLayer(command: "prelu shared_axes=1") as! PReLU
        layer.weights = [try Tensor(shape: [1, 2], scalars: [0.5, 2])]
        let x = try Tensor(shape: [1, 2, 2], scalars: [-1, 3, -2, 0])
        var random = RandomGenerator(seed: 1)
        let (y, pullback) = try layer.differentiableCall(x, training: false, random: &random)
        #expect(y.scalars == [-0.5, 3, -1, 0])
        let (dx, dw) = try pullback(try Tensor(zeros: [1, 2, 2], value: 1))
        #expect(dx?.scalars == [0.5, 1, 0.5, 0])
        #expect(dw.first?.scalars == [-3, 0])
    }

    @Test func gluHalvesTheLastAxis() throws {
        let layer = try buildLayer(command: "activation glu")
        #expect(try layer.outputShape(for: [Shape(batchOf: [3, 4])]) == Shape(batchOf: [3, 2]))
        let y = try layer.call([Tensor(shape: [1, 2], scalars: [2, 0])], training: false)
        #expect(y.shape == [1, 1] && y.scalars == [1])
    }
}
