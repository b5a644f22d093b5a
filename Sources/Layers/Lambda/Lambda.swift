import TensorCore

/// Keras's `Lambda` layer, with an expression in a small, safe language instead of
/// Python code: `add lambda "x * 2 + 1"`. The expression can read only its input `x`,
/// numbers, the layer's `arguments` and a fixed list of functions (docs/lambda.md).
public struct Lambda: DifferentiableUnaryLayer, DeclaredLayer {
    /// An expression may reduce over or index the batch axis (`x - mean(x, axis=0)`, `x[0]`).
    public var mixesSamples: Bool { true }

    public static let className = "Lambda"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    /// The expression as typed; Keras's config key `function`.
    public var function = ""
    var expression = Expression.none
    /// `output_shape=`, without the batch axis; checked against the inferred shape.
    public var statedShape: [Int?]?
    /// `arguments=dict(a=2)`: names usable in the expression.
    public var arguments: [Keyword] = []

    static let table = ArgumentTable<Lambda>([
        .field("function", nil, \.function, read: { a, key in
            guard case .string(let text) = a[key] else {
                throw LabError("Lambda: the function must be an expression in quotes, got \(a[key].python)",
                               suggestion: "for example: add lambda \"sqrt(abs(x))\"")
            }
            return text
        }, write: { .string($0) }),
        .field("output_shape", .null, \.statedShape, read: { a, key in
            let stated = a.isNone(key) ? nil : try a.shapeTuple(key, allowNone: true)
            if let bad = stated?.compactMap({ $0 }).first(where: { $0 < 0 }) {
                throw LabError("Lambda: output_shape sizes must be positive or None, got \(bad)")
            }
            return stated
        }, write: { $0.map { .tuple($0.map { $0.map { .int($0) } ?? .null }) } }),
        Argument("mask", .null, read: { _, a, _ in
            guard a.isNone("mask") else {
                throw LabError("Lambda: mask is not supported (LayerLab does not compute masks); leave it out")
            }
        }, write: { _ in nil }),
        .field("arguments", .null, \.arguments, read: { a, key in try Lambda.arguments(a[key]) }, write: { .dict($0) }),
    ])
    public var argumentTable: ArgumentTable<Lambda> { Self.table }

    /// Keras's Lambda holds Python code, so neither direction of a Keras file can carry
    /// LayerLab's expression; the Python export writes it as a Python lambda.
    public static let type = LayerType(
        "Lambda", positional: 1,
        summary: "computes an expression of its input x: arithmetic, comparisons, functions, reductions, slicing",
        examples: ["add lambda \"x * 2 + 1\"", "add lambda \"sqrt(abs(x))\"", "add lambda \"x[:, 0:4]\"",
                   "add lambda \"x - mean(x, axis=-1, keepdims=True)\""],
        arguments: table, blank: { Lambda() }, finish: { try $0.parse() }
    ).with {
        $0.unsavable = ("cannot be saved for Keras: its expression is LayerLab's, and Keras's Lambda holds Python code",
                        "export python writes it as Python you can adapt")
        $0.unloadable = ("holds Python code, which LayerLab never runs", "rebuild it with 'add lambda \"EXPRESSION\"'")
        $0.helpNotes = ["The expression language: docs/lambda.md"]
        $0.pythonImports = ["from math import e, pi", "from keras.ops import *  # the functions Lambda expressions use"]
        $0.pythonSource = { key, config in
            guard key == "function", case .string(let expression)? = config.first(where: { $0.key == "function" })?.value else { return nil }
            let names = (config.first { $0.key == "arguments" }?.value).flatMap { v -> [String]? in
                if case .dict(let items) = v { return items.map(\.key) } else { return nil }
            } ?? []
            return "lambda " + (["x"] + names).joined(separator: ", ") + ": " + expression
        }
    }

    /// Parses the function, with the arguments as its constants.
    mutating func parse() throws {
        var constants: [String: Double] = [:]
        for k in arguments {
            switch k.value {
            case .int(let i): constants[k.key] = Double(i)
            case .double(let d): constants[k.key] = d
            case .bool(let b): constants[k.key] = b ? 1 : 0
            default: throw LabError("Lambda: arguments hold numbers only; '\(k.key)' is \(k.value.kindName)")
            }
        }
        do { expression = try ExpressionParser.parse(function, constants: constants) } catch let e as LabError { throw e.at("Lambda") }
    }

