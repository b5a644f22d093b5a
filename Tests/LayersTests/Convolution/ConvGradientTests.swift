import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Keras's gradients (JAX's VJP at training=False, written by the fixture generator) for
/// every convolution and pooling case with a forward fixture (`keras/conv/cases/NNN/`:
/// grad_output.npy is the upstream ∂L/∂y, grad_input.npy and grad_weight<i>.npy the VJP)
/// and for the pooling cases with ties (`keras/gradients/pool_ties/NNN/`).
struct GradientCase: Sendable, CustomTestStringConvertible {
    /// What `add` takes to build the layer.
    let command: String
    /// The case's folder under Tests/Fixtures.
    let folder: String
    let weightCount: Int
    let className: String

    var testDescription: String { "\(folder): \(command)" }

    /// The classes whose backward pass lives in Convolution/, Pooling/ and LocallyConnected/.
    static let classes = Set((Convolution.types + Pooling.types + GlobalPooling.types + LocallyConnected.types).map(\.className))

    /// The forward cases of those classes (each folder gains the gradient files).
    static let forward = KerasCase.forward.filter { classes.contains($0.className) }.compactMap { c in
        c.folder.map { GradientCase(command: c.command, folder: "keras/" + $0, weightCount: c.weights.count, className: c.className) }
    }

    /// A case.json config as `add` arguments (`pool_size=(2,) padding='same' …`); the name,
    /// trainable flag and dtype change nothing here.
    static func command(_ className: String, config: [String: Any]) -> String {
        let skipped: Set<String> = ["name", "trainable", "dtype"]
        return ([className] + config.keys.sorted().filter { !skipped.contains($0) }.map { "\($0)=\(KerasCase.python($0, config[$0] ?? NSNull()))" })
            .joined(separator: " ")
    }

    static let tieFile = FixtureCases(folders: "keras/gradients/pool_ties") { folder, json in
        let className: String = try FixtureCases<GradientCase>.field(json, "class")
        let config: [String: Any] = try FixtureCases<GradientCase>.field(json, "config")
        return GradientCase(command: command(className, config: config), folder: folder, weightCount: 0, className: className)
    }
    static let all = forward + tieFile.cases
}

@Suite struct ConvolutionGradientKerasParityTests {
    /// ours ≈ Keras's within 1e-4 of the largest |value| of Keras's.
    static func expectClose(_ ours: Tensor?, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reference = try loadFixture(path)
        let ours = try #require(ours, "no gradient for \(path)", sourceLocation: sourceLocation)
        #expect(ours.shape == reference.shape, "\(path): shape \(ours.shape) vs \(reference.shape)", sourceLocation: sourceLocation)
        guard ours.shape == reference.shape else { return }
        let scale = max(reference.scalars.map { abs($0) }.max() ?? 0, Float.leastNormalMagnitude)
        var worst: (Float, Int) = (0, 0)
        for (i, (a, b)) in zip(ours.scalars, reference.scalars).enumerated() {
            let error = a.isNaN || b.isNaN ? (a.isNaN && b.isNaN ? 0 : .infinity) : abs(a - b)
            if error > worst.0 { worst = (error, i) }
        }
        #expect(worst.0 <= 1e-4 * scale, "\(path): element \(worst.1) is \(ours.scalars[worst.1]), Keras \(reference.scalars[worst.1]) (scale \(scale))",
                sourceLocation: sourceLocation)
    }

    @Test func everyCaseIsRead() {
        GradientCase.tieFile.expectComplete()
        #expect(GradientCase.forward.count > 120)
        // Every class has a case.
        let covered = Set(GradientCase.all.map(\.className))
        for cls in GradientCase.classes where !cls.hasPrefix("LocallyConnected") {
            #expect(covered.contains(cls), "no gradient case for \(cls)")
        }
    }

    @Test(arguments: GradientCase.all)
    func gradientsMatchKeras(_ c: GradientCase) throws {
        var layer = try buildLayer(command: c.command)
        layer.weights = try (0..<c.weightCount).map { try loadFixture("\(c.folder)/weight\($0).npy") }
        let differentiable = try #require(layer as? any DifferentiableLayer, "\(layer.className) has no backward pass")
        let x = try loadFixture("\(c.folder)/input.npy")
        var random = RandomGenerator(seed: 0)
        let (y, pullback) = try differentiable.differentiableCall([x], training: false, random: &random)
        let (sameOutput, worst) = closeness(y, try loadFixture("\(c.folder)/output.npy"), rtol: 1e-4, atol: 1e-5)
        #expect(sameOutput, "output: \(worst)")
        let gradients = try pullback(try loadFixture("\(c.folder)/grad_output.npy"))
        #expect(gradients.inputs.count == 1 && gradients.weights.count == c.weightCount)
        try Self.expectClose(gradients.inputs.first ?? nil, "\(c.folder)/grad_input.npy")
        for (i, g) in gradients.weights.enumerated() where i < c.weightCount {
            try Self.expectClose(g, "\(c.folder)/grad_weight\(i).npy")
        }
        // Max pooling: the Swift scan that runs where NaN or −∞ are present follows the same rule.
        if let pooling = layer as? Pooling, pooling.mode == .max {
            let input = pooling.spatial.toChannelsLast(x)
            let dy = pooling.spatial.toChannelsLast(try loadFixture("\(c.folder)/grad_output.npy"))
            let scanned = try input.maxPoolGradientInWindowOrder(try pooling.geometry(x), outputGradient: dy)
            try Self.expectClose(pooling.spatial.fromChannelsLast(scanned), "\(c.folder)/grad_input.npy")
        }
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
