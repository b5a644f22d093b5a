import Foundation
import Formats
import Layers
import Models
import TensorCore
import Testing
import TestSupport
@testable import Shell

/// `grads` and `hist --grad`: what a user types, and what goes wrong as one line.
@Suite struct GradsCommandTests {
    static let deepSigmoid = (["input 32"] + Array(repeating: "add dense 32 sigmoid RandomNormal(stddev=1.0)", count: 5)
        + ["add dense 1", "compile optimizer=sgd loss=mse"]).joined(separator: "; ")

    @Test func statsShowTheVanishingGradientBesideItsTheory() throws {
        let run = ShellRun(Self.deepSigmoid)
        #expect(run.run("grads --batch 128 --stats"), "\(run.errors)")
        #expect(run.text.contains("loss ") && run.text.contains("= mse "))
        #expect(run.text.contains("dense/kernel") && run.text.contains("‖g‖/‖w‖") && run.text.contains("theory rms"))
        // The gradient reaching the first layer's output is smaller than the one reaching the
        // last hidden layer's, and the theory column has a number for every hidden layer.
        func row(_ name: String) -> [String] {
            run.text.split(separator: "\n").map(String.init).last { $0.hasPrefix("│ \(name) ") }?
                .split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        }
        let first = row("dense"), last = row("dense_4")
        let measuredFirst = try #require(Double(first[1])), measuredLast = try #require(Double(last[1]))
        #expect(measuredFirst < measuredLast / 1.5, "\(first) \(last)")
        let theoryFirst = try #require(Double(first[2]))
        // Glorot & Bengio's product predicts the measured size within a factor of two here.
        #expect(theoryFirst > measuredFirst / 2 && theoryFirst < measuredFirst * 2, "\(first)")
    }

    @Test func outputFileHoldsEveryTrainableWeightsGradient() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("g.npz").path
        let run = ShellRun("input 4; add dense 3 tanh; add dense 2 trainable=False; add dense 1; compile loss=mse")
        #expect(run.run("grads --batch 8 --output \(file)"), "\(run.errors)")
        let arrays = try NPZ.decode(Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(arrays.map(\.0) == ["dense/kernel", "dense/bias", "dense_2/kernel", "dense_2/bias"])
        for (name, g) in arrays {
            #expect(g.scalars == run.session.lastGradients[name]?.scalars, "\(name)")
            #expect(g.shape == (try run.session.model.weight(name).value.shape))
        }
        // hist draws the last gradient; the frozen layer has none.
        #expect(run.run("hist dense/kernel --grad"), "\(run.errors)")
        #expect(run.text.contains("∂loss/∂dense/kernel (4, 3)"))
        #expect(!run.run("hist dense_1/kernel --grad"))
        #expect(run.errors.contains("frozen"))
    }

    @Test func gradientWithRespectToTheInput() throws {
        let run = ShellRun("input 5; add dense 3 relu; add dense 1; compile loss=mse")
        #expect(run.run("grads --batch 2 --wrt input"), "\(run.errors)")
        #expect(run.text.contains("input_layer  ∂loss/∂input (2, 5)"), "\(run.text)")
    }

