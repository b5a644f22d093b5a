import TensorCore
import Text

/// Draws a weight tensor's initial values. Keras 3's fifteen initializers.
///
/// Randomness: an initializer holds the seed it draws from. A `seed=` given by the
/// user is used as is; otherwise a seed is drawn from the session's stream when the
/// initializer is created (as Keras draws one at construction), so every call of
/// the same instance returns the same values.
public protocol Initializer: Sendable {
    /// Class name and config, as Keras's `get_config()` reports them.
    var object: KerasObject { get }
    func sample(_ shape: [Int]) throws -> Tensor
    /// The distribution its values follow for a weight of this shape.
    func distribution(for shape: [Int]) -> Distribution?
    /// The formula in words and symbols; with a shape, its numbers put in.
    func formula(for shape: [Int]?) -> [String]
}

/// `0.6124` — numbers in formulas.
func num(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e6 { return String(Int(x)) }
    let a = abs(x)
    let digits = a >= 1 ? 3 : a >= 0.1 ? 4 : a >= 0.01 ? 5 : 6
    var s = formatFixed(x, digits)
    while s.hasSuffix("0") { s.removeLast() }
    return s
}

/// `fan_in = 16 (the kernel's rows: inputs per unit)`, with a conv kernel's receptive field.
func fanLines(_ shape: [Int]) -> [String] {
    let (fanIn, fanOut) = computeFans(shape)
    switch shape.count {
    case 0: return ["fan_in = fan_out = 1 (a scalar)"]
    case 1: return ["fan_in = fan_out = \(shape[0]) (a vector: its length)"]
    case 2: return ["fan_in = \(fanIn) (rows: the inputs each unit reads), fan_out = \(fanOut) (columns: the units)"]
    default:
        let field = shape.dropLast(2)
        let r = field.reduce(1, *)
        let f = field.map(String.init).joined(separator: "·")
        return ["receptive field = \(f) = \(r)",
                "fan_in = receptive field · input channels = \(r) · \(shape[shape.count - 2]) = \(fanIn)",
                "fan_out = receptive field · filters = \(r) · \(shape[shape.count - 1]) = \(fanOut)"]
    }
}

/// Keras's `compute_fans`: rank 0 → (1,1); (n) → (n,n); (a,b) → (a,b);
/// rank ≥ 3 → receptive field r = ∏shape[:-2], (shape[-2]·r, shape[-1]·r).
public func computeFans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    switch shape.count {
    case 0: return (1, 1)
    case 1: return (shape[0], shape[0])
    case 2: return (shape[0], shape[1])
    default:
        let r = shape.dropLast(2).reduce(1, *)
        return (shape[shape.count - 2] * r, shape[shape.count - 1] * r)
    }
}

/// A registry entry: how to build an initializer from arguments.
public struct InitializerType: Registered {
    public var className: String
    public var aliases: [String]
    public var signature: Signature
    public var make: @Sendable (BoundArguments, UInt64) throws -> any Initializer

    public static let registry = Registry<InitializerType>(kind: "initializer", [
        .init("Zeros", ["zero"], []) { _, _ in Fill(className: "Zeros", value: 0) },
        .init("Ones", ["one"], []) { _, _ in Fill(className: "Ones", value: 1) },
        .init("Constant", [], [.init("value", .double(0))]) { a, _ in
            Fill(className: "Constant", value: try a.finiteDouble("value"))
        },
        .init("RandomNormal", ["normal"], [.init("mean", .double(0)), .init("stddev", .double(0.05)), seedParameter]) { a, s in
            try RandomDraw(className: "RandomNormal", kind: .normal, a: a.finiteDouble("mean"),
                           b: nonNegative(a, "stddev"), seed: a.seed(), stream: s)
        },
        .init("RandomUniform", ["uniform"], [.init("minval", .double(-0.05)), .init("maxval", .double(0.05)), seedParameter]) { a, s in
            let lo = try a.finiteDouble("minval"), hi = try a.finiteDouble("maxval")
            guard lo <= hi else { throw LabError("RandomUniform: minval \(lo) is above maxval \(hi)") }
            return RandomDraw(className: "RandomUniform", kind: .uniform, a: lo, b: hi, seed: try a.seed(), stream: s)
        },
        .init("TruncatedNormal", [], [.init("mean", .double(0)), .init("stddev", .double(0.05)), seedParameter]) { a, s in
            try RandomDraw(className: "TruncatedNormal", kind: .truncatedNormal, a: a.finiteDouble("mean"),
                           b: nonNegative(a, "stddev"), seed: a.seed(), stream: s)
        },
        .init("VarianceScaling", [], [.init("scale", .double(1)), .init("mode", .string("fan_in")),
                                       .init("distribution", .string("truncated_normal")), seedParameter]) { a, s in
            try VarianceScaling(scale: a.double("scale"), mode: a.string("mode"),
                                distribution: a.string("distribution"), seed: a.seed(), stream: s)
        },
        preset("GlorotNormal", 1, "fan_avg", "truncated_normal"),
        preset("GlorotUniform", 1, "fan_avg", "uniform"),
        preset("HeNormal", 2, "fan_in", "truncated_normal"),
        preset("HeUniform", 2, "fan_in", "uniform"),
        preset("LecunNormal", 1, "fan_in", "truncated_normal"),
        preset("LecunUniform", 1, "fan_in", "uniform"),
        .init("Orthogonal", ["OrthogonalInitializer"], [.init("gain", .double(1)), seedParameter]) { a, s in
            Orthogonal(gain: try a.finiteDouble("gain"), seed: try a.seed(), stream: s)
        },
        .init("Identity", ["IdentityInitializer"], [.init("gain", .double(1))]) { a, _ in
            Identity(gain: try a.finiteDouble("gain"))
        },
    ])

