import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Keras's gradients (JAX's VJP at training=False, written by `generate.py grads`) for
/// every convolution and pooling case with a forward fixture (`keras/conv/cases/NNN/`),
/// through the one harness `expectKerasGradients`; the pooling cases with ties
/// (`keras/gradients/pool_ties/`) run in KerasGradientTests, and here through the Swift
/// scan that max pooling falls back on when NaN or −∞ are present.
struct ConvGradientCase: Sendable, CustomTestStringConvertible {
    let kerasCase: KerasCase
    var testDescription: String { kerasCase.testDescription }

    /// The classes whose backward pass lives in Convolution/, Pooling/ and LocallyConnected/.
    static let classes = Set((Convolution.types + Pooling.types + GlobalPooling.types + LocallyConnected.types).map(\.className))

    /// The forward cases of those classes (each folder holds the gradient files beside them).
    static let all = KerasCase.forward.filter { classes.contains($0.className) }.map(ConvGradientCase.init)
}

@Suite struct ConvolutionGradientKerasParityTests {
    static let poolTies = KerasGradientCase.cases(in: "keras/gradients/pool_ties")

    @Test func everyClassHasACase() {
        #expect(ConvGradientCase.all.count == 149)
        let covered = Set(ConvGradientCase.all.map(\.kerasCase.className) + Self.poolTies.cases.map(\.className))
        for cls in ConvGradientCase.classes where !cls.hasPrefix("LocallyConnected") {
            #expect(covered.contains(cls), "no gradient case for \(cls)")
        }
    }

    @Test(arguments: ConvGradientCase.all)
    func gradientsMatchKeras(_ c: ConvGradientCase) throws {
        let folder = "keras/" + (try #require(c.kerasCase.folder))
        var layer = try buildLayer(command: c.kerasCase.command)
        layer.weights = try (0..<c.kerasCase.weights.count).map { try loadFixture("\(folder)/weight\($0).npy") }
        try expectKerasGradients(layer, inputs: [try loadFixture("\(folder)/input.npy")], folder: folder)
    }

    /// The Swift scan of XLA's rule (`maxPoolGradientInWindowOrder`, for inputs holding NaN
    /// or −∞) gives Keras's gradients on the tie cases too.
    @Test(arguments: poolTies.cases.filter { $0.className.hasPrefix("MaxPooling") })
    func theScanFollowsKerasOnTies(_ c: KerasGradientCase) throws {
        let pooling = try #require(try c.layer() as? Pooling)
        let x = try #require(try c.inputs().first)
        let dy = pooling.spatial.toChannelsLast(try loadFixture("\(c.folder)/grad_output.npy"))
        let scanned = try pooling.spatial.toChannelsLast(x).maxPoolGradientInWindowOrder(try pooling.geometry(x), outputGradient: dy)
        expectClose(pooling.spatial.fromChannelsLast(scanned), try loadFixture("\(c.folder)/grad_input.npy"), "\(c.folder) scan")
    }

    /// Keras applies the activation to the output in its data format: softmax on a
    /// channels_first Conv1D runs along the positions, not the filters (Keras 3.15.1 / JAX).
    @Test func channelsFirstSoftmaxRunsAlongTheLastAxis() throws {
        var layer = try buildLayer(command: "conv1d 3 2 data_format='channels_first' activation='softmax'")
        layer.weights = [try Tensor(shape: [2, 2, 3], scalars: (0..<12).map { Float($0) / 12 - 0.3 }),
                         try Tensor(shape: [3], scalars: [0.1, -0.2, 0.05])]
        let x = try Tensor(shape: [1, 2, 5], scalars: (0..<10).map { Float($0) / 10 })
        let differentiable = try #require(layer as? any DifferentiableLayer)
        var random = RandomGenerator(seed: 0)
        let (y, pullback) = try differentiable.differentiableCall([x], training: false, random: &random)
        func expect(_ got: [Float], _ want: [Float], _ what: String) {
            #expect(got.count == want.count && zip(got, want).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(what): \(got), Keras \(want)")
        }
        let keras: [Float] = [0.238865, 0.2461395, 0.2536356, 0.2613599, 0.2267743, 0.2416013, 0.2573976, 0.2742268,
                              0.2149979, 0.2368187, 0.2608542, 0.2873291]
        expect(y.scalars, keras, "output")
        expect(try layer.call([x], training: false).scalars, keras, "call")
        let dy = try Tensor(shape: [1, 3, 4], scalars: (0..<12).map { Float($0 % 5 - 2) / 4 })
        let g = try pullback(dy)
        expect(try #require(g.inputs.first ?? nil).scalars,
               [-0.008578768, 0.05605659, 0.02758661, -0.07658501, 0.001520577, 0.01593848, 0.07782403, -0.00994467, -0.09835243, 0.01453461], "input")
        expect(g.weights[0].scalars, [0.03122611, -0.01361804, -0.03091633, 0.03122611, -0.01361804, -0.03091632, 0.03122611, -0.01361804,
                                      -0.03091633, 0.0312261, -0.01361804, -0.03091633], "kernel")
        expect(g.weights[1].scalars, [0, 0, 0], "bias")
    }
}
