import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Keras 3's activation functions, applied in place to a tensor's values.
/// Softmax and log_softmax act along the last axis.
public struct Activation: Registered {
    public var className: String
    public var aliases: [String]
    public var kind: Kind

    public enum Kind: Sendable {
        case elementwise(@Sendable (Float) -> Float)
        /// Elementwise too, but the closure runs the loop itself, so the compiler sees
        /// (and vectorises) it whole: for the cheap functions that follow every conv layer.
        case wholeBuffer(@Sendable (UnsafeMutableBufferPointer<Float>) -> Void)
        case lastAxis(@Sendable (UnsafeMutableBufferPointer<Float>) -> Void)
        /// glu: the last axis split in two halves a and b, output a · sigmoid(b) (half as long).
        case halving
    }

    /// Why the name cannot be used as an activation string (threshold needs arguments).
    public var refusal: String?

    /// glu: the output's last axis is half the input's.
    public var halvesLastAxis: Bool { if case .halving = kind { return true } else { return false } }

    /// The name Keras stores in configs (`swish` is stored as `silu`).
    public var name: String { className }

    public func apply(_ t: inout Tensor) {
        guard !isLinear else { return }
        switch kind {
        case .halving:
            t = Activation.glu(t)
        case .elementwise(let f):
            t.scalars.withUnsafeMutableBufferPointer { buf in
                for i in buf.indices { buf[i] = f(buf[i]) }
            }
        case .wholeBuffer(let f):
            t.scalars.withUnsafeMutableBufferPointer { f($0) }
        case .lastAxis(let f):
            let n = t.shape.last ?? 1
            guard n > 0 else { return }
            t.scalars.withUnsafeMutableBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                var start = 0
                while start < buf.count {
                    f(UnsafeMutableBufferPointer(start: base + start, count: n))
                    start += n
                }
            }
        }
    }

    /// Adds `bias` (length n, or nil) to each row of n values and applies the activation,
    /// one row at a time while the row is in cache: Dense's epilogue after its gemm.
    public func applyRows(_ buf: UnsafeMutableBufferPointer<Float>, rowLength n: Int, bias: UnsafeBufferPointer<Float>?) {
        guard n > 0, let base = buf.baseAddress else { return }
        if bias == nil {
            // Nothing per row to do: the identity, or one pass over the whole block.
            if isLinear { return }
            if case .wholeBuffer(let f) = kind { f(buf); return }
        }
        let rows = buf.count / n
        let linear = isLinear
        for r in 0..<rows {
            let row = UnsafeMutableBufferPointer(start: base + r * n, count: n)
            if let bias, bias.count == n, let b = bias.baseAddress {
                for j in 0..<n { row[j] += b[j] }
            }
            if linear { continue }
            switch kind {
            case .elementwise(let f): for j in 0..<n { row[j] = f(row[j]) }
            case .wholeBuffer(let f), .lastAxis(let f): f(row)
            case .halving: break  // refused where the shape cannot change (Dense, convolutions)
            }
        }
    }

    public func callAsFunction(_ t: Tensor) -> Tensor {
        var out = t
        apply(&out)
        return out
    }

    public var isLinear: Bool { className == "linear" }

    static let seluAlpha: Float = 1.6732632423543772
    static let seluScale: Float = 1.0507009873554805

    public static let registry = Registry<Activation>(kind: "activation", [
        .init("linear", [], .elementwise { $0 }),
        .init("relu", [], .wholeBuffer { b in for i in b.indices { b[i] = max(b[i], 0) } }),
        .init("relu6", [], .wholeBuffer { b in for i in b.indices { b[i] = min(max(b[i], 0), 6) } }),
        .init("leaky_relu", [], .wholeBuffer { b in for i in b.indices { b[i] = b[i] >= 0 ? b[i] : 0.2 * b[i] } }),
        .init("elu", [], .elementwise { $0 > 0 ? $0 : expm1f($0) }),
        .init("selu", [], .elementwise { seluScale * ($0 > 0 ? $0 : seluAlpha * expm1f($0)) }),
        .init("softplus", [], .elementwise { softplus($0) }),
        .init("softsign", [], .elementwise { $0 / (1 + abs($0)) }),
        .init("tanh", [], .elementwise { tanhf($0) }),
        .init("sigmoid", [], .elementwise { sigmoid($0) }),
        .init("hard_sigmoid", [], .elementwise { hardSigmoid($0) }),
        .init("exponential", [], .elementwise { expf($0) }),
        .init("gelu", [], .elementwise { 0.5 * $0 * erfcf(-$0 * Float(0.5).squareRoot()) }),
        .init("silu", ["swish"], .elementwise { $0 * sigmoid($0) }),
        .init("hard_silu", ["hard_swish"], .elementwise { $0 * hardSigmoid($0) }),
        .init("mish", [], .elementwise { $0 * tanhf(softplus($0)) }),
        .init("log_sigmoid", [], .elementwise { -softplus(-$0) }),
        .init("softmax", [], .lastAxis { row in
            let m = row.max() ?? 0
            var sum: Float = 0
            for i in row.indices { row[i] = expf(row[i] - m); sum += row[i] }
            for i in row.indices { row[i] /= sum }
        }),
        .init("log_softmax", [], .lastAxis { row in
            let m = row.max() ?? 0
            var sum: Float = 0
            for v in row { sum += expf(v - m) }
            let lse = m + logf(sum)
            for i in row.indices { row[i] -= lse }
        }),
        .init("celu", [], .elementwise { max($0, 0) + expm1f(min($0, 0)) }),
        .init("squareplus", [], .elementwise { ($0 + ($0 * $0 + 4).squareRoot()) / 2 }),
        .init("soft_shrink", [], .elementwise { $0 > 0.5 ? $0 - 0.5 : $0 < -0.5 ? $0 + 0.5 : 0 }),
        .init("sparse_plus", [], .elementwise { $0 <= -1 ? 0 : $0 >= 1 ? $0 : ($0 + 1) * ($0 + 1) / 4 }),
        .init("tanh_shrink", [], .elementwise { $0 - tanhf($0) }),
        .init("sparse_sigmoid", [], .elementwise { 0.5 * min(max($0 + 1, 0), 2) }),
        .init("hard_tanh", [], .elementwise { $0 > 1 ? 1 : $0 < -1 ? -1 : $0 }),
        .init("hard_shrink", [], .elementwise { abs($0) > 0.5 ? $0 : 0 }),
        .init("glu", [], .halving),
        .init("sparsemax", [], .lastAxis { row in sparsemax(row) }),
        .init("threshold", [], .elementwise { $0 }, refusal: """
            threshold needs its arguments threshold and default_value, which an activation name cannot give \
            (Keras accepts the name and fails when the layer is called: threshold() missing 2 required positional \
            arguments: 'threshold' and 'default_value')
            """),
    ])

    /// Keras 3's definition (keras/src/activations/activations.py), for `help` and `explain`.
    public var formula: [String] { Self.formulas[className] ?? ["\(className)(x)"] }

    static let formulas: [String: [String]] = [
        "linear": ["linear(x) = x"],
        "relu": ["relu(x) = max(x, 0)"],
        "relu6": ["relu6(x) = min(max(x, 0), 6)"],
        "leaky_relu": ["leaky_relu(x) = x if x >= 0 else negative_slope · x,  negative_slope = 0.2"],
        "elu": ["elu(x) = x if x > 0 else alpha · (exp(x) − 1),  alpha = 1.0"],
        "selu": ["selu(x) = scale · x if x > 0 else scale · alpha · (exp(x) − 1)",
                 "alpha = 1.67326324235437728, scale = 1.05070098735548049"],
        "softplus": ["softplus(x) = log(exp(x) + 1)"],
        "softsign": ["softsign(x) = x / (|x| + 1)"],
        "tanh": ["tanh(x) = (exp(x) − exp(−x)) / (exp(x) + exp(−x))"],
        "sigmoid": ["sigmoid(x) = 1 / (1 + exp(−x))"],
        "hard_sigmoid": ["hard_sigmoid(x) = 0 if x <= −3, 1 if x >= 3, else x / 6 + 0.5"],
        "exponential": ["exponential(x) = exp(x)"],
        "gelu": ["gelu(x) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2))   (Φ: the standard normal CDF)",
                 "approximate=False (Keras's default); approximate=True is 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))"],
        "silu": ["silu(x) = x · sigmoid(x) = x / (1 + exp(−x))   (also called swish)"],
        "hard_silu": ["hard_silu(x) = x · hard_sigmoid(x) = x · relu6(x + 3) / 6   (also called hard_swish)"],
        "mish": ["mish(x) = x · tanh(softplus(x))"],
        "log_sigmoid": ["log_sigmoid(x) = log(sigmoid(x)) = −softplus(−x)"],
        "softmax": ["softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ), along the last axis (each row sums to 1)"],
        "log_softmax": ["log_softmax(x)ᵢ = xᵢ − log Σⱼ exp(xⱼ), along the last axis"],
        "celu": ["celu(x) = max(x, 0) + alpha · (exp(min(x, 0) / alpha) − 1),  alpha = 1.0"],
        "squareplus": ["squareplus(x) = (x + √(x² + b)) / 2,  b = 4"],
        "soft_shrink": ["soft_shrink(x) = x − threshold if x > threshold, x + threshold if x < −threshold, else 0,  threshold = 0.5"],
        "sparse_plus": ["sparse_plus(x) = 0 if x <= −1, x if x >= 1, else (x + 1)² / 4"],
        "tanh_shrink": ["tanh_shrink(x) = x − tanh(x)"],
        "sparse_sigmoid": ["sparse_sigmoid(x) = 0.5 · clip(x + 1, 0, 2): 0 if x <= −1, 1 if x >= 1, else (x + 1) / 2"],
        "hard_tanh": ["hard_tanh(x) = −1 if x < −1, 1 if x > 1, else x"],
        "hard_shrink": ["hard_shrink(x) = x if |x| > threshold, else 0,  threshold = 0.5"],
        "glu": ["glu(x) = a · sigmoid(b), where a and b are the two halves of the last axis (its size must be even;",
                "the output's last axis is half as long — Keras's layers still declare the input's size)"],
        "sparsemax": ["sparsemax(x)ᵢ = max(xᵢ − τ, 0), along the last axis, as Keras's JAX backend computes it:",
                      "s = x sorted descending, cᵣ = s₁ + … + sᵣ, support r where sᵣ − (cᵣ − 1)/r > 0 (k of them),",
                      "τ = (Σ_support cᵣ − 1) / k   (Keras sums the support's cumulative sums, not c_k: rows need not sum to 1)"],
        "threshold": ["threshold(x, threshold, default_value) = x if x > threshold, else default_value",
                      "(no defaults: as an activation name Keras fails when the layer is called)"],
    ]

    init(_ name: String, _ aliases: [String], _ kind: Kind, refusal: String? = nil) {
        self.className = name
        self.aliases = aliases
        self.kind = kind
        self.refusal = refusal
    }

    /// glu along the last axis: a · sigmoid(b) for the halves a, b (a size that is odd leaves
    /// its last value out; the layers refuse it first, as JAX's assertion does).
    static func glu(_ x: Tensor) -> Tensor {
        let n = x.shape.last ?? 0, h = n / 2
        guard h > 0, var out = try? Tensor(zeros: Array(x.shape.dropLast()) + [h]) else {
            return (try? Tensor(zeros: Array(x.shape.dropLast()) + [0])) ?? x
        }
        out.dtype = .float32
        let rows = x.count / max(n, 1)
        x.scalars.withUnsafeBufferPointer { xb in
            out.scalars.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    for j in 0..<h { o[r * h + j] = xb[r * n + j] * sigmoid(xb[r * n + h + j]) }
                }
            }
        }
        return out
    }

    /// `None` means linear, as in Keras.
    public static func make(_ value: Value) throws -> Activation {
        switch value {
        case .null: return try registry.get("linear")
        case .string(let name):
            let activation = try registry.get(name)
            if let refusal = activation.refusal { throw LabError("activation '\(name)': \(refusal)") }
            return activation
        default: throw LabError("activation must be a name such as relu, got \(value.python)")
        }
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
}

