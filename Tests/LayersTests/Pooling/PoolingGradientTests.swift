import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Which cell of a pooling window gets the gradient. Every expected value here is what
/// Keras 3.15.1 on JAX gives (`jax.vjp` of the layer, CPU): max pooling hands a window's
/// gradient to one cell, chosen as XLA's select_and_scatter (select `≥`) does — the
/// first maximum in row-major window order, padding never winning against a finite
/// value; global max pooling splits it equally among tied maxima.
@Suite struct PoolingGradientTests {
    /// ∂L/∂x of `command` on x (a batch of one, the shape given) for upstream dy.
    static func inputGradient(_ command: String, _ x: [Float], shape: [Int], dy: [Float]) throws -> [Float] {
        let layer = try #require(try buildLayer(command: command) as? any DifferentiableLayer)
        var random = RandomGenerator(seed: 0)
        let (y, pullback) = try layer.differentiableCall([Tensor(shape: [1] + shape, scalars: x)], training: false, random: &random)
        let gradients = try pullback(try Tensor(shape: y.shape, scalars: dy))
        #expect(gradients.weights.isEmpty)
        return try #require(gradients.inputs.first ?? nil).scalars
    }

    /// Equal, NaN where NaN is expected.
    static func expectSame(_ got: [Float], _ want: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let same = got.count == want.count && zip(got, want).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        #expect(same, "\(what): \(got), JAX \(want)", sourceLocation: sourceLocation)
    }

    @Test func aTiedWindowGivesItsFirstCellTheGradient() throws {
        // Windows of zeros (relu'd activations): the first cell of each.
        Self.expectSame(try Self.inputGradient("maxpooling1d 2", [0, 0, 0, 0], shape: [4, 1], dy: [1, 2]), [1, 0, 2, 0], "1-D zeros")
        Self.expectSame(try Self.inputGradient("maxpooling2d 2 strides=1", Array(repeating: 0, count: 9), shape: [3, 3, 1], dy: [1, 2, 3, 4]),
                        [1, 2, 0, 3, 4, 0, 0, 0, 0], "2-D zeros, overlapping windows")
        Self.expectSame(try Self.inputGradient("maxpooling3d 2", Array(repeating: 0, count: 8), shape: [2, 2, 2, 1], dy: [1]),
                        [1, 0, 0, 0, 0, 0, 0, 0], "3-D zeros")
        // Some cells tied at the maximum: the first in row-major order (row, then column).
        Self.expectSame(try Self.inputGradient("maxpooling2d 2 strides=1", [1, 5, 2, 5, 0, 5, 1, 5, 1], shape: [3, 3, 1], dy: [1, 2, 3, 4]),
                        [0, 3, 0, 3, 0, 4, 0, 0, 0], "2-D partial ties")
    }

    @Test func tiesAreBrokenPerChannel() throws {
        // Channel 0 ties everywhere, channel 1 has its maximum last.
        let x: [Float] = [7, 1, 7, 2, 7, 3, 7, 4]
        Self.expectSame(try Self.inputGradient("maxpooling1d 4", x, shape: [4, 2], dy: [10, 20]), [10, 0, 0, 0, 0, 0, 0, 20], "two channels")
    }

    @Test func paddingNeverWinsAgainstAFiniteValue() throws {
        // 'same' with padding in front: the first real cell, not the padded one.
        Self.expectSame(try Self.inputGradient("maxpooling1d 3 strides=1 padding='same'", [3, 3, 3, 3, 3], shape: [5, 1], dy: [1, 2, 3, 4, 5]),
                        [3, 3, 4, 5, 0], "1-D same, all equal")
        Self.expectSame(try Self.inputGradient("maxpooling2d 2 padding='same'", Array(repeating: -1, count: 9), shape: [3, 3, 1], dy: [1, 2, 3, 4]),
                        [1, 0, 2, 0, 0, 0, 3, 0, 4], "2-D same, negative")
        Self.expectSame(try Self.inputGradient("maxpooling2d 3 strides=2 padding='same'", Array(repeating: -1, count: 16), shape: [4, 4, 1],
                                               dy: [1, 2, 3, 4]),
                        [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0], "2-D same 3×3 stride 2")
    }

