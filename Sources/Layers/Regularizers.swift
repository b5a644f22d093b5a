import TensorCore

/// A weight or activity penalty, computed as Keras computes it (plain sums).
public protocol Regularizer: Sendable {
    var object: KerasObject { get }
    func penalty(_ x: Tensor) throws -> Double
    /// ∂penalty/∂x, as jax.grad takes it of Keras's formula (|x|′ = sign(x), 0 at 0).
    func gradient(_ x: Tensor) throws -> Tensor
    /// The formula; with values, their numbers put in.
    func formula(for x: Tensor?) -> [String]
    /// Whether the penalty of a batch is the sum of its samples' penalties (L1, L2), so a
    /// forward run in chunks of samples can add up the chunks' penalties.
    var addsUpOverSamples: Bool { get }
}

extension Regularizer {
    public var addsUpOverSamples: Bool { false }
}

public struct RegularizerType: Registered {
    public var className: String
    public var aliases: [String]
    public var signature: Signature
    public var make: @Sendable (BoundArguments) throws -> any Regularizer

    public static let registry = Registry<RegularizerType>(kind: "regularizer", [
        .init("L1", [], [.init("l1", .double(0.01))]) { a in
            // Keras stores L1's factor as a float32 tensor, so its config shows it rounded.
            L1L2(className: "L1", l1: Double(Float(try factor(a, "l1"))), l2: 0)
        },
        .init("L2", [], [.init("l2", .double(0.01))]) { a in L1L2(className: "L2", l1: 0, l2: try factor(a, "l2")) },
        .init("L1L2", ["l1_l2"], [.init("l1", .double(0)), .init("l2", .double(0))]) { a in
            L1L2(className: "L1L2", l1: try factor(a, "l1"), l2: try factor(a, "l2"))
        },
        .init("OrthogonalRegularizer", [], [.init("factor", .double(0.01)), .init("mode", .string("rows"))]) { a in
            let mode = try a.string("mode")
            guard mode == "rows" || mode == "columns" else {
                throw LabError.unknown("mode", mode, among: ["rows", "columns"]).at("OrthogonalRegularizer")
            }
            return OrthogonalRegularizer(factor: try factor(a, "factor"), mode: mode)
        },
    ])

    init(_ className: String, _ aliases: [String], _ parameters: [Signature.Parameter],
         _ make: @escaping @Sendable (BoundArguments) throws -> any Regularizer) {
        self.className = className
        self.aliases = aliases
        self.signature = Signature(className, parameters)
        self.make = make
    }

    /// `None` gives nil; a name, call or config gives the regularizer.
    public static func make(_ value: Value, role: String) throws -> (any Regularizer)? {
        if value == .null { return nil }
        let (entry, args) = try registry.entryAndArguments(value, role: role)
        return try entry.make(entry.signature.bind(args))
    }
}

private func factor(_ a: BoundArguments, _ key: String) throws -> Double {
    if a.isNone(key) { return 0 }
    let v = try a.double(key)
    guard v.isFinite, v >= 0 else {
        throw LabError("\(a.owner): \(key) must be a non-negative number, got \(Value.pythonFloat(v))")
    }
    return v
}

struct L1L2: Regularizer {
    var className: String
    var l1: Double, l2: Double
    var addsUpOverSamples: Bool { true }

    var object: KerasObject {
        let config: [Keyword]
        switch className {
        case "L1": config = [Keyword("l1", .double(l1))]
        case "L2": config = [Keyword("l2", .double(l2))]
        default: config = [Keyword("l1", .double(l1)), Keyword("l2", .double(l2))]
        }
        return KerasObject(module: "keras.regularizers", className: className, config: config)
    }

    func penalty(_ x: Tensor) -> Double {
        let (abs1, sq) = sums(x)
        // Keras computes in the weight's dtype (float32).
        return Double(Float(l1) * Float(abs1) + Float(l2) * Float(sq))
    }

    /// Σ|x| and Σx² in Double, eight values at a time and split over the cores: as an
    /// activity regularizer, this is a pass over the layer's output in every printed forward.
    private func sums(_ x: Tensor) -> (Double, Double) {
        let sums = x.scalars.withUnsafeBufferPointer { values in
            Parallel.reduce(values.count, into: SIMD2<Double>()) { range in
                let piece = UnsafeBufferPointer(rebasing: values[range])
                let whole = piece.count / 8 * 8
                var abs1 = SIMD4<Double>(), sq = SIMD4<Double>()
                if let base = piece.baseAddress {
                    for i in stride(from: 0, to: whole, by: 8) {
                        let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
                        let low = SIMD4<Double>(v.lowHalf), high = SIMD4<Double>(v.highHalf)
                        abs1 += low.replacing(with: -low, where: low .< 0) + high.replacing(with: -high, where: high .< 0)
                        sq += low * low + high * high
                    }
                }
                var total = SIMD2(abs1.sum(), sq.sum())
                for v in piece[whole...] { total += SIMD2(Double(Swift.abs(v)), Double(v) * Double(v)) }
                return total
            } combine: { $0 += $1 }
        }
        return (sums[0], sums[1])
    }

