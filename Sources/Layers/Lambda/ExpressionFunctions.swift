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

    /// Python-style binding: positional then keyword arguments, with Python's errors.
    func bind(_ args: [Operand], _ keywords: [(String, Operand)]) throws -> [Operand] {
        guard args.count <= parameters.count else {
            throw LabError("\(name)() takes at most \(parameters.count) arguments (\(args.count) given)")
        }
        var values: [Operand?] = parameters.map { _ in nil }
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
            guard let v = values[i] ?? parameters[i].defaultValue else {
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

    private static func unary(_ name: String, _ f: @escaping @Sendable (Float) -> Float) -> ExpressionFunction {
        ExpressionFunction(name: name, parameters: [("x", nil)]) { try $0[0].map("\(name)()", f) }
    }

    static let elementwise: [ExpressionFunction] = [
        unary("exp") { expf($0) }, unary("log") { logf($0) }, unary("log1p") { log1pf($0) },
        unary("sqrt") { $0.squareRoot() }, unary("abs") { abs($0) }, unary("square") { $0 * $0 },
        unary("sin") { sinf($0) }, unary("cos") { cosf($0) },
        unary("floor") { $0.rounded(.down) }, unary("ceil") { $0.rounded(.up) },
        unary("sign") { $0 > 0 ? 1 : $0 < 0 ? -1 : $0 },
    ]

    /// Every activation, under its Keras name and aliases (softmax acts on the last axis).
    static let activations: [ExpressionFunction] = Activation.registry.entries.flatMap { activation in
        ([activation.snakeName] + activation.aliases).map { name in
            ExpressionFunction(name: name, parameters: [("x", nil)]) { args in
                switch try args[0].asTensor("\(name)()") {
                case .tensor(var t):
                    t.dtype = .float32
                    activation.apply(&t)
                    if case .number = args[0], let v = t.scalars.first { return .number(Double(v)) }
                    return .tensor(t)
                case let other: return other
                }
            }
        }
    }

    private static func binary(_ name: String, _ double: @escaping @Sendable (Double, Double) -> Double,
                               _ float: @escaping @Sendable (Float, Float) -> Float) -> ExpressionFunction {
        ExpressionFunction(name: name, parameters: [("x1", nil), ("x2", nil)]) {
            try Operand.combine($0[0], $0[1], "\(name)()", double, float)
        }
    }

    static let binary: [ExpressionFunction] = [
        binary("pow", { pow($0, $1) }, { powf($0, $1) }), binary("power", { pow($0, $1) }, { powf($0, $1) }),
        binary("minimum", { nanMin($0, $1) }, { nanMin($0, $1) }), binary("maximum", { nanMax($0, $1) }, { nanMax($0, $1) }),
    ]

    /// `clip(x, x_min, x_max)` = minimum(maximum(x, x_min), x_max), as Keras's ops.clip.
    static let clip = ExpressionFunction(name: "clip", parameters: [("x", nil), ("x_min", nil), ("x_max", nil)]) { a in
        let low = try Operand.combine(a[0], a[1], "clip()", { nanMax($0, $1) }, { nanMax($0, $1) })
        return try Operand.combine(low, a[2], "clip()", { nanMin($0, $1) }, { nanMin($0, $1) })
    }

    static let reductions: [ExpressionFunction] = Reduction.allCases.map { kind in
        ExpressionFunction(name: kind.rawValue, parameters: [("x", nil), ("axis", Operand.none), ("keepdims", .boolean(false))]) { a in
            let context = "\(kind.rawValue)()"
            let x = try a[0].asTensor(context)
            let rank = x.shape.count
            var axes: [Int]
            switch a[1] {
            case .none: axes = Array(0..<rank)
            case .tuple(let items): axes = try items.map { try $0.integer("\(context) axis") }
            case let single: axes = [try single.integer("\(context) axis")]
            }
            do { axes = try axes.map { try Tensor.normalizedAxis($0, rank: rank) } } catch let e as LabError { throw e.at(context) }
            guard Set(axes).count == axes.count else { throw LabError("\(context): an axis is repeated in \(a[1].text)") }
            guard case .boolean(let keepdims) = a[2] else { throw LabError("\(context): keepdims must be True or False, got \(a[2].text)") }
            switch x {
            case .symbolic(let s): return .symbolic(Tensor.reducedShape(s, axes: Set(axes), keepdims: keepdims))
            case .tensor(let t):
                do { return .tensor(try t.reduced(kind, axes: Set(axes), keepdims: keepdims)) } catch let e as LabError { throw e.at(context) }
            default: throw LabError("\(context) needs a tensor, got \(x.text)")
            }
        }
    }
}

/// NumPy's minimum/maximum: NaN wins.
@inline(__always) func nanMin<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
@inline(__always) func nanMax<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
