import Foundation
import TensorCore

// Keras's regularisation layers (keras/src/layers/regularization/) besides Dropout: each
// is the identity at inference; in training it draws from the session's random stream
// (or, with seed=N, from a generator seeded with N, the same draw on every call) and is
// an affine map of its input, y = x · m + c, with m and c broadcast from the noise's shape.
// The backward pass is ∂x = ∂y · m.

/// The random part of one training call: y = x · multiplier + offset (nil: 1 and 0),
/// each of the input's shape or broadcastable to it.
struct Noise {
    var multiplier: Tensor?
    var offset: Tensor?
    /// Dropout's rule: a 0 multiplier gives 0 whatever x is (Keras's `where(mask, x / keep, 0)`).
    var zeroDrops = false

    func apply(_ x: Tensor) throws -> Tensor {
        var y = x
        if let m = multiplier {
            y = zeroDrops ? try Tensor.combine(y, m) { v, k in k == 0 ? 0 : v * k } : try Tensor.combine(y, m) { $0 * $1 }
        }
        if let c = offset { y = try Tensor.combine(y, c) { $0 + $1 } }
        return y
    }

    func pullback(_ g: Tensor) throws -> Tensor {
        guard let m = multiplier else { return g }
        return try Tensor.combine(g, m) { $0 * $1 }
    }
}

/// The shared training-mode machinery: a layer gives its noise for an input.
protocol NoiseLayer: DifferentiableUnaryLayer, RandomLayer {
    var seed: Int? { get }
    /// The noise of a training call (nil: the layer does nothing, rate 0 or inference).
    func noise(for x: Tensor, random: inout RandomGenerator) throws -> Noise?
    var isActive: Bool { get }
}

extension NoiseLayer {
    public func outputShape(for input: Shape) throws -> Shape { input }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        var random = RandomGenerator(seed: UInt64(seed ?? 0))
        return try call([x], training: training, random: &random)
    }

    /// With `seed=N` the noise comes from a generator seeded with N; otherwise from `random`.
    func drawNoise(for x: Tensor, training: Bool, random: inout RandomGenerator) throws -> Noise? {
        guard training, isActive else { return nil }
        if let seed {
            var own = RandomGenerator(seed: UInt64(seed))
            return try noise(for: x, random: &own)
        }
        return try noise(for: x, random: &random)
    }

    public func call(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> Tensor {
        guard inputs.count == 1, let x = inputs.first else { throw LabError("\(name) (\(className)) takes one input, got \(inputs.count)") }
        guard let noise = try drawNoise(for: x, training: training, random: &random) else { return x }
        return try noise.apply(x)
    }

    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        guard let noise = try drawNoise(for: x, training: training, random: &random) else { return (x, { g in (g, []) }) }
        let y = try noise.apply(x), name = name
        return (y, { g in (try noise.pullback(try g.checkedGradient(of: y, name)), []) })
    }
}

/// Keras's check of a rate, word for word.
func kerasRate(_ a: BoundArguments, _ key: String) throws -> Double {
    let v = try a.double(key)
    guard v >= 0, v <= 1 else {
        throw LabError("\(a.owner): Invalid value received for argument `\(key)`. Expected a float value between 0 and 1. Received: \(key)=\(a[key].python)")
    }
    return v
}

/// A Keras number as it was typed (an int stays an int in the config, as in Python).
func typedNumber(_ v: Double, _ wasInt: Bool) -> Value { wasInt && v == v.rounded() && abs(v) < 1e15 ? .int(Int(v)) : .double(v) }

private func isInt(_ a: BoundArguments, _ key: String) -> Bool { if case .int = a[key] { return true }; return false }

/// uniform draws of a shape, kept (1) where u ≥ rate — Keras's `uniform >= rate` of AlphaDropout —
/// or where u < 1 − rate (Dropout's rule).
private func keepMask(_ shape: [Int], rate: Double, random: inout RandomGenerator, alpha: Bool) throws -> Tensor {
    var keep = try Tensor(zeros: shape)
    for i in keep.scalars.indices {
        let u = Double(random.nextUniform())
        keep.scalars[i] = (alpha ? u >= rate : u < 1 - rate) ? 1 : 0
    }
    return keep
}

