import TensorCore

/// `Reshape(target_shape)`: the values of each sample in a new shape (batch axis kept);
/// one size may be -1, inferred from the others.
public struct Reshape: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Reshape"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var targetShape: [Int] = []

    static let table = ArgumentTable<Reshape>([
        .field("target_shape", nil, \.targetShape, read: { a, key in
            let dims = try a.shapeTuple(key).compactMap { $0 }
            let text = Value.tuple(dims.map { .int($0) }).python
            guard !dims.isEmpty else { throw LabError("Reshape: target_shape needs at least one size, got ()") }
            guard dims.allSatisfy({ $0 > 0 || $0 == -1 }) else {
                throw LabError("Reshape: target_shape sizes must be positive or -1 (inferred), got \(text)")
            }
            guard dims.filter({ $0 == -1 }).count <= 1 else {
                throw LabError("Reshape: target_shape \(text) has more than one -1; only one size can be inferred")
            }
            return dims
        }, write: { .tuple($0.map { .int($0) }) }),
    ])
    public var argumentTable: ArgumentTable<Reshape> { Self.table }

    public static let type = LayerType(
        "Reshape", positional: 1, collectsWords: true,
        summary: "gives each sample a new shape with the same number of values; one size may be -1",
        examples: ["add reshape 4 8", "add reshape (-1, 8)"], arguments: table, blank: { Reshape() }
    ).with { $0.recordsBuildShape = false }

    private var targetText: String { Value.tuple(targetShape.map { .int($0) }).python }

    /// The target shape with -1 resolved for an input of `size` values per sample (nil: unknown).
    private func resolved(_ size: Int?) throws -> [Int?] {
        guard let size else { return targetShape.map { $0 == -1 ? nil : $0 } }
        guard let known = Tensor.elementCount(targetShape.filter { $0 != -1 }) else {
            throw LabError("\(name): target_shape \(targetText) holds far more values than each input sample's \(size)")
        }
        guard targetShape.contains(-1) else {
            guard known == size else {
                throw LabError("\(name): target_shape \(targetText) holds \(known) values but each input sample holds \(size)")
            }
            return targetShape
        }
        guard size % known == 0 else {
            throw LabError("\(name): cannot infer the -1 in target_shape \(targetText): the input's \(size) values per sample are not a multiple of \(known)")
        }
        return targetShape.map { $0 == -1 ? size / known : $0 }
    }

    public func outputShape(for input: Shape) throws -> Shape {
        Shape([input.dims.first ?? nil] + (try resolved(input.sampleCount())))
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let batch = x.shape.first ?? 1
        let dims = try resolved(batch == 0 ? nil : x.count / batch).map { $0 ?? 0 }
        return try x.reshaped([batch] + dims)
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first, let out = try? outputShape(for: input) else { return [] }
        let size = (try? input.sampleCount()) ?? nil
        var lines = ["each sample holds \(input.sampleProduct) values; they keep their row-major order"]
        if let i = targetShape.firstIndex(of: -1) {
            let known = targetShape.filter { $0 != -1 }
            lines.append("the -1 in target_shape \(targetText) = \(size.map(String.init) ?? "None") / \(known.isEmpty ? "1" : known.map(String.init).joined(separator: " · ")) = \(out.dims[i + 1].map(String.init) ?? "None")")
        }
        lines += ["output shape: (batch,) + target_shape: \(input) → \(out)", "no weights: params = 0"]
        return lines
    }
}

extension Reshape {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name
        return (y, { g in (try g.checkedGradient(of: y, name).reshaped(x.shape), []) })
    }
}
