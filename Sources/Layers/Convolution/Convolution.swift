import TensorCore
import Text

/// The one convolution implementation, for 1, 2 or 3 spatial axes: Conv1D/2D/3D,
/// Conv1D/2D/3DTranspose, SeparableConv1D/2D and DepthwiseConv1D/2D, each a row of
/// `types` (the instance's `className` is its Keras class). The arithmetic is
/// oneDNN's: each kind is one or two `ConvOperation`s (`operations`), whose forward
/// primitives make `call` and whose backward primitives make the gradients.
public struct Convolution: DifferentiableUnaryLayer, DeclaredLayer {
    /// The implementation; each instance's Keras class is `className`.
    public static let className = "Convolution"
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

    public let className: String
    public let kind: Kind
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var spatial = SpatialArguments(rank: 1)
    /// Output channels (for depthwise: unused, the output has in·depth_multiplier).
    public var filters = 0
    public var groups = 1
    public var outputPadding: [Int]?
    public var depthMultiplier = 1
    public var activation = Activation.unset
    public var useBias = true
    /// The kernels in Keras's weight order (kernel; or depthwise, pointwise), then bias.
    public var kernels: [WeightSlot]
    public var bias = WeightSlot.unset
    public var activityRegularizer: (any Regularizer)?

    public var rank: Int { spatial.rank }

    // MARK: - Arguments

    /// The Keras classes: (class, kind, rank, aliases, summary).
    static let classes: [(String, Kind, Int, [String], String)] = [
        ("Conv1D", .standard, 1, ["Convolution1D", "convolution1d"], "1-D convolution: filters sliding along one axis (padding valid/same/causal)"),
        ("Conv2D", .standard, 2, ["Convolution2D", "convolution2d"], "2-D convolution: filters of kh×kw sliding over rows and columns"),
        ("Conv3D", .standard, 3, ["Convolution3D", "convolution3d"], "3-D convolution over three spatial axes"),
        ("Conv1DTranspose", .transpose, 1, ["Convolution1DTranspose", "convolution1d_transpose"], "transposed 1-D convolution (upsampling), output_padding"),
        ("Conv2DTranspose", .transpose, 2, ["Convolution2DTranspose", "convolution2d_transpose"], "transposed 2-D convolution (upsampling), output_padding"),
        ("Conv3DTranspose", .transpose, 3, ["Convolution3DTranspose", "convolution3d_transpose"], "transposed 3-D convolution (upsampling), output_padding"),
        ("SeparableConv1D", .separable, 1, ["SeparableConvolution1D", "separable_convolution1d"], "depthwise 1-D convolution then a pointwise (1×1) convolution"),
        ("SeparableConv2D", .separable, 2, ["SeparableConvolution2D", "separable_convolution2d"], "depthwise 2-D convolution then a pointwise (1×1) convolution"),
        ("DepthwiseConv1D", .depthwise, 1, [], "one 1-D filter per input channel (depth_multiplier outputs each)"),
        ("DepthwiseConv2D", .depthwise, 2, [], "one 2-D filter per input channel (depth_multiplier outputs each)"),
    ]

    public static let types: [LayerType] = classes.map { cls, kind, rank, aliases, summary in
        LayerType(cls, aliases: aliases, positional: kind == .depthwise ? 1 : 2, summary: summary,
                  arguments: table(kind, rank: rank), blank: { Convolution(kind, rank: rank, className: cls) })
    }

    /// The layer before its arguments are read.
    init(_ kind: Kind, rank: Int, className: String) {
        self.className = className
        self.kind = kind
        spatial = SpatialArguments(rank: rank)
        kernels = Self.kernelPrefixes(kind).map { _ in WeightSlot.unset }
    }

    /// The argument prefixes of the kernels of a kind, and their weights' names.
    static func kernelPrefixes(_ kind: Kind) -> [(prefix: String, weight: String)] {
        switch kind {
        case .standard, .transpose: return [("kernel", "kernel")]
        case .separable: return [("depthwise", "depthwise_kernel"), ("pointwise", "pointwise_kernel")]
        case .depthwise: return [("depthwise", "kernel")]
        }
    }

