import TensorCore

/// `Embedding(input_dim, output_dim)`: each integer id in [0, input_dim) picks a row
/// of the `embeddings` table (input_dim, output_dim); shape (…) → (…, output_dim).
public struct Embedding: UnaryLayer {
    public static let className = "Embedding"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var inputDim: Int
    public var outputDim: Int
    public var embeddingsInitializer: any Initializer
    public var embeddingsRegularizer: (any Regularizer)?
    public var activityRegularizer: (any Regularizer)?
    public var embeddingsConstraint: (any Constraint)?
    /// Stored in the config; LayerLab does not propagate masks to later layers.
    public var maskZero: Bool

    public static let type = LayerType(
        "Embedding", positional: 2,
        summary: "looks up a learned vector for each integer id: (batch, …) → (batch, …, output_dim)",
        examples: ["add embedding 1000 64", "add embedding 10 4 mask_zero=True"],
        [.init("input_dim", nil), .init("output_dim", nil), .init("embeddings_initializer", .string("uniform")),
         .init("embeddings_regularizer", .null), .init("embeddings_constraint", .null), .init("mask_zero", .bool(false)),
         .init("activity_regularizer", .null), .init("input_length", .null)]
    ) { a, seeds in
        try Embedding(
            inputDim: a.positiveInt("input_dim"), outputDim: a.positiveInt("output_dim"),
            embeddingsInitializer: InitializerType.make(a["embeddings_initializer"], role: "embeddings_initializer", seeds: &seeds),
            embeddingsRegularizer: RegularizerType.make(a["embeddings_regularizer"], role: "embeddings_regularizer"),
            activityRegularizer: RegularizerType.make(a["activity_regularizer"], role: "activity_regularizer"),
            embeddingsConstraint: ConstraintType.make(a["embeddings_constraint"], role: "embeddings_constraint"),
            maskZero: a.bool("mask_zero"))
    }

    public init(inputDim: Int, outputDim: Int, embeddingsInitializer: any Initializer,
                embeddingsRegularizer: (any Regularizer)? = nil, activityRegularizer: (any Regularizer)? = nil,
                embeddingsConstraint: (any Constraint)? = nil, maskZero: Bool = false) {
        self.inputDim = inputDim
        self.outputDim = outputDim
        self.embeddingsInitializer = embeddingsInitializer
        self.embeddingsRegularizer = embeddingsRegularizer
        self.activityRegularizer = activityRegularizer
        self.embeddingsConstraint = embeddingsConstraint
        self.maskZero = maskZero
    }

    public var config: [Keyword] {
        [Keyword("input_dim", .int(inputDim)), Keyword("output_dim", .int(outputDim)),
         Keyword("embeddings_initializer", .object(embeddingsInitializer.object)),
         Keyword("embeddings_regularizer", embeddingsRegularizer.map { .object($0.object) } ?? .null),
         Keyword("activity_regularizer", activityRegularizer.map { .object($0.object) } ?? .null),
         Keyword("embeddings_constraint", embeddingsConstraint.map { .object($0.object) } ?? .null),
         Keyword("mask_zero", .bool(maskZero)), Keyword("quantization_config", .null)]
    }

    public func outputShape(for input: Shape) throws -> Shape { Shape(input.dims + [outputDim]) }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        [WeightSpec("embeddings", [inputDim, outputDim], embeddingsInitializer,
                    regularizer: embeddingsRegularizer, constraint: embeddingsConstraint)]
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
