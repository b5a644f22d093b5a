import Testing
import TestSupport
@testable import Models
@testable import Shell
@testable import TensorCore

/// Keras's model.losses for a two-layer model (scripts/keras-fixtures/generate.py).
@Suite struct RegularizationCommandTests {
    let build = """
    input 5
    add dense 4 kernel_regularizer=L2(0.5) bias_regularizer=L1(0.1) activity_regularizer=L1(1.0) bias_initializer=ones
    add dense 3 tanh kernel_regularizer=L1L2(0.01, 0.02) activity_regularizer=L2(0.3)
    """

    func loadKerasWeights(_ run: ShellRun) {
        for layer in ["dense", "dense_1"] {
            for w in ["kernel", "bias"] {
                #expect(run.run("weights \(layer)/\(w) --load \(fixture("keras/regularization/\(layer).\(w).npy").path)"))
            }
        }
    }

    @Test func lossesEqualKerasModelLosses() throws {
        let run = ShellRun(build)
        loadKerasWeights(run)
        #expect(run.run("forward --input \(fixture("keras/regularization/model_input.npy").path)"))
        let expected = try #require(try loadJSON("keras/regularization/model_losses.json") as? [Double])
        let ours = run.session.currentActivityPenalties().penalties.map(\.value) + (try run.session.model.weightPenalties().map(\.value))
        #expect(ours.count == expected.count)
        for (a, b) in zip(ours, expected) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(a) vs Keras \(b)") }
        #expect(run.run("losses"))
        #expect(run.text.contains("activity (output ÷ batch 6)"))
        #expect(run.text.contains("Total regularization penalty: " + Format.compact(expected.reduce(0, +), 6)))
    }

    @Test func beforeAForwardOnlyWeightPenaltiesShow() {
        let run = ShellRun(build + "\nlosses\nsummary")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("appear after a 'forward' pass"))
        #expect(run.text.contains("Regularized: dense (activity L1, kernel L2, bias L1); dense_1 (activity L2, kernel L1L2)"))
        #expect(run.text.contains("Regularization penalty:"))
    }

    @Test func nonTrainableLayersAddNoWeightPenalty() throws {
        let run = ShellRun("input 3\nadd dense 2 kernel_regularizer=l2 trainable=False")
        #expect(try run.session.model.weightPenalties().isEmpty)
    }

    @Test func constrainAppliesNowAndCanBeUndone() throws {
        let run = ShellRun("input 4\nadd dense 3 kernel_initializer=ones kernel_constraint=MaxNorm(1) bias_initializer=Constant(-1) bias_constraint=non_neg")
        // Like Keras: constraints never touch freshly drawn weights.
        let (norms, _) = try run.session.model.weight("dense/kernel").value.norms(reducing: [0])
        #expect(norms.allSatisfy { abs($0 - 2) < 1e-6 })
        #expect(run.run("constrain dense"))
        let (after, _) = try run.session.model.weight("dense/kernel").value.norms(reducing: [0])
        #expect(after.allSatisfy { abs($0 - 1) < 1e-5 })
        #expect(try run.session.model.weight("dense/bias").value.scalars == [0, 0, 0])
        #expect(run.text.contains("3 of 3 slice norms changed"))
        #expect(run.text.contains("negatives set to 0: 3"))
        run.run("undo")
        #expect(try run.session.model.weight("dense/bias").value.scalars == [-1, -1, -1])
        #expect(!run.run("constrain nothing"))
        let none = ShellRun("input 2\nadd dense 2")
        #expect(!none.run("constrain dense"))
        #expect(!none.run("constrain --all"))
    }

    @Test func constraintAxesAreChecked() {
        let run = ShellRun("input 4")
        #expect(!run.run("add dense 3 kernel_constraint=MaxNorm(2, axis=2)"))
        #expect(run.errors.contains("axis 2 is out of range for a weight of rank 2"))
        #expect(run.session.model.nodes.isEmpty)
    }

    @Test func normsAndExplain() {
        let run = ShellRun("input 16\nadd dense 32 kernel_constraint=max_norm(2) kernel_regularizer=l2(0.01)")
        #expect(run.run("norms dense/kernel"))
        #expect(run.text.contains("32 norms over axis 0, constrained by MaxNorm(max_value=2, axis=0)"))
        #expect(run.run("norms dense/kernel --axis 1"))
        #expect(run.text.contains("16 norms over axis 1"))
        #expect(!run.run("norms dense/kernel --axis 2"))
        #expect(run.run("explain l2\nexplain dense/kernel_regularizer\nexplain dense/kernel_constraint\nexplain max_norm"))
        #expect(run.text.contains("L2: penalty = l2 · Σw² — a plain sum over every value (no ½, no mean)"))
        #expect(run.text.contains("over these 512 values: 0.01 · "))
        #expect(run.text.contains("(axis 0 of a Dense kernel: one norm per unit, over its incoming weights)"))
    }
}
