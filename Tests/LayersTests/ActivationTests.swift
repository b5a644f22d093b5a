import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

@Suite struct ActivationTests {
    static let names: [String] = (try? loadJSON("keras/activations/names.json") as? [String]) ?? []

    @Test func fixturesCoverTheChapter() {
        let chapter = ["linear", "elu", "selu", "relu", "softmax", "softplus", "softsign", "tanh", "sigmoid", "hard_sigmoid", "exponential"]
        #expect(Set(chapter).isSubset(of: Set(Self.names)))
    }

    @Test(arguments: names)
    func matchesKeras(_ name: String) throws {
        let x = try loadFixture("keras/activations/x.npy")
        let expected = try loadFixture("keras/activations/\(name).npy")
        let y = try Activation.registry.get(name)(x)
        let (ok, worst) = closeness(y, expected, rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(name): \(worst)")
    }

    /// Values from the Keras reference table (hard_sigmoid is Keras 3's x/6 + 1/2).
    @Test func referenceValues() throws {
        let x = try Tensor(shape: [4], scalars: [-1, 0, 0.5, 2])
        func values(_ name: String) throws -> [Float] { try Activation.registry.get(name)(x).scalars }
        let hs = try values("hard_sigmoid")
        #expect(abs(hs[0] - 0.3333333) < 1e-6 && abs(hs[3] - 0.8333334) < 1e-6)
        let selu = try values("selu")
        #expect(abs(selu[0] - -1.111331) < 1e-5 && abs(selu[3] - 2.101402) < 1e-5)
        let softmax = try Activation.registry.get("softmax")(Tensor(shape: [6], scalars: [-3, -1, 0, 0.5, 2, 7]))
        #expect(abs(softmax.scalars[5] - 0.9905559) < 1e-6)
        #expect(abs(softmax.scalars.reduce(0, +) - 1) < 1e-6)
    }

    @Test func softmaxActsOnTheLastAxis() throws {
        let y = try Activation.registry.get("softmax")(Tensor(shape: [2, 2], scalars: [1, 2, 3, 5]))
        #expect(abs(y.scalars[0] + y.scalars[1] - 1) < 1e-6)
        #expect(abs(y.scalars[2] + y.scalars[3] - 1) < 1e-6)
        #expect(abs(y.scalars[3] - 0.8807971) < 1e-6)
    }

    @Test func spellings() throws {
        #expect(try Activation.registry.get("swish").name == "silu")
        #expect(try Activation.make(.null).name == "linear")
        #expect(try Activation.registry.get("ReLU").name == "relu")
        #expect(throws: LabError.self) { try Activation.registry.get("rleu") }
    }
}

@Suite struct NamingTests {
    @Test(arguments: [("Dense", "dense"), ("Conv2D", "conv2d"), ("Conv2DTranspose", "conv2d_transpose"),
                      ("LeakyReLU", "leaky_re_lu"), ("ReLU", "re_lu"), ("PReLU", "p_re_lu"),
                      ("GlobalAveragePooling2D", "global_average_pooling2d"), ("MaxPooling2D", "max_pooling2d"),
                      ("RepeatVector", "repeat_vector"), ("BatchNormalization", "batch_normalization"),
                      ("HeUniform", "he_uniform"), ("InputLayer", "input_layer"), ("L1L2", "l1l2")])
    func snakeCaseLikeKeras(_ pair: (String, String)) {
        #expect(snakeCase(pair.0) == pair.1)
    }
}
