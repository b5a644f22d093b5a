import TensorCore

/// One implementation behind several Keras classes: `Convolution` serves Conv1D/2D/3D,
/// their transposes, separable and depthwise convolutions; `Pooling` every pooling
/// layer; `LocallyConnected` both locally connected layers.
public protocol LayerImplementation: Sendable {
    var name: String { get set }
    var trainable: Bool { get set }
    var weights: [Tensor] { get set }
    var config: [Keyword] { get }
    var activityRegularizer: (any Regularizer)? { get }
    func outputShape(for input: Shape) throws -> Shape
    func weightSpecs(for input: Shape) throws -> [WeightSpec]
    func call(_ x: Tensor, training: Bool) throws -> Tensor
    func macs(for input: Shape) -> Int
    func explanation(for input: Shape) -> [String]
    func parameterNote(for input: Shape) -> String?
}

extension LayerImplementation {
    public var activityRegularizer: (any Regularizer)? { nil }
    public func weightSpecs(for input: Shape) throws -> [WeightSpec] { [] }
    public func macs(for input: Shape) -> Int { 0 }
    public func parameterNote(for input: Shape) -> String? { nil }
}

/// A Keras class that is a thin, named face over a shared implementation: it adds
/// only its class name (and so its auto-name prefix); everything else is forwarded.
public protocol SharedLayer: UnaryLayer {
    associatedtype Implementation: LayerImplementation
    var base: Implementation { get set }
    init(base: Implementation)
}

extension SharedLayer {
    public var name: String { get { base.name } set { base.name = newValue } }
    public var trainable: Bool { get { base.trainable } set { base.trainable = newValue } }
    public var weights: [Tensor] { get { base.weights } set { base.weights = newValue } }
    public var config: [Keyword] { base.config }
    public var activityRegularizer: (any Regularizer)? { base.activityRegularizer }
    public func outputShape(for input: Shape) throws -> Shape { try base.outputShape(for: input) }
    public func weightSpecs(for input: Shape) throws -> [WeightSpec] { try base.weightSpecs(for: input) }
    public func call(_ x: Tensor, training: Bool) throws -> Tensor { try base.call(x, training: training) }
    public func macs(for input: Shape) -> Int { base.macs(for: input) }
    public func explanation(for inputs: [Shape]) -> [String] {
        guard inputs.count == 1, let input = inputs.first else { return [] }
        return base.explanation(for: input)
    }
    public func parameterNote(for inputs: [Shape]) -> String? {
        guard inputs.count == 1, let input = inputs.first else { return nil }
        return base.parameterNote(for: input)
    }

    /// The registry entry: Keras's class name, its parameters in positional order and
    /// how many of them the short form binds by position.
    public static func layerType(aliases: [String] = [], positional: Int, summary: String,
                                 _ parameters: [Signature.Parameter],
                                 make: @escaping @Sendable (BoundArguments, inout SeedSource) throws -> Implementation) -> LayerType {
        LayerType(className, aliases: aliases, positional: positional, summary: summary, parameters) { a, seeds in
            Self(base: try make(a, &seeds))
        }
    }
}
