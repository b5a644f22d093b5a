import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Keras 3's losses (`keras.losses`): their configs, for a later `compile_config`, and
/// their value and gradient with respect to the predictions, as Keras on JAX computes
/// them in float32 (the pipeline of `Loss.__call__`: ranks differing by one squeezed or
/// expanded, the function reduced over the last axis, then `sum_over_batch_size` or `sum`).
public struct LossType: Registered {
    public var className: String
    public var aliases: [String]
    /// The `name` Keras stores in the config (`Huber`'s is `huber_loss`).
    public var kerasName: String
    public var kind: Loss.Kind
    public var signature: Signature

    public static let registry = Registry<LossType>(kind: "loss", [
        .init("MeanSquaredError", ["mse"], .meanSquaredError),
        .init("MeanAbsoluteError", ["mae"], .meanAbsoluteError),
        .init("BinaryCrossentropy", ["bce"], .binaryCrossentropy, crossentropy),
        .init("CategoricalCrossentropy", [], .categoricalCrossentropy, crossentropy),
        .init("SparseCategoricalCrossentropy", [], .sparseCategoricalCrossentropy,
              [.init("from_logits", .bool(false)), .init("ignore_class", .null)]),
        .init("Huber", [], .huber, [.init("delta", .double(1.0))], name: "huber_loss"),
        .init("MeanAbsolutePercentageError", ["mape"], .meanAbsolutePercentageError),
        .init("MeanSquaredLogarithmicError", ["msle"], .meanSquaredLogarithmicError),
        .init("LogCosh", [], .logCosh),
        .init("Hinge", [], .hinge),
        .init("SquaredHinge", [], .squaredHinge),
        .init("CategoricalHinge", [], .categoricalHinge),
        .init("KLDivergence", ["kld"], .klDivergence),
        .init("Poisson", [], .poisson),
        .init("CosineSimilarity", [], .cosineSimilarity, [.init("axis", .int(-1))]),
    ])

    private static let crossentropy: [Signature.Parameter] =
        [.init("from_logits", .bool(false)), .init("label_smoothing", .double(0.0)), .init("axis", .int(-1))]

    init(_ className: String, _ aliases: [String], _ kind: Loss.Kind, _ parameters: [Signature.Parameter] = [],
         name: String? = nil) {
        self.className = className
        self.aliases = aliases
        self.kind = kind
        self.kerasName = name ?? snakeCase(className)
        self.signature = Signature(className, parameters + [
            .init("reduction", .string("sum_over_batch_size")), .init("name", .string(kerasName)), .init("dtype", .null),
        ])
    }

    /// Names tf.keras accepted and Keras 3 rejects, with the one Keras 3 takes
    /// (`logcosh` is caught by `checkSpelling`'s rule).
    static let rejected = ["huber_loss": "huber", "kullback_leibler_divergence": "kl_divergence",
                           "cce": "categorical_crossentropy", "scce": "sparse_categorical_crossentropy"]

    /// Keras matches loss names exactly: a class name run together in lower case
    /// (`logcosh`, `meansquarederror`) is unknown there, so it is here too.
    static func checkSpelling(_ value: Value) throws {
        let typed: String
        switch value {
        case .string(let name), .call(let name, _): typed = name
        default: return
        }
        let lower = typed.lowercased()
        if let near = rejected[lower] {
            throw LabError("unknown loss '\(typed)'", suggestion: "did you mean '\(near)'?")
        }
        if let e = registry.lookup(typed), typed != e.className, lower == e.className.lowercased(),
           e.snakeName != lower, !e.aliases.contains(where: { $0.lowercased() == lower }) {
            throw LabError("unknown loss '\(typed)'", suggestion: "did you mean '\(e.snakeName)'?")
        }
    }

