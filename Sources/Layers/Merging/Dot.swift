import TensorCore

/// `Dot(axes, normalize=False)`: a dot product per sample between two inputs, over
/// one axis of each (Keras's `batch_dot`); `normalize` makes it a cosine similarity.
public struct Dot: DifferentiableLayer, DeclaredLayer {
    public static let className = "Dot"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var axes = Value.int(-1)
    public var normalize = false

    static let table = ArgumentTable<Dot>([
        .field("axes", nil, \.axes, read: { $0[$1] }, write: { $0 }), .bool("normalize", .bool(false), \.normalize),
    ])
    public var argumentTable: ArgumentTable<Dot> { Self.table }

    public static let type = LayerType("Dot", positional: 1, summary: "per-sample dot product of two inputs over an axis of each (add dot 1 from=a,b)",
                                       arguments: table, blank: { Dot() }, finish: { _ = try $0.pair() }).with { $0.takesInputList = true }

    func pair() throws -> (Int, Int) {
        switch axes {
        case .int(let a): return (a, a)
        case .tuple(let t), .list(let t):
            guard t.count == 2, case .int(let a) = t[0], case .int(let b) = t[1] else { fallthrough }
            return (a, b)
        default: throw LabError("Dot: axes must be an integer or a pair of integers, got \(axes.python)")
        }
    }

    /// The contracted axes, made non-negative and checked.
    func resolved(_ x: Int, _ y: Int) throws -> (Int, Int) {
        let (a, b) = try pair()
        let ra = a < 0 ? a + x : a, rb = b < 0 ? b + y : b
        guard ra >= 1, ra < x, rb >= 1, rb < y else {
            throw LabError("Dot: axes \(axes.python) do not fit inputs with \(x) and \(y) axes (axis 0 is the batch)")
        }
        return (ra, rb)
    }

    public func outputShape(for inputs: [Shape]) throws -> Shape {
        guard inputs.count == 2 else { throw LabError("Dot takes exactly 2 inputs, got \(inputs.count)", suggestion: "give them with from=A,B") }
        let (x, y) = (inputs[0], inputs[1])
        guard x.rank >= 2, y.rank >= 2 else { throw LabError("Dot needs inputs with at least one axis besides the batch, got \(x) and \(y)") }
        let (a, b) = try resolved(x.rank, y.rank)
        if let d1 = x.dims[a], let d2 = y.dims[b], d1 != d2 {
            throw LabError("Dot over axes \(axes.python): sizes differ, \(d1) in \(x) and \(d2) in \(y)")
        }
        var dims = x.dims
        dims.remove(at: a)
        var rest = Array(y.dims.dropFirst())
        rest.remove(at: b - 1)
        dims += rest
        return Shape(dims.count == 1 ? dims + [1] : dims)
    }

