import TensorCore

/// `Permute(dims)`: reorders the axes after the batch axis. Keras counts them from 1:
/// `Permute((2, 1))` swaps the two axes of each sample.
public struct Permute: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Permute"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var dims: [Int] = []

    static let table = ArgumentTable<Permute>([
        .field("dims", nil, \.dims, read: { a, key in
            let dims = try a.shapeTuple(key).compactMap { $0 }
            guard !dims.isEmpty, dims.sorted() == Array(1...dims.count) else {
                throw LabError("Permute: dims \(Value.tuple(dims.map { .int($0) }).python) must be a permutation of 1…\(max(1, dims.count)) (axes are counted from 1; the batch axis 0 cannot move)")
            }
            return dims
        }, write: { .tuple($0.map { .int($0) }) }),
    ])
    public var argumentTable: ArgumentTable<Permute> { Self.table }

    public static let type = LayerType(
        "Permute", positional: 1, collectsWords: true,
        summary: "reorders the axes of each sample; axes are counted from 1, the batch axis stays first",
        examples: ["add permute 2 1", "add permute (3, 1, 2)"], arguments: table, blank: { Permute() })

    private var dimsText: String { Value.tuple(dims.map { .int($0) }).python }

    public func outputShape(for input: Shape) throws -> Shape {
        guard input.rank == dims.count + 1 else {
            throw LabError("\(name): dims \(dimsText) reorders \(dims.count) axes, but the input \(input) has \(input.rank - 1) after the batch axis")
        }
        return Shape([input.dims[0]] + dims.map { input.dims[$0] })
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard x.rank == dims.count + 1 else {
            throw LabError("\(name): expected an input with \(dims.count + 1) axes, got \(Tensor.describe(x.shape))")
        }
        return try x.transposed([0] + dims)
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first, let out = try? outputShape(for: input) else { return [] }
        let moves = dims.enumerated().map { i, d in
            "output axis \(i + 1) = input axis \(d) (size \(input.dims[d].map(String.init) ?? "None"))"
        }
        return ["dims \(dimsText) counts axes from 1; the batch axis 0 stays first"] + moves
            + ["output shape: \(input) → \(out)", "no weights: params = 0"]
    }
}

extension Permute {
    /// Backward: the inverse permutation.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name
        let order = [0] + dims
        var inverse = order
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return (y, { g in (try g.checkedGradient(of: y, name).transposed(inverse), []) })
    }
}
