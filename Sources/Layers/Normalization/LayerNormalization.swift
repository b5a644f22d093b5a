import TensorCore

/// `LayerNormalization()`: each sample normalized over `axis` (default the last):
/// y = γ · (x − μ) / √(σ² + ε) + β, μ and σ² of that sample's values along the axes, γ and β
/// one per position along them. The same in training and inference; no state.
public struct LayerNormalization: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "LayerNormalization"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var axis: [Int] = [-1]
    public var epsilon = 1e-3
    public var center = true
    public var scale = true
    public var beta = WeightSlot.unset
    public var gamma = WeightSlot.unset

    static let table = ArgumentTable<LayerNormalization>([
        .field("axis", .int(-1), \.axis, read: { a, key in
            switch a[key] {
            case .int(let i): return [i]
            case .list(let items), .tuple(let items) where !items.isEmpty:
                return try items.map { item in
                    guard case .int(let i) = item else { throw LabError("LayerNormalization: axis must be an int or a list of ints, got \(a[key].python)") }
                    return i
                }
            default: throw LabError("LayerNormalization: axis must be an int or a list of ints, got \(a[key].python)")
            }
        }, write: { .list($0.map { .int($0) }) }),
        .field("epsilon", .double(1e-3), \.epsilon, read: { try $0.finiteDouble($1) }, write: { .double($0) }),
        .bool("center", .bool(true), \.center), .bool("scale", .bool(true), \.scale),
        Argument("rms_scaling", .bool(false), read: { _, a, _ in
            guard try !a.bool("rms_scaling") else {
                throw LabError("LayerNormalization: rms_scaling=True is deprecated in Keras 3 and not in LayerLab", suggestion: "Keras suggests RMSNormalization instead")
            }
        }, write: { _ in .bool(false) }),
        .initializer("beta", "zeros", \.beta), .initializer("gamma", "ones", \.gamma),
        .regularizer("beta", \.beta), .regularizer("gamma", \.gamma),
        .constraint("beta", \.beta), .constraint("gamma", \.gamma),
    ])
    public var argumentTable: ArgumentTable<LayerNormalization> { Self.table }

    public static let type = LayerType(
        "LayerNormalization", positional: 0,
        summary: "normalizes each sample over the last axis (or axis=…): γ · (x − mean) / √(variance + ε) + β",
        examples: ["add layer_normalization", "add layer_normalization epsilon=1e-6", "add layer_normalization axis=[1, 2]"],
        arguments: table, blank: { LayerNormalization() })

    /// The normalized axes as sorted positive indices.
    func axes(rank: Int) throws -> [Int] {
        try Set(axis.map { a -> Int in
            let p = a < 0 ? a + rank : a
            guard p >= 0, p < rank else { throw LabError("\(name): axis \(a) is out of bounds for an input of \(rank) axes") }
            return p
        }).sorted()
    }

    public func outputShape(for input: Shape) throws -> Shape {
        for a in try axes(rank: input.rank) where input.dims[a] == nil {
            throw LabError("\(name): the size of axis \(a) must be known, got \(input)")
        }
        return input
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        let shape = try axes(rank: input.rank).map { input.dims[$0] ?? 0 }
        return (scale ? [gamma.spec("gamma", shape)] : []) + (center ? [beta.spec("beta", shape)] : [])
    }

    /// Per element: its sample-group (the statistics) and its parameter index (γ, β).
    private func layout(_ x: Tensor) throws -> (group: [Int], groups: Int, param: [Int]) {
        let a = Set(try axes(rank: x.rank))
        let (group, groups) = x.groups(reducing: a)
        let (param, _) = x.groups(reducing: Set(0..<x.rank).subtracting(a))
        return (group, groups, param)
    }

    private func forward(_ x: Tensor) throws -> (y: Tensor, xhat: [Float], rstd: [Float], group: [Int], param: [Int], groups: Int) {
        let (group, groups, param) = try layout(x)
        var sums = [Double](repeating: 0, count: groups), counts = [Int](repeating: 0, count: groups)
        for (i, v) in x.scalars.enumerated() { sums[group[i]] += Double(v); counts[group[i]] += 1 }
        let mean = (0..<groups).map { sums[$0] / Double(max(1, counts[$0])) }
        var squares = [Double](repeating: 0, count: groups)
        for (i, v) in x.scalars.enumerated() { let d = Double(v) - mean[group[i]]; squares[group[i]] += d * d }
        let eps = Float(epsilon)
        let rstd = (0..<groups).map { 1 / (Float(squares[$0] / Double(max(1, counts[$0]))) + eps).squareRoot() }
        let g = scale ? weights.first : nil, b = center ? weights.last : nil
        var y = x
        var xhat = [Float](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let k = group[i], p = param[i]
            let inv = rstd[k] * (g?.scalars[p] ?? 1)
            let m = Float(mean[k])
            xhat[i] = (x.scalars[i] - m) * rstd[k]
            y.scalars[i] = x.scalars[i] * inv + ((b?.scalars[p] ?? 0) - m * inv)
        }
        return (y, xhat, rstd, group, param, groups)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard weights.count == (scale ? 1 : 0) + (center ? 1 : 0) else { throw LabError("\(name): weights are not built yet") }
        return try forward(x).y
    }

    /// Backward, per sample group of N values: with g' = ∂y · γ,
    /// ∂x = (g' − mean(g') − x̂ · mean(g' · x̂)) / σ; ∂γ = Σ ∂y · x̂, ∂β = Σ ∂y over the samples.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        guard weights.count == (scale ? 1 : 0) + (center ? 1 : 0) else { throw LabError("\(name): weights are not built yet") }
        let (y, xhat, rstd, group, param, groups) = try forward(x)
        let gamma = scale ? weights.first : nil, shapes = weights.map(\.shape), name = name, scale = scale, center = center
        return (y, { dy in
            try dy.checkedGradient(of: y, name)
            var s1 = [Double](repeating: 0, count: groups), s2 = [Double](repeating: 0, count: groups), n = [Int](repeating: 0, count: groups)
            let count = shapes.first?.reduce(1, *) ?? 1
            var dgamma = [Double](repeating: 0, count: count), dbeta = [Double](repeating: 0, count: count)
            for i in 0..<dy.count {
                let gi = dy.scalars[i], gp = gi * (gamma?.scalars[param[i]] ?? 1)
                s1[group[i]] += Double(gp); s2[group[i]] += Double(gp * xhat[i]); n[group[i]] += 1
                dgamma[param[i]] += Double(gi * xhat[i]); dbeta[param[i]] += Double(gi)
            }
            var dx = dy
            for i in 0..<dy.count {
                let k = group[i], N = Double(max(1, n[k]))
                let gp = dy.scalars[i] * (gamma?.scalars[param[i]] ?? 1)
                dx.scalars[i] = (gp - Float(s1[k] / N) - xhat[i] * Float(s2[k] / N)) * rstd[k]
            }
            var grads: [Tensor] = []
            if scale, let shape = shapes.first { grads.append(try Tensor(shape: shape, scalars: dgamma.map { Float($0) })) }
            if center, let shape = shapes.last { grads.append(try Tensor(shape: shape, scalars: dbeta.map { Float($0) })) }
            return (dx, grads)
        })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let a = try? axes(rank: input.rank) else { return [] }
        let sizes = a.map { input.dims[$0] ?? 0 }, n = sizes.reduce(1, *)
        let trained = (scale ? 1 : 0) + (center ? 1 : 0)
        return [
            "output = \(scale ? "γ · " : "")(x − mean) / √(variance + ε)\(center ? " + β" : ""), ε = \(Value.pythonFloat(epsilon))",
            "mean and variance of each sample's \(n) values along axis \(a) (the same in training and inference; no moving statistics)",
            "output shape = input shape: \(input) → \(input)",
            "params = \(trained) · \(sizes.map(String.init).joined(separator: " · ")) = \(trained * n)" + (trained > 0 ? " (" + [scale ? "gamma" : nil, center ? "beta" : nil].compactMap { $0 }.joined(separator: ", ") + ")" : ""),
        ]
    }
}
