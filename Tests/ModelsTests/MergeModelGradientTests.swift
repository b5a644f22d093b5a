import Testing
import TestSupport
@testable import Layers
@testable import Models
@testable import TensorCore

/// Issue 19: Model.gradients through the merge layers and Lambda together (Maximum,
/// Dot with normalize, Concatenate of a tensor read twice, a Lambda with a reduction),
/// against central differences of the total loss.
@Suite struct MergeModelGradientTests {
    static let commands = """
        input 6
        add dense 4 tanh name=a
        add dense 4 sigmoid from=input_layer name=b
        add maximum from=a,b name=m
        add dot 1 normalize=True from=a,b name=d
        add lambda "x * x + sum(x, axis=1, keepdims=True) - clip(x, -0.5, 0.5)" from=m name=l
        add concatenate from=l,d,b,b name=c
        add dense 2 from=c
        compile loss=mse
        """

    @Test func matchesFiniteDifferencesOfTheTotalLoss() throws {
        let run = ShellRun(Self.commands)
        #expect(run.ok, "\(run.errors)")
        var model = run.session.model
        var random = RandomGenerator(seed: 5)
        var x = try Tensor(zeros: [4, 6]), y = try Tensor(zeros: [4, 2])
        random.fillNormal(&x.scalars)
        random.fillNormal(&y.scalars)
        let loss = try #require(model.compilation?.loss)
        let input = model.inputs[0].name, targets = [model.outputNames[0]: y]
        func total(_ m: Model, _ x: Tensor) throws -> Double {
            var r = RandomGenerator(seed: 1)
            return try m.gradients([input: x], targets: targets, loss: loss, random: &r).total
        }
        var r = RandomGenerator(seed: 1)
        let result = try model.gradients([input: x], targets: targets, loss: loss, random: &r, inputGradients: true)
        let eps: Float = 1e-2
        func expectClose(_ numeric: Double, _ analytic: Float, _ what: String) {
            #expect(abs(numeric - Double(analytic)) <= 2e-3 + 0.02 * abs(numeric), "\(what): \(analytic) vs finite differences \(numeric)")
        }
        for w in result.weights {
            for i in stride(from: 0, to: w.value.count, by: max(1, w.value.count / 4)) {
                var plus = w.value, minus = w.value
                plus.scalars[i] += eps
                minus.scalars[i] -= eps
                try model.setWeight(layer: w.layer, weight: w.weight, to: plus)
                let up = try total(model, x)
                try model.setWeight(layer: w.layer, weight: w.weight, to: minus)
                let down = try total(model, x)
                try model.setWeight(layer: w.layer, weight: w.weight, to: w.value)
                expectClose((up - down) / Double(2 * eps), w.gradient.scalars[i], "\(w.path)[\(i)]")
            }
        }
        let gx = try #require(result.inputs[input])
        for i in [0, 5, 11, 23] {
            var plus = x, minus = x
            plus.scalars[i] += eps
            minus.scalars[i] -= eps
            expectClose((try total(model, plus) - total(model, minus)) / Double(2 * eps), gx.scalars[i], "input[\(i)]")
        }
    }
}
