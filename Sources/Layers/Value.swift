import TensorCore

/// A value in LayerLab's argument language — the Python literals a Keras user types
/// (`32`, `0.05`, `'fan_avg'`, `relu`, `(3, 3)`, `None`, `True`,
/// `RandomNormal(stddev=0.1)`) — and in layer configs.
public indirect enum Value: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// A quoted string or a bare word (`relu`, `'relu'`).
    case string(String)
    case tuple([Value])
    case list([Value])
    /// A call typed by the user: `RandomNormal(0.0, stddev=0.1)`.
    case call(String, Arguments)
    /// A Keras object in a config: an initializer, regularizer or constraint.
    case object(KerasObject)
    /// A Python dict in a config (Lambda's `arguments`), keys in order.
    case dict([Keyword])
}

/// A keyword and its value, in the order they were written or configured.
public struct Keyword: Equatable, Sendable {
    public var key: String
    public var value: Value
    public init(_ key: String, _ value: Value) { self.key = key; self.value = value }
}

/// A serializable Keras object: `GlorotUniform(seed=None)`.
public struct KerasObject: Equatable, Sendable {
    public var module: String
    public var className: String
    public var config: [Keyword]
    public init(module: String, className: String, config: [Keyword]) {
        self.module = module
        self.className = className
        self.config = config
    }
}

/// Positional and keyword arguments, as in a Python call.
public struct Arguments: Equatable, Sendable {
    public var positional: [Value]
    public var keywords: [Keyword]
    public init(_ positional: [Value] = [], _ keywords: [Keyword] = []) {
        self.positional = positional
        self.keywords = keywords
    }
    public var isEmpty: Bool { positional.isEmpty && keywords.isEmpty }
}

extension Value {
    /// Python-style text: `None`, `True`, `'relu'`, `(3, 3)`, `HeUniform(seed=None)`.
    public var python: String {
        switch self {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return Value.pythonFloat(d)
        case .string(let s): return "'" + s.flatMap { $0 == "'" || $0 == "\\" ? ["\\", $0] : [$0] } + "'"
        case .tuple(let items):
            return items.count == 1 ? "(\(items[0].python),)" : "(" + items.map(\.python).joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(\.python).joined(separator: ", ") + "]"
        case .call(let name, let args): return name + "(" + args.python + ")"
        case .object(let o): return o.className + "(" + o.config.map { "\($0.key)=\($0.value.python)" }.joined(separator: ", ") + ")"
        case .dict(let items): return "{" + items.map { "\(Value.string($0.key).python): \($0.value.python)" }.joined(separator: ", ") + "}"
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, `1.0`, `1e-07`, `inf`.
    public static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        var s = "\(d)"
        if let e = s.firstIndex(of: "e") {
            // Swift writes 1e-07; Python too. Swift writes 1e+20 as "1e+20"; Python too.
            let mantissa = s[..<e]
            if mantissa.hasSuffix(".0") { s = String(mantissa.dropLast(2)) + s[e...] }
        }
        return s
    }

    /// What kind of value this is, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "None"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a name"
        case .tuple, .list: return "a tuple"
        case .call: return "a call"
        case .object: return "an object"
        case .dict: return "a dict"
        }
    }
}

extension Arguments {
    public var python: String {
        (positional.map(\.python) + keywords.map { "\($0.key)=\($0.value.python)" }).joined(separator: ", ")
    }
}