    init(_ className: String, _ aliases: [String], _ parameters: [Signature.Parameter],
         _ make: @escaping @Sendable (BoundArguments, UInt64) throws -> any Initializer) {
        self.className = className
        self.aliases = aliases
        self.signature = Signature(className, parameters)
        self.make = make
    }

    static let seedParameter = Signature.Parameter("seed", Value.null)

    static func preset(_ name: String, _ scale: Double, _ mode: String, _ distribution: String) -> InitializerType {
        .init(name, [], [seedParameter]) { a, s in
            try VarianceScaling(scale: scale, mode: mode, distribution: distribution,
                                seed: a.seed(), stream: s, presetName: name)
        }
    }
}

private func nonNegative(_ a: BoundArguments, _ key: String) throws -> Double {
    let v = try a.finiteDouble(key)
    guard v >= 0 else { throw LabError("\(a.owner): \(key) must be ≥ 0, got \(Value.pythonFloat(v))") }
    return v
}

/// The stream an initializer draws from: the user's seed, or the one drawn for it.
private func generator(seed: Int?, stream: UInt64) -> RandomGenerator {
    RandomGenerator(seed: seed.map { UInt64($0) } ?? stream)
}

private func seedValue(_ seed: Int?) -> Value { seed.map { .int($0) } ?? .null }

private func initializerObject(_ className: String, _ config: [Keyword]) -> KerasObject {
    KerasObject(module: "keras.initializers", className: className, config: config)
}

struct Fill: Initializer {
    var className: String
    var value: Double
    var object: KerasObject {
        initializerObject(className, className == "Constant" ? [Keyword("value", .double(value))] : [])
    }
    func sample(_ shape: [Int]) throws -> Tensor { try Tensor(zeros: shape, value: Float(value)) }
    func distribution(for shape: [Int]) -> Distribution? { .constant(Double(Float(value))) }
    func formula(for shape: [Int]?) -> [String] { ["\(className): every value is \(num(value))"] }
}

struct RandomDraw: Initializer {
    enum Kind { case normal, uniform, truncatedNormal }
    var className: String
    var kind: Kind
    var a: Double, b: Double
    var seed: Int?
    var stream: UInt64

    var object: KerasObject {
        let keys = kind == .uniform ? ("minval", "maxval") : ("mean", "stddev")
        return initializerObject(className, [Keyword("seed", seedValue(seed)),
                                             Keyword(keys.0, .double(a)), Keyword(keys.1, .double(b))])
    }

    func distribution(for shape: [Int]) -> Distribution? {
        switch kind {
        case .normal: return .normal(mean: a, std: b)
        case .uniform: return .uniform(low: a, high: b)
        case .truncatedNormal: return .truncatedNormal(mean: a, sigma: b)
        }
    }

    func formula(for shape: [Int]?) -> [String] {
        switch kind {
        case .normal: return ["\(className): w ~ N(mean, stddev²) = N(\(num(a)), \(num(b))²)"]
        case .uniform: return ["\(className): w ~ U[minval, maxval) = U[\(num(a)), \(num(b)))",
                               "expected std = (maxval − minval)/√12 = \(num((b - a) / 12.0.squareRoot()))"]
        case .truncatedNormal:
            return ["\(className): w = mean + stddev·z, z ~ N(0, 1) redrawn until |z| ≤ 2",
                    "so w lies in [mean − 2·stddev, mean + 2·stddev] = [\(num(a - 2 * b)), \(num(a + 2 * b))]",
                    "and its std is 0.8796·stddev = \(num(0.87962566103423978 * b)) (no correction, unlike VarianceScaling)"]
        }
    }