    /// A name (`'mse'`), a call (`Huber(delta=2.0)`) or a config object gives the loss.
    public static func make(_ value: Value, role: String = "loss") throws -> Loss {
        try checkSpelling(value)
        let (entry, args) = try registry.entryAndArguments(value, role: role)
        let a = try entry.signature.bind(args)
        let owner = entry.className
        var loss = Loss(className: owner, kind: entry.kind, name: try a.string("name"),
                        reduction: try a.string("reduction"))
        let reductions = ["sum_over_batch_size", "mean", "mean_with_sample_weight", "sum"]
        guard reductions.contains(loss.reduction) else {
            throw LabError("\(owner): reduction '\(loss.reduction)' is not supported here",
                           suggestion: "use one of: \(reductions.joined(separator: ", ")) (the loss is one number)")
        }
        if !a.isNone("dtype"), try a.string("dtype") != "float32" {
            throw LabError("\(owner): only dtype='float32' is supported (LayerLab computes in float32)")
        }
        let names = entry.signature.names
        if names.contains("axis"), try a.int("axis") != -1 {
            throw LabError("\(owner): only axis=-1 (the last axis) is supported, got axis=\(try a.int("axis"))")
        }
        if names.contains("ignore_class"), !a.isNone("ignore_class") {
            throw LabError("\(owner): ignore_class is not supported yet", suggestion: "leave it None")
        }
        if names.contains("from_logits") { loss.fromLogits = try a.bool("from_logits") }
        if names.contains("label_smoothing") {
            let ls = try a.finiteDouble("label_smoothing")
            guard ls >= 0, ls <= 1 else {
                throw LabError("\(owner): label_smoothing must be between 0 and 1, got \(Value.pythonFloat(ls))")
            }
            loss.labelSmoothing = ls
        }
        if names.contains("delta") {
            let delta = try a.finiteDouble("delta")
            guard delta >= 0 else { throw LabError("\(owner): delta must be non-negative, got \(Value.pythonFloat(delta))") }
            loss.delta = delta
        }
        return loss
    }
}

