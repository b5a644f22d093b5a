import TensorCore

/// `GroupNormalization(groups=32, axis=-1)`: the channels (`axis`) split into `groups` equal
/// groups; each sample's values in a group (every channel of it, every position) normalized:
/// y = γ · (x − μ) / √(σ² + ε) + β, γ and β one per channel. groups=-1 is one group per
/// channel (instance normalization), groups=1 layer normalization over everything. The same
/// in training and inference; no state.
public struct GroupNormalization: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "GroupNormalization"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var groups = 32
    public var axis = -1
    public var epsilon = 1e-3
    public var center = true
    public var scale = true
    public var beta = WeightSlot.unset
    public var gamma = WeightSlot.unset

    static let table = ArgumentTable<GroupNormalization>([
        .field("groups", .int(32), \.groups, read: { a, key in
            let g = try a.int(key)
            guard g > 0 || g == -1 else {
                throw LabError("GroupNormalization: groups must be a positive integer (or -1 for instance normalization), got \(g)")
            }
            return g
        }, write: { .int($0) }),
        .int("axis", .int(-1), \.axis),
        .field("epsilon", .double(1e-3), \.epsilon, read: { try $0.finiteDouble($1) }, write: { .double($0) }),
        .bool("center", .bool(true), \.center), .bool("scale", .bool(true), \.scale),
        .initializer("beta", "zeros", \.beta), .initializer("gamma", "ones", \.gamma),
        .regularizer("beta", \.beta), .regularizer("gamma", \.gamma),
        .constraint("beta", \.beta), .constraint("gamma", \.gamma),
    ])
    public var argumentTable: ArgumentTable<GroupNormalization> { Self.table }

    public static let type = LayerType(
        "GroupNormalization", positional: 1,
        summary: "normalizes each sample over groups of channels: γ · (x − mean) / √(variance + ε) + β (groups=-1: instance norm)",
        examples: ["add group_normalization 8", "add group_normalization groups=-1", "add group_normalization 2 axis=1 epsilon=1e-5"],
        arguments: table, blank: { GroupNormalization() })

    /// The channel axis as a positive index, and the group count for `channels`.
    func geometry(rank: Int, channels: Int?) throws -> (axis: Int, groups: Int) {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 1, a < rank else { throw LabError("\(name): axis \(axis) is out of bounds for an input of \(rank) axes (axis 0 is the batch)") }
        guard let c = channels else { throw LabError("\(name): the size of axis \(axis) must be known") }
        let g = groups == -1 ? c : groups
        guard g <= c else { throw LabError("\(name): \(g) groups cannot be more than the \(c) channels of axis \(axis)") }
        guard c % g == 0 else { throw LabError("\(name): \(c) channels cannot be split into \(g) equal groups", suggestion: "groups must divide the channel count") }
        return (a, g)
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let a = axis < 0 ? axis + input.rank : axis
        _ = try geometry(rank: input.rank, channels: a >= 0 && a < input.rank ? input.dims[a] : nil)
        return input
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        _ = try outputShape(for: input)
        let a = axis < 0 ? axis + input.rank : axis
        let c = input.dims[a] ?? 0
        return (scale ? [gamma.spec("gamma", [c])] : []) + (center ? [beta.spec("beta", [c])] : [])
    }

    /// Per element: its statistics group (sample · groups + group) and its channel.
    private func layout(_ x: Tensor) throws -> (group: [Int], channel: [Int], groups: Int) {
        let (a, g) = try geometry(rank: x.rank, channels: x.shape[a0(x.rank)])
        let batch = x.shape[0], c = x.shape[a]
        let outer = x.shape[..<a].reduce(1, *), inner = x.shape[(a + 1)...].reduce(1, *)
        let perSample = max(1, outer / max(1, batch)), width = c / g
        var group = [Int](repeating: 0, count: x.count), channel = [Int](repeating: 0, count: x.count)
        var i = 0
        for o in 0..<outer {
            let b = o / perSample
            for k in 0..<c {
                let gk = b * g + k / width
                for _ in 0..<inner { group[i] = gk; channel[i] = k; i += 1 }
            }
        }
        return (group, channel, batch * g)
    }

    private func a0(_ rank: Int) -> Int { min(max(axis < 0 ? axis + rank : axis, 0), max(0, rank - 1)) }

    private func forward(_ x: Tensor) throws -> (y: Tensor, xhat: [Float], rstd: [Float], group: [Int], channel: [Int], groups: Int) {
        guard weights.count == (scale ? 1 : 0) + (center ? 1 : 0) else { throw LabError("\(name): weights are not built yet") }
        let (group, channel, groups) = try layout(x)
        var sums = [Double](repeating: 0, count: groups), counts = [Int](repeating: 0, count: groups)
        for (i, v) in x.scalars.enumerated() { sums[group[i]] += Double(v); counts[group[i]] += 1 }
        let mean = (0..<groups).map { sums[$0] / Double(max(1, counts[$0])) }
        var squares = [Double](repeating: 0, count: groups)
        for (i, v) in x.scalars.enumerated() { let d = Double(v) - mean[group[i]]; squares[group[i]] += d * d }
        let eps = Float(epsilon)
        let rstd = (0..<groups).map { 1 / (Float(squares[$0] / Double(max(1, counts[$0]))) + eps).squareRoot() }
        let gamma = scale ? weights.first : nil, beta = center ? weights.last : nil
        var y = x
        var xhat = [Float](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let k = group[i], c = channel[i]
            let inv = rstd[k] * (gamma?.scalars[c] ?? 1), m = Float(mean[k])
            xhat[i] = (x.scalars[i] - m) * rstd[k]
            y.scalars[i] = x.scalars[i] * inv + ((beta?.scalars[c] ?? 0) - m * inv)
        }
        return (y, xhat, rstd, group, channel, groups)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor { try forward(x).y }

    /// Backward, per group of N values: with g' = ∂y · γ, ∂x = (g' − mean(g') − x̂ · mean(g' · x̂)) / σ;
    /// ∂γ = Σ ∂y · x̂, ∂β = Σ ∂y per channel.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let (y, xhat, rstd, group, channel, groups) = try forward(x)
        let gamma = scale ? weights.first : nil, channels = weights.first?.count ?? 0, name = name, scale = scale, center = center
        return (y, { dy in
            try dy.checkedGradient(of: y, name)
            var s1 = [Double](repeating: 0, count: groups), s2 = [Double](repeating: 0, count: groups), n = [Int](repeating: 0, count: groups)
            var dgamma = [Double](repeating: 0, count: channels), dbeta = [Double](repeating: 0, count: channels)
            for i in 0..<dy.count {
                let gi = dy.scalars[i], c = channel[i], gp = gi * (gamma?.scalars[c] ?? 1)
                s1[group[i]] += Double(gp); s2[group[i]] += Double(gp * xhat[i]); n[group[i]] += 1
                if channels > 0 { dgamma[c] += Double(gi * xhat[i]); dbeta[c] += Double(gi) }
            }
            var dx = dy
            for i in 0..<dy.count {
                let k = group[i], N = Double(max(1, n[k]))
                let gp = dy.scalars[i] * (gamma?.scalars[channel[i]] ?? 1)
                dx.scalars[i] = (gp - Float(s1[k] / N) - xhat[i] * Float(s2[k] / N)) * rstd[k]
            }
            var grads: [Tensor] = []
            if scale { grads.append(try Tensor(shape: [channels], scalars: dgamma.map { Float($0) })) }
            if center { grads.append(try Tensor(shape: [channels], scalars: dbeta.map { Float($0) })) }
            return (dx, grads)
        })
    }

    public func explanation(for input: Shape) -> [String] {
        let a = axis < 0 ? axis + input.rank : axis
        guard a >= 1, a < input.rank, let c = input.dims[a], let (_, g) = try? geometry(rank: input.rank, channels: c) else { return [] }
        let trained = (scale ? 1 : 0) + (center ? 1 : 0)
        return [
            "output = \(scale ? "γ · " : "")(x − mean) / √(variance + ε)\(center ? " + β" : ""), ε = \(Value.pythonFloat(epsilon))",
            "the \(c) channels of axis \(axis) in \(g) groups of \(c / g); mean and variance of each sample's group (its channels at every position), the same in training and inference",
            "output shape = input shape: \(input) → \(input)",
            "params = \(trained) · \(c) = \(trained * c)" + (trained > 0 ? " (" + [scale ? "gamma" : nil, center ? "beta" : nil].compactMap { $0 }.joined(separator: ", ") + ", one per channel)" : ""),
        ]
    }
}
