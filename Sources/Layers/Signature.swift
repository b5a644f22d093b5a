import TensorCore
import Text

/// A Python-style parameter list: names in positional order, with defaults.
///
/// Binding arguments to it gives Keras's own errors for unknown keywords,
/// missing arguments and too many positionals, with a suggestion for typos.
public struct Signature: Sendable {
    public struct Parameter: Sendable {
        public var name: String
        /// nil: required.
        public var defaultValue: Value?
        public init(_ name: String, _ defaultValue: Value?) {
            self.name = name
            self.defaultValue = defaultValue
        }
    }

    public var owner: String
    public var parameters: [Parameter]

    public init(_ owner: String, _ parameters: [Parameter]) {
        self.owner = owner
        self.parameters = parameters
    }

    public var names: [String] { parameters.map(\.name) }

    /// Keras 1's argument names (still in old tutorials) and what Keras 3 calls them.
    static let kerasOneNames: [String: String] = [
        "init": "kernel_initializer", "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
        "W_constraint": "kernel_constraint", "b_constraint": "bias_constraint", "bias": "use_bias",
        "output_dim": "units", "nb_filter": "filters", "filter_length": "kernel_size", "border_mode": "padding",
        "subsample": "strides", "subsample_length": "strides", "pool_length": "pool_size", "dim_ordering": "data_format",
        "p": "rate", "inner_init": "recurrent_initializer",
    ]

    public func bind(_ args: Arguments) throws -> BoundArguments {
        var values: [String: Value] = [:]
        guard args.positional.count <= parameters.count else {
            throw LabError("\(owner)() takes at most \(parameters.count) positional arguments but \(args.positional.count) were given")
        }
        for (param, value) in zip(parameters, args.positional) { values[param.name] = value }
        for keyword in args.keywords {
            guard names.contains(keyword.key) else {
                let near = nearest(to: keyword.key, in: names)
                let renamed = Self.kerasOneNames[keyword.key].flatMap { new in names.contains(new) ? new : nil }
                throw LabError("\(owner)() got an unexpected keyword argument '\(keyword.key)'",
                               suggestion: renamed.map { "'\(keyword.key)' is Keras 1's name: Keras 3 calls it \($0)=, for example \($0)=\(keyword.value.python)" }
                                   ?? near.map { "did you mean '\($0)'?" }
                                   ?? "valid arguments: \(names.joined(separator: ", "))")
            }
            guard values[keyword.key] == nil else {
                throw LabError("\(owner)() got multiple values for argument '\(keyword.key)'")
            }
            values[keyword.key] = keyword.value
        }
        for param in parameters where values[param.name] == nil {
            guard let d = param.defaultValue else {
                throw LabError("\(owner)() missing required argument '\(param.name)'")
            }
            values[param.name] = d
        }
        return BoundArguments(owner: owner, values: values)
    }
}

/// Arguments bound to a signature, with typed accessors that explain bad values.
public struct BoundArguments: Sendable {
    public var owner: String
    public var values: [String: Value]

    public subscript(_ key: String) -> Value { values[key] ?? .null }

    private func bad(_ key: String, _ expected: String) -> LabError {
        LabError("\(owner): \(key) must be \(expected), got \(self[key].python)")
    }

    public func isNone(_ key: String) -> Bool { self[key] == .null }

    public func int(_ key: String) throws -> Int {
        switch self[key] {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: throw bad(key, "a whole number")
        }
    }

    public func positiveInt(_ key: String) throws -> Int {
        let i = try int(key)
        guard i > 0 else { throw bad(key, "a positive whole number") }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int? {
        isNone(key) ? nil : try int(key)
    }

    public func double(_ key: String) throws -> Double {
        switch self[key] {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw bad(key, "a number")
        }
    }

    public func finiteDouble(_ key: String) throws -> Double {
        let d = try double(key)
        guard d.isFinite else { throw bad(key, "a finite number") }
        return d
    }

    public func bool(_ key: String) throws -> Bool {
        switch self[key] {
        case .bool(let b): return b
        case .string(let s) where s.lowercased() == "true": return true
        case .string(let s) where s.lowercased() == "false": return false
        default: throw bad(key, "True or False")
        }
    }

    public func string(_ key: String) throws -> String {
        guard case .string(let s) = self[key] else { throw bad(key, "a name") }
        return s
    }

    public func optionalString(_ key: String) throws -> String? {
        isNone(key) ? nil : try string(key)
    }

    /// A seed: None or a non-negative whole number.
    public func seed(_ key: String = "seed") throws -> Int? {
        guard let s = try optionalInt(key) else { return nil }
        guard s >= 0 else { throw bad(key, "None or a non-negative whole number") }
        return s
    }

    /// An int or a tuple of `rank` ints (Keras's `kernel_size=3` or `(3, 3)`).
    public func intTuple(_ key: String, rank: Int) throws -> [Int] {
        switch self[key] {
        case .int(let i): return Array(repeating: i, count: rank)
        case .tuple(let items), .list(let items):
            guard items.count == rank else { throw bad(key, "an integer or a tuple of \(rank) integers") }
            return try items.map {
                guard case .int(let i) = $0 else { throw bad(key, "an integer or a tuple of \(rank) integers") }
                return i
            }
        default: throw bad(key, "an integer or a tuple of \(rank) integers")
        }
    }

    /// A shape written by the user: an integer `4` or a tuple such as `(-1, 8)` or
    /// `(None, 1, 3)`; None entries come back as nil.
    public func shapeTuple(_ key: String, allowNone: Bool = false) throws -> [Int?] {
        let expected = allowNone ? "a tuple of integers or None" : "a tuple of integers"
        switch self[key] {
        case .int(let i): return [i]
        case .tuple(let items), .list(let items):
            return try items.map { item -> Int? in
                switch item {
                case .int(let i): return i
                case .null where allowNone: return nil
                default: throw bad(key, expected)
                }
            }
        default: throw bad(key, expected)
        }
    }
}
