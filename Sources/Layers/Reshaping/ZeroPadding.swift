import TensorCore

/// ZeroPadding1D/2D/3D: zeros added before and after each spatial axis.
public struct ZeroPadding: DifferentiableUnaryLayer, DeclaredLayer {
    /// The implementation; each instance's Keras class is `className`.
    public static let className = "ZeroPadding"
    public let className: String
    public let rank: Int
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var padding: [SpatialPad]
    public var dataFormat = DataFormat.channelsLast

    public static let types: [LayerType] = (1...3).map { rank in
        let cls = "ZeroPadding\(rank)D"
        return LayerType(cls, positional: 1,
                         summary: "\(rank)-D zero padding: adds zeros before and after each spatial axis (no weights)",
                         examples: rank == 2 ? ["add zeropadding2d 1", "add zeropadding2d ((1, 2), (3, 4))"]
                            : ["add zeropadding\(rank)d \(rank == 1 ? "(1, 2)" : "1")"],
                         arguments: table(rank), blank: { ZeroPadding(rank: rank, className: cls) })
    }

    init(rank: Int, className: String) {
        self.rank = rank
        self.className = className
        padding = Array(repeating: SpatialPad(1, 1), count: rank)
    }

    /// Keras's defaults: 1 (1-D), (1, 1) (2-D), ((1, 1), (1, 1), (1, 1)) (3-D).
    static func table(_ rank: Int) -> ArgumentTable<ZeroPadding> {
        let defaults: [Value] = [.int(1), .tuple([.int(1), .int(1)]), ReshapingArguments.value(Array(repeating: SpatialPad(1, 1), count: 3))]
        return ArgumentTable([
            .field("padding", defaults[rank - 1], \.padding,
                   read: { a, key in try ReshapingArguments.pads(a[key], rank: rank, key: key, owner: a.owner) },
                   write: ReshapingArguments.value),
            ReshapingArguments.dataFormatArgument(\.dataFormat),
        ])
    }

    public var argumentTable: ArgumentTable<ZeroPadding> { Self.table(rank) }

    var who: String { name.isEmpty ? className : name }

    public func outputShape(for input: Shape) throws -> Shape {
        try ReshapingArguments.checkRank(input, rank: rank, dataFormat, who: who)
        var dims = input.dims
        for (axis, pad) in zip(ReshapingArguments.spatialAxes(rank: rank, dataFormat), padding) { dims[axis] = dims[axis].map { $0 + pad.total } }
        return Shape(dims)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        _ = try outputShape(for: Shape(batchOf: Array(x.shape.dropFirst())))
        return try x.zeroPadded(ReshapingArguments.allAxes(padding, dataFormat))
    }

    /// Backward: the gradient of the padding's zeros is dropped — a crop.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), who = who, pads = ReshapingArguments.allAxes(padding, dataFormat)
        return (y, { g in (try g.checkedGradient(of: y, who).cropped(pads), []) })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let out = try? outputShape(for: input) else { return [] }
        let axes = ReshapingArguments.spatialAxes(rank: rank, dataFormat), names = ReshapingArguments.axisNames(rank: rank)
        return ["zeros are added before and after each spatial axis: padding \(ReshapingArguments.value(padding).python)"]
            + padding.indices.map { i in
                let n = input.dims[axes[i]].map(String.init) ?? "None", o = out.dims[axes[i]].map(String.init) ?? "None"
                return "\(names[i]): out = \(padding[i].before) + \(n) + \(padding[i].after) = \(o)"
            }
            + ["output shape: \(input) → \(out)", "no weights: params = 0"]
    }
}