// MARK: - SpatialDropout1D/2D/3D

/// `SpatialDropout1D/2D/3D(rate)`: Dropout of whole feature maps — one keep/drop draw per
/// sample and channel, shared along every spatial axis; kept maps are scaled by 1/(1 − rate).
public struct SpatialDropout: NoiseLayer, DeclaredLayer {
    public static let className = "SpatialDropout"
    public let className: String
    public let rank: Int
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var rate = 0.0
    public var seed: Int?
    /// SpatialDropout1D has no data_format: its channels are last.
    public var dataFormat = DataFormat.channelsLast

    public static let types: [LayerType] = (1...3).map { rank in
        let cls = "SpatialDropout\(rank)D"
        return LayerType(cls, positional: 1,
                         summary: "drops whole \(rank)-D feature maps (channels) in training, kept ones × 1/(1 − rate); identity otherwise",
                         examples: ["add spatial_dropout\(rank)d 0.2"] + (rank == 1 ? [] : ["add spatial_dropout\(rank)d 0.3 data_format=channels_first seed=1"]),
                         arguments: table(rank), blank: { SpatialDropout(rank: rank, className: cls) }
        ).with {
            $0.recordsBuildShape = false
            $0.configBeforeName = ["rate", "seed"]
            $0.configHasTrainable = false
            $0.helpNotes = ["Keras's get_config for SpatialDropout is its own: rate, seed, name, dtype (a plain 'float32')"
                            + (rank == 1 ? "" : ", data_format") + "; no trainable and no noise_shape (the noise shape is fixed by the channel axis)."]
        }
    }

    init(rank: Int, className: String) {
        self.rank = rank
        self.className = className
    }

    static func table(_ rank: Int) -> ArgumentTable<SpatialDropout> {
        var rows: [Argument<SpatialDropout>] = [.field("rate", nil, \.rate, read: kerasRate, write: { .double($0) })]
        if rank > 1 { rows.append(ReshapingArguments.dataFormatArgument(\.dataFormat)) }
        rows.append(.field("seed", .null, \.seed, read: { try $0.seed($1) }, write: { $0.map { .int($0) } ?? .null }).inConfig(after: "rate"))
        return ArgumentTable(rows)
    }

    public var argumentTable: ArgumentTable<SpatialDropout> { Self.table(rank) }
    var who: String { name.isEmpty ? className : name }
    var isActive: Bool { rate > 0 }

    public func outputShape(for input: Shape) throws -> Shape {
        try ReshapingArguments.checkRank(input, rank: rank, dataFormat, who: who)
        return input
    }

    /// (batch, 1, …, 1, channels), or (batch, channels, 1, …, 1) for channels_first.
    func noiseShape(_ shape: [Int]) -> [Int] {
        let channelAxis = dataFormat == .channelsLast ? rank + 1 : 1
        return shape.indices.map { $0 == 0 || $0 == channelAxis ? shape[$0] : 1 }
    }

    func noise(for x: Tensor, random: inout RandomGenerator) throws -> Noise? {
        try ReshapingArguments.checkRank(Shape(x.shape.map(Optional.init)), rank: rank, dataFormat, who: who)
        var keep = try keepMask(noiseShape(x.shape), rate: rate, random: &random, alpha: false)
        let scale = Float(1 / (1 - rate))
        keep = keep.map { $0 * scale }
        return Noise(multiplier: keep, offset: nil, zeroDrops: true)
    }

    public func explanation(for input: Shape) -> [String] {
        let keep = 1 - rate
        let dims = input.dims.enumerated().map { i, d -> String in
            let channelAxis = dataFormat == .channelsLast ? rank + 1 : 1
            return i == 0 ? "batch" : i == channelAxis ? (d.map(String.init) ?? "None") : "1"
        }
        return [
            "forward (inference): output = x, unchanged",
            "forward --training: one draw per sample and channel (noise shape (\(dims.joined(separator: ", ")))): the whole feature map is kept with probability 1 − rate = \(Value.pythonFloat(keep)) and multiplied by 1/(1 − rate) = \(rate < 1 ? shortNumber(1 / keep) : "inf"), otherwise set to 0",
            "so the expected value of every output equals its input; neighbouring values of a map are dropped together",
            "output shape = input shape: \(input) → \(input)", "no weights: params = 0",
        ]
    }
}

