import TensorCore
import Text
#if canImport(Glibc)
import Glibc
#endif

/// A function Lambda expressions may call, with Keras's parameter names.
struct ExpressionFunction: Sendable {
    var name: String
    /// Names in positional order, with defaults (nil: required).
    var parameters: [(name: String, defaultValue: Operand?)]
    var apply: @Sendable ([Operand]) throws -> Operand
    /// Its gradient, as jax.grad takes it of the Keras op it stands for.
    var derivative: Derivative

    enum Derivative: Sendable {
        /// ∂L/∂argument for each bound argument (nil where it has none, such as an axis),
        /// shaped as the argument (a number as a 0-d tensor), from the arguments, the
        /// result and ∂L/∂result.
        case rule(@Sendable (_ args: [Operand], _ y: Tensor, _ g: Tensor) throws -> [Tensor?])
        /// Piecewise constant (floor, ceil, sign): JAX gives zeros.
        case zero
    }

    /// Python-style binding: positional then keyword arguments, with Python's errors.
    /// `T` is an operand, or an operand with what its gradient needs.
    func bind<T>(_ args: [T], _ keywords: [(String, T)], defaults wrap: (Operand) -> T) throws -> [T] {
        guard args.count <= parameters.count else {
            throw LabError("\(name)() takes at most \(parameters.count) arguments (\(args.count) given)")
        }
        var values: [T?] = parameters.map { _ in nil }
        for (i, a) in args.enumerated() { values[i] = a }
        let names = parameters.map(\.name)
        for (key, value) in keywords {
            guard let i = names.firstIndex(of: key) else {
                throw LabError("\(name)() got an unexpected keyword argument '\(key)'",
                               suggestion: nearest(to: key, in: names).map { "did you mean '\($0)'?" } ?? "its arguments: \(names.joined(separator: ", "))")
            }
            guard values[i] == nil else { throw LabError("\(name)() got multiple values for argument '\(key)'") }
            values[i] = value
        }
        return try parameters.indices.map { i in
            guard let v = values[i] ?? parameters[i].defaultValue.map(wrap) else {
                throw LabError("\(name)() missing required argument '\(parameters[i].name)'")
            }
            return v
        }
    }
}

/// The fixed list of functions: nothing else can be called from an expression.
enum ExpressionFunctions {
    static let all: [ExpressionFunction] = elementwise + activations + binary + [clip] + reductions

