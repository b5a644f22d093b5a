import TensorCore

/// Keras's `Identity` layer: output = input, no arguments beyond the common ones, no
/// weights. (The Swift name avoids the `Identity` initializer.)
public struct IdentityLayer: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Identity"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    static let table = ArgumentTable<IdentityLayer>([])
    public var argumentTable: ArgumentTable<IdentityLayer> { Self.table }

    /// Keras builds it at construction, so its to_json has no build_config.
    public static let type = LayerType(
        "Identity", positional: 0, summary: "passes its input through unchanged: output = x",
        examples: ["add identity"], arguments: table, blank: { IdentityLayer() }
    ).with { $0.recordsBuildShape = false }

    public func outputShape(for input: Shape) throws -> Shape { input }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor { x }

    public func explanation(for input: Shape) -> [String] {
        ["output = x, unchanged", "output shape = input shape: \(input) → \(input)", "no weights: params = 0"]
    }
}

extension IdentityLayer {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        (x, { g in (try g.checkedGradient(of: x, name), []) })
    }
}
