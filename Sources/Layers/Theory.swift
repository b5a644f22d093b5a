import TensorCore

/// What signal-propagation theory predicts for a layer's output, where a formula exists.
public protocol PredictsOutputSpread {
    /// The std of the output, given the input's second moment E[x²], when inputs are
    /// independent of each other and the weights follow their initializers.
    func predictedOutputStd(inputSecondMoment: Double, inputShape: Shape) -> Double?
}

extension Dense: PredictsOutputSpread {
    public func predictedOutputStd(inputSecondMoment m2: Double, inputShape: Shape) -> Double? {
        guard let fanIn = inputShape.last else { return nil }
        let kernelShape = [fanIn, units]
        guard let w = kernel.initializer.distribution(for: kernelShape) else { return nil }
        var varianceZ = Double(fanIn) * (w.std * w.std + w.mean * w.mean) * m2
        if useBias, let b = bias.initializer.distribution(for: [units]) { varianceZ += b.std * b.std + b.mean * b.mean }
        let sigma = varianceZ.squareRoot()
        switch activation.name {
        case "linear": return sigma
        // z ~ N(0, σ²): E[relu(z)] = σ/√(2π), E[relu(z)²] = σ²/2.
        case "relu": return sigma * (0.5 - 1 / (2 * Double.pi)).squareRoot()
        default: return nil
        }
    }
}

/// The fraction of outputs an activation has pushed into its flat ends, where gradients vanish.
public func saturatedFraction(_ y: [Float], activation: String) -> Double? {
    let test: (SIMD8<Float>) -> SIMDMask<SIMD8<Int32>>
    switch activation {
    case "sigmoid": test = { $0 .< 0.01 .| $0 .> 0.99 }
    case "tanh": test = { $0 .< -0.99 .| $0 .> 0.99 }    // |y| > 0.99
    case "hard_sigmoid": test = { $0 .<= 0 .| $0 .>= 1 }
    default: return nil
    }
    guard !y.isEmpty else { return nil }
    return Double(Statistics.count(y, where: test)) / Double(y.count)
}
