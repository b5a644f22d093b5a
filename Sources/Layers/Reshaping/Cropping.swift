import TensorCore

/// Cropping1D/2D/3D: cells dropped before and after each spatial axis.
public struct Cropping: DifferentiableUnaryLayer, DeclaredLayer {
    /// The implementation; each instance's Keras class is `className`.
    public static let className = "Cropping"
    public let className: String
    public let rank: Int
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var cropping: [SpatialPad]
    /// Cropping1D has no `data_format` in Keras: it is always (batch, steps, features).
    public var dataFormat = DataFormat.channelsLast

    public static let types: [LayerType] = (1...3).map { rank in
        let cls = "Cropping\(rank)D"
        return LayerType(cls, positional: 1,
                         summary: "\(rank)-D cropping: drops cells before and after each spatial axis (no weights)",
                         examples: rank == 2 ? ["add cropping2d 1", "add cropping2d ((1, 2), (0, 3))"]
                            : ["add cropping\(rank)d \(rank == 1 ? "(1, 2)" : "1")"],
                         arguments: table(rank), blank: { Cropping(rank: rank, className: cls) })
    }

    init(rank: Int, className: String) {
        self.rank = rank
        self.className = className
        cropping = Array(repeating: SpatialPad(rank == 2 ? 0 : 1, rank == 2 ? 0 : 1), count: rank)
    }

    /// Keras's defaults: (1, 1) (1-D), ((0, 0), (0, 0)) (2-D), ((1, 1), (1, 1), (1, 1)) (3-D).
    static func table(_ rank: Int) -> ArgumentTable<Cropping> {
        let cropping = Argument<Cropping>.field(
            "cropping", ReshapingArguments.value(Cropping(rank: rank, className: "").cropping), \.cropping,
            read: { a, key in try ReshapingArguments.pads(a[key], rank: rank, key: key, owner: a.owner) },
            write: ReshapingArguments.value)
        return ArgumentTable(rank == 1 ? [cropping] : [cropping, ReshapingArguments.dataFormatArgument(\.dataFormat)])
    }

    public var argumentTable: ArgumentTable<Cropping> { Self.table(rank) }

    var who: String { name.isEmpty ? className : name }

    public func outputShape(for input: Shape) throws -> Shape {
        try ReshapingArguments.checkRank(input, rank: rank, dataFormat, who: who)
        var dims = input.dims
        for (axis, crop) in zip(ReshapingArguments.spatialAxes(rank: rank, dataFormat), cropping) {
            guard let n = dims[axis] else { continue }
            guard crop.total < n else {
                let text = ReshapingArguments.value(cropping).python
                throw LabError(rank == 1
                    ? "\(who): `cropping` parameter of `Cropping1D` layer must be smaller than the input length. Received: input_shape=\(input), cropping=\(text)"
                    : "\(who): Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=\(input), cropping=\(text)",
                    suggestion: "cropping \(crop.before) + \(crop.after) cells leaves nothing of \(n)")
            }
            dims[axis] = n - crop.total
        }
        return Shape(dims)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        _ = try outputShape(for: Shape(batchOf: Array(x.shape.dropFirst())))
        return try x.cropped(ReshapingArguments.allAxes(cropping, dataFormat))
    }

    /// Backward: the cropped cells get no gradient — a zero padding.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), who = who, crops = ReshapingArguments.allAxes(cropping, dataFormat)
        return (y, { g in (try g.checkedGradient(of: y, who).zeroPadded(crops), []) })
    }

    public func explanation(for input: Shape) -> [String] {
        guard let out = try? outputShape(for: input) else { return [] }
        let axes = ReshapingArguments.spatialAxes(rank: rank, dataFormat), names = ReshapingArguments.axisNames(rank: rank)
        return ["cells are dropped before and after each spatial axis: cropping \(ReshapingArguments.value(cropping).python)"]
            + cropping.indices.map { i in
                let n = input.dims[axes[i]].map(String.init) ?? "None", o = out.dims[axes[i]].map(String.init) ?? "None"
                return "\(names[i]): out = \(n) − \(cropping[i].before) − \(cropping[i].after) = \(o)"
            }
            + ["output shape: \(input) → \(out)", "no weights: params = 0"]
    }
}