    private static let index: [String: Int] = Dictionary(all.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })

    static func lookup(_ name: String) -> ExpressionFunction? { index[name].map { all[$0] } }

    static var names: [String] { all.map(\.name).sorted() }

    /// `f` element by element; `d(x, y)` is dy/dx there (nil: piecewise constant, zero gradient).
    private static func unary(_ name: String, _ f: @escaping @Sendable (Float) -> Float,
                              _ d: (@Sendable (Float, Float) -> Float)?) -> ExpressionFunction {
        ExpressionFunction(name: name, parameters: [("x", nil)], apply: { try $0[0].map("\(name)()", f) },
                           derivative: d.map { d in .rule { args, y, g in
                               let x = try args[0].tensor("\(name)()")
                               var dx = g
                               for i in 0..<dx.count { dx.scalars[i] *= d(x.scalars[i], y.scalars[i]) }
                               return [dx]
                           } } ?? .zero)
    }

    /// The derivatives are JAX's: sqrt′ = ½/y, abs′ = 1 at 0 (as at x > 0), log′ = 1/x.
    static let elementwise: [ExpressionFunction] = [
        unary("exp", { expf($0) }, { _, y in y }), unary("log", { logf($0) }, { x, _ in 1 / x }),
        unary("log1p", { log1pf($0) }, { x, _ in 1 / (x + 1) }),
        unary("sqrt", { $0.squareRoot() }, { _, y in 0.5 / y }), unary("abs", { abs($0) }, { x, _ in x >= 0 ? 1 : -1 }),
        unary("square", { $0 * $0 }, { x, _ in 2 * x }),
        unary("sin", { sinf($0) }, { x, _ in cosf(x) }), unary("cos", { cosf($0) }, { x, _ in -sinf(x) }),
        unary("floor", { $0.rounded(.down) }, nil), unary("ceil", { $0.rounded(.up) }, nil),
        unary("sign", { $0 > 0 ? 1 : $0 < 0 ? -1 : $0 }, nil),
    ]

    /// Every activation, under its Keras name and aliases (softmax acts on the last axis); not
    /// glu, which changes the shape, nor threshold, which needs arguments.
    static let activations: [ExpressionFunction] = Activation.registry.entries.filter { !$0.halvesLastAxis && $0.refusal == nil }.flatMap { activation in
        ([activation.snakeName] + activation.aliases).map { name in
            ExpressionFunction(name: name, parameters: [("x", nil)], apply: { args in
                switch try args[0].asTensor("\(name)()") {
                case .tensor(var t):
                    t.dtype = .float32
                    activation.apply(&t)
                    if case .number = args[0], let v = t.scalars.first { return .number(Double(v)) }
                    return .tensor(t)
                case let other: return other
                }
            }, derivative: .rule { args, y, g in [activation.gradient(g, pre: try args[0].tensor("\(name)()"), output: y)] })
        }
    }

    private static func binary(_ name: String, _ double: @escaping @Sendable (Double, Double) -> Double,
                               _ float: @escaping @Sendable (Float, Float) -> Float,
                               _ d: @escaping @Sendable (Float, Float, Float) -> (Float, Float)) -> ExpressionFunction {
        ExpressionFunction(name: name, parameters: [("x1", nil), ("x2", nil)], apply: {
            try Operand.combine($0[0], $0[1], "\(name)()", double, float)
        }, derivative: .rule { a, y, g in
            let (d1, d2) = try Tensor.broadcastGradients(try a[0].tensor(name), try a[1].tensor(name), output: y, g, d)
            return [d1, d2]
        })
    }

    /// minimum and maximum split the gradient half and half between equal operands, as jnp's do.
    static let binary: [ExpressionFunction] = [
        binary("pow", { pow($0, $1) }, { powf($0, $1) }, BinaryDerivative.power),
        binary("power", { pow($0, $1) }, { powf($0, $1) }, BinaryDerivative.power),
        binary("minimum", { nanMin($0, $1) }, { nanMin($0, $1) }, BinaryDerivative.chooser),
        binary("maximum", { nanMax($0, $1) }, { nanMax($0, $1) }, BinaryDerivative.chooser),
    ]

    /// `clip(x, x_min, x_max)` = minimum(maximum(x, x_min), x_max), as Keras's ops.clip
    /// (jnp.clip): at a bound the gradient is split half and half, as the two steps split it.
    static let clip = ExpressionFunction(name: "clip", parameters: [("x", nil), ("x_min", nil), ("x_max", nil)], apply: { a in
        let low = try Operand.combine(a[0], a[1], "clip()", { nanMax($0, $1) }, { nanMax($0, $1) })
        return try Operand.combine(low, a[2], "clip()", { nanMin($0, $1) }, { nanMin($0, $1) })
    }, derivative: .rule { a, y, g in
        let x = try a[0].tensor("clip()"), low = try a[1].tensor("clip()"), high = try a[2].tensor("clip()")
        let raised = try Tensor.combine(x, low) { nanMax($0, $1) }
        let (dRaised, dHigh) = try Tensor.broadcastGradients(raised, high, output: y, g, BinaryDerivative.chooser)
        let (dx, dLow) = try Tensor.broadcastGradients(x, low, output: raised, dRaised, BinaryDerivative.chooser)
        return [dx, dLow, dHigh]
    })

    /// sum and mean send ∂L/∂y back to every element reduced (mean divided by their count);
    /// max and min to the elements equal to the result, split evenly between ties (as JAX's).
    static let reductions: [ExpressionFunction] = Reduction.allCases.map { kind in
        let context = "\(kind.rawValue)()"
        return ExpressionFunction(name: kind.rawValue, parameters: [("x", nil), ("axis", Operand.none), ("keepdims", .boolean(false))], apply: { a in
            let x = try a[0].asTensor(context)
            let (axes, keepdims) = try reductionAxes(a, rank: x.shape.count, context)
            switch x {
            case .symbolic(let s): return .symbolic(Tensor.reducedShape(s, axes: axes, keepdims: keepdims))
            case .tensor(let t):
                do { return .tensor(try t.reduced(kind, axes: axes, keepdims: keepdims)) } catch let e as LabError { throw e.at(context) }
            default: throw LabError("\(context) needs a tensor, got \(x.text)")
            }
        }, derivative: .rule { a, y, g in
            let x = try a[0].tensor(context)
            return [try x.reductionGradient(kind, axes: try reductionAxes(a, rank: x.rank, context).axes, output: y, g), nil, nil]
        })
    }

    /// The axes (made non-negative, each once) and keepdims of a reduction's bound arguments.
    private static func reductionAxes(_ a: [Operand], rank: Int, _ context: String) throws -> (axes: Set<Int>, keepdims: Bool) {
        var axes: [Int]
        switch a[1] {
        case .none: axes = Array(0..<rank)
        case .tuple(let items): axes = try items.map { try $0.integer("\(context) axis") }
        case let single: axes = [try single.integer("\(context) axis")]
        }
        do { axes = try axes.map { try Tensor.normalizedAxis($0, rank: rank) } } catch let e as LabError { throw e.at(context) }
        guard Set(axes).count == axes.count else { throw LabError("\(context): an axis is repeated in \(a[1].text)") }
        guard case .boolean(let keepdims) = a[2] else { throw LabError("\(context): keepdims must be True or False, got \(a[2].text)") }
        return (Set(axes), keepdims)
    }
}

/// NumPy's minimum/maximum: NaN wins.
@inline(__always) func nanMin<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
@inline(__always) func nanMax<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
