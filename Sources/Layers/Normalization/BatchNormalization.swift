import TensorCore

/// `BatchNormalization()`: each channel (the `axis`) normalized, then scaled and shifted:
/// y = γ · (x − μ) / √(σ² + ε) + β. In training μ and σ² are the batch's (over every other
/// axis) and the moving statistics move toward them (m ← m · momentum + batch · (1 − momentum));
/// in inference they are the moving statistics. A frozen layer (trainable=False) always runs
/// in inference mode, as in Keras 3.
public struct BatchNormalization: DifferentiableUnaryLayer, StatefulLayer, DeclaredLayer {
    public static let className = "BatchNormalization"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var axis = -1
    public var momentum = 0.99
    public var epsilon = 1e-3
    public var center = true
    public var scale = true
    public var beta = WeightSlot.unset
    public var gamma = WeightSlot.unset
    public var movingMean = WeightSlot.unset
    public var movingVariance = WeightSlot.unset
    public var renormMomentum = 0.99
    public var synchronized = false

    static let table = ArgumentTable<BatchNormalization>([
        .int("axis", .int(-1), \.axis),
        .field("momentum", .double(0.99), \.momentum, read: { try $0.finiteDouble($1) }, write: { .double($0) }),
        .field("epsilon", .double(1e-3), \.epsilon, read: { a, key in
            let e = try a.finiteDouble(key)
            guard e > 0 else { throw LabError("BatchNormalization: epsilon must be positive (it keeps √(σ² + ε) away from 0), got \(Value.pythonFloat(e))") }
            return e
        }, write: { .double($0) }),
        .bool("center", .bool(true), \.center), .bool("scale", .bool(true), \.scale),
        .initializer("beta", "zeros", \.beta), .initializer("gamma", "ones", \.gamma),
        .initializer("moving_mean", "zeros", \.movingMean), .initializer("moving_variance", "ones", \.movingVariance),
        .regularizer("beta", \.beta), .regularizer("gamma", \.gamma),
        .constraint("beta", \.beta), .constraint("gamma", \.gamma),
        Argument("renorm", .bool(false), read: { _, a, _ in
            guard try !a.bool("renorm") else { throw LabError("BatchNormalization: renorm=True (batch renormalization) is not in LayerLab yet") }
        }, write: { _ in .bool(false) }),
        Argument("renorm_clipping", .null, read: nil, write: { _ in .null }),
        .field("renorm_momentum", .double(0.99), \.renormMomentum, read: { try $0.finiteDouble($1) }, write: { .double($0) }),
        // One device: synchronizing the statistics across devices changes nothing.
        .bool("synchronized", .bool(false), \.synchronized).inConfig(after: "gamma_constraint"),
    ])
    public var argumentTable: ArgumentTable<BatchNormalization> { Self.table }

    public static let type = LayerType(
        "BatchNormalization", positional: 0,
        summary: "normalizes each channel: γ · (x − mean) / √(variance + ε) + β, batch statistics in training, moving ones in inference",
        examples: ["add batch_normalization", "add batch_normalization momentum=0.9 epsilon=1e-5", "add batch_normalization axis=1 center=False"],
        arguments: table, blank: { BatchNormalization() })

    /// The channel axis as a positive index for an input of `rank` axes.
    func channelAxis(rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 1, a < rank else {
            throw LabError("\(name): axis \(axis) is out of bounds for an input of \(rank) axes (the batch axis 0 cannot be normalized over itself)")
        }
        return a
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let a = try channelAxis(rank: input.rank)
        guard input.dims[a] != nil else { throw LabError("\(name): the size of axis \(axis) must be known, got \(input)") }
        return input
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        let a = try channelAxis(rank: input.rank)
        guard let c = input.dims[a] else { throw LabError("\(name): the size of axis \(axis) must be known, got \(input)") }
        var specs: [WeightSpec] = []
        if scale { specs.append(gamma.spec("gamma", [c])) }
        if center { specs.append(beta.spec("beta", [c])) }
        var mean = movingMean.spec("moving_mean", [c]), variance = movingVariance.spec("moving_variance", [c])
        mean.trainable = false
        variance.trainable = false
        return specs + [mean, variance]
    }

