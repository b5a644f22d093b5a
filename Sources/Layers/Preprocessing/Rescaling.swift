import TensorCore

/// `Rescaling(scale, offset=0.0)`: output = x · scale + offset, as keras.applications put it
/// in front of their networks (`Rescaling(1/255)`, `Rescaling(1/127.5, offset=-1)`). A list
/// scale or offset applies one number per channel (the last axis). No weights.
public struct Rescaling: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Rescaling"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    /// One number, or one per channel; kept as written for the config.
    public var scale: Value = .double(1)
    public var offset: Value = .double(0)

    static func numbers(_ a: BoundArguments, _ key: String) throws -> Value {
        let v = a[key]
        switch v {
        case .int, .double: return v
        case .list(let items), .tuple(let items):
            guard !items.isEmpty, items.allSatisfy({ if case .int = $0 { return true }; if case .double = $0 { return true }; return false }) else {
                throw LabError("Rescaling: \(key) must be a number or a list of numbers (one per channel), got \(v.python)")
            }
            return .list(items)
        default: throw LabError("Rescaling: \(key) must be a number or a list of numbers (one per channel), got \(v.python)")
        }
    }

    static let table = ArgumentTable<Rescaling>([
        .field("scale", nil, \.scale, read: { try numbers($0, $1) }, write: { $0 }),
        .field("offset", .double(0), \.offset, read: { try numbers($0, $1) }, write: { $0 }),
    ])
    public var argumentTable: ArgumentTable<Rescaling> { Self.table }

    public static let type = LayerType(
        "Rescaling", positional: 2, summary: "x · scale + offset (a number, or one per channel): pixels 0…255 to 0…1 or −1…1",
        examples: ["add rescaling 0.00392156862745098", "add rescaling scale=0.00784313725490196 offset=-1"],
        arguments: table, blank: { Rescaling() })

    /// The values of a number or list, as floats (Keras casts them to float32).
    static func floats(_ v: Value) -> [Float] {
        switch v {
        case .int(let i): return [Float(i)]
        case .double(let d): return [Float(d)]
        case .list(let items), .tuple(let items): return items.flatMap(floats)
        default: return []
        }
    }

    public func outputShape(for input: Shape) throws -> Shape {
        for (key, v) in [("scale", scale), ("offset", offset)] {
            let n = Self.floats(v).count
            guard n == 1 || input.last == nil || input.last == n else {
                throw LabError("\(name): \(key) has \(n) values but the input's last axis has \(input.last ?? 0) channels", suggestion: "give one number, or one per channel")
            }
        }
        return input
    }

    /// Per value: its channel's scale and offset.
    private func factors(_ x: Tensor) throws -> (scale: [Float], offset: [Float], channels: Int) {
        let c = x.shape.last ?? 1
        _ = try outputShape(for: Shape(x.shape.map { Optional($0) }))
        let s = Self.floats(scale), o = Self.floats(offset)
        return (s.count == 1 ? Array(repeating: s[0], count: c) : s, o.count == 1 ? Array(repeating: o[0], count: c) : o, c)
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        let (s, o, c) = try factors(x)
        var y = x
        guard c > 0 else { return y }
        y.scalars.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = p[i] * s[i % c] + o[i % c] }
        }
        return y
    }

    /// Backward: ∂x = ∂y · scale.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), (s, _, c) = try factors(x), name = name
        return (y, { g in
            var dx = try g.checkedGradient(of: y, name)
            if c > 0 { dx.scalars.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] *= s[i % c] } } }
            return (dx, [])
        })
    }

    public func explanation(for input: Shape) -> [String] {
        ["output = x · \(scale.python) + \(offset.python)" + (Self.floats(scale).count > 1 || Self.floats(offset).count > 1 ? ", one number per channel (the last axis)" : ""),
         "output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
    }
}
