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
    }

    /// The name Keras stores in configs (`swish` is stored as `silu`).
    public var name: String { className }

    public func apply(_ t: inout Tensor) {
        guard !isLinear else { return }
        switch kind {
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
        .init("gelu", [], .elementwise { $0 * 0.5 * (1 + erff($0 / Float(2).squareRoot())) }),
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
    ]

    init(_ name: String, _ aliases: [String], _ kind: Kind) {
        self.className = name
        self.aliases = aliases
        self.kind = kind
    }

    /// `None` means linear, as in Keras.
    public static func make(_ value: Value) throws -> Activation {
        switch value {
        case .null: return try registry.get("linear")
        case .string(let name): return try registry.get(name)
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
    ]
}