    public func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try product(inputs).output
    }

    public func differentiableCall(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> (output: Tensor, pullback: Pullback) {
        try product(inputs)
    }

    /// Forward: the contracted axis of x moved last and of y first (after the batch), then
    /// one product per sample. Backward: ∂x̃ = g · ỹᵀ and ∂ỹ = x̃ᵀ · g per sample, moved back
    /// to the inputs' layouts, then (with `normalize`) through the normalisation.
    private func product(_ inputs: [Tensor]) throws -> (output: Tensor, pullback: Pullback) {
        guard inputs.count == 2 else { throw LabError("Dot takes exactly 2 inputs, got \(inputs.count)") }
        let (x0, y0) = (inputs[0], inputs[1])
        let (a, b) = try resolved(x0.rank, y0.rank)
        guard x0.shape[0] == y0.shape[0], x0.shape[a] == y0.shape[b] else {
            throw LabError("Dot over axes \(axes.python): inputs \(Tensor.describe(x0.shape)) and \(Tensor.describe(y0.shape)) do not fit")
        }
        let x = normalize ? Dot.l2Normalized(x0, axis: a) : x0, y = normalize ? Dot.l2Normalized(y0, axis: b) : y0
        // x̃ (batch, m, k) and ỹ (batch, k, n): the orders that bring the contracted axes together.
        let xOrder = (0..<x.rank).filter { $0 != a } + [a], yOrder = [0, b] + (1..<y.rank).filter { $0 != b }
        let batch = x.shape[0], k = x.shape[a]
        let m = x.count / max(1, batch * k), n = y.count / max(1, batch * k)
        let out = Dot.products(try x.transposed(xOrder), try y.transposed(yOrder), batch: batch, m: m, k: k, n: n)
        let shape = try outputShape(for: [Shape([nil] + x.shape.dropFirst().map { Optional($0) }),
                                          Shape([nil] + y.shape.dropFirst().map { Optional($0) })]).dims.dropFirst().compactMap { $0 }
        let output = try Tensor(shape: [batch] + shape, scalars: out)
        let name = name, normalize = normalize
        return (output, { g in
            let g = try g.checkedGradient(of: output, name)
            // g·ỹᵀ: ỹᵀ is y with its contracted axis last; x̃ᵀ·g: x̃ᵀ is x with it first.
            let yT = try y.transposed((0..<y.rank).filter { $0 != b } + [b]), xT = try x.transposed([0, a] + (1..<x.rank).filter { $0 != a })
            let dxt = Dot.products(g, yT, batch: batch, m: m, k: n, n: k), dyt = Dot.products(xT, g, batch: batch, m: k, k: m, n: n)
            var dx = try Tensor(shape: xOrder.map { x.shape[$0] }, scalars: dxt).transposed(Dot.inverse(xOrder))
            var dy = try Tensor(shape: yOrder.map { y.shape[$0] }, scalars: dyt).transposed(Dot.inverse(yOrder))
            if normalize {
                dx = Dot.l2NormalizedGradient(x0, axis: a, dx)
                dy = Dot.l2NormalizedGradient(y0, axis: b, dy)
            }
            return LayerGradients(inputs: [dx, dy])
        })
    }

    /// For each of `batch` samples, A[m×k] · B[k×n], all row-major and packed one sample after another.
    static func products(_ a: Tensor, _ b: Tensor, batch: Int, m: Int, k: Int, n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: batch * m * n)
        a.scalars.withUnsafeBufferPointer { ap in
            b.scalars.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { op in
                    guard let ab = ap.baseAddress, let bb = bp.baseAddress, let ob = op.baseAddress else { return }
                    for s in 0..<batch {
                        BLAS.gemm(m: m, n: n, k: k, a: ab + s * m * k, b: bb + s * k * n, c: ob + s * m * n)
                    }
                }
            }
        }
        return out
    }

    static func inverse(_ order: [Int]) -> [Int] {
        var inverse = order
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return inverse
    }

    /// x · min(1/‖x‖, 1/ε) along `axis`, as Keras's `ops.normalize` (ε = 1e-7).
    static func l2Normalized(_ x: Tensor, axis: Int) -> Tensor {
        let (norms, groupOf) = x.norms(reducing: [axis])
        var out = x
        for i in 0..<out.count { out.scalars[i] *= Float(min(1 / norms[groupOf[i]], 1e7)) }
        return out
    }

    /// The gradient of `l2Normalized` as JAX takes it of Keras's `x · minimum(rsqrt(s), 1/ε)`,
    /// s = Σx² over the axis, for ∂L/∂x̂ `g`: with r = rsqrt(s) and m = min(r, 1/ε),
    /// ∂x = g·m + 2x · ∂s, ∂s = −½·r/s · c·Σ(g·x), c = 1 where r < 1/ε (0 past it, ½ at a tie).
    /// An all-zero vector gets NaN, as in JAX (0 · ∞ in ∂s).
    static func l2NormalizedGradient(_ x: Tensor, axis: Int, _ g: Tensor) -> Tensor {
        let (groupOf, groups) = x.groups(reducing: [axis])
        var squares = [Double](repeating: 0, count: groups), dots = squares
        for i in 0..<x.count {
            let v = Double(x.scalars[i])
            squares[groupOf[i]] += v * v
            dots[groupOf[i]] += Double(g.scalars[i]) * v
        }
        let cap: Float = 1e7
        let scale = squares.indices.map { j -> (m: Float, ds: Float) in
            let s = Float(squares[j]), r = 1 / s.squareRoot(), m = min(r, cap)
            let (c, _) = BinaryDerivative.chooser(r, cap, m)
            return (m, c * Float(dots[j]) * (-0.5 * r / s))
        }
        var out = g
        for i in 0..<out.count {
            let (m, ds) = scale[groupOf[i]]
            out.scalars[i] = g.scalars[i] * m + 2 * x.scalars[i] * ds
        }
        return out
    }

    public func macs(for inputs: [Shape]) -> Int {
        guard let out = try? outputShape(for: inputs), let (a, _) = try? resolved(inputs[0].rank, inputs[1].rank),
              let k = inputs[0].dims[a] else { return 0 }
        return out.dims.dropFirst().reduce(k) { $0 * ($1 ?? 1) }
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        ["for each sample, the dot product over axis \(axes.python) of " + inputs.map(\.description).joined(separator: " and ")
            + " → " + ((try? outputShape(for: inputs))?.description ?? "?") + (normalize ? " (each input L2-normalised first: cosine similarity)" : "")
            + "; no parameters"]
    }
}