    func gradient(_ x: Tensor) -> Tensor {
        let l1 = Float(l1), l2 = Float(l2)
        return x.map { v in l1 * (v > 0 ? 1 : v < 0 ? -1 : 0) + 2 * l2 * v }
    }

    func formula(for x: Tensor?) -> [String] {
        var terms: [String] = []
        if className != "L2" { terms.append("l1 · Σ|w|") }
        if className != "L1" { terms.append("l2 · Σw²") }
        var lines = ["\(className): penalty = " + terms.joined(separator: " + ") + " — a plain sum over every value (no ½, no mean)"]
        guard let x else { return lines }
        let (abs1, sq) = sums(x)
        var parts: [String] = []
        if className != "L2" { parts.append("\(num(l1)) · \(num(abs1))") }
        if className != "L1" { parts.append("\(num(l2)) · \(num(sq))") }
        lines.append("over these \(x.count) values: " + parts.joined(separator: " + ") + " = \(num(penalty(x)))")
        return lines
    }
}

/// Keras's OrthogonalRegularizer: factor · ½ Σ|off-diagonal of X̂X̂ᵀ| / (m(m−1)/2), rows (or columns) L2-normalised.
struct OrthogonalRegularizer: Regularizer {
    var factor: Double
    var mode: String
    var object: KerasObject {
        KerasObject(module: "keras.regularizers", className: "OrthogonalRegularizer",
                    config: [Keyword("factor", .double(factor)), Keyword("mode", .string(mode))])
    }

    /// The unit vectors (rows, or columns) of a 2-D weight, their lengths, and the layout.
    private func unitVectors(_ x: Tensor) throws -> (vectors: [[Double]], norms: [Double]) {
        guard x.rank == 2 else {
            throw LabError("OrthogonalRegularizer works on 2-D weights only, got shape \(Tensor.describe(x.shape))")
        }
        let (r, c) = (x.shape[0], x.shape[1])
        let count = mode == "rows" ? r : c, length = mode == "rows" ? c : r
        var vectors = [[Double]](repeating: [Double](repeating: 0, count: length), count: count)
        for i in 0..<r { for j in 0..<c { let v = Double(x.scalars[i * c + j]); if mode == "rows" { vectors[i][j] = v } else { vectors[j][i] = v } } }
        var norms = [Double](repeating: 0, count: count)
        for k in vectors.indices {
            norms[k] = max(vectors[k].reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            vectors[k] = vectors[k].map { $0 / norms[k] }
        }
        return (vectors, norms)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    func penalty(_ x: Tensor) throws -> Double {
        let (vectors, _) = try unitVectors(x), count = vectors.count
        guard count > 1 else { return 0 }
        var sum = 0.0
        for a in 0..<count { for b in 0..<count where a != b { sum += abs(dot(vectors[a], vectors[b])) } }
        return factor * 0.5 * sum / (Double(count) * Double(count - 1) / 2)
    }

    /// With P = V̂V̂ᵀ: ∂/∂v̂ₐ = c · 2 Σ_b≠a sign(Pₐ_b) v̂_b (c = factor · ½ / pairs), then through the
    /// normalisation v̂ = v/‖v‖: ∂v = (∂v̂ − v̂ (v̂ · ∂v̂)) / ‖v‖.
    func gradient(_ x: Tensor) throws -> Tensor {
        let (vectors, norms) = try unitVectors(x), count = vectors.count
        var out = try Tensor(zeros: x.shape)
        guard count > 1 else { return out }
        let c = factor * 0.5 / (Double(count) * Double(count - 1) / 2)
        let cols = x.shape[1]
        for a in 0..<count {
            var d = [Double](repeating: 0, count: vectors[a].count)
            for b in 0..<count where b != a {
                let p = dot(vectors[a], vectors[b])
                let s = p > 0 ? 1.0 : p < 0 ? -1.0 : 0
                for j in d.indices { d[j] += 2 * c * s * vectors[b][j] }
            }
            let along = dot(vectors[a], d)
            for j in d.indices {
                let v = Float((d[j] - vectors[a][j] * along) / norms[a])
                if mode == "rows" { out.scalars[a * cols + j] = v } else { out.scalars[j * cols + a] = v }
            }
        }
        return out
    }

    func formula(for x: Tensor?) -> [String] {
        var lines = ["OrthogonalRegularizer: normalise each \(mode == "rows" ? "row" : "column") to length 1, take all their dot products P,",
                     "penalty = factor · ½ · Σ|P off the diagonal| / (m(m−1)/2), m = the number of \(mode) (2-D weights only)"]
        if let x, let p = try? penalty(x) { lines.append("here factor = \(num(factor)): penalty = \(num(p))") }
        return lines
    }
}