    /// The weights by role (γ and β nil when scale / center are off).
    private func parts() throws -> (gamma: Tensor?, beta: Tensor?, mean: Tensor, variance: Tensor) {
        let n = (scale ? 1 : 0) + (center ? 1 : 0)
        guard weights.count == n + 2 else { throw LabError("\(name): weights are not built yet") }
        return (scale ? weights[0] : nil, center ? weights[scale ? 1 : 0] : nil, weights[n], weights[n + 1])
    }

    /// (outer, channels, inner): the input seen as blocks around the channel axis.
    private func layout(_ x: Tensor) throws -> (outer: Int, c: Int, inner: Int) {
        let a = try channelAxis(rank: x.rank)
        return (x.shape[..<a].reduce(1, *), x.shape[a], x.shape[(a + 1)...].reduce(1, *))
    }

    /// The batch's mean and (biased) variance per channel, as jnp.mean and jnp.var.
    private func moments(_ x: Tensor) throws -> (mean: [Float], variance: [Float]) {
        let (outer, c, inner) = try layout(x)
        var sums = [Double](repeating: 0, count: c), squares = [Double](repeating: 0, count: c)
        x.scalars.withUnsafeBufferPointer { p in
            for o in 0..<outer {
                for k in 0..<c {
                    let base = (o * c + k) * inner
                    var s = 0.0
                    for i in 0..<inner { s += Double(p[base + i]) }
                    sums[k] += s
                }
            }
            let n = Double(max(1, outer * inner))
            for k in 0..<c { sums[k] /= n }
            for o in 0..<outer {
                for k in 0..<c {
                    let base = (o * c + k) * inner, m = sums[k]
                    var s = 0.0
                    for i in 0..<inner { let d = Double(p[base + i]) - m; s += d * d }
                    squares[k] += s
                }
            }
            for k in 0..<c { squares[k] /= n }
        }
        return (sums.map { Float($0) }, squares.map { Float($0) })
    }

    /// y = x · inv + (β − μ · inv), inv = γ / √(σ² + ε): Keras's ops.batch_normalization.
    private func normalize(_ x: Tensor, mean: [Float], variance: [Float], gamma: Tensor?, beta: Tensor?) throws -> (y: Tensor, rstd: [Float]) {
        let (outer, c, inner) = try layout(x)
        let eps = Float(epsilon)
        let rstd = variance.map { 1 / ($0 + eps).squareRoot() }
        let inv = (0..<c).map { rstd[$0] * (gamma?.scalars[$0] ?? 1) }
        let shift = (0..<c).map { (beta?.scalars[$0] ?? 0) - mean[$0] * inv[$0] }
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { p in
            for o in 0..<outer {
                for k in 0..<c {
                    let base = (o * c + k) * inner, a = inv[k], b = shift[k]
                    for i in 0..<inner { p[base + i] = p[base + i] * a + b }
                }
            }
        }
        return (y, rstd)
    }

