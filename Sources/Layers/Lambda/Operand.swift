import TensorCore

/// A value while a Lambda expression is evaluated.
enum Operand: Sendable {
    case number(Double)
    case boolean(Bool)
    case none
    case tuple([Operand])
    case tensor(Tensor)
    /// A tensor known only by its shape: how output shapes are inferred without data.
    case symbolic([Int])

    /// For error messages.
    var text: String {
        switch self {
        case .number(let d): return Value.pythonFloat(d)
        case .boolean(let b): return b ? "True" : "False"
        case .none: return "None"
        case .tuple(let items): return "(" + items.map(\.text).joined(separator: ", ") + ")"
        case .tensor(let t): return "a tensor of shape \(Tensor.describe(t.shape))"
        case .symbolic(let s): return "a tensor of shape \(Tensor.describe(s))"
        }
    }

    /// Numbers and booleans (True is 1, as in Python) as a number; tensors as they are.
    func numeric(_ context: String) throws -> Operand {
        switch self {
        case .number, .tensor, .symbolic: return self
        case .boolean(let b): return .number(b ? 1 : 0)
        case .none, .tuple: throw LabError("\(context): cannot compute with \(text)")
        }
    }

    /// A number or a tensor as a tensor (a number becomes a 0-d tensor).
    func asTensor(_ context: String) throws -> Operand {
        switch try numeric(context) {
        case .number(let d): return .tensor(try Tensor(zeros: [], value: Float(d)))
        case let other: return other
        }
    }

    /// A number or a tensor as a `Tensor` (a number as a 0-d one): what gradient rules read.
    func tensor(_ context: String) throws -> Tensor {
        guard case .tensor(let t) = try asTensor(context) else { throw LabError("\(context): cannot compute with \(text)") }
        return t
    }

    var shape: [Int] {
        switch self {
        case .tensor(let t): return t.shape
        case .symbolic(let s): return s
        default: return []
        }
    }

    /// A whole number: an axis, an index, a slice bound.
    func integer(_ what: String) throws -> Int {
        guard case .number(let d) = self, d == d.rounded(), abs(d) < 1e15 else {
            throw LabError("\(what) must be a whole number, got \(text)")
        }
        return Int(d)
    }

    /// `f` on every element (float32, as Keras computes).
    func map(_ context: String, _ f: (Float) -> Float) throws -> Operand {
        switch try numeric(context) {
        case .number(let d): return .number(Double(f(Float(d))))
        case .tensor(let t):
            var out = t.map(f)
            out.dtype = .float32
            return .tensor(out)
        case let other: return other
        }
    }

    /// An operation on two operands, broadcast NumPy-style: numbers in Double,
    /// tensors in float32.
    static func combine(_ a: Operand, _ b: Operand, _ context: String,
                        _ double: (Double, Double) -> Double, _ float: (Float, Float) -> Float) throws -> Operand {
        let a = try a.numeric(context), b = try b.numeric(context)
        switch (a, b) {
        case (.number(let x), .number(let y)): return .number(double(x, y))
        case (.symbolic, _), (_, .symbolic):
            do { return .symbolic(try Tensor.broadcastShape(a.shape, b.shape)) } catch let e as LabError { throw e.at(context) }
        case (.tensor(let t), .number(let y)):
            let v = Float(y)
            return .tensor(t.mapToFloat { float($0, v) })
        case (.number(let x), .tensor(let t)):
            let v = Float(x)
            return .tensor(t.mapToFloat { float(v, $0) })
        case (.tensor(let t), .tensor(let u)):
            do {
                let shape = try Tensor.broadcastShape(t.shape, u.shape)
                try MemoryBudget.check(elements: Double(Tensor.elementCount(shape) ?? Int.max), "\(context): a result of shape \(Tensor.describe(shape))")
                return .tensor(try Tensor.combine(t, u, float))
            } catch let e as LabError { throw e.at(context) }
        default: throw LabError("\(context): cannot compute with \(a.text) and \(b.text)")
        }
    }
}

extension Tensor {
    /// `map` whose result is float32 whatever the input's type.
    func mapToFloat(_ f: (Float) -> Float) -> Tensor {
        var out = map(f)
        out.dtype = .float32
        return out
    }
}
