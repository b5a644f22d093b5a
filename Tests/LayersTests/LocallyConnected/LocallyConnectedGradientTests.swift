import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// LocallyConnected1D/2D's backward pass (Keras 3 has no such layer, so no fixture):
/// checked against central finite differences of a float64 re-implementation of the
/// forward pass, for the input, the kernel and the bias.
@Suite struct LocallyConnectedGradientTests {
    /// Keras 2's implementation 1 in Double: y[b, p, f] = act(bias[p, f] + Σ patch(b, p) · kernel[p, :, f]),
    /// the patch flattened (k…, in); 1-D lifted to 2-D with a row of one.
    struct Reference {
        var batch: Int, input: [Int], channels: Int, size: [Int], strides: [Int], output: [Int], filters: Int, tanh: Bool

        func lift(_ a: [Int], _ fill: Int) -> [Int] { a.count == 1 ? [fill, a[0]] : a }

        func callAsFunction(_ x: [Double], _ kernel: [Double], _ bias: [Double]?) -> [Double] {
            let n = lift(input, 1), k = lift(size, 1), s = lift(strides, 1), o = lift(output, 1), c = channels
            let width = k[0] * k[1] * c, positions = o[0] * o[1]
            var y = [Double](repeating: 0, count: batch * positions * filters)
            for b in 0..<batch { for p0 in 0..<o[0] { for p1 in 0..<o[1] {
                let p = p0 * o[1] + p1
                for f in 0..<filters {
                    var z = bias?[p * filters + f] ?? 0
                    for a0 in 0..<k[0] { for a1 in 0..<k[1] { for ch in 0..<c {
                        let xi = ((b * n[0] + p0 * s[0] + a0) * n[1] + p1 * s[1] + a1) * c + ch
                        z += x[xi] * kernel[(p * width + (a0 * k[1] + a1) * c + ch) * filters + f]
                    } } }
                    y[(b * positions + p) * filters + f] = tanh ? Foundation.tanh(z) : z
                }
            } } }
            return y
        }
    }

    func normals(_ count: Int, _ rng: inout RandomGenerator, scale: Float = 1) -> [Float] {
        var v = [Float](repeating: 0, count: count)
        rng.fillNormal(&v)
        return v.map { $0 * scale }
    }

    @Test(arguments: [("locallyconnected1d 3 3 strides=2", [7, 2]), ("locallyconnected1d 2 2 activation='tanh'", [5, 3]),
                      ("locallyconnected2d 2 (2, 3) strides=(1, 2) activation='tanh'", [4, 7, 2]),
                      ("locallyconnected2d 3 2 use_bias=False", [3, 4, 2])])
    func matchesFiniteDifferences(_ command: String, _ input: [Int]) throws {
        var layer = try #require(try buildLayer(command: command) as? LocallyConnected)
        let specs = try layer.weightSpecs(for: Shape(batchOf: input))
        var rng = RandomGenerator(seed: 5)
        layer.weights = try specs.map { try Tensor(shape: $0.shape, scalars: normals($0.shape.reduce(1, *), &rng, scale: 0.5)) }
        let batch = 2
        let x = try Tensor(shape: [batch] + input, scalars: normals(batch * input.reduce(1, *), &rng))
        var random = RandomGenerator(seed: 0)
        let (y, pullback) = try layer.differentiableCall(x, training: false, random: &random)
        let dy = normals(y.count, &rng)
        let (dx, dw) = try pullback(try Tensor(shape: y.shape, scalars: dy))
        #expect(dw.count == (layer.useBias ? 2 : 1))

        let reference = Reference(batch: batch, input: Array(input.dropLast()), channels: input.last ?? 1, size: layer.spatial.kernel,
                                  strides: layer.spatial.strides, output: Array(y.shape.dropFirst().dropLast()), filters: layer.filters,
                                  tanh: layer.activation.className == "tanh")
        var values = [x.scalars.map(Double.init)] + layer.weights.map { $0.scalars.map(Double.init) }
        func loss() -> Double {
            zip(reference(values[0], values[1], layer.useBias ? values[2] : nil), dy).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        // The forward passes agree before the gradients are compared.
        let forward = reference(values[0], values[1], layer.useBias ? values[2] : nil)
        #expect(zip(forward, y.scalars).allSatisfy { abs($0 - Double($1)) <= 1e-5 * max(1, abs($0)) }, "forward")
        let ours = [dx] + dw
        for (which, gradient) in ours.enumerated() {
            let g = try #require(gradient)
            let h = 1e-6
            var numeric = [Double](repeating: 0, count: values[which].count)
            for i in numeric.indices {
                let saved = values[which][i]
                values[which][i] = saved + h
                let up = loss()
                values[which][i] = saved - h
                numeric[i] = (up - loss()) / (2 * h)
                values[which][i] = saved
            }
            let scale = numeric.map(abs).max() ?? 0
            let worst = zip(g.scalars, numeric).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(scale > 0 && worst <= 1e-4 * scale, "\(command): \(["input", "kernel", "bias"][which]) off by \(worst) (scale \(scale))")
        }
    }

    /// A batch too large for one block of columns runs in chunks: its gradients are the
    /// sums of its samples' (the input's, sample by sample).
    @Test func chunkedBatchesAddUp() throws {
        var layer = try #require(try buildLayer(command: "locallyconnected2d 2 3") as? LocallyConnected)
        let input = [66, 66, 8]
        let specs = try layer.weightSpecs(for: Shape(batchOf: input))
        var rng = RandomGenerator(seed: 9)
        layer.weights = try specs.map { try Tensor(shape: $0.shape, scalars: normals($0.shape.reduce(1, *), &rng, scale: 0.1)) }
        let g = try layer.geometry(Tensor(zeros: [3] + input))
        #expect(Im2Col.chunkRows(width: g.width * g.positions, total: 3) < 3, "the batch must not fit one chunk")
        let x = try Tensor(shape: [3] + input, scalars: normals(3 * input.reduce(1, *), &rng))
        var random = RandomGenerator(seed: 0)
        let (y, pullback) = try layer.differentiableCall(x, training: false, random: &random)
        let dy = try Tensor(shape: y.shape, scalars: normals(y.count, &rng))
        let (dx, dw) = try pullback(dy)
        var kernelSum = [Float](repeating: 0, count: layer.weights[0].count), biasSum = [Float](repeating: 0, count: layer.weights[1].count)
        let perInput = x.count / 3, perOutput = y.count / 3
        for b in 0..<3 {
            let xb = try Tensor(shape: [1] + input, scalars: Array(x.scalars[b * perInput..<(b + 1) * perInput]))
            let dyb = try Tensor(shape: [1] + y.shape.dropFirst(), scalars: Array(dy.scalars[b * perOutput..<(b + 1) * perOutput]))
            let (_, back) = try layer.differentiableCall(xb, training: false, random: &random)
            let (dxb, dwb) = try back(dyb)
            let sample = try #require(dxb).scalars, all = try #require(dx).scalars
            #expect(zip(sample, all[b * perInput..<(b + 1) * perInput]).allSatisfy { abs($0 - $1) <= 1e-5 }, "input, sample \(b)")
            for i in kernelSum.indices { kernelSum[i] += dwb[0].scalars[i] }
            for i in biasSum.indices { biasSum[i] += dwb[1].scalars[i] }
        }
        #expect(zip(kernelSum, dw[0].scalars).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }, "kernel")
        #expect(zip(biasSum, dw[1].scalars).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }, "bias")
    }
}
