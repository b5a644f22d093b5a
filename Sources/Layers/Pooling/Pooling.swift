import TensorCore

/// The one pooling implementation for 1, 2 or 3 spatial axes: MaxPooling1D/2D/3D and
/// AveragePooling1D/2D/3D, each a row of `types`.
public struct Pooling: DifferentiableUnaryLayer, DeclaredLayer {
    /// The implementation; each instance's Keras class is `className`.
    public static let className = "Pooling"
    public let className: String
    public let mode: PoolMode
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var spatial: SpatialArguments

    /// Every pooling class (its aliases are Keras's MaxPool1D, AvgPool1D …), in `help`'s order.
    public static let types: [LayerType] = [PoolMode.max, .average].flatMap { mode in
        (1...3).map { rank in
            let cls = (mode == .max ? "MaxPooling" : "AveragePooling") + "\(rank)D"
            let short = (mode == .max ? "MaxPool" : "AvgPool") + "\(rank)D"
            let what = mode == .max ? "the maximum of each window (pool_size, default 2)" : "the mean of each window (pool_size is required)"
            return LayerType(cls, aliases: [short, snakeCase(short)], positional: 1, summary: "\(rank)-D pooling: " + what,
                             arguments: table(mode, rank: rank), blank: { Pooling(mode, rank: rank, className: cls) })
                .with { $0.recordsBuildShape = false }
        }
    }

    init(_ mode: PoolMode, rank: Int, className: String) {
        self.className = className
        self.mode = mode
        spatial = SpatialArguments(rank: rank)
    }

    /// Keras's arguments: MaxPooling's pool_size defaults to 2 per axis; AveragePooling's
    /// has no default in Keras 3.15 (leaving it out is an error, as in Keras). Keras keeps
    /// pooling's padding as written (`'SAME'` stays `'SAME'`), and its config puts it before strides.
    static func table(_ mode: PoolMode, rank: Int) -> ArgumentTable<Pooling> {
        let twos: Value = rank == 1 ? .int(2) : .tuple(Array(repeating: .int(2), count: rank))
        return ArgumentTable([
            Argument("pool_size", mode == .max ? twos : nil, read: { layer, a, _ in
                layer.spatial = try SpatialArguments(a, rank: rank, kernelKey: "pool_size", paddings: [.valid, .same], stridesDefaultToKernel: true)
            }, write: { SpatialArguments.value($0.spatial.kernel) }),
            .readElsewhere("strides", .null) { SpatialArguments.value($0.spatial.strides) },
            .readElsewhere("padding", .string("valid")) { .string($0.spatial.paddingText) }.inConfig(after: "pool_size"),
            .readElsewhere("data_format", .null) { .string($0.spatial.dataFormat.rawValue) },
        ])
    }

    public var argumentTable: ArgumentTable<Pooling> { Self.table(mode, rank: spatial.rank) }

    var who: String { name.isEmpty ? className : name }

    func plan(_ input: Shape) throws -> (spatial: [Int], channels: Int, output: [Int]) {
        let (n, c) = try spatial.split(input, who: "\(who): \(className)")
        return (n, c, try spatial.outputSizes(n, who: who, what: "pool"))
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let p = try plan(input)
        return spatial.shape(spatial: p.output, channels: p.channels)
    }

    /// The geometry of the windows over a batch.
    func geometry(_ x: Tensor) throws -> ConvGeometry {
        guard x.rank == spatial.rank + 2 else {
            throw LabError("\(who): expected a batch of rank \(spatial.rank + 2) \(spatial.sampleLayout), got \(Tensor.describe(x.shape))")
        }
        let p = try plan(Shape(batchOf: Array(x.shape.dropFirst())))
        return try spatial.geometry(batch: x.shape[0], spatial: p.spatial, channels: p.channels, output: p.output)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let g = try geometry(x)
        return spatial.fromChannelsLast(try spatial.toChannelsLast(x).pooled(g, mode: mode))
    }

    /// Backward on oneDNN's pooling primitive (`ConvOperation.poolingGradient`): a max
    /// window's gradient goes to its first maximum in row-major order, as JAX gives it.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let g = try geometry(x)
        let input = spatial.toChannelsLast(x)
        let y = spatial.fromChannelsLast(try input.pooled(g, mode: mode))
        let spatial = self.spatial, mode = self.mode, who = self.who
        return (y, { dy in
            let d = spatial.toChannelsLast(try dy.checkedGradient(of: y, who))
            return (spatial.fromChannelsLast(try ConvOperation.pooling(g, mode: mode).poolingGradient(input, outputGradient: d)), [])
        })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let p = try? plan(input), let out = try? outputShape(for: input) else { return [] }
        let window = spatial.kernel.map(String.init).joined(separator: "×")
        var lines = [mode == .max
            ? "output = the maximum of each \(window) window, per channel (padding cells never win)"
            : "output = the mean of each \(window) window, per channel" + (spatial.padding == .same ? " (divided by the number of real cells: padding is not counted)" : "")]
        for i in 0..<spatial.rank {
            lines.append("spatial axis \(i + 1) (pool \(spatial.kernel[i]), stride \(spatial.strides[i]), padding='\(spatial.padding.rawValue)'): "
                         + ConvArithmetic.outputFormula(p.spatial[i], kernel: spatial.kernel[i], stride: spatial.strides[i], dilation: 1, padding: spatial.padding)
                         + (ConvArithmetic.paddingNote(p.spatial[i], kernel: spatial.kernel[i], stride: spatial.strides[i], dilation: 1, padding: spatial.padding) ?? ""))
        }
        lines.append("output shape: \(input) → \(out)")
        lines.append("params = 0 (pooling has no weights)")
        return lines
    }
}

/// GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D: one value per channel.
public struct GlobalPooling: DifferentiableUnaryLayer, DeclaredLayer {
    /// The implementation; each instance's Keras class is `className`.
    public static let className = "GlobalPooling"
    public let className: String
    public let mode: PoolMode
    public let rank: Int
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var dataFormat = DataFormat.channelsLast
    public var keepdims = false

    public static let types: [LayerType] = [PoolMode.max, .average].flatMap { mode in
        (1...3).map { rank in
            let cls = (mode == .max ? "GlobalMaxPooling" : "GlobalAveragePooling") + "\(rank)D"
            let short = (mode == .max ? "GlobalMaxPool" : "GlobalAvgPool") + "\(rank)D"
            return LayerType(cls, aliases: [short, snakeCase(short)], positional: 0,
                             summary: "\(rank)-D global pooling: the \(mode == .max ? "maximum" : "mean") over all positions, per channel",
                             arguments: table, blank: { GlobalPooling(mode: mode, rank: rank, className: cls) })
                .with { $0.recordsBuildShape = false }
        }
    }

    init(mode: PoolMode, rank: Int, className: String) {
        self.className = className
        self.mode = mode
        self.rank = rank
    }

    static let table = ArgumentTable<GlobalPooling>([
        Argument("data_format", .null, read: { layer, a, _ in
            guard !a.isNone("data_format") else { return }
            guard let f = DataFormat(rawValue: try a.string("data_format").lowercased()) else {
                throw LabError("\(layer.className): data_format must be 'channels_last' or 'channels_first', got \(a["data_format"].python)")
            }
            layer.dataFormat = f
        }, write: { .string($0.dataFormat.rawValue) }),
        .bool("keepdims", .bool(false), \.keepdims),
    ])
    public var argumentTable: ArgumentTable<GlobalPooling> { Self.table }

    var who: String { name.isEmpty ? className : name }

    func channels(_ input: Shape) throws -> Int {
        guard input.rank == rank + 2 else {
            throw LabError("\(who): \(className) expects input of rank \(rank + 2), got \(input)")
        }
        let dims = Array(input.dims.dropFirst())
        guard let c = (dataFormat == .channelsLast ? dims.last : dims.first) ?? nil else {
            throw LabError("\(who): \(className) needs the channel dimension of its input to be known, got \(input)")
        }
        return c
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let c = try channels(input)
        guard keepdims else { return Shape([nil, c]) }
        let ones = Array(repeating: Optional(1), count: rank)
        return Shape([nil] + (dataFormat == .channelsLast ? ones + [c] : [c] + ones))
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard x.rank == rank + 2 else {
            throw LabError("\(who): expected a batch of rank \(rank + 2), got \(Tensor.describe(x.shape))")
        }
        let y = try (dataFormat == .channelsLast ? x : x.channelsMovedLast()).globalPooled(mode)
        guard keepdims, let c = y.shape.last else { return y }
        let ones = Array(repeating: 1, count: rank)
        return try y.reshaped([x.shape[0]] + (dataFormat == .channelsLast ? ones + [c] : [c] + ones))
    }

    /// Backward as JAX differentiates `jnp.mean` and `jnp.max` (`globalPoolingGradient`):
    /// the mean spreads ∂y evenly; the max splits it equally among tied maxima.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training)
        let input = dataFormat == .channelsLast ? x : x.channelsMovedLast()
        let mode = self.mode, dataFormat = self.dataFormat, who = self.who
        return (y, { dy in
            let d = try dy.checkedGradient(of: y, who).reshaped([x.shape[0], input.shape.last ?? 0])
            let dx = try input.globalPoolingGradient(mode, outputGradient: d)
            return (dataFormat == .channelsLast ? dx : dx.channelsMovedFirst(), [])
        })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let c = try? channels(input), let out = try? outputShape(for: input) else { return [] }
        let positions = (dataFormat == .channelsLast ? input.dims.dropFirst().dropLast() : input.dims.dropFirst(2))
            .map { $0.map(String.init) ?? "?" }.joined(separator: "·")
        return ["output = the \(mode == .max ? "maximum" : "mean") over all \(positions) positions, one value for each of the \(c) channels"
                + (keepdims ? " (keepdims=True keeps the spatial axes as 1s)" : ""),
                "output shape: \(input) → \(out)",
                "params = 0 (pooling has no weights)"]
    }
}
