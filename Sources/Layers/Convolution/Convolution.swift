import TensorCore
import Text

/// The one convolution implementation, for 1, 2 or 3 spatial axes: Conv1D/2D/3D,
/// Conv1D/2D/3DTranspose, SeparableConv1D/2D and DepthwiseConv1D/2D are thin types
/// over it (Conv1D.swift). The arithmetic is TensorCore's im2col + gemm lowering.
public struct Convolution: LayerImplementation {
    public enum Kind: Sendable, Equatable {
        /// Conv*D: filters, groups.
        case standard
        /// Conv*DTranspose: output_padding, kernel (k…, filters, in).
        case transpose
        /// SeparableConv*D: a depthwise step (depth_multiplier) then a 1×1 convolution.
        case separable
        /// DepthwiseConv*D: one kernel per input channel, depth_multiplier outputs each.
        case depthwise
    }

    /// The initializer, regularizer and constraint of one weight, read from Keras's
    /// `<prefix>_initializer`, `<prefix>_regularizer`, `<prefix>_constraint`.
    public struct WeightArguments: Sendable {
        public var prefix: String
        public var weightName: String
        public var initializer: any Initializer
        public var regularizer: (any Regularizer)?
        public var constraint: (any Constraint)?
    }

    public let className: String
    public let kind: Kind
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var spatial: SpatialArguments
    /// Output channels (for depthwise: unused, the output has in·depth_multiplier).
    public var filters: Int
    public var groups: Int
    public var outputPadding: [Int]?
    public var depthMultiplier: Int
    public var activation: Activation
    public var useBias: Bool
    /// The kernels in Keras's weight order (kernel; or depthwise, pointwise), then bias.
    public var kernels: [WeightArguments]
    public var bias: WeightArguments
    public var activityRegularizer: (any Regularizer)?

    public var rank: Int { spatial.rank }

    // MARK: - Arguments

    /// The argument prefixes of the kernels of a kind.
    static func kernelPrefixes(_ kind: Kind) -> [(prefix: String, weight: String)] {
        switch kind {
        case .standard, .transpose: return [("kernel", "kernel")]
        case .separable: return [("depthwise", "depthwise_kernel"), ("pointwise", "pointwise_kernel")]
        case .depthwise: return [("depthwise", "kernel")]
        }
    }

    /// Keras's constructor parameters, in its positional order, with its defaults.
    public static func parameters(_ kind: Kind, rank: Int) -> [Signature.Parameter] {
        let ones: Value = rank == 1 ? .int(1) : .tuple(Array(repeating: .int(1), count: rank))
        let prefixes = kernelPrefixes(kind).map(\.prefix) + ["bias"]
        var p: [Signature.Parameter] = []
        if kind != .depthwise { p.append(.init("filters", nil)) }
        p += [.init("kernel_size", nil), .init("strides", ones), .init("padding", .string("valid"))]
        switch kind {
        case .standard:
            p += [.init("data_format", .null), .init("dilation_rate", ones), .init("groups", .int(1))]
        case .transpose:
            let op = Signature.Parameter("output_padding", .null), df = Signature.Parameter("data_format", .null)
            p += rank == 3 ? [df, op] : [op, df]
            p.append(.init("dilation_rate", ones))
        case .separable:
            p += [.init("data_format", .null), .init("dilation_rate", ones), .init("depth_multiplier", .int(1))]
        case .depthwise:
            p += [.init("depth_multiplier", .int(1)), .init("data_format", .null), .init("dilation_rate", ones)]
        }
        p += [.init("activation", .null), .init("use_bias", .bool(true))]
        p += prefixes.map { .init("\($0)_initializer", .string($0 == "bias" ? "zeros" : "glorot_uniform")) }
        p += prefixes.map { .init("\($0)_regularizer", .null) } + [.init("activity_regularizer", .null)]
        p += prefixes.map { .init("\($0)_constraint", .null) }
        return p
    }