    func sample(_ shape: [Int]) throws -> Tensor {
        var rng = generator(seed: seed, stream: stream)
        return try Tensor(shape: shape) { values in
            switch kind {
            case .normal: rng.fillNormal(&values, mean: Float(a), stddev: Float(b))
            case .uniform: rng.fillUniform(&values, low: Float(a), high: Float(b))
            case .truncatedNormal: rng.fillTruncatedNormal(&values, mean: Float(a), stddev: Float(b))
            }
        }
    }
}

/// VarianceScaling and its presets (Glorot, He, Lecun; normal and uniform).
public struct VarianceScaling: Initializer {
    public static let truncationCorrection = 0.87962566103423978
    public var scale: Double
    public var mode: String
    public var distribution: String
    public var seed: Int?
    var stream: UInt64
    /// Set for a preset such as `HeUniform`, whose config holds only its seed.
    public var presetName: String?

    init(scale: Double, mode: String, distribution: String, seed: Int?, stream: UInt64, presetName: String? = nil) throws {
        guard scale > 0, scale.isFinite else {
            throw LabError("VarianceScaling: scale must be a positive number, got \(Value.pythonFloat(scale))")
        }
        let modes = ["fan_in", "fan_out", "fan_avg"]
        guard modes.contains(mode.lowercased()) else { throw LabError.unknown("mode", mode, among: modes).at("VarianceScaling") }
        var dist = distribution.lowercased()
        if dist == "normal" { dist = "truncated_normal" }
        let dists = ["truncated_normal", "untruncated_normal", "uniform"]
        guard dists.contains(dist) else { throw LabError.unknown("distribution", distribution, among: dists).at("VarianceScaling") }
        self.scale = scale
        self.mode = mode.lowercased()
        self.distribution = dist
        self.seed = seed
        self.stream = stream
        self.presetName = presetName
    }

    public var object: KerasObject {
        var config = [Keyword("seed", seedValue(seed))]
        if presetName == nil {
            config += [Keyword("scale", .double(scale)), Keyword("mode", .string(mode)),
                       Keyword("distribution", .string(distribution))]
        }
        config += [Keyword("input_axes", .null), Keyword("output_axes", .null)]
        return initializerObject(presetName ?? "VarianceScaling", config)
    }

    /// n in the formulas: fan_in, fan_out or their mean, at least 1.
    public func n(for shape: [Int]) -> Double {
        let (fanIn, fanOut) = computeFans(shape)
        switch mode {
        case "fan_in": return max(1, Double(fanIn))
        case "fan_out": return max(1, Double(fanOut))
        default: return max(1, Double(fanIn + fanOut) / 2)
        }
    }

    public func distribution(for shape: [Int]) -> Distribution? {
        let variance = scale / n(for: shape)
        switch distribution {
        case "uniform":
            let limit = (3 * variance).squareRoot()
            return .uniform(low: -limit, high: limit)
        case "untruncated_normal": return .normal(mean: 0, std: variance.squareRoot())
        default: return .truncatedNormal(mean: 0, sigma: variance.squareRoot() / Self.truncationCorrection)
        }
    }

    public func formula(for shape: [Int]?) -> [String] {
        let name = presetName ?? "VarianceScaling"
        let nName = ["fan_in": "fan_in", "fan_out": "fan_out"][mode] ?? "(fan_in + fan_out)/2"
        var lines = ["\(name) = VarianceScaling(scale=\(num(scale)), mode='\(mode)', distribution='\(distribution)')"]
        let s = num(scale)
        switch distribution {
        case "uniform": lines.append("w ~ U[−limit, limit), limit = sqrt(3·scale / n) = sqrt(\(num(3 * scale)) / n), n = \(nName)")
        case "untruncated_normal": lines.append("w ~ N(0, scale / n) = N(0, \(s) / n), n = \(nName)")
        default: lines.append("w = σ·z, z ~ N(0, 1) cut to [−2, 2], σ = sqrt(scale / n) / 0.87962566, n = \(nName)")
            lines.append("(dividing by 0.8796 makes the std exactly sqrt(scale / n) despite the cut)")
        }
        guard let shape else { return lines }
        let (fanIn, fanOut) = computeFans(shape)
        lines += fanLines(shape)
        let n = self.n(for: shape)
        let nText = mode == "fan_avg" ? "(\(fanIn) + \(fanOut))/2 = \(num(n))" : num(n)
        lines.append("n = \(nName) = \(nText)")
        switch distribution {
        case "uniform":
            lines.append("limit = sqrt(\(num(3 * scale)) / \(num(n))) = \(num((3 * scale / n).squareRoot()))")
            lines.append("expected std = limit/√3 = \(num((scale / n).squareRoot()))")
        case "untruncated_normal":
            lines.append("std = sqrt(\(s) / \(num(n))) = \(num((scale / n).squareRoot()))")
        default:
            let sigma = (scale / n).squareRoot() / Self.truncationCorrection
            lines.append("std = sqrt(\(s) / \(num(n))) = \(num((scale / n).squareRoot())); σ = \(num(sigma)); |w| ≤ 2σ = \(num(2 * sigma))")
        }
        return lines
    }

