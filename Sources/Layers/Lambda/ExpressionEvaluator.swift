#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
import TensorCore

/// Evaluates an `Expression` for one input: a tensor (forward) or a shape only
/// (`.symbolic`, to infer the output shape without data). Nothing but the input
/// and the fixed functions can be reached; no operation fails on values (1/0 is
/// inf, as in float32 arithmetic), only on shapes and arguments.
///
/// With `tracing`, the same walk also keeps, for each value that depends on x, how to
/// send a gradient of it back to x (reverse mode on the tree: each node's pullback runs
/// its children's on the gradients its rule gives them, and x's gradient is their sum).
struct ExpressionEvaluator {
    var x: Operand
    var tracing = false

    /// A value, and (when traced and it depends on x) its pullback: ∂L/∂value ↦ ∂L/∂x.
    struct Traced {
        var value: Operand
        var pullback: ((Tensor) throws -> Tensor)?
    }

    func evaluate(_ e: Expression) throws -> Operand { try trace(e).value }

    func trace(_ e: Expression) throws -> Traced {
        switch e {
        case .number(let d): return Traced(value: .number(d))
        case .boolean(let b): return Traced(value: .boolean(b))
        case .none: return Traced(value: .none)
        case .input: return Traced(value: x, pullback: tracing ? { $0 } : nil)
        case .tuple(let items): return Traced(value: .tuple(try items.map(evaluate)))
        case .negate(let a):
            let t = try trace(a)
            let v = try t.value.numeric("unary '-'")
            if case .number(let d) = v { return Traced(value: .number(-d)) }
            return Traced(value: try v.map("unary '-'") { -$0 }, pullback: t.pullback.map { back in { try back($0.map { -$0 }) } })
        case .binary(let op, let a, let b):
            let ta = try trace(a), tb = try trace(b)
            let y = try Operand.combine(ta.value, tb.value, "'\(op.rawValue)'", op.apply, op.apply)
            // A comparison's True/False is constant as far as gradients go (JAX's bool results).
            guard let d = op.derivative else { return Traced(value: y) }
            return Traced(value: y, pullback: chain([ta, tb], y) { y, g in
                let (da, db) = try Tensor.broadcastGradients(try ta.value.tensor(op.rawValue), try tb.value.tensor(op.rawValue), output: y, g, d)
                return [da, db]
            })
        case .call(let name, let args, let keywords):
            guard let f = ExpressionFunctions.lookup(name) else { throw LabError("unknown function '\(name)'") }
            let bound = try f.bind(args.map(trace), keywords.map { ($0.name, try trace($0.value)) }) { Traced(value: $0) }
            let values = bound.map(\.value)
            let y = try f.apply(values)
            guard case .rule(let rule) = f.derivative else { return Traced(value: y) }
            return Traced(value: y, pullback: chain(bound, y) { y, g in try rule(values, y, g) })
        case .subscripted(let base, let items):
            let t = try trace(base)
            let plan = try items.map(indexItem)
            switch t.value {
            case .tensor(let v):
                return Traced(value: .tensor(try v.sliced(plan)), pullback: t.pullback.map { back in
                    { try back(try Tensor.sliceGradient($0, from: v.shape, plan)) }
                })
            case .symbolic(let s): return Traced(value: .symbolic(try Tensor.subscriptPlan(s, plan).shape))
            default: throw LabError("cannot index \(t.value.text): only tensors have items")
            }
        }
    }

    /// The pullback of a node whose value `y` is computed from `operands`: `rule(y, g)` gives
    /// ∂L/∂operand for each (nil for none); each operand that depends on x sends its part back
    /// to x, and the parts add up. Nil when no operand depends on x.
    private func chain(_ operands: [Traced], _ y: Operand,
                       _ rule: @escaping (Tensor, Tensor) throws -> [Tensor?]) -> ((Tensor) throws -> Tensor)? {
        let backs = operands.map(\.pullback)
        guard backs.contains(where: { $0 != nil }), case .tensor(let output) = y else { return nil }
        let inputShape = x.shape
        return { g in
            var total: Tensor?
            for (back, d) in zip(backs, try rule(output, g)) {
                guard let back, let d else { continue }
                let dx = try back(d)
                total = try total.map { try Tensor.combine($0, dx, +) } ?? dx
            }
            return try total ?? Tensor(zeros: inputShape)
        }
    }

    private func indexItem(_ item: SubscriptItem) throws -> IndexItem {
        func bound(_ e: Expression?) throws -> Int? {
            guard let e else { return nil }
            let v = try evaluate(e)
            if case .none = v { return nil }
            return try v.integer("a slice bound")
        }
        switch item {
        case .index(let e): return .index(try evaluate(e).integer("an index"))
        case .slice(let a, let b, let c): return .slice(start: try bound(a), stop: try bound(b), step: try bound(c))
        case .ellipsis: return .ellipsis
        case .newAxis: return .newAxis
        }
    }
}