@inline(__always) func softplus(_ x: Float) -> Float {
    // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)
    max(x, 0) + log1pf(expf(-abs(x)))
}

/// Keras 3.15's sparsemax on one row (keras/src/backend/jax/nn.py), in float32: τ is
/// (the sum of the cumulative sums over the support − 1) / k, as Keras writes it.
func sparsemax(_ row: UnsafeMutableBufferPointer<Float>) {
    let (tau, _, _) = sparsemaxTau(UnsafeBufferPointer(row))
    for i in row.indices { row[i] = max(row[i] - tau, 0) }
}

/// τ, the order (indices of the values sorted descending, stable) and the support's size k.
func sparsemaxTau(_ row: UnsafeBufferPointer<Float>) -> (tau: Float, order: [Int], k: Int) {
    let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
    var cumsum: Float = 0, k = 0, total: Float = 0
    for (r, i) in order.enumerated() {
        cumsum += row[i]
        if row[i] - (cumsum - 1) / Float(r + 1) > 0 { k += 1; total += cumsum }
    }
    return ((total - 1) / Float(k), order, k)
}

@inline(__always) func hardSigmoid(_ x: Float) -> Float {
    min(max(x / 6 + 0.5, 0), 1)
}

// MARK: - Derivatives

extension Activation {
    /// ∂L/∂z for ∂L/∂y `g`, where y = activation(z): the derivative jax.grad takes of Keras's
    /// definition (at a kink, the side JAX picks: relu′(0) = 0, leaky_relu′(0) = 1, relu6′ and
    /// hard_sigmoid′ 0 at both corners). `z` may be the output itself for relu (y > 0 ⇔ z > 0).
    public func gradient(_ g: Tensor, pre z: Tensor, output y: Tensor) -> Tensor {
        if isLinear { return g }
        var out = g
        switch className {
        case "glu":
            let n = z.shape.last ?? 0, h = n / 2
            guard h > 0, var dz = try? Tensor(zeros: z.shape) else { return g }
            let rows = z.count / n
            z.scalars.withUnsafeBufferPointer { zb in
                g.scalars.withUnsafeBufferPointer { gb in
                    dz.scalars.withUnsafeMutableBufferPointer { d in
                        for r in 0..<rows {
                            for j in 0..<h {
                                let a = zb[r * n + j], s = sigmoid(zb[r * n + h + j]), gj = gb[r * h + j]
                                d[r * n + j] = gj * s
                                d[r * n + h + j] = gj * a * s * (1 - s)
                            }
                        }
                    }
                }
            }
            return dz
        case "sparsemax":
            // y = max(x − τ, 0) (a tie with 0 takes half, as jnp.maximum's gradient); τ's
            // cumulative sums send −Σ(g·m) · (support positions at or after each sorted place) / k back.
            let n = z.shape.last ?? 1
            guard n > 0 else { return g }
            out.scalars.withUnsafeMutableBufferPointer { d in
                z.scalars.withUnsafeBufferPointer { zb in
                    for start in stride(from: 0, to: d.count, by: n) {
                        let row = UnsafeBufferPointer(rebasing: zb[start..<start + n])
                        let (tau, order, k) = sparsemaxTau(row)
                        var sum: Float = 0
                        for i in 0..<n {
                            let v = row[i] - tau
                            d[start + i] *= v > 0 ? 1 : v == 0 ? 0.5 : 0
                            sum += d[start + i]
                        }
                        // Support flags by sorted place, then the count of support places at or after each.
                        var cumsum: Float = 0
                        var inSupport = [Bool](repeating: false, count: n)
                        for (r, i) in order.enumerated() {
                            cumsum += row[i]
                            inSupport[r] = row[i] - (cumsum - 1) / Float(r + 1) > 0
                        }
                        var after = 0
                        for r in stride(from: n - 1, through: 0, by: -1) {
                            if inSupport[r] { after += 1 }
                            d[start + order[r]] -= sum * Float(after) / Float(k)
                        }
                    }
                }
            }
        case "softmax", "log_softmax":
            let n = y.shape.last ?? 1
            guard n > 0 else { return g }
            let log = className == "log_softmax"
            out.scalars.withUnsafeMutableBufferPointer { d in
                y.scalars.withUnsafeBufferPointer { yb in
                    for start in stride(from: 0, to: d.count, by: n) {
                        // softmax: y·(g − Σ g·y); log_softmax: g − softmax·Σ g.
                        var s: Float = 0
                        for i in start..<start + n { s += log ? d[i] : d[i] * yb[i] }
                        for i in start..<start + n { d[i] = log ? d[i] - expf(yb[i]) * s : yb[i] * (d[i] - s) }
                    }
                }
            }
        default:
            let f = Activation.derivatives[className] ?? { _, _ in 1 }
            out.scalars.withUnsafeMutableBufferPointer { d in
                z.scalars.withUnsafeBufferPointer { zb in
                    y.scalars.withUnsafeBufferPointer { yb in
                        for i in d.indices { d[i] *= f(zb[i], yb[i]) }
                    }
                }
            }
        }
        return out
    }

