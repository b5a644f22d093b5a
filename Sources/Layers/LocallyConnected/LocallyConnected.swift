import TensorCore
import Text

/// LocallyConnected1D/2D as Keras 2 defined them (the layers are gone from Keras 3):
/// a convolution whose weights are not shared, one filter bank per output position.
/// Implementation 1 only: kernel (positions, k·in, filters), bias (positions…, filters);
/// padding 'valid' only, as Keras 2's implementation 1 requires.
public struct LocallyConnected: DifferentiableUnaryLayer, DeclaredLayer {
    /// The implementation; each instance's Keras class is `className`.
    public static let className = "LocallyConnected"
    public let className: String
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var spatial: SpatialArguments
    public var filters = 0
    public var activation = Activation.unset
    public var useBias = true
    public var kernel = WeightSlot.unset
    public var bias = WeightSlot.unset
    public var activityRegularizer: (any Regularizer)?

    /// Keras 3 has no locally connected layers, so a file holding one is refused.
    public static let types: [LayerType] = (1...2).map { rank in
        let cls = "LocallyConnected\(rank)D"
        return LayerType(cls, positional: 2, summary: "Keras 2's \(rank)-D locally connected layer: a Conv\(rank)D with unshared weights per position",
                         arguments: table(rank: rank), blank: { LocallyConnected(rank: rank, className: cls) })
            .with { $0.unsavable = ("cannot be saved for Keras 3: Keras 3 removed the locally connected layers",
                                    "remove it, or keep the model as a LayerLab script") }
    }

    init(rank: Int, className: String) {
        self.className = className
        spatial = SpatialArguments(rank: rank)
    }

    /// Keras 2's arguments and config, in its order.
    static func table(rank: Int) -> ArgumentTable<LocallyConnected> {
        let ones: Value = rank == 1 ? .int(1) : .tuple(Array(repeating: .int(1), count: rank))
        typealias Row = Argument<LocallyConnected>
        return ArgumentTable<LocallyConnected>([
            .int("filters", nil, \.filters, positive: true),
            Row("kernel_size", nil, read: { layer, a, _ in
                let spatial = try SpatialArguments(a, rank: rank, paddings: [.valid, .same])
                guard spatial.padding == .valid else {
                    throw LabError("\(layer.className): padding='same' is a ValueError in Keras 2 with implementation=1 (only 'valid' is supported there)",
                                   suggestion: "use padding='valid'")
                }
                guard spatial.dataFormat == .channelsLast else {
                    throw LabError("\(layer.className): LayerLab supports data_format='channels_last' only for locally connected layers")
                }
                layer.spatial = spatial
            }, write: { SpatialArguments.value($0.spatial.kernel) }),
            .readElsewhere("strides", ones) { SpatialArguments.value($0.spatial.strides) },
            .readElsewhere("padding", .string("valid")) { .string($0.spatial.padding.rawValue) },
            .readElsewhere("data_format", .null) { .string($0.spatial.dataFormat.rawValue) },
            .activation(.null, \.activation), .bool("use_bias", .bool(true), \.useBias),
        ] + Row.weights([("kernel", "glorot_uniform", \.kernel), ("bias", "zeros", \.bias)], activity: .activityRegularizer(\.activityRegularizer)) + [
            Row("implementation", .int(1), read: { layer, a, _ in
                guard try a.int("implementation") == 1 else {
                    throw LabError("\(layer.className): LayerLab implements implementation=1 only (kernel (positions, k·in, filters)), got implementation=\(a["implementation"].python)")
                }
            }, write: { _ in .int(1) }),
        ])
    }

    public var argumentTable: ArgumentTable<LocallyConnected> { Self.table(rank: spatial.rank) }

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
        return [kernel.spec("kernel", [positions, window, filters])] + (useBias ? [bias.spec("bias", p.output + [filters])] : [])
    }

    /// The geometry of the windows over a batch, checked.
    func geometry(_ x: Tensor) throws -> ConvGeometry {
        guard weights.count == (useBias ? 2 : 1) else { throw LabError("\(who): weights are not built yet") }
        guard x.rank == spatial.rank + 2 else {
            throw LabError("\(who): expected a batch of rank \(spatial.rank + 2) \(spatial.sampleLayout), got \(Tensor.describe(x.shape))")
        }
        let p = try plan(Shape(batchOf: Array(x.shape.dropFirst())))
        return try spatial.geometry(batch: x.shape[0], spatial: p.spatial, channels: p.channels, output: p.output)
    }

    /// x · kernel per position, plus the bias: the pre-activation.
    func linearPart(_ x: Tensor, _ g: ConvGeometry) throws -> Tensor {
        var y = try x.locallyConnected(with: weights[0], g)
        if useBias, let bias = weights.last {
            // One bias per position and filter: add it to every sample.
            let perSample = bias.count
            var flat = try y.reshaped([g.batch, perSample])
            try flat.addBias(try bias.reshaped([perSample]))
            y = try flat.reshaped(y.shape)
        }
        return y
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        var y = try linearPart(x, try geometry(x))
        activation.apply(&y)
        return y
    }

    /// The training pass keeps x and the pre-activation z. Backward: ∂z = activation′ · ∂y,
    /// then per position ∂kernel = colsᵀ · ∂z and ∂x = col2im(∂z · kernelᵀ), and ∂bias = ∂z
    /// summed over the batch (`locallyConnectedGradients`).
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let g = try geometry(x)
        let z = try linearPart(x, g)
        let y = activation.isLinear ? z : activation(z)
        let kernel = weights[0], hasBias = useBias, activation = self.activation, who = self.who
        return (y, { dy in
            let dz = activation.gradient(try dy.checkedGradient(of: y, who), pre: z, output: y)
            let (dx, dw, db) = try x.locallyConnectedGradients(kernel, g, hasBias: hasBias, outputGradient: dz)
            return (dx, [dw] + (db.map { [$0] } ?? []))
        })
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