    /// −∞ ties with XLA's −∞ padding, which comes first in the window and keeps the
    /// gradient (it is dropped); a real −∞ in front wins its window.
    @Test func negativeInfinity() throws {
        let inf = Float.infinity
        Self.expectSame(try Self.inputGradient("maxpooling1d 3 strides=1 padding='same'", Array(repeating: -inf, count: 5), shape: [5, 1],
                                               dy: [1, 2, 3, 4, 5]),
                        [2, 3, 4, 5, 0], "all −∞, same")
        Self.expectSame(try Self.inputGradient("maxpooling1d 2", [-inf, -inf, 2, -inf], shape: [4, 1], dy: [1, 2]), [1, 0, 2, 0], "−∞ ties")
    }

    /// NaN: taken when met, and replaced by the next cell (NaN ≥ v is false) — so a NaN
    /// output need not send its gradient to a NaN.
    @Test func nanFollowsXLAsScan() throws {
        let nan = Float.nan
        Self.expectSame(try Self.inputGradient("maxpooling1d 2", [1, nan, 2, nan], shape: [4, 1], dy: [1, 2]), [0, 1, 0, 2], "NaN last")
        Self.expectSame(try Self.inputGradient("maxpooling1d 2", [nan, 1, nan, nan], shape: [4, 1], dy: [1, 2]), [0, 1, 0, 2], "NaN first")
        Self.expectSame(try Self.inputGradient("maxpooling1d 3", [2, nan, 1, nan, 5, 7], shape: [6, 1], dy: [1, 2]), [0, 0, 1, 0, 0, 2], "NaN inside")
    }

    @Test func averagePoolingCountsOnlyRealCells() throws {
        Self.expectSame(try Self.inputGradient("averagepooling1d 2 padding='same'", [0, 1, 2, 3, 4], shape: [5, 1], dy: [1, 1, 1]),
                        [0.5, 0.5, 0.5, 0.5, 1], "1-D same")
    }

    @Test func globalMaxSplitsTiesEqually() throws {
        Self.expectSame(try Self.inputGradient("globalmaxpooling1d", [1, 3, 3, 2, 3], shape: [5, 1], dy: [6]), [0, 2, 2, 0, 2], "three maxima")
        Self.expectSame(try Self.inputGradient("globalmaxpooling2d", [0, 0, 0, 0], shape: [2, 2, 1], dy: [4]), [1, 1, 1, 1], "all zero")
        // A NaN maximum equals no position: dy/0·0, NaN everywhere in that channel.
        let nan = Float.nan
        Self.expectSame(try Self.inputGradient("globalmaxpooling1d", [1, nan, 5, 3, 3, 3], shape: [3, 2], dy: [6, 6]),
                        [0, nan, 6, nan, 0, nan], "NaN in channel 1")
        Self.expectSame(try Self.inputGradient("globalaveragepooling1d keepdims=True", [1, 2, 3, 4], shape: [2, 2], dy: [2, 4]),
                        [1, 2, 1, 2], "average, keepdims")
    }

    /// channels_first is channels_last with the axes moved: same cells, same gradient.
    @Test(arguments: ["maxpooling2d 3 strides=2 padding='same'", "averagepooling2d 2 strides=1 padding='same'",
                      "globalmaxpooling2d keepdims=True", "globalaveragepooling2d"])
    func channelsFirstMovesTheAxes(_ command: String) throws {
        var values = [Float](repeating: 0, count: 2 * 5 * 4 * 3)
        var rng = RandomGenerator(seed: 3)
        rng.fillNormal(&values)
        let last = try Tensor(shape: [2, 5, 4, 3], scalars: values.map { ($0 * 1.5).rounded() })
        let first = last.channelsMovedFirst()
        var random = RandomGenerator(seed: 0)
        let a = try #require(try buildLayer(command: command) as? any DifferentiableLayer)
        let b = try #require(try buildLayer(command: command + " data_format='channels_first'") as? any DifferentiableLayer)
        let (ya, pa) = try a.differentiableCall([last], training: false, random: &random)
        let (yb, pb) = try b.differentiableCall([first], training: false, random: &random)
        var dy = [Float](repeating: 0, count: ya.count)
        rng.fillNormal(&dy)
        let dyLast = try Tensor(shape: ya.shape, scalars: dy)
        let dyFirst = ya.rank == 4 ? dyLast.channelsMovedFirst() : dyLast
        #expect(yb.shape == dyFirst.shape)
        let ga = try #require(try pa(dyLast).inputs.first ?? nil), gb = try #require(try pb(dyFirst).inputs.first ?? nil)
        #expect(gb.channelsMovedLast().scalars == ga.scalars, "\(command)")
    }
}