// MARK: - GaussianNoise

/// `GaussianNoise(stddev)`: adds N(0, stddev²) noise in training.
public struct GaussianNoise: NoiseLayer, DeclaredLayer {
    public static let className = "GaussianNoise"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var stddev = 0.0
    var stddevIsInt = false
    public var seed: Int?

    static let table = ArgumentTable<GaussianNoise>([
        Argument("stddev", nil, read: { layer, a, _ in
            layer.stddev = try kerasRate(a, "stddev")
            layer.stddevIsInt = isInt(a, "stddev")
        }, write: { typedNumber($0.stddev, $0.stddevIsInt) }),
        .field("seed", .null, \.seed, read: { try $0.seed($1) }, write: { $0.map { .int($0) } ?? .null }),
    ])
    public var argumentTable: ArgumentTable<GaussianNoise> { Self.table }

    public static let type = LayerType(
        "GaussianNoise", positional: 1, summary: "adds zero-mean Gaussian noise of stddev in training (forward --training); identity otherwise",
        examples: ["add gaussian_noise 0.1", "add gaussian_noise 0.05 seed=3"], arguments: table, blank: { GaussianNoise() }
    ).with {
        $0.recordsBuildShape = false
        $0.helpNotes = ["stddev must be between 0 and 1, as Keras checks."]
    }

    var isActive: Bool { stddev > 0 }

    func noise(for x: Tensor, random: inout RandomGenerator) throws -> Noise? {
        var n = try Tensor(zeros: x.shape)
        random.fillNormal(&n.scalars, mean: 0, stddev: Float(stddev))
        return Noise(multiplier: nil, offset: n)
    }

    public func explanation(for input: Shape) -> [String] {
        [
            "forward (inference): output = x, unchanged",
            "forward --training: output = x + n, n drawn from N(0, \(Value.pythonFloat(stddev))²) for every value, fresh on every call",
            "backward: ∂x = ∂y (the noise does not depend on x)",
            "output shape = input shape: \(input) → \(input)", "no weights: params = 0",
        ]
    }
}

// MARK: - GaussianDropout

/// `GaussianDropout(rate)`: multiplies by 1-centred Gaussian noise of stddev √(rate/(1 − rate)) in training.
public struct GaussianDropout: NoiseLayer, DeclaredLayer {
    public static let className = "GaussianDropout"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var rate = 0.0
    var rateIsInt = false
    public var seed: Int?

    static let table = ArgumentTable<GaussianDropout>([
        Argument("rate", nil, read: { layer, a, _ in
            layer.rate = try kerasRate(a, "rate")
            layer.rateIsInt = isInt(a, "rate")
        }, write: { typedNumber($0.rate, $0.rateIsInt) }),
        .field("seed", .null, \.seed, read: { try $0.seed($1) }, write: { $0.map { .int($0) } ?? .null }),
    ])
    public var argumentTable: ArgumentTable<GaussianDropout> { Self.table }

    public static let type = LayerType(
        "GaussianDropout", positional: 1,
        summary: "multiplies by Gaussian noise of mean 1 and variance rate/(1 − rate) in training; identity otherwise",
        examples: ["add gaussian_dropout 0.2"], arguments: table, blank: { GaussianDropout() }
    ).with {
        $0.recordsBuildShape = false
        $0.helpNotes = ["rate=1 fails in training, as in Keras (√(rate/(1 − rate)) divides by zero)."]
    }

    var isActive: Bool { rate > 0 }
    var stddev: Double { (rate / (1 - rate)).squareRoot() }

    func noise(for x: Tensor, random: inout RandomGenerator) throws -> Noise? {
        guard rate < 1 else {
            throw LabError("\(name.isEmpty ? className : name): float division by zero: rate=1 gives noise of stddev √(rate/(1 − rate)) = ∞ (Keras fails the same way)",
                           suggestion: "use a rate below 1")
        }
        var n = try Tensor(zeros: x.shape)
        random.fillNormal(&n.scalars, mean: 1, stddev: Float(stddev))
        return Noise(multiplier: n, offset: nil)
    }

