import TensorCore

/// `Dot(axes, normalize=False)`: a dot product per sample between two inputs, over
/// one axis of each (Keras's `batch_dot`); `normalize` makes it a cosine similarity.
public struct Dot: Layer, DeclaredLayer {
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
        guard inputs.count == 2 else { throw LabError("Dot takes exactly 2 inputs, got \(inputs.count)") }
        var (x, y) = (inputs[0], inputs[1])
        let (a, b) = try resolved(x.rank, y.rank)
        if normalize { x = Dot.l2Normalized(x, axis: a); y = Dot.l2Normalized(y, axis: b) }
        // Move the contracted axis of x last and of y first (after the batch), then one gemm per sample.
        let xt = try x.transposed((0..<x.rank).filter { $0 != a } + [a])
        let yt = try y.transposed([0, b] + (1..<y.rank).filter { $0 != b })
        let batch = x.shape[0], k = x.shape[a]
        let m = xt.count / max(1, batch * k), n = yt.count / max(1, batch * k)
        var out = [Float](repeating: 0, count: batch * m * n)
        xt.scalars.withUnsafeBufferPointer { xp in
            yt.scalars.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { op in
                    guard let xb = xp.baseAddress, let yb = yp.baseAddress, let ob = op.baseAddress else { return }
                    for s in 0..<batch {
                        BLAS.gemm(m: m, n: n, k: k, a: xb + s * m * k, b: yb + s * k * n, c: ob + s * m * n)
                    }
                }
            }
        }
        let shape = try outputShape(for: [Shape([nil] + x.shape.dropFirst().map { Optional($0) }),
                                          Shape([nil] + y.shape.dropFirst().map { Optional($0) })]).dims.dropFirst().compactMap { $0 }
        return try Tensor(shape: [batch] + shape, scalars: out)
    }

    /// x · min(1/‖x‖, 1/ε) along `axis`, as Keras's `ops.normalize` (ε = 1e-7).
    static func l2Normalized(_ x: Tensor, axis: Int) -> Tensor {
        let (norms, groupOf) = x.norms(reducing: [axis])
        var out = x
        for i in 0..<out.count { out.scalars[i] *= Float(min(1 / norms[groupOf[i]], 1e7)) }
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
