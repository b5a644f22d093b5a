import TensorCore

/// The one pooling implementation for 1, 2 or 3 spatial axes: MaxPooling1D/2D/3D and
/// AveragePooling1D/2D/3D are thin types over it (PoolingLayers.swift).
public struct Pooling: LayerImplementation {
    public let className: String
    public let mode: PoolMode
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var spatial: SpatialArguments

    /// Keras's parameters: MaxPooling's pool_size defaults to 2 per axis; AveragePooling's
    /// has no default in Keras 3.15 (leaving it out is an error, as in Keras).
    public static func parameters(_ mode: PoolMode, rank: Int) -> [Signature.Parameter] {
        let twos: Value = rank == 1 ? .int(2) : .tuple(Array(repeating: .int(2), count: rank))
        return [.init("pool_size", mode == .max ? twos : nil), .init("strides", .null),
                .init("padding", .string("valid")), .init("data_format", .null)]
    }

    public init(_ mode: PoolMode, rank: Int, className: String, _ a: BoundArguments) throws {
        self.className = className
        self.mode = mode
        spatial = try SpatialArguments(a, rank: rank, kernelKey: "pool_size", paddings: [.valid, .same], stridesDefaultToKernel: true)
    }

    /// Keras keeps pooling's padding as written (`'SAME'` stays `'SAME'`).
    public var config: [Keyword] {
        [Keyword("pool_size", SpatialArguments.value(spatial.kernel)), Keyword("padding", .string(spatial.paddingText)),
         Keyword("strides", SpatialArguments.value(spatial.strides)), Keyword("data_format", .string(spatial.dataFormat.rawValue))]
    }

    var who: String { name.isEmpty ? className : name }

    func plan(_ input: Shape) throws -> (spatial: [Int], channels: Int, output: [Int]) {
        let (n, c) = try spatial.split(input, who: "\(who): \(className)")
        return (n, c, try spatial.outputSizes(n, who: who, what: "pool"))
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let p = try plan(input)
        return spatial.shape(spatial: p.output, channels: p.channels)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard x.rank == spatial.rank + 2 else {
            throw LabError("\(who): expected a batch of rank \(spatial.rank + 2) \(spatial.sampleLayout), got \(Tensor.describe(x.shape))")
        }
        let p = try plan(Shape(batchOf: Array(x.shape.dropFirst())))
        let g = try spatial.geometry(batch: x.shape[0], spatial: p.spatial, channels: p.channels, output: p.output)
        return spatial.fromChannelsLast(try spatial.toChannelsLast(x).pooled(g, mode: mode))
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
public struct GlobalPooling: LayerImplementation {
    public let className: String
    public let mode: PoolMode
    public let rank: Int
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var dataFormat: DataFormat
    public var keepdims: Bool

    public static let parameters: [Signature.Parameter] = [.init("data_format", .null), .init("keepdims", .bool(false))]

    public init(_ mode: PoolMode, rank: Int, className: String, _ a: BoundArguments) throws {
        self.className = className
        self.mode = mode
        self.rank = rank
        if a.isNone("data_format") {
            dataFormat = .channelsLast
        } else {
            guard let f = DataFormat(rawValue: try a.string("data_format").lowercased()) else {
                throw LabError("\(className): data_format must be 'channels_last' or 'channels_first', got \(a["data_format"].python)")
            }
            dataFormat = f
        }
        keepdims = try a.bool("keepdims")
    }

    public var config: [Keyword] {
        [Keyword("data_format", .string(dataFormat.rawValue)), Keyword("keepdims", .bool(keepdims))]
    }

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
