import TensorCore

/// Add, Subtract, Multiply, Average, Maximum, Minimum: one elementwise merge,
/// parameterised by its operation. Shapes broadcast as Keras allows: sample shapes
/// align at the right and sizes of 1 stretch; an input of lower rank gets axes of
/// size 1 inserted after the batch axis.
public struct Merge: DifferentiableLayer, DeclaredLayer {
    public enum Operation: String, Sendable, CaseIterable {
        case add = "Add", subtract = "Subtract", multiply = "Multiply"
        case average = "Average", maximum = "Maximum", minimum = "Minimum"

        /// One step of the fold (Average adds, and divides at the end).
        var function: (Float, Float) -> Float {
            switch self {
            case .add, .average: return (+)
            case .subtract: return (-)
            case .multiply: return (*)
            case .maximum: return { Swift.max($0, $1) }
            case .minimum: return { Swift.min($0, $1) }
            }
        }

        var derivative: @Sendable (Float, Float, Float) -> (Float, Float) {
            switch self {
            case .add, .average: return BinaryDerivative.sum
            case .subtract: return BinaryDerivative.difference
            case .multiply: return BinaryDerivative.product
            case .maximum, .minimum: return BinaryDerivative.chooser
            }
        }
    }

    public var operation: Operation
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var argumentTable: ArgumentTable<Merge> { ArgumentTable([]) }

    public static let className = "Merge"
    public var className: String { operation.rawValue }

    public static let types: [LayerType] = Operation.allCases.map { op in
        LayerType(op.rawValue, positional: 0, summary: summary(op), arguments: ArgumentTable([]), blank: { Merge(operation: op) })
            .with { $0.takesInputList = true }
    }

    static func summary(_ op: Operation) -> String {
        switch op {
        case .add: return "the sum of its inputs (add add from=a,b)"
        case .subtract: return "the first input minus the second (exactly two inputs)"
        case .multiply: return "the elementwise product of its inputs"
        case .average: return "the elementwise mean of its inputs"
        case .maximum: return "the elementwise maximum of its inputs"
        case .minimum: return "the elementwise minimum of its inputs"
        }
    }

    public init(operation: Operation) { self.operation = operation }

    private func checkCount(_ n: Int) throws {
        if operation == .subtract, n != 2 {
            throw LabError("Subtract takes exactly 2 inputs, got \(n)", suggestion: "give them with from=A,B")
        }
        guard n >= 1 else { throw LabError("\(operation.rawValue) needs inputs: give them with from=A,B") }
    }

    public func outputShape(for inputs: [Shape]) throws -> Shape {
        try checkCount(inputs.count)
        var result = inputs[0]
        for next in inputs.dropFirst() { result = try Merge.broadcast(result, next) }
        return result
    }

    /// Keras's `_compute_elemwise_op_output_shape` on the sample shapes; the batch stays first.
    static func broadcast(_ a: Shape, _ b: Shape) throws -> Shape {
        var x = Array(a.dims.dropFirst()), y = Array(b.dims.dropFirst())
        if x.count < y.count { swap(&x, &y) }
        var out = Array(x.prefix(x.count - y.count))
        for (i, j) in zip(x.suffix(y.count), y) {
            switch (i, j) {
            case (nil, _), (_, nil): out.append(nil)
            case (1, _): out.append(j)
            case (_, 1): out.append(i)
            default:
                guard i == j else { throw LabError("inputs have incompatible shapes \(a) and \(b)") }
                out.append(i)
            }
        }
        return Shape([nil] + out)
    }

