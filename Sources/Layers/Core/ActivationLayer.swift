import TensorCore

/// Keras's `Activation` layer: applies an activation function, shape unchanged.
/// (The Swift name avoids the `Activation` function type it wraps.)
public struct ActivationLayer: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Activation"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var activation = Activation.unset

    static let table = ArgumentTable<ActivationLayer>([.activation(nil, \.activation)])
    public var argumentTable: ArgumentTable<ActivationLayer> { Self.table }

    public static let type = LayerType(
        "Activation", positional: 1, summary: "applies an activation function element by element (softmax: along the last axis)",
        examples: ["add activation relu", "add activation softmax"], arguments: table, blank: { ActivationLayer() }
    ).with { $0.recordsBuildShape = false }

    public func outputShape(for input: Shape) throws -> Shape { input }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        var y = x
        y.dtype = .float32
        activation.apply(&y)
        return y
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first else { return [] }
        let how = activation.name == "softmax" || activation.name == "log_softmax"
            ? "along the last axis (each row of \(input.last.map(String.init) ?? "?") values)" : "to every value on its own"
        return ["output = \(activation.name)(x), applied \(how)",
                "output shape = input shape: \(input) → \(input)",
                "no weights: params = 0"]
    }
}

extension ActivationLayer {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), activation = activation, name = name
        return (y, { g in (activation.gradient(try g.checkedGradient(of: y, name), pre: x, output: y), []) })
    }
}