    public init(_ kind: Kind, rank: Int, className: String, _ a: BoundArguments, seeds: inout SeedSource) throws {
        self.className = className
        self.kind = kind
        let paddings: [Padding] = kind == .standard && rank == 1 ? [.valid, .same, .causal] : [.valid, .same]
        spatial = try SpatialArguments(a, rank: rank, paddings: paddings)
        filters = kind == .depthwise ? 0 : try a.positiveInt("filters")
        groups = kind == .standard ? try a.positiveInt("groups") : 1
        depthMultiplier = kind == .separable || kind == .depthwise ? try a.positiveInt("depth_multiplier") : 1
        if kind == .standard, filters % groups != 0 {
            throw LabError("\(className): filters (\(filters)) must be divisible by groups (\(groups))")
        }
        if kind == .transpose, !a.isNone("output_padding") {
            let op = try a.intTuple("output_padding", rank: rank)
            for i in 0..<rank where op[i] < 0 || op[i] >= spatial.strides[i] {
                throw LabError("\(className): output_padding must be ≥ 0 and strictly less than strides on every axis; on axis \(i + 1) it is \(op[i]) with stride \(spatial.strides[i])")
            }
            outputPadding = op
        }
        activation = try Activation.make(a["activation"])
        useBias = try a.bool("use_bias")
        func weight(_ prefix: String, _ weightName: String) throws -> WeightArguments {
            WeightArguments(prefix: prefix, weightName: weightName,
                            initializer: try InitializerType.make(a["\(prefix)_initializer"], role: "\(prefix)_initializer", seeds: &seeds),
                            regularizer: try RegularizerType.make(a["\(prefix)_regularizer"], role: "\(prefix)_regularizer"),
                            constraint: try ConstraintType.make(a["\(prefix)_constraint"], role: "\(prefix)_constraint"))
        }
        kernels = try Self.kernelPrefixes(kind).map { try weight($0.prefix, $0.weight) }
        bias = try weight("bias", "bias")
        activityRegularizer = try RegularizerType.make(a["activity_regularizer"], role: "activity_regularizer")
    }

    /// Config entries after name, trainable, dtype, in Keras's order.
    public var config: [Keyword] {
        var c: [Keyword] = []
        if kind == .separable || kind == .depthwise { c.append(Keyword("depth_multiplier", .int(depthMultiplier))) }
        if kind != .depthwise { c.append(Keyword("filters", .int(filters))) }
        c += [Keyword("kernel_size", SpatialArguments.value(spatial.kernel)),
              Keyword("strides", SpatialArguments.value(spatial.strides)),
              Keyword("padding", .string(spatial.padding.rawValue))]
        if kind == .transpose { c.append(Keyword("output_padding", outputPadding.map(SpatialArguments.value) ?? .null)) }
        c += [Keyword("data_format", .string(spatial.dataFormat.rawValue)),
              Keyword("dilation_rate", SpatialArguments.value(spatial.dilation))]
        if kind == .standard { c.append(Keyword("groups", .int(groups))) }
        c += [Keyword("activation", .string(activation.name)), Keyword("use_bias", .bool(useBias))]
        let all = kernels + [bias]
        c += all.map { Keyword("\($0.prefix)_initializer", .object($0.initializer.object)) }
        c += all.map { Keyword("\($0.prefix)_regularizer", $0.regularizer.map { .object($0.object) } ?? .null) }
        c.append(Keyword("activity_regularizer", activityRegularizer.map { .object($0.object) } ?? .null))
        c += all.map { Keyword("\($0.prefix)_constraint", $0.constraint.map { .object($0.object) } ?? .null) }
        return c
    }

    // MARK: - Shapes

    /// `conv2d` in messages, or the class name before the layer is named.
    var who: String { name.isEmpty ? className : name }

    /// What the layer makes of an input shape: its sizes, the output sizes and channels.
    struct Plan {
        var spatial: [Int]
        var channels: Int
        var output: [Int]
        var outChannels: Int
    }

