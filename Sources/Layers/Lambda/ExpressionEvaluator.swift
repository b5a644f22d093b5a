import TensorCore

/// Evaluates an `Expression` for one input: a tensor (forward) or a shape only
/// (`.symbolic`, to infer the output shape without data). Nothing but the input
/// and the fixed functions can be reached; no operation fails on values (1/0 is
/// inf, as in float32 arithmetic), only on shapes and arguments.
struct ExpressionEvaluator {
    var x: Operand

    func evaluate(_ e: Expression) throws -> Operand {
        switch e {
        case .number(let d): return .number(d)
        case .boolean(let b): return .boolean(b)
        case .none: return .none
        case .input: return x
        case .tuple(let items): return .tuple(try items.map(evaluate))
        case .negate(let a):
            let v = try evaluate(a).numeric("unary '-'")
            if case .number(let d) = v { return .number(-d) }
            return try v.map("unary '-'") { -$0 }
        case .binary(let op, let a, let b):
            return try Operand.combine(evaluate(a), evaluate(b), "'\(op.rawValue)'", op.apply, op.apply)
        case .call(let name, let args, let keywords):
            guard let f = ExpressionFunctions.lookup(name) else { throw LabError("unknown function '\(name)'") }
            let bound = try f.bind(args.map(evaluate), keywords.map { ($0.name, try evaluate($0.value)) })
            return try f.apply(bound)
        case .subscripted(let base, let items):
            let value = try evaluate(base)
            let plan = try items.map(indexItem)
            switch value {
            case .tensor(let t): return .tensor(try t.sliced(plan))
            case .symbolic(let s): return .symbolic(try Tensor.subscriptPlan(s, plan).shape)
            default: throw LabError("cannot index \(value.text): only tensors have items")
            }
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
