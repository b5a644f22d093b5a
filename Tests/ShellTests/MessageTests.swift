import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Shell

/// Messages that said something else than what was meant (issue 16, defect 6).
@Suite struct MessageTests {
    @Test func aTooLargeNumberIsQuotedAsTyped() {
        let run = ShellRun("add dense 99999999999999999999999")
        #expect(run.errors == "error: line 1: the number 99999999999999999999999 at column 11 is too large for a whole number — whole numbers go up to 9,223,372,036,854,775,807\n")
        #expect(!run.errors.contains("1e+23"))
        let python = ShellRun("from keras.layers import Dense\nDense(99999999999999999999999)")
        #expect(python.errors.contains("error: line 2: the number 99999999999999999999999 at column 7 is too large for a whole number"), "\(python.errors)")
        // Floats are still floats, and ordinary whole numbers still whole numbers.
        #expect(ShellRun("input 4; add dense 1_000; add dropout 1e-3").errors.isEmpty)
    }

    @Test func helpAndExplainKnowActivationsByName() {
        for topic in ["relu", "elu", "selu", "gelu", "softmax"] {
            for command in ["help", "explain"] {
                let run = ShellRun("\(command) \(topic)")
                #expect(run.errors.isEmpty, "\(command) \(topic): \(run.errors)")
                #expect(run.text.hasPrefix("\(topic) (activation)\n  \(topic)(x)"), "\(command) \(topic): \(run.text)")
            }
        }
        #expect(ShellRun("help relu").text.contains("relu(x) = max(x, 0)"))
        #expect(ShellRun("explain elu").text.contains("elu(x) = x if x > 0 else alpha · (exp(x) − 1)"))
        #expect(ShellRun("explain selu").text.contains("alpha = 1.67326324235437728, scale = 1.05070098735548049"))
        #expect(ShellRun("explain gelu").text.contains("x · Φ(x)"))
        #expect(ShellRun("help swish").text.hasPrefix("silu (activation)"))
        #expect(ShellRun("help rleu").errors.contains("did you mean 'relu'?"))
        #expect(ShellRun("explain rleu").errors.contains("did you mean 'relu'?"))
    }

    @Test func everyActivationHasItsFormula() {
        for a in Activation.registry.entries {
            #expect(Activation.formulas[a.className] != nil, "\(a.className) has no formula")
            #expect(a.formula.first?.hasPrefix(a.className) == true)
        }
    }

    @Test func helpAndExplainKnowRegularizersConstraintsAndLayerTypes() {
        #expect(ShellRun("help l2").text.contains("penalty = l2 · Σw²"))
        #expect(ShellRun("help max_norm").text.hasPrefix("MaxNorm("))
        #expect(ShellRun("help he_normal").text.hasPrefix("HeNormal("))
        let conv = ShellRun("explain conv2d")
        #expect(conv.errors.isEmpty)
        #expect(conv.text.hasPrefix("Conv2D (layer type): "))
        // A layer of the model still comes first.
        #expect(ShellRun("input 4; add dense 2; explain dense").text.contains("\ndense (Dense)\n"))
        #expect(ShellRun("explain xyzzy").errors == "error: line 1: unknown name to explain 'xyzzy' — explain takes a layer or weight of the model, or the name of an activation, initializer, regularizer, constraint or layer type\n")
    }

    @Test func nextAndBackDuringALesson() {
        // The first 'next' says the step's commands have not run; the second goes on anyway.
        let run = ShellRun("lesson dense\nnext\nnext")
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text.contains("Step 1 is not done yet"))
        #expect(run.text.contains("[dense 2/4]"))
        run.run("back")
        #expect(run.text.components(separatedBy: "[dense 1/4]").count == 3)
        #expect(run.errors.isEmpty, "\(run.errors)")
        run.run("lesson quit\nnext")
        #expect(run.errors == "error: line 2: unknown command 'next' — to move through a lesson, type 'lesson next' ('lesson' lists the lessons)\n")
        #expect(!ShellRun("back").errors.contains("did you mean"))
    }

    @Test func modelSaveWritesAKerasFileAndFitSaysWhatIsMissing() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("m.keras").path
        let run = ShellRun("""
        import keras
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        model.save('\(file)')
        model.fit(None)
        model.save('\(dir.path)/m.h5')
        """)
        #expect(run.text == "saved model \"sequential\" to \(file) (\(Format.bytes(try Data(contentsOf: URL(fileURLWithPath: file)).count)))\n")
        let model = try KerasArchive.load(path: file, seed: 1)
        #expect(model.parameterCount == 10)
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == "error: line 4: You must call `compile()` before using the model. — model.compile(optimizer='adam', loss='mse') first")
        #expect(lines.last?.contains("model.save writes a .keras file, not '\(dir.path)/m.h5'") == true)
        #expect(!run.errors.contains("does not save"))
        let weights = ShellRun("import keras\nm = keras.Sequential()\nm.save_weights('w.weights.h5')")
        #expect(weights.errors.contains("'save FILE.npz' writes every weight"))
    }
}