    func plan(_ input: Shape) throws -> Plan {
        let (n, c) = try spatial.split(input, who: "\(who): \(className)")
        switch kind {
        case .standard:
            guard c % groups == 0 else {
                throw LabError("\(who): the input's \(c) channels must be divisible by groups (\(groups))",
                               suggestion: "input channel block g feeds filter block g, so groups must divide both")
            }
            return Plan(spatial: n, channels: c, output: try spatial.outputSizes(n, who: who), outChannels: filters)
        case .separable:
            return Plan(spatial: n, channels: c, output: try spatial.outputSizes(n, who: who), outChannels: filters)
        case .depthwise:
            return Plan(spatial: n, channels: c, output: try spatial.outputSizes(n, who: who), outChannels: c * depthMultiplier)
        case .transpose:
            let out = try (0..<rank).map { i -> Int in
                let o = ConvArithmetic.transposedLength(n[i], kernel: spatial.kernel[i], stride: spatial.strides[i],
                                                        dilation: spatial.dilation[i], padding: spatial.padding,
                                                        outputPadding: outputPadding?[i])
                guard o > 0 else {
                    throw LabError("\(who): the output size on spatial axis \(i + 1) would be \(o): "
                                   + ConvArithmetic.transposedFormula(n[i], kernel: spatial.kernel[i], stride: spatial.strides[i],
                                                                      dilation: spatial.dilation[i], padding: spatial.padding,
                                                                      outputPadding: outputPadding?[i]))
                }
                return o
            }
            return Plan(spatial: n, channels: c, output: out, outChannels: filters)
        }
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let p = try plan(input)
        return spatial.shape(spatial: p.output, channels: p.outChannels)
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        let p = try plan(input)
        let k = spatial.kernel
        let shapes: [[Int]]
        switch kind {
        case .standard: shapes = [k + [p.channels / groups, filters]]
        case .transpose: shapes = [k + [filters, p.channels]]
        case .depthwise: shapes = [k + [p.channels, depthMultiplier]]
        case .separable:
            shapes = [k + [p.channels, depthMultiplier],
                      Array(repeating: 1, count: rank) + [p.channels * depthMultiplier, filters]]
        }
        var specs = zip(kernels, shapes).map { w, shape in
            WeightSpec(w.weightName, shape, w.initializer, regularizer: w.regularizer, constraint: w.constraint)
        }
        if useBias {
            specs.append(WeightSpec("bias", [p.outChannels], bias.initializer, regularizer: bias.regularizer, constraint: bias.constraint))
        }
        return specs
    }

