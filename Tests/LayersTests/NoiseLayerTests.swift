import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// The regularisation layers in training mode: their draws come from the session's stream,
/// not NumPy's, so the Keras fixtures check inference only; here the statistics and the
/// structure of a training call, and that the backward pass applies the same draw.
@Suite struct NoiseLayerTests {
    /// A training call on x and its pullback at dy = 1 (which is the multiplier m of y = x·m + c).
    static func train(_ command: String, _ x: Tensor, seed: UInt64 = 3) throws -> (y: Tensor, dx: Tensor) {
        var layer = try buildLayer(command: command)
        layer.weights = []
        let differentiable = try #require(layer as? any DifferentiableLayer)
        var random = RandomGenerator(seed: seed)
        let (y, back) = try differentiable.differentiableCall([x], training: true, random: &random)
        let ones = try Tensor(shape: y.shape, scalars: [Float](repeating: 1, count: y.count))
        return (y, try #require(try back(ones).inputs[0]))
    }

    static func normal(_ shape: [Int], seed: UInt64 = 11) throws -> Tensor {
        var r = RandomGenerator(seed: seed)
        let n = shape.reduce(1, *)
        return try Tensor(shape: shape, scalars: (0..<n).map { _ in r.nextNormal() })
    }

    static func meanAndVariance(_ v: [Float]) -> (Double, Double) {
        let m = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
        return (m, v.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(v.count))
    }

    /// SpatialDropout2D drops whole channels of a sample (every position alike) and scales
    /// the kept ones by 1/(1 − rate); about `rate` of the channels go.
    @Test func spatialDropoutDropsWholeChannels() throws {
        let x = try Tensor(shape: [8, 5, 5, 16], scalars: [Float](repeating: 1, count: 8 * 5 * 5 * 16))
        let (y, dx) = try Self.train("spatial_dropout2d 0.25", x)
        var dropped = 0
        for b in 0..<8 {
            for c in 0..<16 {
                let values = (0..<25).map { y.scalars[(b * 25 + $0) * 16 + c] }
                #expect(Set(values).count == 1, "sample \(b) channel \(c) is not all one value")
                #expect(values[0] == 0 || abs(values[0] - 1 / 0.75) < 1e-6)
                if values[0] == 0 { dropped += 1 }
            }
        }
        #expect(dropped > 8 * 16 / 8 && dropped < 8 * 16 / 2, "\(dropped) of 128 channels dropped at rate 0.25")
        #expect(dx == y, "the gradient is scaled and dropped as the values are")
    }

    /// GaussianNoise adds N(0, stddev²); GaussianDropout multiplies by noise of mean 1 and
    /// variance rate/(1 − rate); both are the identity at inference.
    @Test func gaussianLayersHaveTheirMoments() throws {
        let zeros = try Tensor(zeros: [20000])
        let (noisy, dNoise) = try Self.train("gaussian_noise 0.5", zeros)
        let (m, v) = Self.meanAndVariance(noisy.scalars)
        #expect(abs(m) < 0.02 && abs(v - 0.25) < 0.02, "mean \(m), variance \(v)")
        #expect(dNoise.scalars.allSatisfy { $0 == 1 }, "additive noise passes the gradient unchanged")
        let ones = try Tensor(shape: [20000], scalars: [Float](repeating: 1, count: 20000))
        let (scaled, dScaled) = try Self.train("gaussian_dropout 0.2", ones)
        let (m2, v2) = Self.meanAndVariance(scaled.scalars)
        #expect(abs(m2 - 1) < 0.02 && abs(v2 - 0.25) < 0.02, "mean \(m2), variance \(v2) (expected 1 and 0.2/0.8)")
        #expect(dScaled == scaled, "the gradient is multiplied by the same noise")
        for command in ["gaussian_noise 0.5", "gaussian_dropout 0.2", "alpha_dropout 0.2", "spatial_dropout1d 0.5"] {
            let layer = try buildLayer(command: command)
            let x = try Self.normal([4, 6, 3])
            #expect(try layer.call([x], training: false) == x, "\(command) at inference")
        }
    }

    /// AlphaDropout keeps a standard normal input's mean 0 and variance 1 (Keras's a and b).
    @Test func alphaDropoutKeepsTheMoments() throws {
        let x = try Self.normal([40000])
        let (y, dx) = try Self.train("alpha_dropout 0.3", x)
        let (m, v) = Self.meanAndVariance(y.scalars)
        #expect(abs(m) < 0.03 && abs(v - 1) < 0.05, "mean \(m), variance \(v)")
        let dropped = zip(x.scalars, y.scalars).filter { abs($0 - $1) > 0 && abs(dx.scalars[0]) >= 0 }.count
        #expect(dropped > 0)
        // Kept values: y = a·x + b, so ∂y/∂x = a for them and 0 for the dropped ones.
        let a = try #require(dx.scalars.first { $0 != 0 })
        #expect(dx.scalars.allSatisfy { $0 == 0 || $0 == a })
        let share = Double(dx.scalars.filter { $0 == 0 }.count) / Double(dx.count)
        #expect(abs(share - 0.3) < 0.02, "\(share) dropped at rate 0.3")
    }
}
