import TensorCore

/// A symbolic shape: the batch dimension first, `nil` where a size is unknown.
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var dims: [Int?]
    public init(_ dims: [Int?]) { self.dims = dims }
    /// A shape with an unknown batch size in front of `sample`.
    public init(batchOf sample: [Int]) { dims = [nil] + sample.map { Optional($0) } }

    public var rank: Int { dims.count }
    public var last: Int? { dims.last ?? nil }
    /// The sizes after the batch dimension, if all are known.
    public var sample: [Int]? {
        let rest = dims.dropFirst()
        return rest.allSatisfy { $0 != nil } ? rest.compactMap { $0 } : nil
    }

    /// `(None, 32)` as Keras prints it.
    public var description: String {
        let parts = dims.map { $0.map(String.init) ?? "None" }
        return parts.count == 1 ? "(\(parts[0]),)" : "(" + parts.joined(separator: ", ") + ")"
    }
}

/// A weight a layer needs once its input shape is known.
public struct WeightSpec: Sendable {
    public var name: String
    public var shape: [Int]
    public var initializer: any Initializer
    public var regularizer: (any Regularizer)?
    public var constraint: (any Constraint)?
    /// False for a layer's state that training sets without gradients (BatchNormalization's
    /// moving statistics): Keras's non-trainable variables.
    public var trainable: Bool
    /// Keras's dtype for it is an int (Normalization's `count`): held as a float, written to
    /// a .keras file as int32 (what Keras on JAX stores).
    public var kerasInteger = false

    public init(_ name: String, _ shape: [Int], _ initializer: any Initializer,
                regularizer: (any Regularizer)? = nil, constraint: (any Constraint)? = nil, trainable: Bool = true) {
        self.name = name
        self.shape = shape
        self.initializer = initializer
        self.regularizer = regularizer
        self.constraint = constraint
        self.trainable = trainable
    }
}

/// A layer: its Keras config plus its ordered, named weights.
///
/// The life-cycle follows Keras: arguments are checked at construction; weights
/// are created (by the model, from `weightSpecs`) as soon as the input shape is
/// known; `outputShape` is separate from `call`.
public protocol Layer: Sendable {
    /// Keras's class name, e.g. `Dense`.
    static var className: String { get }
    /// The class name of this instance (one type may serve several Keras classes, as Merge does).
    var className: String { get }
    var name: String { get set }
    var trainable: Bool { get set }
    /// Weight values in Keras's order (`kernel`, then `bias`); empty until built.
    var weights: [Tensor] { get set }
    /// Config entries after the common `name`, `trainable`, `dtype`, in Keras's order.
    var config: [Keyword] { get }
    /// Activity regularizer, if the layer has one.
    var activityRegularizer: (any Regularizer)? { get }

    func outputShape(for inputs: [Shape]) throws -> Shape
    func weightSpecs(for inputs: [Shape]) throws -> [WeightSpec]
    func call(_ inputs: [Tensor], training: Bool) throws -> Tensor
    /// Multiply-accumulates per sample.
    func macs(for inputs: [Shape]) -> Int
    /// Lines for `explain LAYER`: how the output shape and the parameter count follow
    /// from the arguments, with this layer's numbers put in.
    func explanation(for inputs: [Shape]) -> [String]
    /// A remark on how the parameter count comes about, for `show` (nil: none).
    func parameterNote(for inputs: [Shape]) -> String?
    /// The input holds integer ids below this bound (Embedding's input_dim); nil: any values.
    var idBound: Int? { get }
    /// Whether a sample's output can depend on other samples of the batch in inference
    /// (a Lambda such as `x - mean(x, axis=0)`): then the model never runs in chunks of samples.
    var mixesSamples: Bool { get }
}

extension Layer {
    public var className: String { Self.className }
    public var activityRegularizer: (any Regularizer)? { nil }
    public var idBound: Int? { nil }
    public var mixesSamples: Bool { false }
    public func weightSpecs(for inputs: [Shape]) throws -> [WeightSpec] { [] }
    public func macs(for inputs: [Shape]) -> Int { 0 }
    public func explanation(for inputs: [Shape]) -> [String] { [] }
    public func parameterNote(for inputs: [Shape]) -> String? { nil }
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }
}

/// A layer that takes exactly one input: most of them.
public protocol UnaryLayer: Layer {
    func outputShape(for input: Shape) throws -> Shape
    func weightSpecs(for input: Shape) throws -> [WeightSpec]
    func call(_ x: Tensor, training: Bool) throws -> Tensor
    func macs(for input: Shape) -> Int
    func explanation(for input: Shape) -> [String]
    func parameterNote(for input: Shape) -> String?
}

