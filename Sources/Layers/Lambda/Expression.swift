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
