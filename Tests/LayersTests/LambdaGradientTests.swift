import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Issue 19: Lambda's backward pass, reverse mode over the expression tree: against the
/// gradients JAX takes through Keras's ops, against central differences for every
/// function and operator, at the ties JAX splits, and the outputs that have none.
@Suite struct LambdaGradientTests {
    /// Lambda's output on `x` and ∂L/∂x for ∂L/∂y `g` (ones when nil).
    static func gradient(_ expression: String, _ x: Tensor, _ g: Tensor? = nil) throws -> (y: Tensor, dx: Tensor) {
        let layer = try #require(try lambda(expression) as? Lambda)
        var random = RandomGenerator(seed: 1)
        let (y, back) = try layer.differentiableCall(x, training: false, random: &random)
        #expect(y == (try layer.call(x, training: false)), "\(expression): the traced forward differs from call")
        let dx = try #require(try back(g ?? Tensor(zeros: y.shape, value: 1)).input)
        #expect(dx.shape == x.shape)
        return (y, dx)
    }

    static func t(_ shape: [Int], _ values: [Float]) -> Tensor { try! Tensor(shape: shape, scalars: values) }

    // MARK: Keras's gradients beside each forward case (lambda/N/grad_*.npy)

    static let refused: [Int: String] = {
        guard let list = try? loadJSON("keras/gradients/lambda_no_gradient.json") as? [[String: Any]] else { return [:] }
        return Dictionary(list.compactMap { c in (c["index"] as? Int).map { ($0, c["expression"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
    }()

    @Test func theListOfExpressionsWithoutAGradientIsRead() throws {
        let list = try #require(try loadJSON("keras/gradients/lambda_no_gradient.json") as? [[String: Any]])
        #expect(list.count == Self.refused.count && !list.isEmpty)
        for (index, expression) in Self.refused {
            #expect(KerasLambdaCase.all.first { $0.index == index }?.expression == expression, "case \(index)")
        }
    }

    @Test(arguments: KerasLambdaCase.all)
    func matchesKeras(_ c: KerasLambdaCase) throws {
        let folder = "keras/lambda/\(c.index)"
        let x = try loadFixture("\(folder)/input.npy")
        if Self.refused[c.index] != nil {
            let error = message { _ = try Self.gradient(c.expression, x) }
            #expect(error.contains("has no gradient"), "\(c.expression): \(error)")
            return
        }
        let (_, dx) = try Self.gradient(c.expression, x, try loadFixture("\(folder)/grad_output.npy"))
        MergeGradientTests.expectClose(dx, try loadFixture("\(folder)/grad_input.npy"), "\(c.index): \(c.expression)")
    }

    // MARK: central differences

    struct Check: Sendable, CustomStringConvertible {
        var expression: String
        var shape: [Int]
        var values: [Float]
        var description: String { expression }
        init(_ expression: String, _ shape: [Int] = [2, 3], _ values: [Float] = Check.mixed) {
            self.expression = expression
            self.shape = shape
            self.values = Array(values.prefix(shape.reduce(1, *)))
        }
        /// Away from every kink used: 0, ±1, ±3 (x·2 for hard_sigmoid), 6 (x·4 for relu6), whole numbers (floor, ceil).
        static let mixed: [Float] = [0.3, -1.2, 2.1, -0.7, 1.6, -2.4, 0.55, -0.45, 1.35, -1.85, 0.8, 2.6]
        static let positive: [Float] = [0.3, 1.2, 2.1, 0.7, 1.6, 2.4, 0.55, 0.45, 1.35, 1.85, 0.8, 2.6]
    }

    /// Every function of the language (each name at least once) and every operator.
    static let checks: [Check] = [
        Check("exp(x)"), Check("log(x)", [2, 3], Check.positive), Check("log1p(x)", [2, 3], Check.positive),
        Check("sqrt(x)", [2, 3], Check.positive), Check("abs(x)"), Check("square(x)"), Check("sin(x)"), Check("cos(x)"),
        Check("floor(x * 3) + ceil(x) + sign(x) + x"),
        Check("linear(x)"), Check("relu(x)"), Check("relu6(x * 4)"), Check("leaky_relu(x)"), Check("elu(x)"), Check("selu(x)"),
        Check("softplus(x)"), Check("softsign(x)"), Check("tanh(x)"), Check("sigmoid(x)"), Check("hard_sigmoid(x * 2)"),
        Check("exponential(x)"), Check("gelu(x)"), Check("silu(x)"), Check("swish(x)"), Check("hard_silu(x * 2)"),
        Check("hard_swish(x * 2)"), Check("mish(x)"), Check("log_sigmoid(x)"), Check("softmax(x)"), Check("log_softmax(x * 2)"),
        // Away from their kinks (±0.5, ±1) too: 0.3, −1.2, 2.1, −0.7, 1.6, −2.4, 0.55, −0.45, 1.35, −1.85, 0.8, 2.6.
        Check("celu(x)"), Check("squareplus(x)"), Check("soft_shrink(x)"), Check("hard_shrink(x)"), Check("sparse_plus(x)"),
        Check("tanh_shrink(x)"), Check("sparse_sigmoid(x)"), Check("hard_tanh(x)"), Check("sparsemax(x)"),
        Check("pow(x, 3)"), Check("power(x, x)", [2, 3], Check.positive), Check("pow(2, x)"), Check("power(x, 0.5)", [2, 3], Check.positive),
        Check("minimum(x, 0.1)"), Check("maximum(x, x * 0.5)"), Check("maximum(x[:, 0:1], x)"), Check("minimum(x[0], x)"),
        Check("clip(x, -1, 1)"), Check("clip(x, x_min=x * 0.5 - 1, x_max=1.5)"),
        Check("sum(x)"), Check("sum(x * x, axis=1, keepdims=True) / x"), Check("mean(x, axis=0)"), Check("mean(x, axis=(0, 1), keepdims=True) * x"),
        Check("max(x, axis=1)"), Check("max(x)"), Check("min(x, 0, True) - x"), Check("min(x, axis=(1, 2))", [2, 2, 3]),
        // Operators, broadcasting, comparisons as masks, indexing.
        Check("x * 2 + 1"), Check("-x ** 2"), Check("2 ** -x"), Check("x / (x * x + 1)"), Check("1 / x"), Check("x ** 3 - 2 * x ** 2"),
        Check("(x + 1) * (x - 1) / 2"), Check("+x - -x"), Check("(x > 0) * x"), Check("x * (x >= 0.5) + (x < 0) * x * x"),
        Check("x[:, ::-1] * x"), Check("x[:, 1:3] * x[:, 0:1]"), Check("x[:, :, None] * x[:, None, :]"), Check("x[:, 1]"),
        Check("x[0] * x[1]"), Check("x[..., -1:] + x[:, ::2][:, 0]"), Check("x[:, 1:-1, ::2]", [2, 4, 5], (0..<40).map { Float($0) * 0.1 - 2.05 }),
        Check("x - mean(x, axis=-1, keepdims=True)"), Check("x / sqrt(mean(square(x), axis=-1, keepdims=True))"),
        Check("x * pi / e"), Check("exp(-square(x)) * tanh(x) * sigmoid(x)"),
    ]

    @Test func everyFunctionIsChecked() {
        for name in ExpressionFunctions.names {
            #expect(Self.checks.contains { $0.expression.contains(name + "(") }, "\(name) has no finite-difference check")
        }
    }

    /// ∂(Σ g·y)/∂x by central differences (h = 5e-3, sums in Double) against the backward
    /// pass, within 1e-3 of the largest difference quotient (or 1e-3 absolute).
    @Test(arguments: checks)
    func matchesCentralDifferences(_ c: Check) throws {
        let x = try Tensor(shape: c.shape, scalars: c.values)
        let layer = try lambda(c.expression)
        let y = try layer.call([x], training: false)
        let g = try Tensor(shape: y.shape, scalars: (0..<y.count).map { Float(($0 * 7) % 5) * 0.25 - 0.4 })
        let (_, dx) = try Self.gradient(c.expression, x, g)
        func loss(_ v: Tensor) throws -> Double {
            zip(try layer.call([v], training: false).scalars, g.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let h: Float = 5e-3
        var numeric = [Double]()
        for i in 0..<x.count {
            var up = x, down = x
            up.scalars[i] += h
            down.scalars[i] -= h
            numeric.append((try loss(up) - loss(down)) / Double(2 * h))
        }
        let scale = max(1, numeric.map(abs).max() ?? 0)
        for i in 0..<x.count where !(abs(Double(dx.scalars[i]) - numeric[i]) <= 1e-3 * scale) {
            Issue.record("\(c.expression): ∂/∂x[\(i)] is \(dx.scalars[i]), central difference \(numeric[i])")
        }
    }

    // MARK: ties and kinks, as JAX takes them

    @Test func tiesAndKinksFollowJAX() throws {
        func dx(_ e: String, _ values: [Float]) throws -> [Float] {
            try Self.gradient(e, Self.t([1, values.count], values)).dx.scalars
        }
        #expect(try dx("max(x, axis=1)", [1, 2, 2, 0]) == [0, 0.5, 0.5, 0])
        #expect(try dx("min(x)", [1, 0, 2, 0]) == [0, 0.5, 0, 0.5])
        #expect(try dx("maximum(x, 1)", [1, 2, 0]) == [0.5, 1, 0])
        #expect(try dx("minimum(x, x)", [1, -2]) == [1, 1])
        #expect(try dx("clip(x, 0, 1)", [0, 0.5, 1, -1, 2]) == [0.5, 1, 0.5, 0, 0])
        #expect(try dx("abs(x)", [0, -0.0, -2]) == [1, 1, -1])
        #expect(try dx("relu(x) + leaky_relu(x)", [0]) == [1])
        #expect(try dx("x ** 0", [0, 2]) == [0, 0])
        #expect(try dx("sqrt(x)", [0]) == [.infinity])
        #expect(try dx("sign(x) + floor(x) + ceil(x)", [0.5, -1, 2]) == [0, 0, 0])
        #expect(try dx("floor(x)", [0.5]) == [0])
        #expect(try dx("x[:, 0] * 0 + 1", [3, 4]) == [0, 0])
    }

    @Test func comparisonOutputsHaveNoGradient() throws {
        let x = Self.t([2, 2], [1, -1, 0.5, 2])
        for e in ["x > 0", "x[:, 0] >= 1", "sum(x > 0, axis=1)", "maximum(x > 0, x < 1)", "max(x == x)", "(x > 0) + (x < 1)"] {
            let error = message { _ = try Self.gradient(e, x) }
            #expect(error.contains("has no gradient") && error.contains("JAX does not differentiate"), "\(e): \(error)")
        }
        #expect(message { _ = try Self.gradient("sum(x > 0)", x) }.contains("int32"))
        // Used as a mask on a float value, or averaged (a float in Keras), a comparison is a constant.
        #expect(try Self.gradient("(x > 0) * x", x).dx.scalars == [1, 0, 1, 1])
        #expect(try Self.gradient("mean(x > 0) + x", x).dx.scalars == [1, 1, 1, 1])
    }

    @Test func xReadSeveralTimesGetsTheSum() throws {
        let x = Self.t([1, 2], [3, -1])
        #expect(try Self.gradient("x + x * x + x[:, 0:1]", x).dx.scalars == [1 + 6 + 2, 1 - 2])  // x[:, 0:1] is broadcast over both columns
        #expect(try Self.gradient("x * 0 + 2", x).dx.scalars == [0, 0])
    }
}
