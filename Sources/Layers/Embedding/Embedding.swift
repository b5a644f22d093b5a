import TensorCore

/// `Embedding(input_dim, output_dim)`: each integer id in [0, input_dim) picks a row
/// of the `embeddings` table (input_dim, output_dim); shape (…) → (…, output_dim).
public struct Embedding: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Embedding"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var inputDim = 0
    public var outputDim = 0
    public var embeddings = WeightSlot.unset
    public var activityRegularizer: (any Regularizer)?
    /// Stored in the config; LayerLab does not propagate masks to later layers.
    public var maskZero = false
    public var idBound: Int? { inputDim }

    static let table = ArgumentTable<Embedding>([
        .int("input_dim", nil, \.inputDim, positive: true), .int("output_dim", nil, \.outputDim, positive: true),
        .initializer("embeddings", "uniform", \.embeddings), .regularizer("embeddings", \.embeddings),
        .constraint("embeddings", \.embeddings), .bool("mask_zero", .bool(false), \.maskZero),
        .activityRegularizer(\.activityRegularizer).inConfig(after: "embeddings_regularizer"),
        .accepted("input_length", .null), .constant("quantization_config", .null),
    ])
    public var argumentTable: ArgumentTable<Embedding> { Self.table }

    public static let type = LayerType(
        "Embedding", positional: 2,
        summary: "looks up a learned vector for each integer id: (batch, …) → (batch, …, output_dim)",
        examples: ["add embedding 1000 64", "add embedding 10 4 mask_zero=True"], arguments: table, blank: { Embedding() })

    public func outputShape(for input: Shape) throws -> Shape { Shape(input.dims + [outputDim]) }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        [embeddings.spec("embeddings", [inputDim, outputDim])]
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let table = weights.first else { throw LabError("\(name): weights are not built yet") }
        do { return try table.gatherRows(x) } catch let e as LabError {
            throw e.at(name).suggesting("ids must be whole numbers from 0 to input_dim − 1 = \(inputDim - 1)")
        }
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first else { return [] }
        var lines = [
            "output = embeddings[ids]: each integer id in [0, input_dim) = [0, \(inputDim)) picks one row of \(outputDim) values",
            "output shape: the input's shape plus output_dim = \(outputDim): \(input) → \(Shape(input.dims + [outputDim]))",
            "embeddings (input_dim, output_dim) = (\(inputDim), \(outputDim))",
            "params = input_dim · output_dim = \(inputDim) · \(outputDim) = \(inputDim * outputDim)",
            "a lookup, not a product: MACs per sample = 0",
        ]
        if maskZero { lines.append("mask_zero=True: id 0 is padding (Keras masks it in later layers; LayerLab keeps the setting but does not mask)") }
        return lines
    }
}

extension Embedding {
    /// Backward: each id's row of the table gets the gradient of every position that read
    /// it (repeated ids add up); the ids themselves take no gradient.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name, rows = inputDim
        return (y, { g in (nil, [try g.checkedGradient(of: y, name).scatterAddedRows(x, rows: rows)]) })
    }
}
