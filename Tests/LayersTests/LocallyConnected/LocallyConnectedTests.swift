import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

@Suite struct LocallyConnectedTests {
    /// Keras 2's implementation-1 math, written as plainly as possible: at output
    /// position p, y = flatten(patch(p)) · kernel[p] + bias[p], the patch flattened (k…, in).
    func reference(_ x: Tensor, kernel: Tensor, bias: Tensor?, kernelSize: [Int], strides: [Int], output: [Int]) -> [Float] {
        let batch = x.shape[0], channels = x.shape[x.rank - 1], filters = kernel.shape[2]
        let spatial = Array(x.shape.dropFirst().dropLast())
        let rows = output.count == 2 ? output[0] : 1, cols = output.count == 2 ? output[1] : output[0]
        let kh = kernelSize.count == 2 ? kernelSize[0] : 1, kw = kernelSize.count == 2 ? kernelSize[1] : kernelSize[0]
        let sh = strides.count == 2 ? strides[0] : 1, sw = strides.count == 2 ? strides[1] : strides[0]
        let width = spatial.count == 2 ? spatial[1] : spatial[0]
        var y: [Float] = []
        for b in 0..<batch {
            for r in 0..<rows {
                for c in 0..<cols {
                    let p = r * cols + c
                    var patch: [Float] = []
                    for i in 0..<kh { for j in 0..<kw { for ch in 0..<channels {
                        let row = r * sh + i, col = c * sw + j
                        patch.append(x.scalars[((b * (spatial.count == 2 ? spatial[0] : 1) + row) * width + col) * channels + ch])
                    } } }
                    for f in 0..<filters {
                        var s: Float = bias?.scalars[p * filters + f] ?? 0
                        for (q, v) in patch.enumerated() { s += v * kernel.scalars[(p * patch.count + q) * filters + f] }
                        y.append(s)
                    }
                }
            }
        }
        return y
    }

    @Test(arguments: [("locallyconnected1d 4 3", [10, 5]), ("locallyconnected1d 3 4 strides=3", [11, 2]),
                      ("locallyconnected2d 6 3 strides=2", [9, 9, 2]), ("locallyconnected2d 2 (2, 3) strides=(1, 2)", [5, 7, 3]),
                      ("locallyconnected2d 3 2 use_bias=False", [4, 4, 2])])
    func matchesAStraightforwardReference(_ command: String, _ input: [Int]) throws {
        var layer = try buildLayer(command: command)
        let base = try #require(layer as? LocallyConnected)
        #expect(["LocallyConnected1D", "LocallyConnected2D"].contains(base.className))
        let shape = try layer.outputShape(for: [Shape(batchOf: input)])
        let specs = try layer.weightSpecs(for: [Shape(batchOf: input)])
        var rng = RandomGenerator(seed: 11)
        layer.weights = try specs.map { spec in
            var t = try Tensor(zeros: spec.shape)
            rng.fillNormal(&t.scalars)
            return t
        }
        var x = try Tensor(zeros: [3] + input)
        rng.fillNormal(&x.scalars)
        let y = try layer.call([x], training: false)
        #expect(y.shape == [3] + (shape.sample ?? []))
        let output = Array(y.shape.dropFirst().dropLast())
        let expected = reference(x, kernel: layer.weights[0], bias: base.useBias ? layer.weights[1] : nil,
                                 kernelSize: base.spatial.kernel, strides: base.spatial.strides, output: output)
        #expect(closeness(y, try Tensor(shape: y.shape, scalars: expected), rtol: 1e-4, atol: 1e-5).ok)
    }

    /// Keras 2 (tf-keras 2.17) parameter counts and shapes, implementation 1.
    @Test(arguments: [("locallyconnected1d 4 3", [10, 5], [nil, 8, 4], 512, [8, 15, 4], [8, 4]),
                      ("locallyconnected2d 6 3 strides=2", [9, 9, 2], [nil, 4, 4, 6], 1824, [16, 18, 6], [4, 4, 6]),
                      ("locallyconnected2d 64 3", [32, 32, 3], [nil, 30, 30, 64], 1_612_800, [900, 27, 64], [30, 30, 64])])
    func shapesAndParamsMatchKeras2(_ command: String, _ input: [Int], _ output: [Int?], _ params: Int, _ kernel: [Int], _ bias: [Int]) throws {
        let layer = try buildLayer(command: command)
        #expect(try layer.outputShape(for: [Shape(batchOf: input)]) == Shape(output))
        let specs = try layer.weightSpecs(for: [Shape(batchOf: input)])
        #expect(specs.map(\.name) == ["kernel", "bias"])
        #expect(specs.map(\.shape) == [kernel, bias])
        #expect(specs.reduce(0) { $0 + $1.shape.reduce(1, *) } == params)
        #expect(layer.config.map(\.key) == ["filters", "kernel_size", "strides", "padding", "data_format", "activation", "use_bias",
                                            "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                                            "activity_regularizer", "kernel_constraint", "bias_constraint", "implementation"])
        #expect(snakeCase(layer.className) == (input.count == 2 ? "locally_connected1d" : "locally_connected2d"))
    }

    @Test func theKernelFansUsePositionsAsTheReceptiveField() throws {
        // LC1D(40, 3) on (50, 30): kernel (48, 90, 40), fans (90·48, 40·48): max|w| = sqrt(6/(4320 + 1920)).
        let layer = try buildLayer(command: "locallyconnected1d 40 3")
        let spec = try #require(try layer.weightSpecs(for: [Shape(batchOf: [50, 30])]).first)
        #expect(computeFans(spec.shape) == (4320, 1920))
        let w = try spec.initializer.sample(spec.shape)
        let bound = Float((6.0 / 6240.0).squareRoot())
        #expect(w.scalars.allSatisfy { abs($0) <= bound })
        #expect((w.scalars.map(abs).max() ?? 0) > bound * 0.99)
    }

    @Test func theExplanationComparesWithTheConvLayer() throws {
        let layer = try buildLayer(command: "locallyconnected2d 32 3")
        let input = Shape(batchOf: [28, 28, 1])
        let lines = layer.explanation(for: [input])
        #expect(lines.contains("params = positions·(kh·kw·in·filters + filters) = 26·26·(3·3·1·32 + 32) = 216,320"))
        #expect(lines.contains("Conv2D with the same arguments: kh·kw·in·filters + filters = 3·3·1·32 + 32 = 320, one kernel shared by all 676 positions: 676× fewer"))
        let conv = try buildLayer(command: "conv2d 32 3")
        let convSpecs = try conv.weightSpecs(for: [input])
        #expect(convSpecs.reduce(0) { $0 + $1.shape.reduce(1, *) } == 320)
        #expect(layer.parameterNote(for: [input])?.contains("676 positions × 320 = 216,320 params") == true)
    }

    @Test func keras2RestrictionsAreClearErrors() {
        func message(_ command: String) -> String {
            do { _ = try buildLayer(command: command); return "" } catch { return "\(error)" }
        }
        #expect(message("locallyconnected2d 4 3 padding=same").contains("padding='same' is a ValueError in Keras 2 with implementation=1"))
        #expect(message("locallyconnected1d 4 3 implementation=2").contains("implementation=1 only"))
        #expect(message("locallyconnected2d 4 3 data_format=channels_first").contains("channels_last"))
        #expect(message("locallyconnected1d 4 3 dilation_rate=2").contains("unexpected keyword argument 'dilation_rate'"))
    }
}
