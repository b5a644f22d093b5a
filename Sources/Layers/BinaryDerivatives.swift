#if canImport(Glibc)
import Glibc
#endif

/// ∂y/∂a and ∂y/∂b at one element of y = f(a, b), as jax.grad differentiates Keras's ops:
/// the rules the merge layers and Lambda's operators and functions share
/// (`Tensor.broadcastGradients` applies them and sums each back to its operand's shape).
enum BinaryDerivative {
    static func sum(_ a: Float, _ b: Float, _ y: Float) -> (Float, Float) { (1, 1) }
    static func difference(_ a: Float, _ b: Float, _ y: Float) -> (Float, Float) { (1, -1) }
    static func product(_ a: Float, _ b: Float, _ y: Float) -> (Float, Float) { (b, a) }
    /// JAX: ∂/∂a = 1/b, ∂/∂b = −a·b⁻².
    static func quotient(_ a: Float, _ b: Float, _ y: Float) -> (Float, Float) { (1 / b, -a * (1 / (b * b))) }

    /// a ** b. ∂/∂a = b·a^(b−1), and 0 for b = 0 (as JAX's integer_pow gives for `x ** 0`;
    /// the language cannot tell 0 from 0.0, where lax.pow would give NaN at a = 0);
    /// ∂/∂b = log(a)·y with log(0) taken as 0 (JAX's pow rule).
    static func power(_ a: Float, _ b: Float, _ y: Float) -> (Float, Float) {
        (b == 0 ? 0 : b * powf(a, b - 1), logf(a == 0 ? 1 : a) * y)
    }

    /// maximum and minimum (y is the one chosen): JAX's balanced rule. The operand equal to
    /// the result gets the gradient, half of it each when both are; a NaN result sends none.
    static func chooser(_ a: Float, _ b: Float, _ y: Float) -> (Float, Float) {
        let onA = a == y, onB = b == y
        return (onA ? (onB ? 0.5 : 1) : 0, onB ? (onA ? 0.5 : 1) : 0)
    }
}
