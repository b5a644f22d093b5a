/// The syntax tree of a Lambda expression.
indirect enum Expression: Equatable, Sendable, CustomStringConvertible {
    case number(Double)
    case boolean(Bool)
    case none
    /// The layer's input tensor `x`.
    case input
    case tuple([Expression])
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(String, [Expression], [ExpressionKeyword])
    case subscripted(Expression, [SubscriptItem])

    /// Fully bracketed, so `explain` can show how the expression was read.
    var description: String {
        switch self {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : Value.pythonFloat(d)
        case .boolean(let b): return b ? "True" : "False"
        case .none: return "None"
        case .input: return "x"
        case .tuple(let items): return items.count == 1 ? "(\(items[0]),)" : "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .negate(let e): return "(-\(e))"
        case .binary(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .call(let name, let args, let keywords):
            return name + "(" + (args.map(\.description) + keywords.map { "\($0.name)=\($0.value)" }).joined(separator: ", ") + ")"
        case .subscripted(let base, let items): return "\(base)[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// Why Keras computes this value as booleans or integers, which JAX does not differentiate
    /// (nil: a float value). A comparison gives bools; indexing, max, min, maximum, minimum,
    /// `+` and `*` of bools stay bools; sum counts them (int32). Numbers are taken as floats
    /// (the language does not tell 2 from 2.0, so `(x > 0) * 2`, int32 in Keras, is a float here).
    var discreteReason: String? {
        switch self {
        case .binary(let op, let a, let b):
            if op.isComparison { return "'\(op.rawValue)' gives True/False (a bool tensor in Keras)" }
            guard op == .add || op == .multiply, let reason = a.discreteReason, b.discreteReason != nil else { return nil }
            return reason
        case .subscripted(let base, _): return base.discreteReason
        case .call(let name, let args, _):
            guard let first = args.first?.discreteReason else { return nil }
            switch name {
            case "max", "min": return first
            case "maximum", "minimum": return args.count > 1 && args[1].discreteReason != nil ? first : nil
            case "sum": return "sum counts True values (an int32 tensor in Keras): " + first
            default: return nil
            }
        default: return nil
        }
    }

    /// Nesting depth of the tree.
    var depth: Int {
        switch self {
        case .number, .boolean, .none, .input: return 1
        case .tuple(let items): return 1 + (items.map(\.depth).max() ?? 0)
        case .negate(let e): return 1 + e.depth
        case .binary(_, let a, let b): return 1 + max(a.depth, b.depth)
        case .call(_, let args, let keywords): return 1 + ((args + keywords.map(\.value)).map(\.depth).max() ?? 0)
        case .subscripted(let base, let items): return 1 + max(base.depth, items.map(\.depth).max() ?? 0)
        }
    }
}

struct ExpressionKeyword: Equatable, Sendable {
    var name: String
    var value: Expression
}

enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "**"
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="

    var isComparison: Bool { [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(self) }

    /// ∂y/∂a and ∂y/∂b at one element; nil for a comparison, whose True/False is constant
    /// as far as gradients go.
    var derivative: (@Sendable (Float, Float, Float) -> (Float, Float))? {
        switch self {
        case .add: return BinaryDerivative.sum
        case .subtract: return BinaryDerivative.difference
        case .multiply: return BinaryDerivative.product
        case .divide: return BinaryDerivative.quotient
        case .power: return BinaryDerivative.power
        default: return nil
        }
    }

    /// The operation on one pair of values; comparisons give 1 or 0.
    func apply(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return pow(a, b)
        case .less: return a < b ? 1 : 0
        case .lessEqual: return a <= b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .greaterEqual: return a >= b ? 1 : 0
        case .equal: return a == b ? 1 : 0
        case .notEqual: return a != b ? 1 : 0
        }
    }

    /// The same in float32, as Keras computes on float32 tensors.
    func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return powf(a, b)
        default: return apply(Double(a), Double(b)) == 1 ? 1 : 0
        }
    }
}

/// One item of `x[…]`.
enum SubscriptItem: Equatable, Sendable, CustomStringConvertible {
    case index(Expression)
    case slice(Expression?, Expression?, Expression?)
    case ellipsis
    case newAxis

    var description: String {
        switch self {
        case .index(let e): return e.description
        case .slice(let a, let b, let c):
            return (a?.description ?? "") + ":" + (b?.description ?? "") + (c.map { ":" + $0.description } ?? "")
        case .ellipsis: return "..."
        case .newAxis: return "None"
        }
    }

    var depth: Int {
        switch self {
        case .index(let e): return e.depth
        case .slice(let a, let b, let c): return [a, b, c].compactMap { $0?.depth }.max() ?? 0
        case .ellipsis, .newAxis: return 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
