import TensorCore

/// Keras's `Activation` layer: applies an activation function, shape unchanged.
/// (The Swift name avoids the `Activation` function type it wraps.)
public struct ActivationLayer: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Activation"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var activation = Activation.unset

    static let table = ArgumentTable<ActivationLayer>([.activation(nil, \.activation, shapeChanging: true)])
    public var argumentTable: ArgumentTable<ActivationLayer> { Self.table }

    public static let type = LayerType(
        "Activation", positional: 1, summary: "applies an activation function element by element (softmax: along the last axis)",
        examples: ["add activation relu", "add activation softmax"], arguments: table, blank: { ActivationLayer() }
    ).with { $0.recordsBuildShape = false }

    /// glu halves the last axis (Keras's compute_output_shape still says the input's shape,
    /// but its output has half the size: the shape here is the output's).
    public func outputShape(for input: Shape) throws -> Shape {
        guard activation.halvesLastAxis else { return input }
        try checkEven(input.last)
        return Shape(input.dims.dropLast() + [input.last.map { $0 / 2 }])
    }

    private func checkEven(_ n: Int?) throws {
        if let n, n % 2 != 0 || n == 0 {
            throw LabError("\(name): glu splits the last axis into two halves, but its size is \(n) (JAX: axis size must be divisible by 2)")
        }
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        if activation.halvesLastAxis { try checkEven(x.shape.last ?? 0) }
        var y = x
        y.dtype = .float32
        activation.apply(&y)
        return y
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first else { return [] }
        let n = input.last.map(String.init) ?? "?"
        if activation.halvesLastAxis {
            let out = (try? outputShape(for: input))?.description ?? "?"
            return ["output = a · sigmoid(b), a and b the two halves of the last axis (each row of \(n) values)",
                    "output shape: the last axis halved: \(input) → \(out)   (Keras's summary still shows \(input))",
                    "no weights: params = 0"]
        }
        let how = ["softmax", "log_softmax", "sparsemax"].contains(activation.name)
            ? "along the last axis (each row of \(n) values)" : "to every value on its own"
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