    /// dy/dz from z and y = f(z), for the elementwise activations.
    static let derivatives: [String: @Sendable (Float, Float) -> Float] = [
        "relu": { z, _ in z > 0 ? 1 : 0 },
        "relu6": { z, _ in z > 0 && z < 6 ? 1 : 0 },
        "leaky_relu": { z, _ in z >= 0 ? 1 : 0.2 },
        "elu": { z, _ in z > 0 ? 1 : expf(z) },
        "selu": { z, _ in z > 0 ? seluScale : seluScale * seluAlpha * expf(z) },
        "softplus": { z, _ in sigmoid(z) },
        "softsign": { z, _ in let d = 1 + abs(z); return 1 / (d * d) },
        "tanh": { _, y in 1 - y * y },
        "sigmoid": { _, y in y * (1 - y) },
        "hard_sigmoid": { z, _ in z > -3 && z < 3 ? 1 / 6 : 0 },
        "exponential": { _, y in y },
        "gelu": { z, _ in 0.5 * (1 + erff(z / Float(2).squareRoot())) + z * expf(-0.5 * z * z) / Float(2 * Float.pi).squareRoot() },
        "silu": { z, _ in let s = sigmoid(z); return s + z * s * (1 - s) },
        "hard_silu": { z, _ in hardSigmoid(z) + (z > -3 && z < 3 ? z / 6 : 0) },
        "mish": { z, _ in let t = tanhf(softplus(z)); return t + z * (1 - t * t) * sigmoid(z) },
        "log_sigmoid": { z, _ in sigmoid(-z) },
        "celu": { z, _ in z > 0 ? 1 : expf(z) },  // at 0: ½ from max, ½ from min: 1
        "squareplus": { z, _ in 0.5 * (1 + z / (z * z + 4).squareRoot()) },
        "soft_shrink": { z, _ in z > 0.5 || z < -0.5 ? 1 : 0 },
        "sparse_plus": { z, _ in z <= -1 ? 0 : z >= 1 ? 1 : (z + 1) / 2 },
        "tanh_shrink": { z, _ in let t = tanhf(z); return t * t },
        // jnp.clip at a bound gives half: ¼ at x = ±1.
        "sparse_sigmoid": { z, _ in let u = z + 1; return u > 0 && u < 2 ? 0.5 : u == 0 || u == 2 ? 0.25 : 0 },
        "hard_tanh": { z, _ in z > 1 || z < -1 ? 0 : 1 },
        "hard_shrink": { z, _ in abs(z) > 0.5 ? 1 : 0 },
    ]
}
