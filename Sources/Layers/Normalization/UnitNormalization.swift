import TensorCore

/// `UnitNormalization(axis=-1)`: each sample scaled to unit L2 norm along `axis`, as Keras's
/// ops.normalize computes it: x · min(1/√Σx², 1/ε), ε = 1e-12. No weights.
public struct UnitNormalization: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "UnitNormalization"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    /// The value as written: an int, or a list of ints.
    public var axis: Value = .int(-1)

    static let epsilon: Float = 1e-12

    static let table = ArgumentTable<UnitNormalization>([
        .field("axis", .int(-1), \.axis, read: { a, key in
            switch a[key] {
            case .int: return a[key]
            case .list(let items), .tuple(let items) where items.allSatisfy({ if case .int = $0 { return true }; return false }):
                return .list(items)
            default: throw LabError("UnitNormalization: axis must be an int or a list of ints, got \(a[key].python)")
            }
        }, write: { $0 }),
    ])
    public var argumentTable: ArgumentTable<UnitNormalization> { Self.table }

    public static let type = LayerType(
        "UnitNormalization", positional: 0,
        summary: "scales each sample to length 1 along the last axis (or axis=…): x / ‖x‖₂",
        examples: ["add unit_normalization", "add unit_normalization axis=[1, 2]"],
        arguments: table, blank: { UnitNormalization() }).with { $0.recordsBuildShape = false }

    private var axisList: [Int] {
        switch axis {
        case .int(let i): return [i]
        case .list(let items), .tuple(let items): return items.compactMap { if case .int(let i) = $0 { return i }; return nil }
        default: return [-1]
        }
    }

    func axes(rank: Int) throws -> Set<Int> {
        Set(try axisList.map { a -> Int in
            guard a >= -rank, a < rank else { throw LabError("\(name): axis \(a) is out of bounds for an input of \(rank) axes") }
            return a < 0 ? a + rank : a
        })
    }

    public func outputShape(for input: Shape) throws -> Shape {
        _ = try axes(rank: input.rank)
        return input
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] { [] }

    /// Per group (the values sharing every other index): min(1/√Σx², 1/ε), and whether it was clipped.
    private func factors(_ x: Tensor) throws -> (r: [Float], clipped: [Bool], group: [Int]) {
        let (group, count) = x.groups(reducing: try axes(rank: x.rank))
        var sums = [Float](repeating: 0, count: count)
        for (i, v) in x.scalars.enumerated() { sums[group[i]] += v * v }
        let inverse = sums.map { 1 / $0.squareRoot() }
        let limit = 1 / Self.epsilon
        return (inverse.map { min($0, limit) }, inverse.map { !($0 < limit) }, group)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let (r, _, group) = try factors(x)
        var y = x
        for i in 0..<y.count { y.scalars[i] *= r[group[i]] }
        return y
    }

    /// Backward, per group: ∂x = r · ∂y − x · r³ · Σ ∂y·x with r = 1/√Σx²; where r was clipped to
    /// 1/ε (an all-zero group), ∂x = ∂y / ε.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let (r, clipped, group) = try factors(x)
        var y = x
        for i in 0..<y.count { y.scalars[i] *= r[group[i]] }
        let name = name
        return (y, { [y] g in
            var dx = try g.checkedGradient(of: y, name)
            var dots = [Float](repeating: 0, count: r.count)
            for i in 0..<x.count { dots[group[i]] += g.scalars[i] * x.scalars[i] }
            for i in 0..<x.count {
                let k = group[i]
                dx.scalars[i] = clipped[k] ? g.scalars[i] * r[k] : g.scalars[i] * r[k] - x.scalars[i] * r[k] * r[k] * r[k] * dots[k]
            }
            return (dx, [])
        })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let a = try? axes(rank: input.rank) else { return [] }
        return [
            "output = x / √(Σ x²) over axis \(a.sorted()) of each sample (x · min(1/√Σx², 1e12): an all-zero vector stays 0)",
            "output shape = input shape: \(input) → \(input)", "no weights: params = 0",
        ]
    }
}