    @Test func filesGiveInputsAndTargets() throws {
        let dir = try temporaryDirectory()
        let x = dir.appendingPathComponent("x.npy").path, y = dir.appendingPathComponent("y.npy").path
        try NPY.write(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), to: x)
        try NPY.write(Tensor(shape: [3], scalars: [0, 2, 1]), to: y)
        let run = ShellRun("input 2; add dense 3; compile loss=SparseCategoricalCrossentropy(from_logits=True)")
        #expect(run.run("grads --input \(x) --target \(y)"), "\(run.errors)")
        #expect(run.text.contains("(batch 3, training mode)"))
        // A label out of range: Keras silently gives 0; LayerLab says so.
        try NPY.write(Tensor(shape: [3], scalars: [0, 3, 1]), to: y)
        #expect(!run.run("grads --input \(x) --target \(y)"))
        #expect(run.errors.contains("label 3.0 is not a class index"), "\(run.errors)")
    }

    /// One line each, and nothing changes.
    @Test(arguments: [
        ("input 4; add dense 2", "grads", "the model is not compiled"),
        ("input 4; add dense 2; compile", "grads", "compiled without a loss"),
        ("input 4; add dense 2 trainable=False; compile loss=mse", "grads", "no layer has trainable weights"),
        ("input 4; add dense 2; compile loss=mse", "grads --wrt bias", "expected one of: input, weights"),
        ("input 4; add dense 2; compile loss=mse", "grads --batch 0", "--batch must be a whole number"),
        ("input 4; add dense 2; compile loss=mse", "grads --output g.txt", "an .npz file"),
        ("input 4; add dense 2 exponential kernel_initializer=Constant(100.0); compile loss=mse", "grads", "the loss is inf"),
        ("input 4; add dense 2; compile loss=mse", "hist dense/kernel --grad", "run 'grads'"),
        ("input 4 dtype=int32; add embedding 10 3; compile loss=mse", "grads --wrt input", "integer ids"),
    ])
    func mistakesAreOneLine(_ setup: String, _ line: String, _ expected: String) throws {
        let run = ShellRun(setup)
        #expect(run.ok, "\(run.errors)")
        let before = run.session.model.nodes.map(\.layer.weights)
        #expect(!run.run(line))
        #expect(run.errors.contains(expected), "\(run.errors)")
        #expect(run.errors.split(separator: "\n").count <= 2, "\(run.errors)")
        #expect(run.session.model.nodes.map(\.layer.weights) == before)
    }

    /// What the backward pass keeps is counted against the memory limit before anything is
    /// allocated. (The limit is passed in: `set max_memory` would change it for every test
    /// running in parallel.)
    @Test func theBackwardPassesMemoryIsCountedFirst() throws {
        let run = ShellRun("input 1000; add dense 1000; add dense 1000; add dense 1000; compile loss=mse")
        let model = run.session.model
        var random = RandomGenerator(seed: 1)
        let x = try Tensor(zeros: [32, 1000]), y = try Tensor(zeros: [32, 1000])
        #expect {
            try model.gradients([model.inputs[0].name: x], targets: [model.outputNames[0]: y], loss: try #require(model.compilation?.loss),
                                random: &random, limit: 20 << 20)
        } throws: { error in
            (error as? LabError)?.message.contains("the backward pass of a batch of 32") == true
        }
    }

    @Test func targetShapeThatDoesNotFitTheLoss() throws {
        let dir = try temporaryDirectory()
        let y = dir.appendingPathComponent("y.npy").path
        try NPY.write(Tensor(shape: [32, 3], scalars: [Float](repeating: 0, count: 96)), to: y)
        let run = ShellRun("input 4; add dense 2; compile loss=mse")
        #expect(!run.run("grads --target \(y)"))
        #expect(run.errors.contains("y_true has shape (32, 3) but y_pred has shape (32, 2)"), "\(run.errors)")
    }
}

/// `Model.gradients` against central differences of the total loss (compiled loss plus
/// weight and activity penalties), on a model with a branch: a check that could fail for
/// any layer's backward pass, any penalty's gradient or the branch's sum.
@Suite struct ModelGradientTests {
    static let chain = """
        input 3
        add dense 4 tanh kernel_regularizer=L1L2(l1=0.01, l2=0.02) activity_regularizer=L2(0.05)
        add dense 4 elu
        add dense 4 softplus bias_regularizer=L2(0.1)
        add dense 3 softmax kernel_regularizer=OrthogonalRegularizer(0.3)
        compile loss=CategoricalCrossentropy(label_smoothing=0.1)
        """
    static let branching = """
        input 3
        add dense 4 tanh kernel_regularizer=L1L2(l1=0.01, l2=0.02) activity_regularizer=L2(0.05)
        add dense 4 elu name=b
        add dense 4 softplus from=dense name=c
        add add from=b,c
        add dense 3 softmax kernel_regularizer=OrthogonalRegularizer(0.3)
        compile loss=CategoricalCrossentropy(label_smoothing=0.1)
        """

    /// The merges and Lambda together: Maximum, Dot with normalize, a Lambda with a reduction
    /// and a clip, Concatenate of a tensor read twice.
    static let merging = """
        input 6
        add dense 4 tanh name=a
        add dense 4 sigmoid from=input_layer name=b
        add maximum from=a,b name=m
        add dot 1 normalize=True from=a,b name=d
        add lambda "x * x + sum(x, axis=1, keepdims=True) - clip(x, -0.5, 0.5)" from=m name=l
        add concatenate from=l,d,b,b name=c
        add dense 3 softmax from=c
        compile loss=CategoricalCrossentropy(label_smoothing=0.1)
        """

