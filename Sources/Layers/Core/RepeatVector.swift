import TensorCore

/// `RepeatVector(n)`: (batch, features) → (batch, n, features), each vector repeated n times.
public struct RepeatVector: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "RepeatVector"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var n = 1

    static let table = ArgumentTable<RepeatVector>([.int("n", nil, \.n, positive: true)])
    public var argumentTable: ArgumentTable<RepeatVector> { Self.table }

    public static let type = LayerType(
        "RepeatVector", positional: 1,
        summary: "repeats each sample's vector n times: (batch, features) → (batch, n, features)",
        examples: ["add repeatvector 3"], arguments: table, blank: { RepeatVector() })

    public func outputShape(for input: Shape) throws -> Shape {
        guard input.rank == 2 else {
            throw LabError("\(name): RepeatVector needs a 2-D input (batch, features), got \(input) with \(input.rank) axes",
                           suggestion: "add a flatten layer before it")
        }
        return Shape([input.dims[0], n, input.dims[1]])
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard x.rank == 2 else { throw LabError("\(name): expected a 2-D input, got \(Tensor.describe(x.shape))") }
        return try x.reshaped([x.shape[0], 1, x.shape[1]]).broadcast(to: [x.shape[0], n, x.shape[1]])
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first, let out = try? outputShape(for: input) else { return [] }
        return ["each sample's vector of \(input.dims[1].map(String.init) ?? "None") values is repeated n = \(n) times along a new axis 1",
                "output shape: (batch, n, features): \(input) → \(out)", "no weights: params = 0"]
    }
}

extension RepeatVector {
    /// Backward: the n copies' gradients add up.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name
        return (y, { g in (try g.checkedGradient(of: y, name).reduced(.sum, axes: [1], keepdims: false), []) })
    }
}