    public func sample(_ shape: [Int]) throws -> Tensor {
        let variance = scale / n(for: shape)
        var rng = generator(seed: seed, stream: stream)
        return try Tensor(shape: shape) { values in
            switch distribution {
            case "uniform":
                let limit = Float((3 * variance).squareRoot())
                rng.fillUniform(&values, low: -limit, high: limit)
            case "untruncated_normal":
                rng.fillNormal(&values, stddev: Float(variance.squareRoot()))
            default:
                rng.fillTruncatedNormal(&values, stddev: Float(variance.squareRoot() / Self.truncationCorrection))
            }
        }
    }
}

struct Orthogonal: Initializer {
    var gain: Double
    var seed: Int?
    var stream: UInt64
    var object: KerasObject { initializerObject("Orthogonal", [Keyword("seed", seedValue(seed)), Keyword("gain", .double(gain))]) }

    func distribution(for shape: [Int]) -> Distribution? {
        guard shape.count >= 2 else { return nil }
        let rows = shape.dropLast().reduce(1, *), cols = shape[shape.count - 1]
        return .approximatelyNormal(mean: 0, std: abs(gain) / Double(max(1, max(rows, cols))).squareRoot())
    }

    func formula(for shape: [Int]?) -> [String] {
        var lines = ["Orthogonal: draw A ~ N(0, 1) of shape (max(rows, cols), min(rows, cols)), take Q of A = QR,",
                     "flip each column of Q by the sign of R's diagonal, transpose if rows < cols, multiply by gain",
                     "rows = product of all sizes but the last, cols = the last size; then WᵀW = gain²·I (or WWᵀ when wide)"]
        if let shape, shape.count >= 2 {
            let rows = shape.dropLast().reduce(1, *), cols = shape[shape.count - 1]
            lines.append("here rows = \(rows), cols = \(cols), gain = \(num(gain)): \(rows >= cols ? "the \(cols) columns" : "the \(rows) rows") are orthogonal with norm \(num(abs(gain)))")
            lines.append("each entry is roughly N(0, gain²/\(max(rows, cols))), std ≈ \(num(abs(gain) / Double(max(rows, cols)).squareRoot()))")
        }
        return lines
    }

    func sample(_ shape: [Int]) throws -> Tensor {
        guard shape.count >= 2 else {
            throw LabError("Orthogonal needs a weight of rank 2 or more, got shape \(Tensor.describe(shape))")
        }
        let cols = shape[shape.count - 1], rows = shape.dropLast().reduce(1, *)
        guard rows > 0, cols > 0 else { return try Tensor(zeros: shape) }
        let tall = max(rows, cols), wide = min(rows, cols)
        var rng = generator(seed: seed, stream: stream)
        let a = try Tensor(shape: [tall, wide]) { rng.fillNormal(&$0) }
        let (q, r) = try Tensor.qr(rows: tall, cols: wide, a.scalars)
        var out = [Float](repeating: 0, count: rows * cols)
        let g = Float(gain)
        for i in 0..<tall {
            for j in 0..<wide {
                let v = g * q[i * wide + j] * (r[j] < 0 ? -1 : 1)
                if rows >= cols { out[i * cols + j] = v } else { out[j * cols + i] = v }
            }
        }
        return try Tensor(shape: shape, scalars: out)
    }
}

struct Identity: Initializer {
    var gain: Double
    // Keras drops gain from Identity's config; LayerLab keeps it when it is not 1, so a
    // rebuilt layer keeps its values (Keras's from_config accepts it).
    var object: KerasObject { initializerObject("Identity", gain == 1 ? [] : [Keyword("gain", .double(gain))]) }

    func distribution(for shape: [Int]) -> Distribution? { nil }

    func formula(for shape: [Int]?) -> [String] {
        var lines = ["Identity: gain on the diagonal, 0 elsewhere (2-D weights only; rectangular is allowed)"]
        if let shape, shape.count == 2 { lines.append("here \(min(shape[0], shape[1])) diagonal values of \(num(gain)) in a \(shape[0])×\(shape[1]) matrix") }
        return lines
    }

    func sample(_ shape: [Int]) throws -> Tensor {
        guard shape.count == 2 else {
            throw LabError("Identity works only on 2-D weights, got shape \(Tensor.describe(shape))",
                           suggestion: "use it for a Dense kernel, or pick orthogonal for other shapes")
        }
        var t = try Tensor(zeros: shape)
        for i in 0..<min(shape[0], shape[1]) { t.scalars[i * shape[1] + i] = Float(gain) }
        return t
    }
}