/// One configured loss. `evaluate` gives the reduced value and its gradient with
/// respect to the predictions.
public struct Loss: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case meanSquaredError, meanAbsoluteError, binaryCrossentropy, categoricalCrossentropy
        case sparseCategoricalCrossentropy, huber, meanAbsolutePercentageError, meanSquaredLogarithmicError
        case logCosh, hinge, squaredHinge, categoricalHinge, klDivergence, poisson, cosineSimilarity
    }

    public var className: String
    public var kind: Kind
    public var name: String
    public var reduction: String
    public var fromLogits = false
    public var labelSmoothing = 0.0
    public var delta = 1.0

    /// Keras's `get_config()`, keys in Keras's order (Huber and CosineSimilarity write
    /// neither delta nor axis, as Keras 3.15 does).
    public var object: KerasObject {
        var config = [Keyword("name", .string(name)), Keyword("reduction", .string(reduction))]
        switch kind {
        case .binaryCrossentropy, .categoricalCrossentropy:
            config += [Keyword("from_logits", .bool(fromLogits)), Keyword("label_smoothing", .double(labelSmoothing)),
                       Keyword("axis", .int(-1))]
        case .sparseCategoricalCrossentropy:
            config += [Keyword("from_logits", .bool(fromLogits)), Keyword("ignore_class", .null)]
        default: break
        }
        return KerasObject(module: "keras.losses", className: className, config: config)
    }

    /// Keras's epsilon, and the clip bounds as float32 computes them.
    static let epsilon = 1e-7
    static let low = Float(1e-7), high = Float(1) - Float(1e-7)

    public func evaluate(yTrue: Tensor, yPred: Tensor) throws -> (value: Double, gradient: Tensor) {
        let classes = yPred.shape.last ?? 1
        let rows: Int, width: Int
        var labels: [Int] = []
        if kind == .sparseCategoricalCrossentropy {
            let perSample = Array(yPred.shape.dropLast())
            guard yPred.rank >= 2, yTrue.shape == perSample || yTrue.shape == perSample + [1] else {
                throw mismatch(yTrue, yPred, suggestion: "sparse labels hold one class index per sample: shape \(Tensor.describe(Array(yPred.shape.dropLast()))) or \(Tensor.describe(Array(yPred.shape.dropLast()) + [1])) for predictions of shape \(Tensor.describe(yPred.shape))")
            }
            (rows, width) = (perSample.reduce(1, *), classes)
            for v in yTrue.scalars {
                // Keras casts the labels to int32 (toward zero); out of range it would silently give 0.
                guard v.isFinite, let label = Int32(exactly: v.rounded(.towardZero)).map(Int.init), label >= 0, label < classes else {
                    throw LabError("\(className): label \(Value.pythonFloat(Double(v))) is not a class index: the predictions have \(classes) classes (0 to \(classes - 1))",
                                   suggestion: "sparse labels are integers from 0 to \(classes - 1); for one-hot labels use categorical_crossentropy")
                }
                labels.append(label)
            }
        } else {
            guard let shape = Loss.workingShape(yTrue.shape, yPred.shape) else {
                throw mismatch(yTrue, yPred, suggestion: "y_true and y_pred need the same shape (a last axis of size 1 may be added or dropped)")
            }
            width = shape.last ?? 1
            rows = shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *)
        }
        let t = yTrue.scalars, p = yPred.scalars
        var total = 0.0
        var gradient = [Float](repeating: 0, count: p.count)
        let hingeLabels = (kind == .hinge || kind == .squaredHinge) && t.allSatisfy { $0 == 0 || $0 == 1 }
        let divisor = reduction == "sum" ? 1.0 : Double(rows)
        guard width > 0 else { return (0, try Tensor(shape: yPred.shape, scalars: gradient)) }
        for r in 0..<rows {
            let range = r * width ..< (r + 1) * width
            var truth: [Double]
            if kind == .sparseCategoricalCrossentropy {
                truth = [Double](repeating: 0, count: width)
                truth[labels[r]] = 1
            } else {
                truth = t[range].map { Double($0) }
                if hingeLabels { truth = truth.map { 2 * $0 - 1 } }
            }
            let (v, g) = sample(truth, Array(p[range]))
            total += v
            for (i, gi) in zip(range, g) { gradient[i] = Float(gi / divisor) }
        }
        // Keras divides with divide_no_nan: an empty batch gives 0.
        let value = reduction == "sum" || rows == 0 ? Float(total) : Float(total) / Float(rows)
        return (Double(value), try Tensor(shape: yPred.shape, scalars: gradient))
    }

    /// Keras's `squeeze_or_expand_to_same_rank`: the shape both are read as, or nil.
    public static func workingShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        if a == b { return a }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1, long.last == 1, Array(long.dropLast()) == short else { return nil }
        return short.count == 1 ? long : short
    }

    private func mismatch(_ yTrue: Tensor, _ yPred: Tensor, suggestion: String) -> LabError {
        LabError("\(className): y_true has shape \(Tensor.describe(yTrue.shape)) but y_pred has shape \(Tensor.describe(yPred.shape))",
                 suggestion: suggestion)
    }

    /// One sample's loss (over the last axis) and its gradient with respect to `pred`.
    func sample(_ t: [Double], _ pred: [Float]) -> (Double, [Double]) {
        let n = Double(t.count), eps = Loss.epsilon
        let p = pred.map { Double($0) }
        var value = 0.0
        var g = [Double](repeating: 0, count: p.count)
        func sign(_ x: Double) -> Double { x > 0 ? 1 : x < 0 ? -1 : 0 }
        func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }
        func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
        switch kind {
        case .meanSquaredError:
            for i in p.indices { let e = p[i] - t[i]; value += e * e / n; g[i] = 2 * e / n }
        case .meanAbsoluteError:
            for i in p.indices { let e = p[i] - t[i]; value += abs(e) / n; g[i] = sign(e) / n }
        case .meanAbsolutePercentageError:
            for i in p.indices {
                let scale = max(abs(t[i]), eps), e = p[i] - t[i]
                value += 100 * abs(e) / scale / n; g[i] = 100 * sign(e) / scale / n
            }
        case .meanSquaredLogarithmicError:
            for i in p.indices {
                let d = log(max(p[i], eps) + 1) - log(max(t[i], eps) + 1)
                value += d * d / n; g[i] = p[i] > eps ? 2 * d / (p[i] + 1) / n : 0
            }
        case .binaryCrossentropy:
            for i in p.indices {
                let y = t[i] * (1 - labelSmoothing) + 0.5 * labelSmoothing
                if fromLogits {
                    value += (y * softplus(-p[i]) + (1 - y) * softplus(p[i])) / n
                    g[i] = (sigmoid(p[i]) - y) / n
                } else {
                    let q = min(max(pred[i], Loss.low), Loss.high), rest = Double(1 - q), qd = Double(q)
                    value -= (y * log(qd) + (1 - y) * log(rest)) / n
                    g[i] = pred[i] < Loss.low || pred[i] > Loss.high ? 0 : (-y / qd + (1 - y) / rest) / n
                }
            }
        case .categoricalCrossentropy, .sparseCategoricalCrossentropy:
            let y = t.map { $0 * (1 - labelSmoothing) + labelSmoothing / n }
            if fromLogits {
                let top = p.max() ?? 0
                let lse = top + log(p.reduce(0) { $0 + exp($1 - top) })
                let mass = y.reduce(0, +)
                for i in p.indices { value -= y[i] * (p[i] - lse); g[i] = exp(p[i] - lse) * mass - y[i] }
            } else {
                let s = p.reduce(0, +)
                var gq = [Double](repeating: 0, count: p.count)
                for i in p.indices {
                    let q = Float(p[i] / s), clipped = min(max(q, Loss.low), Loss.high)
                    value -= y[i] * log(Double(clipped))
                    if q >= Loss.low, q <= Loss.high { gq[i] = -y[i] / Double(q) }
                }
                let through = zip(gq, p).reduce(0) { $0 + $1.0 * $1.1 } / (s * s)
                for i in p.indices { g[i] = gq[i] / s - through }
            }
        case .huber:
            for i in p.indices {
                let e = p[i] - t[i]
                if abs(e) <= delta { value += 0.5 * e * e / n; g[i] = e / n } else {
                    value += (delta * abs(e) - 0.5 * delta * delta) / n; g[i] = delta * sign(e) / n
                }
            }
        case .logCosh:
            for i in p.indices {
                let x = p[i] - t[i]
                value += (x + softplus(-2 * x) - log(2.0)) / n; g[i] = (1 - 2 * sigmoid(-2 * x)) / n
            }
        case .hinge, .squaredHinge:
            let squared = kind == .squaredHinge
            for i in p.indices {
                let m = 1 - t[i] * p[i]
                guard m > 0 else { continue }
                value += (squared ? m * m : m) / n; g[i] = (squared ? -2 * m * t[i] : -t[i]) / n
            }
        case .categoricalHinge:
            let pos = zip(t, p).reduce(0) { $0 + $1.0 * $1.1 }
            var k = 0
            for i in p.indices where (1 - t[i]) * p[i] > (1 - t[k]) * p[k] { k = i }
            let m = (1 - t[k]) * p[k] - pos + 1
            if m > 0 {
                value = m
                for i in p.indices { g[i] = -t[i] }
                g[k] += 1 - t[k]
            }
        case .klDivergence:
            for i in p.indices {
                let y = min(max(t[i], eps), 1), q = min(max(Double(pred[i]), Double(Float(eps))), 1)
                value += y * log(y / q)
                g[i] = p[i] < Double(Float(eps)) || p[i] > 1 ? 0 : -y / q
            }
        case .poisson:
            for i in p.indices { value += (p[i] - t[i] * log(p[i] + eps)) / n; g[i] = (1 - t[i] / (p[i] + eps)) / n }
        case .cosineSimilarity:
            func inverseNorm(_ x: [Double]) -> (Double, Bool) {
                let r = 1 / x.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return r > 1 / eps ? (1 / eps, true) : (r, false)
            }
            let (it, _) = inverseNorm(t), (ip, capped) = inverseNorm(p)
            let th = t.map { $0 * it }, ph = p.map { $0 * ip }
            let dot = zip(th, ph).reduce(0) { $0 + $1.0 * $1.1 }
            value = -dot
            for i in p.indices { g[i] = capped ? -th[i] * ip : -ip * (th[i] - dot * ph[i]) }
        }
        return (value, g)
    }
}
