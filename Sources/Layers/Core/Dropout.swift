import TensorCore

/// `Dropout(rate)`: the identity at inference; in training each value is kept with
/// probability 1 − rate and scaled by 1/(1 − rate), or set to 0.
public struct Dropout: DifferentiableUnaryLayer, RandomLayer, DeclaredLayer {
    public static let className = "Dropout"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var rate = 0.0
    /// None entries take the input's size; a 1 shares one mask value along that axis.
    public var noiseShape: [Int?]?
    public var seed: Int?

    /// Keras's config puts seed before noise_shape.
    static let table = ArgumentTable<Dropout>([
        .field("rate", nil, \.rate, read: { a, key in
            let rate = try a.double(key)
            guard rate >= 0, rate <= 1 else {
                throw LabError("Dropout: rate must be between 0 and 1 (the fraction of values dropped), got \(Value.pythonFloat(rate))")
            }
            return rate
        }, write: { .double($0) }),
        .field("noise_shape", .null, \.noiseShape, read: { a, key in
            guard !a.isNone(key) else { return nil }
            let dims = try a.shapeTuple(key, allowNone: true)
            if let bad = dims.compactMap({ $0 }).first(where: { $0 <= 0 }) {
                throw LabError("Dropout: noise_shape sizes must be positive or None, got \(bad) in \(a[key].python)")
            }
            return dims
        }, write: { $0.map { .tuple($0.map { $0.map { .int($0) } ?? .null }) } ?? .null }),
        .field("seed", .null, \.seed, read: { try $0.seed($1) }, write: { $0.map { .int($0) } ?? .null }).inConfig(after: "rate"),
    ])
    public var argumentTable: ArgumentTable<Dropout> { Self.table }

    public static let type = LayerType(
        "Dropout", positional: 1, summary: "randomly zeroes a fraction rate of the values in training (forward --training); identity otherwise",
        examples: ["add dropout 0.5", "add dropout 0.25 noise_shape=(None, 1, 8) seed=7"], arguments: table, blank: { Dropout() }
    ).with { $0.recordsBuildShape = false }


    /// The mask's shape for an input: noise_shape with None entries taken from the input.
    private func maskShape(_ input: [Int?]) throws -> [Int?] { try Dropout.maskShape(noiseShape, for: input, layer: name) }

    public func outputShape(for input: Shape) throws -> Shape {
        _ = try maskShape(input.dims)
        return input
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        var random = RandomGenerator(seed: UInt64(seed ?? 0))
        return try call([x], training: training, random: &random)
    }

    /// With `seed=N` the mask comes from a generator seeded with N (the same mask on
    /// every call); otherwise from `random`, the session's stream.
    public func call(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> Tensor {
        guard inputs.count == 1, let x = inputs.first else { throw LabError("\(name) (Dropout) takes one input, got \(inputs.count)") }
        guard let keep = try mask(for: x, training: training, random: &random) else { return x }
        return try Tensor.combine(x, keep) { v, k in k == 0 ? 0 : v * k }
    }

    /// The training mask: 1/(1 − rate) where a value is kept, 0 where dropped (nil: nothing is dropped).
    func mask(for x: Tensor, training: Bool, random: inout RandomGenerator) throws -> Tensor? {
        guard training, rate > 0 else { return nil }
        let shape = try maskShape(x.shape.map(Optional.init)).enumerated().map { $1 ?? x.shape[$0] }
        var keep = try Tensor(zeros: shape)
        var own = seed.map { RandomGenerator(seed: UInt64($0)) }
        let scale = Float(1 / (1 - rate))
        for i in keep.scalars.indices {
            let u = own?.nextUniform() ?? random.nextUniform()
            keep.scalars[i] = Double(u) < 1 - rate ? scale : 0
        }
        return keep
    }

    /// Backward: ∂x = ∂y · mask, the same mask (summed over the axes it is shared along).
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        guard let keep = try mask(for: x, training: training, random: &random) else { return (x, { g in (g, []) }) }
        let y = try Tensor.combine(x, keep) { v, k in k == 0 ? 0 : v * k }, name = name
        return (y, { g in (try Tensor.combine(try g.checkedGradient(of: y, name), keep) { d, k in d * k }, []) })
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first else { return [] }
        let keep = 1 - rate
        var lines = [
            "forward (inference): output = x, unchanged",
            "forward --training: each value is kept with probability 1 − rate = \(Value.pythonFloat(keep)) and multiplied by 1/(1 − rate) = \(rate < 1 ? shortNumber(1 / keep) : "inf"), otherwise set to 0",
            "so the expected value of every output equals its input",
        ]
        if noiseShape != nil, let mask = try? maskShape(input.dims) {
            lines.append("noise_shape \(Dropout.noiseText(noiseShape)): one mask of shape \(Shape(mask)) shared along the axes of size 1 (None takes the input's size)")
        }
        lines += ["output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
        return lines
    }
}

extension Dropout {
    /// A mask's shape for an input: `noiseShape` with None entries taken from the input
    /// (each given size None, 1 or the input's) — Dropout's and AlphaDropout's noise_shape.
    /// `(None, 1, 8)` as Keras writes a noise_shape.
    static func noiseText(_ noiseShape: [Int?]?) -> String {
        Value.tuple((noiseShape ?? []).map { $0.map { .int($0) } ?? .null }).python
    }

    static func maskShape(_ noiseShape: [Int?]?, for input: [Int?], layer name: String) throws -> [Int?] {
        guard let noiseShape else { return input }
        let text = noiseText(noiseShape)
        guard noiseShape.count == input.count else {
            throw LabError("\(name): noise_shape \(text) has \(noiseShape.count) entries but the input \(Shape(input)) has \(input.count) axes")
        }
        return try zip(noiseShape, input).map { n, d in
            guard let n else { return d }
            guard n == 1 || d == nil || n == d else {
                throw LabError("\(name): noise_shape \(text) does not fit the input \(Shape(input)): each size must be None, 1 or the input's size")
            }
            return n
        }
    }
}

/// A number rounded to 3 decimals, without a trailing `.0`: `2`, `1.333`.
func shortNumber(_ x: Double) -> String {
    let r = (x * 1000).rounded() / 1000
    return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
}