    private func usesBatchStatistics(_ training: Bool) -> Bool { training && trainable }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let w = try parts()
        let (mean, variance) = usesBatchStatistics(training) ? try moments(x) : (w.mean.scalars, w.variance.scalars)
        return try normalize(x, mean: mean, variance: variance, gamma: w.gamma, beta: w.beta).y
    }

    public func updatedState(for inputs: [Tensor]) throws -> [Tensor] {
        guard trainable, let x = inputs.first else { return weights }
        let w = try parts()
        let (mean, variance) = try moments(x)
        let m = Float(momentum), rest = Float(1 - momentum)
        var out = weights
        let n = weights.count
        out[n - 2].scalars = zip(w.mean.scalars, mean).map { $0 * m + $1 * rest }
        out[n - 1].scalars = zip(w.variance.scalars, variance).map { $0 * m + $1 * rest }
        return out
    }

    /// Backward. With batch statistics (training): x̂ = (x − μ)/σ, ∂γ = Σ g·x̂, ∂β = Σ g,
    /// ∂x = γ/σ · (g − ∂β/N − x̂ · ∂γ/N), N the values per channel. With the moving statistics:
    /// ∂x = g · γ/σ. The moving statistics get no gradient (zeros).
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let w = try parts()
        let batch = usesBatchStatistics(training)
        let (mean, variance) = batch ? try moments(x) : (w.mean.scalars, w.variance.scalars)
        let (y, rstd) = try normalize(x, mean: mean, variance: variance, gamma: w.gamma, beta: w.beta)
        let (outer, c, inner) = try layout(x)
        let name = name, scale = scale, center = center, count = weights.count
        return (y, { g in
            try g.checkedGradient(of: y, name)
            var dgamma = [Double](repeating: 0, count: c), dbeta = [Double](repeating: 0, count: c)
            x.scalars.withUnsafeBufferPointer { px in
                g.scalars.withUnsafeBufferPointer { pg in
                    for o in 0..<outer {
                        for k in 0..<c {
                            let base = (o * c + k) * inner, m = mean[k], r = rstd[k]
                            var sg = 0.0, sgx = 0.0
                            for i in 0..<inner {
                                let gi = Double(pg[base + i])
                                sg += gi
                                sgx += gi * Double((px[base + i] - m) * r)
                            }
                            dbeta[k] += sg
                            dgamma[k] += sgx
                        }
                    }
                }
            }
            let n = Float(max(1, outer * inner))
            var dx = g
            dx.scalars.withUnsafeMutableBufferPointer { pd in
                x.scalars.withUnsafeBufferPointer { px in
                    for o in 0..<outer {
                        for k in 0..<c {
                            let base = (o * c + k) * inner, m = mean[k], r = rstd[k]
                            let gk = w.gamma?.scalars[k] ?? 1, a = gk * r
                            if batch {
                                let mb = Float(dbeta[k]) / n, mg = Float(dgamma[k]) / n
                                for i in 0..<inner { pd[base + i] = a * (pd[base + i] - mb - (px[base + i] - m) * r * mg) }
                            } else {
                                for i in 0..<inner { pd[base + i] *= a }
                            }
                        }
                    }
                }
            }
            var grads: [Tensor] = []
            if scale { grads.append(try Tensor(shape: [c], scalars: dgamma.map { Float($0) })) }
            if center { grads.append(try Tensor(shape: [c], scalars: dbeta.map { Float($0) })) }
            while grads.count < count { grads.append(try Tensor(zeros: [c])) }
            return (dx, grads)
        })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let a = try? channelAxis(rank: input.rank), let c = input.dims[a] else { return [] }
        let trained = (scale ? 1 : 0) + (center ? 1 : 0)
        return [
            "output = \(scale ? "γ · " : "")(x − mean) / √(variance + ε)\(center ? " + β" : ""), per channel along axis \(axis) (\(c) channels), ε = \(Value.pythonFloat(epsilon))",
            "training (fit, forward --training): mean and variance of the batch over every other axis; then",
            "  moving_mean ← moving_mean · \(Value.pythonFloat(momentum)) + batch mean · \(shortNumber(1 - momentum)) (moving_variance likewise) — in fit only",
            "inference (forward, evaluate, predict): the moving mean and variance" + (trainable ? "" : "; a frozen layer (trainable=False) always, as in Keras 3"),
            "output shape = input shape: \(input) → \(input)",
            "params = \(trained + 2) · \(c) = \((trained + 2) * c): "
                + ([scale ? "gamma" : nil, center ? "beta" : nil].compactMap { $0 } + ["moving_mean", "moving_variance"]).joined(separator: ", ")
                + "; trainable \(trained * c), non-trainable \(2 * c) (the moving statistics: fit sets them, gradients never do)",
        ]
    }
}