    @Test(arguments: [chain, branching, merging])
    func matchesFiniteDifferencesOfTheTotalLoss(_ commands: String) throws {
        let run = ShellRun(commands)
        #expect(run.ok, "\(run.errors)")
        var model = run.session.model
        var random = RandomGenerator(seed: 3)
        var x = try Tensor(zeros: [5] + model.inputs[0].shape)
        random.fillNormal(&x.scalars)
        var y = try Tensor(zeros: [5, 3])
        for r in 0..<5 { y.scalars[r * 3 + r % 3] = 1 }
        let loss = try #require(model.compilation?.loss)
        let feeds = [model.inputs[0].name: x], targets = [model.outputNames[0]: y]
        func total(_ m: Model) throws -> Double {
            var r = RandomGenerator(seed: 1)
            return try m.gradients(feeds, targets: targets, loss: loss, random: &r).total
        }
        var r = RandomGenerator(seed: 1)
        let result = try model.gradients(feeds, targets: targets, loss: loss, random: &r, inputGradients: true)
        #expect(result.penalties.count == (commands == Self.chain ? 4 : commands == Self.branching ? 3 : 0))
        #expect(result.weights.count == (commands == Self.merging ? 6 : 8))
        let eps: Float = 1e-2
        for w in result.weights {
            for i in stride(from: 0, to: w.value.count, by: max(1, w.value.count / 5)) {
                var plus = w.value, minus = w.value
                plus.scalars[i] += eps
                minus.scalars[i] -= eps
                try model.setWeight(layer: w.layer, weight: w.weight, to: plus)
                let up = try total(model)
                try model.setWeight(layer: w.layer, weight: w.weight, to: minus)
                let down = try total(model)
                try model.setWeight(layer: w.layer, weight: w.weight, to: w.value)
                let numeric = (up - down) / Double(2 * eps), analytic = Double(w.gradient.scalars[i])
                #expect(abs(numeric - analytic) <= 2e-3 + 0.03 * abs(analytic), "\(w.path)[\(i)]: \(analytic) vs finite differences \(numeric)")
            }
        }
        // The input's gradient too.
        let gx = try #require(result.inputs[model.inputs[0].name])
        for i in [0, 7, 14, x.count - 1] {
            var plus = x, minus = x
            plus.scalars[i] += eps
            minus.scalars[i] -= eps
            var r1 = RandomGenerator(seed: 1), r2 = RandomGenerator(seed: 1)
            let up = try model.gradients([model.inputs[0].name: plus], targets: targets, loss: loss, random: &r1).total
            let down = try model.gradients([model.inputs[0].name: minus], targets: targets, loss: loss, random: &r2).total
            let numeric = (up - down) / Double(2 * eps)
            #expect(abs(numeric - Double(gx.scalars[i])) <= 2e-3 + 0.03 * abs(numeric), "input[\(i)]")
        }
    }

    /// Dropout's backward uses its mask, not the output: where x is 0 the kept positions
    /// still pass 1/(1 − rate) of the gradient.
    @Test func dropoutPassesTheGradientThroughItsMask() throws {
        let layer = try #require(try buildLayer(command: "dropout 0.5") as? Dropout)
        var random = RandomGenerator(seed: 9)
        let x = try Tensor(zeros: [4, 50])
        let (_, back) = try layer.differentiableCall(x, training: true, random: &random)
        let g = try #require(try back(Tensor(zeros: [4, 50], value: 1)).input)
        let kept = g.scalars.filter { $0 == Float(2) }.count, dropped = g.scalars.filter { $0 == Float(0) }.count
        #expect(kept + dropped == 200 && kept > 60 && dropped > 60, "kept \(kept), dropped \(dropped)")
        // The same stream gives the same mask as the forward pass.
        var again = RandomGenerator(seed: 9)
        let y = try layer.call([try Tensor(zeros: [4, 50], value: 1)], training: true, random: &again)
        #expect(y.scalars == g.scalars)
    }

    @Test func embeddingGradientsAddUpForRepeatedIds() throws {
        var layer = try #require(try buildLayer(command: "embedding 4 2") as? Embedding)
        layer.weights = [try Tensor(zeros: [4, 2], value: 0.5)]
        var random = RandomGenerator(seed: 1)
        let ids = try Tensor(shape: [1, 3], scalars: [1, 1, 3])
        let (_, back) = try layer.differentiableCall(ids, training: true, random: &random)
        let result = try back(Tensor(shape: [1, 3, 2], scalars: [1, 2, 10, 20, 100, 200]))
        #expect(result.input == nil)
        #expect(result.weights.first?.scalars == [0, 0, 11, 22, 0, 0, 100, 200])
    }
}
