import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Keras's `ReLU(max_value=None, negative_slope=0.0, threshold=0.0)`: x above the
/// threshold, capped at max_value; below it, negative_slope · (x − threshold).
/// Computed as Keras's `ReLU.static_call` does on JAX (keras/src/activations/activations.py),
/// so the gradient at each corner is JAX's: relu′(0) = 0, relu6 (max_value == 6, no
/// threshold) 0 at 0 and 6, another max_value through jnp.clip: ½ where x equals it.
public struct ReLU: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "ReLU"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var maxValue: Value = .null
    public var negativeSlope: Value = .double(0)
    public var threshold: Value = .double(0)

    static let table = ArgumentTable<ReLU>([
        .field("max_value", .null, \.maxValue, read: { a, key in
            try activationNumber(a, key, noneAllowed: true, valid: { $0 >= 0 },
                                 message: "max_value of a ReLU layer cannot be a negative value.")
        }, write: { $0 }),
        .field("negative_slope", .double(0), \.negativeSlope, read: { a, key in
            try activationNumber(a, key, valid: { $0 >= 0 },
                                 message: "negative_slope of a ReLU layer cannot be None or a negative value.")
        }, write: { $0 }),
        .field("threshold", .double(0), \.threshold, read: { a, key in
            try activationNumber(a, key, valid: { $0 >= 0 },
                                 message: "threshold of a ReLU layer cannot be None or a negative value.")
        }, write: { $0 }),
    ])
    public var argumentTable: ArgumentTable<ReLU> { Self.table }

    public static let type = LayerType(
        "ReLU", positional: 1,
        summary: "rectified linear unit: max(x, 0), optionally capped (max_value), leaky (negative_slope) or shifted (threshold)",
        examples: ["add relu", "add relu max_value=6", "add relu negative_slope=0.1 threshold=0.5"],
        arguments: table, blank: { ReLU() })

    public func outputShape(for input: Shape) throws -> Shape { input }

    /// The float32 parameters: slope, threshold, cap, and whether Keras takes relu6's path.
    private var parts: (ns: Float, t: Float, cap: Float?, relu6: Bool) {
        let cap = maxValue.float, t = threshold.float ?? 0
        return (negativeSlope.float ?? 0, t, cap, t == 0 && cap == 6)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        var y = x
        y.dtype = .float32
        let (ns, t, cap, relu6) = parts
        y.scalars.withUnsafeMutableBufferPointer { b in
            if ns != 0 && cap == nil && t == 0 {
                for i in b.indices { b[i] = b[i] >= 0 ? b[i] : ns * b[i] }  // jax.nn.leaky_relu
                return
            }
            for i in b.indices {
                let x = b[i]
                var v: Float = t != 0 ? (x > t ? x : 0) : relu6 ? min(max(x, 0), 6) : max(x, 0)
                if let cap, !relu6 { v = min(max(v, 0), cap) }
                if ns != 0 { v -= ns * max(-x + t, 0) }
                b[i] = v
            }
        }
        return y
    }

    /// dy/dx as jax.grad takes it through Keras's static_call.
    func derivative(_ x: Float) -> Float {
        let (ns, t, cap, relu6) = parts
        if ns != 0 && cap == nil && t == 0 { return x >= 0 ? 1 : ns }
        var d: Float = t != 0 ? (x > t ? 1 : 0) : relu6 ? (x > 0 && x < 6 ? 1 : 0) : (x > 0 ? 1 : 0)
        if let cap, !relu6 {
            // jnp.clip is maximum(0, v) then minimum(cap, ·): a tie takes half of each.
            let v: Float = t != 0 ? (x > t ? x : 0) : max(x, 0)
            d *= v > 0 ? 1 : v == 0 ? 0.5 : 0
            let m = max(v, 0)
            d *= m < cap ? 1 : m == cap ? 0.5 : 0
        }
        if ns != 0 && -x + t > 0 { d += ns }
        return d
    }

    public func explanation(for input: Shape) -> [String] {
        let (ns, t, cap, _) = parts
        var lines: [String] = []
        let above = cap == nil ? "x" : "min(x, \(numberText(maxValue)))"
        if t != 0 {
            lines.append("output = \(above) if x > \(numberText(threshold)), else "
                         + (ns != 0 ? "\(numberText(negativeSlope)) · (x − \(numberText(threshold)))" : "0"))
        } else {
            lines.append("output = \(above) if x >= 0, else " + (ns != 0 ? "\(numberText(negativeSlope)) · x" : "0"))
        }
        if cap == 6 && t == 0 { lines.append("max_value = 6: Keras uses relu6 (MobileNetV2's activation)") }
        if ns == 0 && cap == nil && t == 0 { lines.append("the default ReLU: max(x, 0), as activation='relu'") }
        return lines + ["output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
    }
}

extension ReLU {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), layer = self
        return (y, { g in (elementwiseGradient(try g.checkedGradient(of: y, layer.name), x, layer.derivative), []) })
    }
}
