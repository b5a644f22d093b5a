import TensorCore

/// `Flatten()`: (batch, d1, d2, …) → (batch, d1·d2·…). With channels_first the
/// channel axis is moved last before flattening, as Keras does.
public struct Flatten: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Flatten"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var channelsFirst = false

    static let table = ArgumentTable<Flatten>([
        .field("data_format", .null, \.channelsFirst, read: { a, key in
            switch try a.optionalString(key) {
            case nil, "channels_last": return false
            case "channels_first": return true
            case let other?: throw LabError("Flatten: data_format must be 'channels_last' or 'channels_first', got '\(other)'")
            }
        }, write: { .string($0 ? "channels_first" : "channels_last") }),
    ])
    public var argumentTable: ArgumentTable<Flatten> { Self.table }

    public static let type = LayerType(
        "Flatten", positional: 1, summary: "flattens each sample to one axis: (batch, d1, d2, …) → (batch, d1·d2·…)",
        examples: ["add flatten"], arguments: table, blank: { Flatten() })

    public func outputShape(for input: Shape) throws -> Shape {
        Shape([input.dims.first ?? nil, try input.sampleCount()])
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let batch = x.shape.first else { return try x.reshaped([1, 1]) }
        let y = channelsFirst && x.rank > 2 ? try x.transposed([0] + Array(2..<x.rank) + [1]) : x
        return try y.reshaped([batch, batch == 0 ? 0 : x.count / batch])
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first, let out = try? outputShape(for: input) else { return [] }
        var lines = ["output shape: the sizes after the batch axis multiplied, \(input.sampleProduct): \(input) → \(out)"]
        if channelsFirst, input.rank > 2 { lines.append("channels_first: the channel axis (axis 1) is moved last before flattening, so the order matches channels_last") }
        lines.append("values keep their row-major order; no weights: params = 0")
        return lines
    }
}

extension Flatten {
    /// Backward: the gradient takes the input's shape again (channels moved back first).
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name, moved = channelsFirst && x.rank > 2
        return (y, { g in
            let g = try g.checkedGradient(of: y, name)
            guard moved else { return (try g.reshaped(x.shape), []) }
            let last = [x.shape[0]] + Array(x.shape.dropFirst(2)) + [x.shape[1]]
            return (try g.reshaped(last).transposed([0, x.rank - 1] + Array(1..<(x.rank - 1))), [])
        })
    }
}