    public func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        try fold(inputs).output
    }

    /// The inputs, lower-rank ones given axes of size 1 after the batch axis (as Keras
    /// expands them), folded left to right as Keras does: `steps[i]` is the result after
    /// input i (`steps[0]` the first input), `output` the last one (divided, for Average).
    private func fold(_ inputs: [Tensor]) throws -> (inputs: [Tensor], steps: [Tensor], output: Tensor) {
        try checkCount(inputs.count)
        let rank = inputs.map(\.rank).max() ?? 0
        let xs = try inputs.map { t -> Tensor in
            guard t.rank < rank, let batch = t.shape.first else { return t }
            return try t.reshaped([batch] + Array(repeating: 1, count: rank - t.rank) + t.shape.dropFirst())
        }
        var steps = [xs[0]]
        for x in xs.dropFirst() { steps.append(try Tensor.combine(steps[steps.count - 1], x, operation.function)) }
        let last = steps[steps.count - 1]
        return (xs, steps, operation == .average ? last.map { $0 / Float(xs.count) } : last)
    }

    /// Backward through the fold, last input first: each step's rule (a maximum or minimum
    /// split half and half between equal operands, as jnp.maximum's gradient is) gives the
    /// gradient of that input and of the result before it, each summed back over the axes
    /// broadcasting stretched; an expanded input's gradient takes its own shape again.
    public func differentiableCall(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> (output: Tensor, pullback: Pullback) {
        let (xs, steps, y) = try fold(inputs)
        let rule = operation.derivative, name = name, n = Float(xs.count), average = operation == .average
        return (y, { g in
            var running = try g.checkedGradient(of: y, name)
            if average { running = running.map { $0 / n } }
            var grads = [Tensor?](repeating: nil, count: xs.count)
            for i in stride(from: xs.count - 1, through: 1, by: -1) {
                let (before, dx) = try Tensor.broadcastGradients(steps[i - 1], xs[i], output: steps[i], running, rule)
                grads[i] = try dx.reshaped(inputs[i].shape)
                running = before
            }
            grads[0] = try running.reshaped(inputs[0].shape)
            return LayerGradients(inputs: grads)
        })
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        let out = (try? outputShape(for: inputs))?.description ?? "?"
        return ["output = " + Merge.formula(operation, inputs.count) + ", value by value",
                "shapes " + inputs.map(\.description).joined(separator: ", ") + " → \(out) (sizes of 1 stretch to match); no parameters"]
    }

    static func formula(_ op: Operation, _ n: Int) -> String {
        let xs = (1...max(1, n)).map { "x\($0)" }
        switch op {
        case .add: return xs.joined(separator: " + ")
        case .subtract: return "x1 − x2"
        case .multiply: return xs.joined(separator: " · ")
        case .average: return "(" + xs.joined(separator: " + ") + ") / \(n)"
        case .maximum: return "max(" + xs.joined(separator: ", ") + ")"
        case .minimum: return "min(" + xs.joined(separator: ", ") + ")"
        }
    }
}

/// `Concatenate(axis=-1)`: joins its inputs along one axis; the other sizes must agree.
public struct Concatenate: DifferentiableLayer, DeclaredLayer {
    public static let className = "Concatenate"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var axis = -1

    static let table = ArgumentTable<Concatenate>([.int("axis", .int(-1), \.axis)])
    public var argumentTable: ArgumentTable<Concatenate> { Self.table }

    public static let type = LayerType("Concatenate", positional: 1, summary: "joins its inputs along an axis (add concatenate from=a,b)",
                                       arguments: table, blank: { Concatenate() }).with { $0.takesInputList = true }

    func resolvedAxis(rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 1, a < rank else {
            throw LabError("axis \(axis) is out of range: inputs have \(rank) axes and axis 0 is the batch")
        }
        return a
    }

    public func outputShape(for inputs: [Shape]) throws -> Shape {
        guard let first = inputs.first else { throw LabError("Concatenate needs inputs: give them with from=A,B") }
        let a = try resolvedAxis(rank: first.rank)
        var dims = first.dims
        for s in inputs.dropFirst() {
            guard s.rank == first.rank else { throw LabError("inputs of Concatenate must have the same rank, got \(first) and \(s)") }
            for k in 1..<s.rank where k != a {
                if let x = dims[k], let y = s.dims[k], x != y {
                    throw LabError("inputs of Concatenate must match except on axis \(axis), got \(first) and \(s)")
                }
            }
            dims[a] = dims[a].flatMap { x in s.dims[a].map { x + $0 } }
        }
        return Shape(dims)
    }

    public func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
        guard let first = inputs.first else { throw LabError("Concatenate needs inputs") }
        let a = try resolvedAxis(rank: first.rank)
        // Each input is a run of `outer` blocks; block sizes differ only along the axis.
        let outer = first.shape.prefix(a).reduce(1, *)
        let blocks = inputs.map { $0.count / max(1, outer) }
        var out = [Float]()
        out.reserveCapacity(inputs.reduce(0) { $0 + $1.count })
        for o in 0..<outer {
            for (t, b) in zip(inputs, blocks) { out += t.scalars[(o * b)..<((o + 1) * b)] }
        }
        var shape = first.shape
        shape[a] = inputs.reduce(0) { $0 + $1.shape[a] }
        return try Tensor(shape: shape, scalars: out)
    }

    /// Backward: ∂L/∂y cut back into the inputs' pieces along the axis.
    public func differentiableCall(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> (output: Tensor, pullback: Pullback) {
        let y = try call(inputs, training: training), name = name
        let a = try resolvedAxis(rank: y.rank)
        let outer = y.shape.prefix(a).reduce(1, *)
        let blocks = inputs.map { $0.count / max(1, outer) }, row = blocks.reduce(0, +)
        return (y, { g in
            let g = try g.checkedGradient(of: y, name)
            var start = 0
            let grads = try zip(inputs, blocks).map { x, b -> Tensor? in
                defer { start += b }
                var piece = [Float]()
                piece.reserveCapacity(x.count)
                for o in 0..<outer { piece += g.scalars[(o * row + start)..<(o * row + start + b)] }
                return try Tensor(shape: x.shape, scalars: piece)
            }
            return LayerGradients(inputs: grads)
        })
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        ["joins " + inputs.map(\.description).joined(separator: " and ") + " along axis \(axis) → "
            + ((try? outputShape(for: inputs))?.description ?? "?") + "; the other sizes must agree; no parameters"]
    }
}
