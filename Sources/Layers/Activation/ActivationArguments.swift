import TensorCore

/// A number argument of an activation layer, kept as given (Keras writes `ReLU(6)`'s
/// max_value as 6 and `ReLU(6.)`'s as 6.0), checked as Keras's constructor checks it.
func activationNumber(_ a: BoundArguments, _ key: String, noneAllowed: Bool = false,
                      valid: (Double) -> Bool = { _ in true }, message: String? = nil) throws -> Value {
    let value = a[key]
    if value == .null {
        if noneAllowed { return .null }
        if let message { throw LabError("\(message) Received: \(key)=None") }
    }
    let d = try a.finiteDouble(key)
    if !valid(d), let message { throw LabError("\(message) Received: \(key)=\(value.python)") }
    return value
}

extension Value {
    /// A number argument as float32 (nil for None).
    var float: Float? {
        switch self {
        case .int(let i): return Float(i)
        case .double(let d): return Float(d)
        default: return nil
        }
    }
}

/// ∂L/∂x = g · f′(x), element by element.
func elementwiseGradient(_ g: Tensor, _ x: Tensor, _ derivative: (Float) -> Float) -> Tensor {
    var out = g
    out.scalars.withUnsafeMutableBufferPointer { d in
        x.scalars.withUnsafeBufferPointer { xb in
            for i in d.indices { d[i] *= derivative(xb[i]) }
        }
    }
    return out
}

/// Keras's number in explain's text (0.3, 6, 1e-05).
func numberText(_ v: Value) -> String { v.python }