    /// `arguments=dict(a=2, b=0.5)` (or a dict from a config).
    static func arguments(_ value: Value) throws -> [Keyword] {
        let items: [Keyword]
        switch value {
        case .null: return []
        case .dict(let d): items = d
        case .call(let f, let args) where f == "dict" && args.positional.isEmpty: items = args.keywords
        default: throw LabError("Lambda: arguments must be dict(name=number, …), got \(value.python)")
        }
        for k in items where k.key == "x" || ExpressionFunctions.lookup(k.key) != nil || ["True", "False", "None"].contains(k.key) {
            throw LabError("Lambda: the argument name '\(k.key)' is taken by the expression language; choose another")
        }
        return items
    }

    /// The result's shape, found by evaluating on shapes alone. Unknown sizes (the
    /// batch) are tried as 83 and as 89, as Keras's JAX backend does: sizes that come
    /// out different depend on them and are unknown.
    func inferredShape(_ input: Shape) throws -> Shape {
        func run(_ size: Int) throws -> [Int] {
            let result = try ExpressionEvaluator(x: .symbolic(input.dims.map { $0 ?? size })).evaluate(expression)
            switch result {
            case .symbolic(let s): return s
            case .tensor(let t): return t.shape
            default:
                throw LabError("'\(function)' gives \(result.text), not a tensor", suggestion: "use x in the expression")
            }
        }
        let a: [Int], b: [Int]
        do { (a, b) = (try run(83), try run(89)) } catch let e as LabError {
            // Shapes in the message show the unknown batch size as it was tried: write it as None.
            var e = e
            e.message = e.message.replacing("(83, ", with: "(None, ").replacing("(83,)", with: "(None,)")
            throw e
        }
        guard a.count == b.count else { throw LabError("the number of axes of '\(function)' depends on the batch size") }
        return Shape(zip(a, b).map { $0 == $1 ? $0 : nil })
    }

    public func outputShape(for input: Shape) throws -> Shape {
        let shape = try inferredShape(input)
        if let statedShape {
            let stated = Shape([input.dims.first ?? nil] + statedShape)
            guard stated == shape else {
                throw LabError("output_shape \(Value.tuple(statedShape.map { $0.map { .int($0) } ?? .null }).python) means \(stated), but '\(function)' gives \(shape) for the input \(input)")
            }
        }
        return shape
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        switch try ExpressionEvaluator(x: .tensor(x)).evaluate(expression) {
        case .tensor(var t):
            t.dtype = .float32
            return t
        case let other: throw LabError("'\(function)' gives \(other.text), not a tensor", suggestion: "use x in the expression")
        }
    }

    /// One walk of the expression computes the output and keeps each node's pullback
    /// (`ExpressionEvaluator.trace`); the gradient of x is the sum over every place x is read.
    /// An output of booleans or integers (a comparison) has no gradient, as in JAX.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        if let reason = expression.discreteReason {
            throw LabError("'\(function)' has no gradient: \(reason), which JAX does not differentiate",
                           suggestion: "use it as a mask on a float value, e.g. (x > 0) * x")
        }
        let traced = try ExpressionEvaluator(x: .tensor(x), tracing: true).trace(expression)
        guard case .tensor(var y) = traced.value else {
            throw LabError("'\(function)' gives \(traced.value.text), not a tensor", suggestion: "use x in the expression")
        }
        y.dtype = .float32
        let name = name, back = traced.pullback, output = y
        return (y, { g in
            let g = try g.checkedGradient(of: output, name)
            return (try back?(g) ?? Tensor(zeros: x.shape), [])
        })
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first, let out = try? outputShape(for: input) else { return [] }
        var lines = ["output = \(function)"]
        let read = expression.description
        if read.filter({ !$0.isWhitespace }) != function.filter({ !$0.isWhitespace }) { lines.append("read as \(read)") }
        if !arguments.isEmpty { lines.append("arguments: " + arguments.map { "\($0.key) = \($0.value.python)" }.joined(separator: ", ")) }
        lines.append("output shape, found by evaluating the expression on shapes: \(input) → \(out)"
                     + (statedShape == nil ? "" : " (output_shape states the same)"))
        lines.append("no weights: params = 0")
        return lines
    }
}