    public func explanation(for input: Shape) -> [String] {
        [
            "forward (inference): output = x, unchanged",
            "forward --training: output = x · n, n drawn from N(1, σ²) for every value, σ = √(rate/(1 − rate)) = "
                + (rate < 1 ? shortNumber(stddev) : "inf (Keras fails in training)"),
            "so E[output] = x and Var[output] = x² · rate/(1 − rate) = x² · \(rate < 1 ? shortNumber(rate / (1 - rate)) : "inf")",
            "backward: ∂x = ∂y · n (the same draw)",
            "output shape = input shape: \(input) → \(input)", "no weights: params = 0",
        ]
    }
}

// MARK: - AlphaDropout

/// `AlphaDropout(rate)`: SELU's dropout. A dropped value becomes α′ = −λα (SELU's negative
/// saturation), then a·x + b restores the mean and variance of a standard normal input.
public struct AlphaDropout: NoiseLayer, DeclaredLayer {
    public static let className = "AlphaDropout"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var rate = 0.0
    var rateIsInt = false
    public var noiseShape: [Int?]?
    public var seed: Int?

    /// SELU's constants, as Keras writes them.
    static let alpha = 1.6732632423543772848170429916717
    static let scale = 1.0507009873554804934193349852946
    static var alphaP: Double { -alpha * scale }

    static let table = ArgumentTable<AlphaDropout>([
        Argument("rate", nil, read: { layer, a, _ in
            layer.rate = try kerasRate(a, "rate")
            layer.rateIsInt = isInt(a, "rate")
        }, write: { typedNumber($0.rate, $0.rateIsInt) }),
        .field("noise_shape", .null, \.noiseShape, read: { a, key in
            guard !a.isNone(key) else { return nil }
            let dims = try a.shapeTuple(key, allowNone: true)
            if let bad = dims.compactMap({ $0 }).first(where: { $0 <= 0 }) {
                throw LabError("\(a.owner): noise_shape sizes must be positive or None, got \(bad) in \(a[key].python)")
            }
            return dims
        }, write: { $0.map { .tuple($0.map { $0.map { .int($0) } ?? .null }) } ?? .null }),
        .field("seed", .null, \.seed, read: { try $0.seed($1) }, write: { $0.map { .int($0) } ?? .null }).inConfig(after: "rate"),
    ])
    public var argumentTable: ArgumentTable<AlphaDropout> { Self.table }

    public static let type = LayerType(
        "AlphaDropout", positional: 1,
        summary: "SELU's dropout: dropped values set to −λα, then a·x + b keeps mean 0 and variance 1, in training; identity otherwise",
        examples: ["add alpha_dropout 0.1", "add alpha_dropout 0.2 noise_shape=(None, 1, 16) seed=4"], arguments: table, blank: { AlphaDropout() }
    ).with {
        $0.recordsBuildShape = false
        $0.helpNotes = ["rate=1 fails in training, as in Keras (a = ((1 − rate)(1 + rate·α′²))^−½ divides by zero)."]
    }

    var isActive: Bool { rate > 0 }
    /// Keras's a and b for the rate.
    var affine: (a: Double, b: Double) {
        let ap = Self.alphaP
        let a = pow((1 - rate) * (1 + rate * ap * ap), -0.5)
        return (a, -a * ap * rate)
    }


    private func maskShape(_ input: [Int?]) throws -> [Int?] { try Dropout.maskShape(noiseShape, for: input, layer: name) }

    public func outputShape(for input: Shape) throws -> Shape {
        _ = try maskShape(input.dims)
        return input
    }

    func noise(for x: Tensor, random: inout RandomGenerator) throws -> Noise? {
        guard rate < 1 else {
            throw LabError("\(name.isEmpty ? className : name): 0.0 cannot be raised to a negative power: rate=1 makes a = ((1 − rate)(1 + rate·α′²))^−½ infinite (Keras fails the same way)",
                           suggestion: "use a rate below 1")
        }
        let shape = try maskShape(x.shape.map(Optional.init)).enumerated().map { $1 ?? x.shape[$0] }
        let keep = try keepMask(shape, rate: rate, random: &random, alpha: true)
        // Keras: x·k + α′(1 − k), then a·x + b, in float32.
        let (a, b) = affine
        let fa = Float(a), fb = Float(b), ap = Float(Self.alphaP)
        return Noise(multiplier: keep.map { $0 * fa }, offset: keep.map { (ap * (1 - $0)) * fa + fb })
    }

