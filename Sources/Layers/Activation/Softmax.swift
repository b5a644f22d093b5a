import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Keras's `Softmax(axis=-1)`: exp(x) / Σ exp(x) along `axis` (an int, or a tuple of
/// axes: exp(x − logsumexp(x)) over all of them, as Keras computes it). Keras's `mask`
/// argument (masked positions set to −1e9, then 0) is not taken.
public struct Softmax: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Softmax"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var axis: Value = .int(-1)

    static let table = ArgumentTable<Softmax>([
        .field("axis", .int(-1), \.axis, read: { a, key in
            switch a[key] {
            case .int: return a[key]
            case .tuple(let items), .list(let items):
                guard !items.isEmpty, items.allSatisfy({ if case .int = $0 { return true } else { return false } }) else {
                    throw LabError(argument: key, expected: "an integer or a tuple of integers", got: a[key].python).at(a.owner)
                }
                return a[key]
            default: throw LabError(argument: key, expected: "an integer or a tuple of integers", got: a[key].python).at(a.owner)
            }
        }, write: { $0 }),
    ])
    public var argumentTable: ArgumentTable<Softmax> { Self.table }

    public static let type = LayerType(
        "Softmax", positional: 1, summary: "softmax along an axis (default the last): each slice becomes probabilities summing to 1",
        examples: ["add softmax", "add softmax axis=1"], arguments: table, blank: { Softmax() }
    ).with { $0.helpNotes = ["Keras's call argument mask is not taken: every position counts"] }

    var axisList: [Int] {
        switch axis {
        case .int(let i): return [i]
        case .tuple(let items), .list(let items): return items.compactMap { if case .int(let i) = $0 { return i } else { return nil } }
        default: return [-1]
        }
    }

    var isTuple: Bool { if case .int = axis { return false } else { return true } }

    /// The axes counted from 0 (the batch axis), checked against the input's rank.
    func axes(rank: Int) throws -> [Int] {
        let axes = try axisList.map { a -> Int in
            guard a >= -rank, a < rank else {
                throw LabError("\(name): axis \(a) is out of range for an input with \(rank) axes (the batch axis is 0)")
            }
            return a < 0 ? a + rank : a
        }
        guard Set(axes).count == axes.count else { throw LabError("\(name): axis \(axis.python) names an axis twice") }
        return axes
    }

    public var mixesSamples: Bool { axisList.contains(0) }

    public func outputShape(for input: Shape) throws -> Shape {
        _ = try axes(rank: input.rank)
        return input
    }

    /// The input with the softmax axes moved last, as rows; and the way back.
    private func rows(_ x: Tensor) throws -> (Tensor, [Int], [Int], Int) {
        let axes = try self.axes(rank: x.rank)
        let order = (0..<x.rank).filter { !axes.contains($0) } + axes
        var inverse = order
        for (i, a) in order.enumerated() { inverse[a] = i }
        let n = axes.reduce(1) { $0 * x.shape[$1] }
        let moved = order == Array(0..<x.rank) ? x : try x.transposed(order)
        return (moved, order, inverse, n)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        var (t, order, inverse, n) = try rows(x)
        t.dtype = .float32
        let logSumExp = isTuple && axisList.count > 1
        if n > 0 {
            t.scalars.withUnsafeMutableBufferPointer { buf in
                for start in stride(from: 0, to: buf.count, by: n) {
                    let row = UnsafeMutableBufferPointer(rebasing: buf[start..<start + n])
                    let m = row.max() ?? 0
                    if logSumExp {
                        var sum: Float = 0
                        for v in row { sum += expf(v - m) }
                        let lse = logf(sum) + m
                        for i in row.indices { row[i] = expf(row[i] - lse) }
                    } else {
                        var sum: Float = 0
                        for i in row.indices { row[i] = expf(row[i] - m); sum += row[i] }
                        for i in row.indices { row[i] /= sum }
                    }
                }
            }
        }
        return order == Array(0..<x.rank) ? t : try t.transposed(inverse)
    }

    public func explanation(for input: Shape) -> [String] {
        guard let axes = try? axes(rank: input.rank) else { return [] }
        let sizes = axes.map { input.dims[$0].map(String.init) ?? "?" }
        let which = axes.count == 1 ? "axis \(axes[0])" : "axes \(axes.map(String.init).joined(separator: ", ")) together"
        return ["output = exp(x) / Σ exp(x), along \(which) (axis \(axis.python); the batch axis is 0): each slice of "
                + "\(sizes.joined(separator: " · ")) values sums to 1",
                "gradient: ∂L/∂x = y · (g − Σ g · y) over the same slice",
                "output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
    }
}

extension Softmax {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), layer = self
        return (y, { g in
            let g = try g.checkedGradient(of: y, layer.name)
            let (yr, _, inverse, n) = try layer.rows(y)
            var (d, order, _, _) = try layer.rows(g)
            if n > 0 {
                d.scalars.withUnsafeMutableBufferPointer { db in
                    yr.scalars.withUnsafeBufferPointer { yb in
                        for start in stride(from: 0, to: db.count, by: n) {
                            var s: Float = 0
                            for i in start..<start + n { s += db[i] * yb[i] }
                            for i in start..<start + n { db[i] = yb[i] * (db[i] - s) }
                        }
                    }
                }
            }
            return (order == Array(0..<y.rank) ? d : try d.transposed(inverse), [])
        })
    }
}
