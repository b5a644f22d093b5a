import TensorCore
import Text

/// LocallyConnected1D/2D as Keras 2 defined them (the layers are gone from Keras 3):
/// a convolution whose weights are not shared, one filter bank per output position.
/// Implementation 1 only: kernel (positions, k·in, filters), bias (positions…, filters);
/// padding 'valid' only, as Keras 2's implementation 1 requires.
public struct LocallyConnected: LayerImplementation {
    public let className: String
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var spatial: SpatialArguments
    public var filters: Int
    public var activation: Activation
    public var useBias: Bool
    public var kernelInitializer: any Initializer
    public var biasInitializer: any Initializer
    public var kernelRegularizer: (any Regularizer)?
    public var biasRegularizer: (any Regularizer)?
    public var activityRegularizer: (any Regularizer)?
    public var kernelConstraint: (any Constraint)?
    public var biasConstraint: (any Constraint)?

    public static func parameters(rank: Int) -> [Signature.Parameter] {
        let ones: Value = rank == 1 ? .int(1) : .tuple(Array(repeating: .int(1), count: rank))
        return [.init("filters", nil), .init("kernel_size", nil), .init("strides", ones), .init("padding", .string("valid")),
                .init("data_format", .null), .init("activation", .null), .init("use_bias", .bool(true)),
                .init("kernel_initializer", .string("glorot_uniform")), .init("bias_initializer", .string("zeros")),
                .init("kernel_regularizer", .null), .init("bias_regularizer", .null), .init("activity_regularizer", .null),
                .init("kernel_constraint", .null), .init("bias_constraint", .null), .init("implementation", .int(1))]
    }

    public init(rank: Int, className: String, _ a: BoundArguments, seeds: inout SeedSource) throws {
        self.className = className
        spatial = try SpatialArguments(a, rank: rank, paddings: [.valid, .same])
        guard try a.int("implementation") == 1 else {
            throw LabError("\(className): LayerLab implements implementation=1 only (kernel (positions, k·in, filters)), got implementation=\(a["implementation"].python)")
        }
        guard spatial.padding == .valid else {
            throw LabError("\(className): padding='same' is a ValueError in Keras 2 with implementation=1 (only 'valid' is supported there)",
                           suggestion: "use padding='valid'")
        }
        guard spatial.dataFormat == .channelsLast else {
            throw LabError("\(className): LayerLab supports data_format='channels_last' only for locally connected layers")
        }
        filters = try a.positiveInt("filters")
        activation = try Activation.make(a["activation"])
        useBias = try a.bool("use_bias")
        kernelInitializer = try InitializerType.make(a["kernel_initializer"], role: "kernel_initializer", seeds: &seeds)
        biasInitializer = try InitializerType.make(a["bias_initializer"], role: "bias_initializer", seeds: &seeds)
        kernelRegularizer = try RegularizerType.make(a["kernel_regularizer"], role: "kernel_regularizer")
        biasRegularizer = try RegularizerType.make(a["bias_regularizer"], role: "bias_regularizer")
        activityRegularizer = try RegularizerType.make(a["activity_regularizer"], role: "activity_regularizer")
        kernelConstraint = try ConstraintType.make(a["kernel_constraint"], role: "kernel_constraint")
        biasConstraint = try ConstraintType.make(a["bias_constraint"], role: "bias_constraint")
    }

    /// Keras 2's config keys, in its order.
    public var config: [Keyword] {
        [Keyword("filters", .int(filters)), Keyword("kernel_size", SpatialArguments.value(spatial.kernel)),
         Keyword("strides", SpatialArguments.value(spatial.strides)), Keyword("padding", .string(spatial.padding.rawValue)),
         Keyword("data_format", .string(spatial.dataFormat.rawValue)), Keyword("activation", .string(activation.name)),
         Keyword("use_bias", .bool(useBias)),
         Keyword("kernel_initializer", .object(kernelInitializer.object)), Keyword("bias_initializer", .object(biasInitializer.object)),
         Keyword("kernel_regularizer", kernelRegularizer.map { .object($0.object) } ?? .null),
         Keyword("bias_regularizer", biasRegularizer.map { .object($0.object) } ?? .null),
         Keyword("activity_regularizer", activityRegularizer.map { .object($0.object) } ?? .null),
         Keyword("kernel_constraint", kernelConstraint.map { .object($0.object) } ?? .null),
         Keyword("bias_constraint", biasConstraint.map { .object($0.object) } ?? .null),
         Keyword("implementation", .int(1))]
    }

    var who: String { name.isEmpty ? className : name }