    /// Keras's constructor arguments, in its positional order, with its defaults; the
    /// config order differs in depth_multiplier (first) and output_padding (after padding).
    static func table(_ kind: Kind, rank: Int) -> ArgumentTable<Convolution> {
        let ones: Value = rank == 1 ? .int(1) : .tuple(Array(repeating: .int(1), count: rank))
        let paddings: [Padding] = kind == .standard && rank == 1 ? [.valid, .same, .causal] : [.valid, .same]
        typealias Row = Argument<Convolution>
        let filters: [Row] = kind == .depthwise ? [] : [.int("filters", nil, \.filters, positive: true)]
        let kernelSize = Row("kernel_size", nil, read: { layer, a, _ in
            layer.spatial = try SpatialArguments(a, rank: rank, paddings: paddings)
        }, write: { SpatialArguments.value($0.spatial.kernel) })
        let strides = Row.readElsewhere("strides", ones) { SpatialArguments.value($0.spatial.strides) }
        let padding = Row.readElsewhere("padding", .string("valid")) { .string($0.spatial.padding.rawValue) }
        let dataFormat = Row.readElsewhere("data_format", .null) { .string($0.spatial.dataFormat.rawValue) }
        let dilation = Row.readElsewhere("dilation_rate", ones) { SpatialArguments.value($0.spatial.dilation) }
        let depthMultiplier = Row.int("depth_multiplier", .int(1), \.depthMultiplier, positive: true).inConfig(after: "")
        var rows = filters + [kernelSize, strides, padding]
        switch kind {
        case .standard:
            rows += [dataFormat, dilation, Row("groups", .int(1), read: { layer, a, _ in
                layer.groups = try a.positiveInt("groups")
                if layer.filters % layer.groups != 0 {
                    throw LabError("\(layer.className): filters (\(layer.filters)) must be divisible by groups (\(layer.groups))")
                }
            }, write: { .int($0.groups) })]
        case .transpose:
            let outputPadding = Row("output_padding", .null, read: { layer, a, _ in
                guard !a.isNone("output_padding") else { return }
                let op = try a.intTuple("output_padding", rank: rank), strides = layer.spatial.strides
                for i in 0..<rank where op[i] < 0 || op[i] >= strides[i] {
                    throw LabError("\(layer.className): output_padding must be ≥ 0 and strictly less than strides on every axis; on axis \(i + 1) it is \(op[i]) with stride \(strides[i])")
                }
                layer.outputPadding = op
            }, write: { $0.outputPadding.map(SpatialArguments.value) ?? .null }).inConfig(after: "padding")
            rows += rank == 3 ? [dataFormat, outputPadding] : [outputPadding, dataFormat]
            rows.append(dilation)
        case .separable:
            rows += [dataFormat, dilation, depthMultiplier]
        case .depthwise:
            rows += [depthMultiplier, dataFormat, dilation]
        }
        rows += [.activation(.null, \.activation), .bool("use_bias", .bool(true), \.useBias)]
        let slots = kernelPrefixes(kind).enumerated().map { i, k in (k.prefix, "glorot_uniform", \Convolution.kernels[i]) }
            + [("bias", "zeros", \Convolution.bias)]
        rows += Row.weights(slots.map { (prefix: $0.0, initializer: $0.1, slot: $0.2) }, activity: .activityRegularizer(\.activityRegularizer))
        return ArgumentTable(rows)
    }