    // MARK: - Forward

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let count = kind == .separable ? 2 : 1
        guard weights.count == count + (useBias ? 1 : 0) else { throw LabError("\(who): weights are not built yet") }
        let sample = Shape(batchOf: Array(x.shape.dropFirst()))
        guard x.rank == rank + 2 else { throw LabError("\(who): expected a batch of rank \(rank + 2) \(spatial.sampleLayout), got \(Tensor.describe(x.shape))") }
        let p = try plan(sample)
        let input = spatial.toChannelsLast(x)
        let batch = x.shape[0]
        var y: Tensor
        switch kind {
        case .standard:
            let g = try spatial.geometry(batch: batch, spatial: p.spatial, channels: p.channels, output: p.output)
            // The activation runs on each block of rows as the convolution finishes it.
            let activation = activation, filters = filters
            y = try input.convolved(with: weights[0], g, groups: groups, bias: useBias ? weights.last : nil) {
                activation.applyRows($0, rowLength: filters, bias: nil)
            }
            return spatial.fromChannelsLast(y)
        case .depthwise:
            let g = try spatial.geometry(batch: batch, spatial: p.spatial, channels: p.channels, output: p.output)
            y = try input.depthwiseConvolved(with: weights[0], g, bias: useBias ? weights.last : nil)
        case .separable:
            let g = try spatial.geometry(batch: batch, spatial: p.spatial, channels: p.channels, output: p.output)
            y = try input.depthwiseConvolved(with: weights[0], g)
            y = try y.matmul(weights[1].reshaped([p.channels * depthMultiplier, filters]))
        case .transpose:
            // The scatter, seen as a convolution from the output side.
            let pads = (0..<rank).map {
                ConvArithmetic.transposedCrop(kernel: spatial.kernel[$0], stride: spatial.strides[$0], dilation: spatial.dilation[$0],
                                              padding: spatial.padding, outputPadding: outputPadding?[$0])
            }
            let g = try ConvGeometry(batch: batch, input: p.output, channels: filters, kernel: spatial.kernel,
                                     strides: spatial.strides, dilation: spatial.dilation, padBefore: pads, output: p.spatial)
            y = try input.transposeConvolved(with: weights[0], g)
        }
        if useBias, kind == .separable || kind == .transpose, let b = weights.last { try y.addBias(b) }
        activation.apply(&y)
        return spatial.fromChannelsLast(y)
    }

    // MARK: - Explaining

    public func macs(for input: Shape) -> Int {
        guard let p = try? plan(input) else { return 0 }
        let k = spatial.kernel.reduce(1, *), out = p.output.reduce(1, *)
        switch kind {
        case .standard: return out * k * (p.channels / groups) * filters
        case .transpose: return p.spatial.reduce(1, *) * k * p.channels * filters
        case .depthwise: return out * k * p.channels * depthMultiplier
        case .separable: return out * k * p.channels * depthMultiplier + out * p.channels * depthMultiplier * filters
        }
    }

    /// `kh·kw` with this layer's numbers, and its symbolic name.
    var kernelSymbols: (names: String, numbers: String) {
        let names = rank == 1 ? ["k"] : rank == 2 ? ["kh", "kw"] : ["kd", "kh", "kw"]
        return (names.joined(separator: "·"), spatial.kernel.map(String.init).joined(separator: "·"))
    }

    public func explanation(for input: Shape) -> [String] {
        guard let p = try? plan(input), let out = try? outputShape(for: input) else { return [] }
        let k = spatial.kernel, s = spatial.strides, d = spatial.dilation
        let (kNames, kNumbers) = kernelSymbols
        let window = k.map(String.init).joined(separator: "×")
        let biasText = useBias ? " + bias" : ""
        var lines: [String] = []
        switch kind {
        case .standard:
            lines.append("output = \(activation.name)(conv(x, kernel)\(biasText)): \(filters) filters of \(window) slide over the input (cross-correlation, no flip)"
                         + (groups > 1 ? "; \(groups) groups, each filter sees \(p.channels / groups) of the \(p.channels) channels" : ""))
        case .transpose:
            lines.append("output = \(activation.name)(conv_transpose(x, kernel)\(biasText)): every input position spreads \(filters) filters of \(window) over the output, stride \(SpatialArguments.tuple(s))")
        case .depthwise:
            lines.append("output = \(activation.name)(depthwise_conv(x, kernel)\(biasText)): each of the \(p.channels) channels gets its own \(depthMultiplier) filter(s) of \(window)")
        case .separable:
            lines.append("output = \(activation.name)(pointwise(depthwise(x))\(biasText)): a \(window) filter per channel (×\(depthMultiplier)), then a 1×1 convolution to \(filters) filters")
        }
        if d.contains(where: { $0 > 1 }) {
            lines.append("dilation \(SpatialArguments.tuple(d)): the kernel spans k_eff = (k − 1)·d + 1 = "
                         + (0..<rank).map { String(ConvArithmetic.effectiveKernel(k[$0], dilation: d[$0])) }.joined(separator: ", "))
        }
        for i in 0..<rank {
            let formula = kind == .transpose
                ? ConvArithmetic.transposedFormula(p.spatial[i], kernel: k[i], stride: s[i], dilation: d[i], padding: spatial.padding, outputPadding: outputPadding?[i])
                : ConvArithmetic.outputFormula(p.spatial[i], kernel: k[i], stride: s[i], dilation: d[i], padding: spatial.padding)
                    + (ConvArithmetic.paddingNote(p.spatial[i], kernel: k[i], stride: s[i], dilation: d[i], padding: spatial.padding) ?? "")
            lines.append("spatial axis \(i + 1) (padding='\(spatial.padding.rawValue)'): \(formula)")
        }
        lines.append("output shape: \(input) → \(out)")
        let kernelShapes = ((try? weightSpecs(for: input)) ?? []).map { "\($0.name) \(Tensor.describe($0.shape))" }
        lines.append("weights: " + kernelShapes.joined(separator: ", "))
        let c = p.channels, b = useBias ? p.outChannels : 0
        let bText = useBias ? " + \(p.outChannels)" : ""
        let params: String
        switch kind {
        case .standard:
            params = "params = \(kNames)·(in/groups)·filters\(useBias ? " + filters" : "") = \(kNumbers)·\(c / groups)·\(filters)\(bText) = \(thousands(k.reduce(1, *) * (c / groups) * filters + b))"
        case .transpose:
            params = "params = \(kNames)·filters·in\(useBias ? " + filters" : "") = \(kNumbers)·\(filters)·\(c)\(bText) = \(thousands(k.reduce(1, *) * filters * c + b))"
        case .depthwise:
            params = "params = \(kNames)·in·depth_multiplier\(useBias ? " + in·depth_multiplier" : "") = \(kNumbers)·\(c)·\(depthMultiplier)\(bText) = \(thousands(k.reduce(1, *) * c * depthMultiplier + b))"
        case .separable:
            params = "params = \(kNames)·in·dm + in·dm·filters\(useBias ? " + filters" : "") = \(kNumbers)·\(c)·\(depthMultiplier) + \(c)·\(depthMultiplier)·\(filters)\(bText) = \(thousands(k.reduce(1, *) * c * depthMultiplier + c * depthMultiplier * filters + b))"
        }
        lines.append(params)
        lines.append("MACs per sample = \(thousands(macs(for: input)))")
        return lines
    }
}
