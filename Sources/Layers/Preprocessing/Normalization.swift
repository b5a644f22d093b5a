import TensorCore

/// `Normalization(axis=-1, mean=None, variance=None, invert=False)`: Keras's preprocessing
/// layer, output = (x − mean) / max(√variance, ε) with ε = 1e-7 (Keras's backend.epsilon()),
/// or with invert=True mean + x · max(√variance, ε). One mean and variance per index of the
/// kept `axis` (a tuple; None keeps none: one scalar). Given as constants (a number, or a
/// list aligned with the last kept axis), the layer has no weights; otherwise it has the
/// non-trainable weights mean, variance and count (Keras's adapt() sets the first two; count
/// is an int scalar in Keras, held here as a float and stored in .keras files as int32, as
/// Keras on JAX writes it). Not trained: its weights get no gradients.
public struct Normalization: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Normalization"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    /// The kept axes as written (Keras's tuple; [] for axis=None).
    public var axis: [Int] = [-1]
    /// nil when adapted (weights); else a number or a flat list, kept as written for the config.
    public var mean: Value = .null
    public var variance: Value = .null
    public var invert = false

    static let epsilon: Float = 1e-7

    static func numbers(_ a: BoundArguments, _ key: String) throws -> Value {
        let v = a[key]
        switch v {
        case .null, .int, .double: return v
        case .list(let items), .tuple(let items):
            guard !items.isEmpty, items.allSatisfy({ if case .int = $0 { return true }; if case .double = $0 { return true }; return false }) else {
                throw LabError("Normalization: \(key) must be None, a number or a list of numbers, got \(v.python)")
            }
            return .list(items)
        default: throw LabError("Normalization: \(key) must be None, a number or a list of numbers, got \(v.python)")
        }
    }

    static let table = ArgumentTable<Normalization>([
        .field("axis", .int(-1), \.axis, read: { a, key in
            switch a[key] {
            case .null: return []
            case .int(let i): return [i]
            case .list(let items), .tuple(let items):
                return try items.map { item in
                    guard case .int(let i) = item else { throw LabError("Normalization: axis must be an int, a tuple of ints or None, got \(a[key].python)") }
                    return i
                }
            default: throw LabError("Normalization: axis must be an int, a tuple of ints or None, got \(a[key].python)")
            }
        }, write: { .list($0.map { .int($0) }) }),
        .field("mean", .null, \.mean, read: { try numbers($0, $1) }, write: { $0 }).inConfig(after: "invert"),
        .field("variance", .null, \.variance, read: { try numbers($0, $1) }, write: { $0 }).inConfig(after: "mean"),
        .bool("invert", .bool(false), \.invert).inConfig(after: "axis"),
    ])
    public var argumentTable: ArgumentTable<Normalization> { Self.table }

    public static let type = LayerType(
        "Normalization", positional: 0,
        summary: "(x − mean) / √variance per feature, mean and variance given or held as weights (invert=True undoes it)",
        examples: ["add normalization", "add normalization mean=[0.485, 0.456, 0.406] variance=[0.052441, 0.050176, 0.050625]",
                   "add normalization axis=None mean=3.0 variance=2.0", "add normalization invert=True"],
        arguments: table, blank: { Normalization() }, finish: { layer in
            if (layer.mean == .null) != (layer.variance == .null) {
                throw LabError("Normalization: give both mean and variance, or neither (then they are weights, set by adapt or loaded)")
            }
            let m = Rescaling.floats(layer.mean).count, v = Rescaling.floats(layer.variance).count
            if layer.mean != .null {
                let listed = { (x: Value) -> Bool in if case .list = x { return true }; return false }
                guard m == v, listed(layer.mean) == listed(layer.variance) else {
                    throw LabError("Normalization: mean and variance must have the same shape, got \(layer.mean.python) and \(layer.variance.python)")
                }
                if listed(layer.mean), layer.axis.isEmpty {
                    throw LabError("Normalization: a list mean needs an axis to hold it; with axis=None give one number")
                }
            }
        }).with {
            $0.helpNotes = ["In Python, layer.adapt(data) on a NumPy array sets mean and variance from the data, as Keras does; at the prompt give mean= and variance=, or load the weights from a .keras file."]
        }

    public var adapted: Bool { mean == .null }

    /// The kept axes as sorted positive indices.
    func keptAxes(rank: Int) throws -> [Int] {
        try Set(axis.map { a -> Int in
            guard a >= -rank, a < rank else { throw LabError("\(name): axis \(a) is out of bounds for an input of \(rank) axes") }
            return a < 0 ? a + rank : a
        }).sorted()
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let kept = try keptAxes(rank: input.rank)
        for a in kept where input.dims[a] == nil {
            throw LabError("\(name): axis \(a) is kept, so its size must be known, got \(input)")
        }
        if !adapted, case .list(let items) = mean, let last = kept.last, let d = input.dims[last], items.count != d, items.count != 1 {
            throw LabError("\(name): mean and variance have \(items.count) values but axis \(last) has size \(d)")
        }
        return input
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        guard adapted else { return [] }
        let shape = try keptAxes(rank: input.rank).map { input.dims[$0] ?? 0 }
        let zeros = Fill(className: "Zeros", value: 0), ones = Fill(className: "Ones", value: 1)
        var count = WeightSpec("count", [], zeros, trainable: false)
        count.kerasInteger = true
        return [WeightSpec("mean", shape, zeros, trainable: false), WeightSpec("variance", shape, ones, trainable: false), count]
    }

    /// Keras's `adapt(data)` on one array: the mean and (biased) variance of `data` over every
    /// axis but the kept ones — the new weights mean, variance and count. Keras 3.15's adapt
    /// leaves count as it was (0), and so does this.
    public func adaptedWeights(_ data: Tensor) throws -> [Tensor] {
        guard adapted else {
            throw LabError("\(name.isEmpty ? "Normalization" : name): adapt() sets mean and variance, but this layer was given them (mean=\(mean.python))")
        }
        let kept = try keptAxes(rank: data.rank)
        let shape = kept.map { data.shape[$0] }
        if weights.count == 3, weights[0].shape != shape {
            throw LabError("\(name): the layer was built for mean and variance of shape \(Tensor.describe(weights[0].shape)), but adapt() got data of shape \(Tensor.describe(data.shape))")
        }
        guard data.count > 0 else { throw LabError("Normalization: adapt() got no data") }
        let (group, count) = data.groups(reducing: Set(0..<data.rank).subtracting(kept))
        var sums = [Double](repeating: 0, count: count), n = [Int](repeating: 0, count: count)
        for (i, v) in data.scalars.enumerated() { sums[group[i]] += Double(v); n[group[i]] += 1 }
        let means = (0..<count).map { sums[$0] / Double(max(1, n[$0])) }
        var squares = [Double](repeating: 0, count: count)
        for (i, v) in data.scalars.enumerated() { let d = Double(v) - means[group[i]]; squares[group[i]] += d * d }
        let variances = (0..<count).map { squares[$0] / Double(max(1, n[$0])) }
        return [try Tensor(shape: shape, scalars: means.map { Float($0) }), try Tensor(shape: shape, scalars: variances.map { Float($0) }),
                weights.count == 3 ? weights[2] : try Tensor(zeros: [])]
    }

    /// Per element: its mean and its denominator max(√variance, ε).
    private func factors(_ x: Tensor) throws -> (mean: [Float], denominator: [Float], index: [Int]) {
        let kept = try keptAxes(rank: x.rank)
        let (index, count) = x.groups(reducing: Set(0..<x.rank).subtracting(kept))
        var means: [Float], variances: [Float]
        if adapted {
            guard weights.count == 3 else { throw LabError("\(name): weights are not built yet") }
            means = weights[0].scalars; variances = weights[1].scalars
        } else {
            let m = Rescaling.floats(mean), v = Rescaling.floats(variance)
            let last = kept.last.map { x.shape[$0] } ?? 1
            // A list is aligned with the last kept axis: the group index modulo its size.
            means = (0..<count).map { m.count == 1 ? m[0] : m[$0 % last] }
            variances = (0..<count).map { v.count == 1 ? v[0] : v[$0 % last] }
        }
        guard means.count == count else { throw LabError("\(name): mean has \(means.count) values, the input needs \(count)") }
        return (means, variances.map { max($0.squareRoot(), Self.epsilon) }, index)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let (m, d, index) = try factors(x)
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { p in
            if invert {
                for i in 0..<p.count { p[i] = m[index[i]] + p[i] * d[index[i]] }
            } else {
                for i in 0..<p.count { p[i] = (p[i] - m[index[i]]) / d[index[i]] }
            }
        }
        return y
    }

    /// Backward: ∂x = ∂y / max(√variance, ε) (invert: ∂y · max(√variance, ε)); the weights
    /// (mean, variance, count) are not trainable and get zeros.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), (_, d, index) = try factors(x)
        let name = name, invert = invert, shapes = weights.map(\.shape)
        return (y, { g in
            var dx = try g.checkedGradient(of: y, name)
            dx.scalars.withUnsafeMutableBufferPointer { p in
                if invert { for i in 0..<p.count { p[i] *= d[index[i]] } } else { for i in 0..<p.count { p[i] /= d[index[i]] } }
            }
            return (dx, try shapes.map { try Tensor(zeros: $0) })
        })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let kept = try? keptAxes(rank: input.rank) else { return [] }
        let sizes = kept.map { input.dims[$0] ?? 0 }, n = sizes.reduce(1, *)
        return [
            invert ? "output = mean + x · max(√variance, ε), ε = 1e-7 (invert=True: undoes a normalization)"
                   : "output = (x − mean) / max(√variance, ε), ε = 1e-7",
            kept.isEmpty ? "one mean and variance for every value (axis=None)" : "one mean and variance per index of axis \(kept) (\(n) of each)",
            "output shape = input shape: \(input) → \(input)",
            adapted ? "params = 2 · \(n) + 1 = \(2 * n + 1): mean, variance, count — all non-trainable (Keras's adapt sets them; gradients never do)"
                    : "mean = \(mean.python), variance = \(variance.python): constants, no weights (params = 0)",
        ]
    }
}
