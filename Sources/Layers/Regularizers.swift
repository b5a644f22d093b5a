import TensorCore

/// A weight or activity penalty, computed as Keras computes it (plain sums).
public protocol Regularizer: Sendable {
    var object: KerasObject { get }
    func penalty(_ x: Tensor) -> Double
}

public struct RegularizerType: Registered {
    public var className: String
    public var aliases: [String]
    public var signature: Signature
    public var make: @Sendable (BoundArguments) throws -> any Regularizer

    public static let registry = Registry<RegularizerType>(kind: "regularizer", [
        .init("L1", [], [.init("l1", .double(0.01))]) { a in
            // Keras stores L1's factor as a float32 tensor, so its config shows it rounded.
            L1L2(className: "L1", l1: Double(Float(try factor(a, "l1"))), l2: 0)
        },
        .init("L2", [], [.init("l2", .double(0.01))]) { a in L1L2(className: "L2", l1: 0, l2: try factor(a, "l2")) },
        .init("L1L2", ["l1_l2"], [.init("l1", .double(0)), .init("l2", .double(0))]) { a in
            L1L2(className: "L1L2", l1: try factor(a, "l1"), l2: try factor(a, "l2"))
        },
    ])

    init(_ className: String, _ aliases: [String], _ parameters: [Signature.Parameter],
         _ make: @escaping @Sendable (BoundArguments) throws -> any Regularizer) {
        self.className = className
        self.aliases = aliases
        self.signature = Signature(className, parameters)
        self.make = make
    }

    /// `None` gives nil; a name, call or config gives the regularizer.
    public static func make(_ value: Value, role: String) throws -> (any Regularizer)? {
        if value == .null { return nil }
        let (entry, args) = try registry.entryAndArguments(value, role: role)
        return try entry.make(entry.signature.bind(args))
    }
}

private func factor(_ a: BoundArguments, _ key: String) throws -> Double {
    if a.isNone(key) { return 0 }
    let v = try a.double(key)
    guard v.isFinite, v >= 0 else {
        throw LabError("\(a.owner): \(key) must be a non-negative number, got \(Value.pythonFloat(v))")
    }
    return v
}

struct L1L2: Regularizer {
    var className: String
    var l1: Double, l2: Double

    var object: KerasObject {
        let config: [Keyword]
        switch className {
        case "L1": config = [Keyword("l1", .double(l1))]
        case "L2": config = [Keyword("l2", .double(l2))]
        default: config = [Keyword("l1", .double(l1)), Keyword("l2", .double(l2))]
        }
        return KerasObject(module: "keras.regularizers", className: className, config: config)
    }

    func penalty(_ x: Tensor) -> Double {
        var abs1: Float = 0, sq: Float = 0
        for v in x.scalars { abs1 += Swift.abs(v); sq += v * v }
        // Keras computes in the weight's dtype (float32).
        return Double(Float(l1) * abs1 + Float(l2) * sq)
    }
}
