import TensorCore

/// A projection applied to a weight after an optimizer step (never at initialisation).
public protocol Constraint: Sendable {
    var object: KerasObject { get }
    func apply(_ w: Tensor) throws -> Tensor
    /// Checks that the constraint fits a weight of this rank (its axes exist).
    func check(rank: Int) throws
    /// The axes whose norms it looks at (nil: it works value by value).
    func normAxes(rank: Int) -> Set<Int>?
    /// The formula in words and symbols.
    var formula: [String] { get }
}

extension Constraint {
    public func check(rank: Int) throws {}
    public func normAxes(rank: Int) -> Set<Int>? { nil }
}

public struct ConstraintType: Registered {
    public var className: String
    public var aliases: [String]
    public var signature: Signature
    public var make: @Sendable (BoundArguments) throws -> any Constraint

    public static let registry = Registry<ConstraintType>(kind: "constraint", [
        .init("MaxNorm", [], [.init("max_value", .int(2)), .init("axis", .int(0))]) { a in
            let maxValue = try a.double("max_value")
            guard maxValue >= 0, maxValue.isFinite else { throw LabError("MaxNorm: max_value must be ≥ 0, got \(a["max_value"].python)") }
            return NormConstraint(className: "MaxNorm", minValue: 0, maxValue: maxValue, rate: 1,
                                  axis: a["axis"], config: [Keyword("max_value", a["max_value"]), Keyword("axis", a["axis"])])
        },
        .init("NonNeg", [], []) { _ in NonNeg() },
        .init("UnitNorm", [], [.init("axis", .int(0))]) { a in
            NormConstraint(className: "UnitNorm", minValue: 1, maxValue: 1, rate: 1, axis: a["axis"],
                           config: [Keyword("axis", a["axis"])])
        },
        .init("MinMaxNorm", [], [.init("min_value", .double(0)), .init("max_value", .double(1)),
                                             .init("rate", .double(1)), .init("axis", .int(0))]) { a in
            let lo = try a.double("min_value"), hi = try a.double("max_value"), rate = try a.double("rate")
            guard lo >= 0, lo.isFinite, hi.isFinite else { throw LabError("MinMaxNorm: min_value and max_value must be finite and ≥ 0") }
            guard lo <= hi else { throw LabError("MinMaxNorm: min_value \(Value.pythonFloat(lo)) is above max_value \(Value.pythonFloat(hi))") }
            guard rate.isFinite else { throw LabError("MinMaxNorm: rate must be a finite number") }
            return NormConstraint(className: "MinMaxNorm", minValue: lo, maxValue: hi, rate: rate, axis: a["axis"],
                                  config: [Keyword("min_value", .double(lo)), Keyword("max_value", .double(hi)),
                                           Keyword("rate", .double(rate)), Keyword("axis", a["axis"])])
        },
    ])

    init(_ className: String, _ aliases: [String], _ parameters: [Signature.Parameter],
         _ make: @escaping @Sendable (BoundArguments) throws -> any Constraint) {
        self.className = className
        self.aliases = aliases
        self.signature = Signature(className, parameters)
        self.make = make
    }

    public static func make(_ value: Value, role: String) throws -> (any Constraint)? {
        if value == .null { return nil }
        let (entry, args) = try registry.entryAndArguments(value, role: role)
        let c = try entry.make(entry.signature.bind(args))
        if let norm = c as? NormConstraint { _ = try norm.axes(rank: nil) }
        return c
    }
}

struct NonNeg: Constraint {
    var object: KerasObject { KerasObject(module: "keras.constraints", className: "NonNeg", config: []) }
    func apply(_ w: Tensor) throws -> Tensor { w.map { max($0, 0) } }
    var formula: [String] { ["NonNeg: w ← max(w, 0) — every negative value becomes 0"] }
}

/// MaxNorm, UnitNorm and MinMaxNorm: w · (rate·clip(n, lo, hi) + (1−rate)·n) / (ε + n).
struct NormConstraint: Constraint {
    var className: String
    var minValue: Double, maxValue: Double, rate: Double
    var axis: Value
    var config: [Keyword]

    var object: KerasObject { KerasObject(module: "keras.constraints", className: className, config: config) }

    func check(rank: Int) throws { _ = try axes(rank: rank) }
    func normAxes(rank: Int) -> Set<Int>? { try? axes(rank: rank) }

    var formula: [String] {
        let n = "n = ‖w‖ over axis \(axis.python) (one norm per slice), ε = 1e-7"
        switch className {
        case "MaxNorm": return ["MaxNorm(max_value=\(num(maxValue))): w ← w · clip(n, 0, max_value) / (ε + n)", n,
                                "slices longer than max_value are scaled down to it; shorter ones stay (but shrink by ε)"]
        case "UnitNorm": return ["UnitNorm: w ← w / (ε + n)", n, "every slice is scaled to length 1"]
        default: return ["MinMaxNorm(min_value=\(num(minValue)), max_value=\(num(maxValue)), rate=\(num(rate))):",
                         "w ← w · (rate · clip(n, min_value, max_value) + (1 − rate) · n) / (ε + n)", n]
        }
    }

    /// The reduced axes; negative axes count from the end (needs the rank).
    func axes(rank: Int?) throws -> Set<Int> {
        let raw: [Value]
        switch axis {
        case .int: raw = [axis]
        case .tuple(let items), .list(let items): raw = items
        default: throw LabError("\(className): axis must be an integer or a list of integers, got \(axis.python)")
        }
        var result = Set<Int>()
        for v in raw {
            guard case .int(let a) = v else { throw LabError("\(className): axis must hold integers, got \(v.python)") }
            guard let rank else { result.insert(a); continue }
            let resolved = a < 0 ? a + rank : a
            guard resolved >= 0, resolved < rank else {
                throw LabError("\(className): axis \(a) is out of range for a weight of rank \(rank)")
            }
            result.insert(resolved)
        }
        return result
    }

    func apply(_ w: Tensor) throws -> Tensor {
        let (norms, groupOf) = w.norms(reducing: try axes(rank: w.rank))
        let scales = norms.map { n -> Float in
            let clipped = min(max(n, minValue), maxValue)
            return Float((rate * clipped + (1 - rate) * n) / (1e-7 + n))
        }
        var out = w
        for i in 0..<out.count { out.scalars[i] *= scales[groupOf[i]] }
        return out
    }
}