    public var argumentTable: ArgumentTable<Convolution> { Self.table(kind, rank: rank) }

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
        return zip(zip(kernels, Self.kernelPrefixes(kind)), shapes).map { $0.0.spec($0.1.weight, $1) }
            + (useBias ? [bias.spec("bias", [p.outChannels])] : [])
    }

    // MARK: - Forward and backward

    /// The oneDNN operations the layer runs on a channels-last batch, in order, each with
    /// its kernel (`weights[i]`): one, or for a separable layer the depthwise step then the
    /// 1×1 pointwise one. The bias and the activation apply after the last.
    func operations(batch: Int, _ p: Plan) throws -> [ConvOperation] {
        switch kind {
        case .standard:
            let g = try spatial.geometry(batch: batch, spatial: p.spatial, channels: p.channels, output: p.output)
            return [try .convolution(g, kernel: weights[0].shape, groups: groups)]
        case .depthwise:
            let g = try spatial.geometry(batch: batch, spatial: p.spatial, channels: p.channels, output: p.output)
            return [try .depthwise(g, kernel: weights[0].shape)]
        case .separable:
            let g = try spatial.geometry(batch: batch, spatial: p.spatial, channels: p.channels, output: p.output)
            let ones = Array(repeating: 1, count: rank)
            let pointwise = try ConvGeometry(batch: batch, input: p.output, channels: p.channels * depthMultiplier, kernel: ones,
                                             strides: ones, dilation: ones, padBefore: Array(repeating: 0, count: rank), output: p.output)
            return [try .depthwise(g, kernel: weights[0].shape), try .convolution(pointwise, kernel: weights[1].shape)]
        case .transpose:
            // The adjoint of the convolution from the output side back to the input.
            let pads = (0..<rank).map {
                ConvArithmetic.transposedCrop(kernel: spatial.kernel[$0], stride: spatial.strides[$0], dilation: spatial.dilation[$0],
                                              padding: spatial.padding, outputPadding: outputPadding?[$0])
            }
            let g = try ConvGeometry(batch: batch, input: p.output, channels: filters, kernel: spatial.kernel,
                                     strides: spatial.strides, dilation: spatial.dilation, padBefore: pads, output: p.spatial)
            return [try .transposed(g, kernel: weights[0].shape, inChannels: p.channels)]
        }
    }

    /// The input checked and made channels-last, and the operations that run on it.
    func prepare(_ x: Tensor) throws -> (input: Tensor, operations: [ConvOperation], bias: Tensor?) {
        let count = kind == .separable ? 2 : 1
        guard weights.count == count + (useBias ? 1 : 0) else { throw LabError("\(who): weights are not built yet") }
        guard x.rank == rank + 2 else { throw LabError("\(who): expected a batch of rank \(rank + 2) \(spatial.sampleLayout), got \(Tensor.describe(x.shape))") }
        let p = try plan(Shape(batchOf: Array(x.shape.dropFirst())))
        return (spatial.toChannelsLast(x), try operations(batch: x.shape[0], p), useBias ? weights.last : nil)
    }

    /// Runs the operations from the channels-last input; relu (when it is the activation)
    /// runs in oneDNN's epilogue, while each block of the output is in cache. Returns the
    /// input of each operation too, and whether relu was applied.
    func linearPart(_ input: Tensor, _ operations: [ConvOperation], bias: Tensor?) throws -> (output: Tensor, inputs: [Tensor], relu: Bool) {
        let relu = activation.className == "relu"
        var y = input, inputs: [Tensor] = []
        for (i, op) in operations.enumerated() {
            let last = i == operations.count - 1
            inputs.append(y)
            y = try op.run(y, kernel: weights[i], bias: last ? bias : nil, relu: last && relu)
        }
        return (y, inputs, relu)
    }

    /// The activation applies to the output in its data format, as in Keras (softmax on a
    /// channels_first output runs along its last spatial axis).
    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let (input, operations, bias) = try prepare(x)
        let (z, _, relu) = try linearPart(input, operations, bias: bias)
        var y = spatial.fromChannelsLast(z)
        if !relu { activation.apply(&y) }
        return y
    }

    /// The training pass keeps each operation's input and the pre-activation z (for relu,
    /// y itself). Backward: ∂z = activation′ · ∂y, then each operation's oneDNN
    /// backward-data and backward-weights primitives from the last to the first (for a
    /// separable layer: pointwise, then depthwise), giving ∂kernel per operation and
    /// ∂bias from the last.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let (input, operations, bias) = try prepare(x)
        let (linear, inputs, relu) = try linearPart(input, operations, bias: bias)
        let z = spatial.fromChannelsLast(linear)
        let output = relu || activation.isLinear ? z : activation(z)
        let kernels = Array(weights.prefix(operations.count))
        let activation = self.activation, spatial = self.spatial, who = self.who
        return (output, { g in
            var d = spatial.toChannelsLast(activation.gradient(try g.checkedGradient(of: output, who), pre: z, output: output))
            var kernelGradients: [Tensor] = [], biasGradient: Tensor?
            for i in operations.indices.reversed() {
                let last = i == operations.count - 1
                let (dx, dw, db) = try operations[i].gradients(inputs[i], kernel: kernels[i], hasBias: last && bias != nil, outputGradient: d)
                d = dx
                kernelGradients.insert(dw, at: 0)
                if last { biasGradient = db }
            }
            return (spatial.fromChannelsLast(d), kernelGradients + (biasGradient.map { [$0] } ?? []))
        })
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