    public func explanation(for input: Shape) -> [String] {
        let (a, b) = affine
        var lines = [
            "forward (inference): output = x, unchanged",
            "forward --training: each value is kept with probability 1 − rate = \(Value.pythonFloat(1 - rate)), otherwise replaced by α′ = −λα = \(shortNumber(Self.alphaP)) (SELU's negative saturation)",
            "then output = a · x + b with a = ((1 − rate)(1 + rate·α′²))^−½ = \(rate < 1 ? shortNumber(a) : "inf") and b = −a·α′·rate = \(rate < 1 ? shortNumber(b) : "nan")",
            "so an input of mean 0 and variance 1 keeps mean 0 and variance 1 (the self-normalizing property)",
            "backward: ∂x = ∂y · a where kept, 0 where dropped",
        ]
        if noiseShape != nil, let mask = try? maskShape(input.dims) {
            lines.append("noise_shape \(Dropout.noiseText(noiseShape)): one mask of shape \(Shape(mask)) shared along the axes of size 1 (None takes the input's size)")
        }
        lines += ["output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
        return lines
    }
}

// MARK: - ActivityRegularization

/// `ActivityRegularization(l1, l2)`: the identity, whose output carries an activity penalty
/// L1L2(l1, l2) — l1·Σ|y| + l2·Σy², divided by the batch size — added to the loss as Keras adds it.
public struct ActivityRegularization: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "ActivityRegularization"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    /// As typed (Keras keeps the Python value: an int stays an int, None stays None).
    public var l1: Value = .double(0)
    public var l2: Value = .double(0)

    static func factor(_ a: BoundArguments, _ key: String) throws -> Value {
        let v = a[key]
        switch v {
        case .null: return v
        case .int(let i) where i >= 0: return v
        case .double(let d) where d.isFinite && d >= 0: return v
        default:
            throw LabError("\(a.owner): Invalid value for argument \(key): expected a non-negative float.Received: \(key)=\(ReshapingArguments.pythonText(v))")
        }
    }

    static let table = ArgumentTable<ActivityRegularization>([
        .field("l1", .double(0), \.l1, read: factor, write: { $0 }),
        .field("l2", .double(0), \.l2, read: factor, write: { $0 }),
    ])
    public var argumentTable: ArgumentTable<ActivityRegularization> { Self.table }

    public static let type = LayerType(
        "ActivityRegularization", positional: 2,
        summary: "identity that adds l1·Σ|y| + l2·Σy² (÷ batch) of its output to the loss, as an activity penalty",
        examples: ["add activity_regularization 0.01", "add activity_regularization l1=0.001 l2=0.01"],
        arguments: table, blank: { ActivityRegularization() }
    ).with {
        $0.recordsBuildShape = false
        $0.helpNotes = ["Its penalty appears in `regularization`, `grads`, `fit` and model.losses like any activity_regularizer; "
                        + "Keras's config keeps l1 and l2 and leaves activity_regularizer out."]
    }

    static func number(_ v: Value) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return 0
        }
    }

    public var activityRegularizer: (any Regularizer)? {
        L1L2(className: "L1L2", l1: Self.number(l1), l2: Self.number(l2))
    }

    public func outputShape(for input: Shape) throws -> Shape { input }
    public func call(_ x: Tensor, training: Bool) throws -> Tensor { x }

    /// The penalty's own gradient is added by the model (Model.gradients), as for any activity regularizer.
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        (x, { g in (g, []) })
    }

    public func explanation(for input: Shape) -> [String] {
        let a = Self.number(l1), b = Self.number(l2)
        return [
            "forward: output = x, unchanged (in training and inference)",
            "adds an activity penalty to the loss: (\(Value.pythonFloat(a)) · Σ|y| + \(Value.pythonFloat(b)) · Σy²) / batch size",
            "backward: ∂x = ∂y + (\(Value.pythonFloat(a)) · sign(y) + \(Value.pythonFloat(2 * b)) · y) / batch size",
            "output shape = input shape: \(input) → \(input)", "no weights: params = 0",
        ]
    }
}