extension UnaryLayer {
    private func single<T>(_ items: [T]) throws -> T {
        guard items.count == 1, let first = items.first else {
            throw LabError("\(name) (\(className)) takes one input, got \(items.count)")
        }
        return first
    }
    public func outputShape(for inputs: [Shape]) throws -> Shape { try outputShape(for: single(inputs)) }
    public func weightSpecs(for inputs: [Shape]) throws -> [WeightSpec] { try weightSpecs(for: single(inputs)) }
    public func call(_ inputs: [Tensor], training: Bool) throws -> Tensor { try call(single(inputs), training: training) }
    public func macs(for inputs: [Shape]) -> Int { (try? macs(for: single(inputs))) ?? 0 }
    public func weightSpecs(for input: Shape) throws -> [WeightSpec] { [] }
    public func macs(for input: Shape) -> Int { 0 }
    public func explanation(for inputs: [Shape]) -> [String] { (try? single(inputs)).map(explanation(for:)) ?? [] }
    public func parameterNote(for inputs: [Shape]) -> String? { (try? single(inputs)).flatMap(parameterNote(for:)) }
    public func explanation(for input: Shape) -> [String] { [] }
    public func parameterNote(for input: Shape) -> String? { nil }
}

/// A layer whose training-mode output is random (Dropout). The model passes it the
/// session's random stream, so `forward --training` is reproducible for a seed.
public protocol RandomLayer: Layer {
    func call(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> Tensor
}

extension Shape {
    /// The number of values per sample (the product of the sizes after the batch axis):
    /// nil when a size is unknown; an error when it does not fit in an Int.
    public func sampleCount() throws -> Int? {
        let rest = dims.dropFirst()
        guard rest.allSatisfy({ $0 != nil }) else { return nil }
        guard let n = Tensor.elementCount(rest.compactMap { $0 }) else {
            throw LabError("the input \(self) holds too many values per sample")
        }
        return n
    }

    /// `(None, 4, 8)` → `4 · 8 = 32`, `(None, 32)` → `32`: the values per sample, as a product.
    public var sampleProduct: String {
        let parts = dims.dropFirst().map { $0.map(String.init) ?? "None" }
        let product = ((try? sampleCount()) ?? nil).map(String.init) ?? "None"
        return parts.count <= 1 ? (parts.first ?? "1") : parts.joined(separator: " · ") + " = " + product
    }
}

// MARK: - Gradients

/// What a layer's backward pass gives for ∂L/∂output: ∂L/∂input for each input (nil for
/// an input that takes none, as integer ids) and ∂L/∂weight for each weight, in the
/// weights' order.
public struct LayerGradients: Sendable {
    public var inputs: [Tensor?]
    public var weights: [Tensor]
    public init(inputs: [Tensor?], weights: [Tensor] = []) {
        self.inputs = inputs
        self.weights = weights
    }
}

/// The backward pass of one call: ∂L/∂output in, the layer's gradients out. It holds what
/// the call kept for it (the inputs, a pre-activation, a dropout mask).
public typealias Pullback = (Tensor) throws -> LayerGradients

/// A layer with a backward pass. `differentiableCall` runs the layer as `call` does and
/// returns its pullback; a random layer draws from `random` as its `call` would.
public protocol DifferentiableLayer: Layer {
    func differentiableCall(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> (output: Tensor, pullback: Pullback)
    /// The same, for a layer whose inputs need no gradient (they are the model's inputs and
    /// nobody asked for ∂L/∂input): a layer may then skip computing it (nil), as Dense skips
    /// its largest product in the first layer.
    func differentiableCall(_ inputs: [Tensor], training: Bool, inputGradients: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: Pullback)
}

extension DifferentiableLayer {
    public func differentiableCall(_ inputs: [Tensor], training: Bool, inputGradients: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: Pullback) {
        try differentiableCall(inputs, training: training, random: &random)
    }
}

/// A layer whose training-mode call also moves its non-trainable weights (Keras assigns them
/// during the call, as BatchNormalization's moving statistics): `fit` sets them after each step.
public protocol StatefulLayer: Layer {
    /// The new values of the layer's non-trainable weights after a training-mode call on
    /// `inputs`, in the order of its weights.
    func updatedState(for inputs: [Tensor]) throws -> [Tensor]
}

/// A one-input layer with a backward pass: the pullback gives ∂L/∂x and the weights' gradients.
public protocol DifferentiableUnaryLayer: DifferentiableLayer, UnaryLayer {
    func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor]))
}

extension DifferentiableUnaryLayer {
    public func differentiableCall(_ inputs: [Tensor], training: Bool, random: inout RandomGenerator) throws -> (output: Tensor, pullback: Pullback) {
        guard inputs.count == 1, let x = inputs.first else { throw LabError("\(name) (\(className)) takes one input, got \(inputs.count)") }
        let (y, back) = try differentiableCall(x, training: training, random: &random)
        return (y, { g in let (dx, dw) = try back(g); return LayerGradients(inputs: [dx], weights: dw) })
    }
}

extension Tensor {
    /// `self` (∂L/∂output) checked against the output it is the gradient of.
    public func checkedGradient(of output: Tensor, _ owner: String) throws -> Tensor {
        guard shape == output.shape else {
            throw LabError("\(owner): the output's gradient \(Tensor.describe(shape)) does not match the output \(Tensor.describe(output.shape))")
        }
        return self
    }
}