    func plan(_ input: Shape) throws -> (spatial: [Int], channels: Int, output: [Int]) {
        let (n, c) = try spatial.split(input, who: "\(who): \(className)")
        return (n, c, try spatial.outputSizes(n, who: who))
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let p = try plan(input)
        return spatial.shape(spatial: p.output, channels: filters)
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        let p = try plan(input)
        let positions = p.output.reduce(1, *), window = spatial.kernel.reduce(1, *) * p.channels
        var specs = [WeightSpec("kernel", [positions, window, filters], kernelInitializer,
                                regularizer: kernelRegularizer, constraint: kernelConstraint)]
        if useBias {
            specs.append(WeightSpec("bias", p.output + [filters], biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint))
        }
        return specs
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard weights.count == (useBias ? 2 : 1), let kernel = weights.first else { throw LabError("\(who): weights are not built yet") }
        guard x.rank == spatial.rank + 2 else {
            throw LabError("\(who): expected a batch of rank \(spatial.rank + 2) \(spatial.sampleLayout), got \(Tensor.describe(x.shape))")
        }
        let p = try plan(Shape(batchOf: Array(x.shape.dropFirst())))
        let batch = x.shape[0]
        let g = try spatial.geometry(batch: batch, spatial: p.spatial, channels: p.channels, output: p.output)
        var y = try x.locallyConnected(with: kernel, g)
        if useBias, let bias = weights.last {
            // One bias per position and filter: add it to every sample.
            let perSample = bias.count
            var flat = try y.reshaped([batch, perSample])
            try flat.addBias(try bias.reshaped([perSample]))
            y = try flat.reshaped(y.shape)
        }
        activation.apply(&y)
        return y
    }

    public func macs(for input: Shape) -> Int {
        guard let p = try? plan(input) else { return 0 }
        return p.output.reduce(1, *) * spatial.kernel.reduce(1, *) * p.channels * filters
    }

    /// The parameter counts of this layer and of the Conv layer with the same arguments.
    func counts(_ input: Shape) -> (positions: Int, perPosition: Int, local: Int, conv: Int)? {
        guard let p = try? plan(input) else { return nil }
        let positions = p.output.reduce(1, *)
        let perPosition = spatial.kernel.reduce(1, *) * p.channels * filters + (useBias ? filters : 0)
        return (positions, perPosition, positions * perPosition, perPosition)
    }

    var convName: String { "Conv\(spatial.rank)D" }

    public func parameterNote(for input: Shape) -> String? {
        guard let c = counts(input) else { return nil }
        return "unshared weights: \(thousands(c.positions)) positions × \(thousands(c.perPosition)) = \(thousands(c.local)) params; "
            + "a \(convName) with the same arguments shares one kernel and has \(thousands(c.conv)) (\(thousands(c.positions))× fewer)"
    }

    public func explanation(for input: Shape) -> [String] {
        guard let p = try? plan(input), let out = try? outputShape(for: input), let c = counts(input) else { return [] }
        let kNames = spatial.rank == 1 ? "k" : "kh·kw"
        let kNumbers = spatial.kernel.map(String.init).joined(separator: "·")
        var lines = ["output = \(activation.name)(x_patch(p) · kernel[p]\(useBias ? " + bias[p]" : "")) at every output position p: like \(convName), but each position has its own filters"]
        for i in 0..<spatial.rank {
            lines.append("spatial axis \(i + 1) (padding='valid'): "
                         + ConvArithmetic.outputFormula(p.spatial[i], kernel: spatial.kernel[i], stride: spatial.strides[i], dilation: 1, padding: .valid))
        }
        lines.append("output shape: \(input) → \(out)")
        let positions = p.output.map(String.init).joined(separator: "·")
        lines.append("kernel (positions, \(kNames)·in, filters) = (\(thousands(c.positions)), \(spatial.kernel.reduce(1, *) * p.channels), \(filters))"
                     + (useBias ? ", bias (\(p.output.count == 1 ? "out" : "oh, ow"), filters) = \(Tensor.describe(p.output + [filters]))" : ""))
        lines.append("params = positions·(\(kNames)·in·filters\(useBias ? " + filters" : "")) = \(positions)·(\(kNumbers)·\(p.channels)·\(filters)\(useBias ? " + \(filters)" : "")) = \(thousands(c.local))")
        lines.append("\(convName) with the same arguments: \(kNames)·in·filters\(useBias ? " + filters" : "") = \(kNumbers)·\(p.channels)·\(filters)\(useBias ? " + \(filters)" : "") = \(thousands(c.conv)), one kernel shared by all \(thousands(c.positions)) positions: \(thousands(c.positions))× fewer")
        lines.append("MACs per sample = \(thousands(macs(for: input)))")
        return lines
    }
}

public struct LocallyConnected1D: SharedLayer {
    public static let className = "LocallyConnected1D"
    public var base: LocallyConnected
    public init(base: LocallyConnected) { self.base = base }
    public static let type = layerType(positional: 2, summary: "Keras 2's 1-D locally connected layer: a Conv1D with unshared weights per position",
                                       LocallyConnected.parameters(rank: 1)) { a, seeds in
        try LocallyConnected(rank: 1, className: className, a, seeds: &seeds)
    }
}

public struct LocallyConnected2D: SharedLayer {
    public static let className = "LocallyConnected2D"
    public var base: LocallyConnected
    public init(base: LocallyConnected) { self.base = base }
    public static let type = layerType(positional: 2, summary: "Keras 2's 2-D locally connected layer: a Conv2D with unshared weights per position",
                                       LocallyConnected.parameters(rank: 2)) { a, seeds in
        try LocallyConnected(rank: 2, className: className, a, seeds: &seeds)
    }
}
