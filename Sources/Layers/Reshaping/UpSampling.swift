import TensorCore

/// UpSampling1D/2D/3D: each spatial axis made `size` times longer — every cell repeated
/// (nearest), or, for UpSampling2D's `interpolation='bilinear'`, interpolated as
/// `jax.image.resize` does (half-pixel centres, edges clamped, antialias=False as Keras passes it).
public struct UpSampling: DifferentiableUnaryLayer, DeclaredLayer {
    /// The implementation; each instance's Keras class is `className`.
    public static let className = "UpSampling"
    public let className: String
    public let rank: Int
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var size: [Int]
    /// UpSampling1D has no `data_format` in Keras.
    public var dataFormat = DataFormat.channelsLast
    /// UpSampling2D's only: "nearest" or "bilinear".
    public var interpolation = "nearest"

    public static let types: [LayerType] = (1...3).map { rank in
        let cls = "UpSampling\(rank)D"
        return LayerType(cls, positional: 1,
                         summary: "\(rank)-D upsampling: each spatial axis `size` times longer, cells repeated"
                            + (rank == 2 ? " (or interpolation='bilinear')" : "") + " (no weights)",
                         examples: rank == 2 ? ["add upsampling2d 2", "add upsampling2d (2, 3) interpolation=bilinear"]
                            : ["add upsampling\(rank)d \(rank == 1 ? "3" : "2")"],
                         arguments: table(rank), blank: { UpSampling(rank: rank, className: cls) })
    }

    init(rank: Int, className: String) {
        self.rank = rank
        self.className = className
        size = Array(repeating: 2, count: rank)
    }

    static let interpolations = ["bilinear", "nearest", "lanczos3", "lanczos5", "bicubic"]

    static func table(_ rank: Int) -> ArgumentTable<UpSampling> {
        guard rank > 1 else {
            return ArgumentTable([.field("size", .int(2), \.size, read: { a, key in
                guard case .int(let n) = a[key] else {
                    throw LabError("\(a.owner): Expected an integer value for `size`, got <class '\(ReshapingArguments.pythonType(a[key]))'>.")
                }
                guard n > 0 else { throw LabError("\(a.owner): Argument `size` should be a positive integer. Received: size=\(n)") }
                return [n]
            }, write: { .int($0[0]) })])
        }
        var rows: [Argument<UpSampling>] = [
            .field("size", SpatialArguments.value(Array(repeating: 2, count: rank)), \.size,
                   read: { a, key in try ReshapingArguments.tuple(a[key], rank, key, allowZero: false, owner: a.owner) },
                   write: SpatialArguments.value),
            ReshapingArguments.dataFormatArgument(\.dataFormat),
        ]
        if rank == 2 {
            rows.append(.field("interpolation", .string("nearest"), \.interpolation, read: { a, key in
                let text = try a.string(key).lowercased()
                guard ["nearest", "bilinear"].contains(text) else {
                    if interpolations.contains(text) {
                        throw LabError("\(a.owner): interpolation='\(text)' is not in LayerLab yet", suggestion: "use 'nearest' or 'bilinear'")
                    }
                    throw LabError("\(a.owner): Invalid value for argument `interpolation`. Expected of one "
                                   + "(\(interpolations.map { "'\($0)'" }.joined(separator: ", "))). Received: interpolation=\(text)",
                                   suggestion: "use 'nearest' or 'bilinear'")
                }
                return text
            }, write: { .string($0) }))
        }
        return ArgumentTable(rows)
    }

    public var argumentTable: ArgumentTable<UpSampling> { Self.table(rank) }

    var who: String { name.isEmpty ? className : name }
    var axes: [Int] { ReshapingArguments.spatialAxes(rank: rank, dataFormat) }

    public func outputShape(for input: Shape) throws -> Shape {
        try ReshapingArguments.checkRank(input, rank: rank, dataFormat, who: who)
        var dims = input.dims
        for (axis, f) in zip(axes, size) { dims[axis] = dims[axis].map { $0 * f } }
        return Shape(dims)
    }

    /// The factor of every axis of the input (1 for batch and channels).
    func factors(_ x: Tensor) -> [Int] {
        var f = Array(repeating: 1, count: x.rank)
        for (axis, s) in zip(axes, size) { f[axis] = s }
        return f
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        _ = try outputShape(for: Shape(batchOf: Array(x.shape.dropFirst())))
        guard interpolation == "bilinear" else { return try x.repeated(factors(x)) }
        // The innermost axis first: its short rows are resized while the tensor is smallest.
        var y = x
        for (axis, f) in zip(axes, size).reversed() { y = try y.resized(axis: axis, LinearResize(from: x.shape[axis], to: x.shape[axis] * f)) }
        return y
    }

    /// Backward: nearest sums each block of repeated cells; bilinear is its interpolation transposed.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), who = who, factors = factors(x)
        let resizes = interpolation == "bilinear" ? zip(axes, size).map { ($0, LinearResize(from: x.shape[$0], to: x.shape[$0] * $1)) } : []
        return (y, { g in
            var d = try g.checkedGradient(of: y, who)
            guard !resizes.isEmpty else { return (try d.blockSummed(factors), []) }
            for (axis, r) in resizes { d = try d.resizedTranspose(axis: axis, r) }
            return (d, [])
        })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let out = try? outputShape(for: input) else { return [] }
        let names = ReshapingArguments.axisNames(rank: rank)
        let rule = interpolation == "bilinear"
            ? "each output cell o interpolates linearly between the two input cells nearest (o + 0.5)/size − 0.5 (half-pixel centres; the edge cells are repeated)"
            : "each cell is repeated size times along each spatial axis (nearest)"
        return [rule + ": size \(rank == 1 ? String(size[0]) : SpatialArguments.tuple(size))"]
            + size.indices.map { i in
                let n = input.dims[axes[i]].map(String.init) ?? "None", o = out.dims[axes[i]].map(String.init) ?? "None"
                return "\(names[i]): out = \(size[i]) × \(n) = \(o)"
            }
            + ["output shape: \(input) → \(out)", "no weights: params = 0"]
    }
}
