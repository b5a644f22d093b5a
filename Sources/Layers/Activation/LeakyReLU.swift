import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Keras's `LeakyReLU(negative_slope=0.3)`: x if x >= 0, else negative_slope · x
/// (the layer's default is 0.3, the activation `leaky_relu`'s 0.2).
public struct LeakyReLU: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "LeakyReLU"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var negativeSlope: Value = .double(0.3)

    static let table = ArgumentTable<LeakyReLU>([
        .field("negative_slope", .double(0.3), \.negativeSlope, read: { a, key in
            try activationNumber(a, key, valid: { $0 >= 0 }, message: "The negative_slope value of a Leaky ReLU layer cannot be None "
                                 + "or negative value. Expected a float.")
        }, write: { $0 }),
        // Keras takes the deprecated `alpha` for negative_slope (with a warning), outside its signature.
        Argument("alpha", .null, read: { layer, a, _ in
            if !a.isNone("alpha") {
                layer.negativeSlope = try activationNumber(a, "alpha", valid: { $0 >= 0 }, message: "The negative_slope value of a "
                                                           + "Leaky ReLU layer cannot be None or negative value. Expected a float.")
            }
        }, write: { _ in nil }),
    ])
    public var argumentTable: ArgumentTable<LeakyReLU> { Self.table }

    public static let type = LayerType(
        "LeakyReLU", positional: 1, summary: "leaky rectifier: x if x >= 0, else negative_slope · x (default 0.3)",
        examples: ["add leakyrelu", "add leakyrelu negative_slope=0.1"], arguments: table, blank: { LeakyReLU() })

    public func outputShape(for input: Shape) throws -> Shape { input }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let ns = negativeSlope.float ?? 0.3
        var y = x
        y.dtype = .float32
        y.scalars.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = b[i] >= 0 ? b[i] : ns * b[i] }
        }
        return y
    }

    public func explanation(for input: Shape) -> [String] {
        ["output = x if x >= 0, else \(numberText(negativeSlope)) · x   (negative_slope = \(numberText(negativeSlope)))",
         "gradient: 1 for x >= 0 (JAX's side at 0), \(numberText(negativeSlope)) below",
         "output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
    }
}

extension LeakyReLU {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name, ns = negativeSlope.float ?? 0.3
        return (y, { g in (elementwiseGradient(try g.checkedGradient(of: y, name), x) { $0 >= 0 ? 1 : ns }, []) })
    }
}
