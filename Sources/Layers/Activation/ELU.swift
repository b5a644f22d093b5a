import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Keras's `ELU(alpha=1.0)`: x if x > 0, else alpha · (exp(x) − 1). Keras checks nothing
/// about alpha, and its config puts alpha right after the name (ELU has no get_config of
/// its own: Keras's automatic config lists the constructor's arguments first).
public struct ELU: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "ELU"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var alpha: Value = .double(1)

    static let table = ArgumentTable<ELU>([
        .field("alpha", .double(1), \.alpha, read: { a, key in try activationNumber(a, key) }, write: { $0 }),
    ])
    public var argumentTable: ArgumentTable<ELU> { Self.table }

    public static let type = LayerType(
        "ELU", positional: 1, summary: "exponential linear unit: x if x > 0, else alpha · (exp(x) − 1)",
        examples: ["add elu", "add elu alpha=0.5"], arguments: table, blank: { ELU() }
    ).with { $0.configBeforeTrainable = ["alpha"] }

    public func outputShape(for input: Shape) throws -> Shape { input }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let alpha = alpha.float ?? 1
        var y = x
        y.dtype = .float32
        y.scalars.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = b[i] > 0 ? b[i] : alpha * expm1f(b[i]) }
        }
        return y
    }

    public func explanation(for input: Shape) -> [String] {
        let a = numberText(alpha)
        return ["output = x if x > 0, else \(a) · (exp(x) − 1)   (alpha = \(a): the value approached as x → −∞ is −\(a))",
                "gradient: 1 for x > 0, \(a) · exp(x) for x <= 0 (at 0: \(a), JAX's side)",
                "output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
    }
}

extension ELU {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name, alpha = alpha.float ?? 1
        // expm1′ = expm1 + 1 in JAX.
        return (y, { g in (elementwiseGradient(try g.checkedGradient(of: y, name), x) { $0 > 0 ? 1 : alpha * (expm1f($0) + 1) }, []) })
    }
}
