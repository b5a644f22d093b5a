import Foundation
import Testing
import TestSupport
@testable import Models
@testable import KerasPython
@testable import Shell

@Suite struct PythonSessionTests {
    func errors(_ code: String) -> (run: ShellRun, lines: [String]) {
        let run = ShellRun(code, width: 80)
        return (run, run.errors.split(separator: "\n").map(String.init))
    }

    @Test func misspeltKeywordGetsKerasMessageWithSuggestion() {
        let (run, lines) = errors("""
        from keras.layers import Dense
        from keras.models import Sequential
        model = Sequential()
        model.add(Dense(8, input_shape=(4,), skernel_initializer='he_normal'))
        """)
        #expect(lines == ["error: line 4: Dense() got an unexpected keyword argument 'skernel_initializer' — did you mean 'kernel_initializer'?"])
        #expect(run.session.model.nodes.isEmpty)
    }

    @Test func missingBracketSaysWhereAndTheNextStatementStillRuns() {
        let (run, lines) = errors("""
        from keras.layers import Dense
        from keras.models import Sequential
        model = Sequential()
        model.add(Dense(512, activation = 'relu', input_shape = (784,),
           kernel_initializer = 'he_normal')
        model.summary()
        """)
        #expect(lines == ["error: line 4: '(' at line 4, column 10 is never closed — add the missing ')'"])
        #expect(run.session.model.nodes.isEmpty)
        #expect(run.text.contains("Model: \"sequential\""))
    }

    @Test func missingBracketAtTheEndOfAScript() {
        let (_, lines) = errors("from keras.layers import Dense\nlayer = Dense(8, activation='relu'")
        #expect(lines == ["error: line 2: '(' at column 14 is never closed — add the missing ')'"])
    }

    @Test func twoStatementsOnOneLine() {
        let (run, lines) = errors("from keras.models import Sequential\nmodel = Sequential() model.summary()")
        #expect(lines == ["error: line 2: two statements on one line: 'model' at column 22 starts another — separate them with ';' or put them on two lines"])
        #expect(run.session.model.kerasClass == nil)
        let ok = ShellRun("from keras.models import Sequential\nmodel = Sequential(); model.summary()", width: 80)
        #expect(ok.errors.isEmpty)
        #expect(ok.text.contains("Total params: 0"))
    }

    @Test func importsAreCheckedAgainstKeras() {
        #expect(errors("from keras.layers import Dens").lines == ["error: line 1: cannot import name 'Dens' from 'keras.layers' — did you mean 'Dense'?"])
        #expect(errors("from keras.layers import LSTM").lines == ["error: line 1: LayerLab does not have keras.layers.LSTM yet — docs/python.md lists what it has"])
        #expect(errors("from keras import callbacks").lines == ["error: line 1: LayerLab does not have keras.callbacks yet"])
        #expect(errors("from keras.optimizers import Lamb").lines.first?.contains("LayerLab does not have keras.optimizers.Lamb yet") == true)
        #expect(errors("import tensorflow as tf").lines.first?.contains("LayerLab follows Keras 3") == true)
        #expect(errors("from keras.initializer import RandomNormal").lines.first?.contains("did you mean 'keras.initializers'?") == true)
        let fine = ShellRun("from keras import initializers, regularizers, constraints, layers, ops, optimizers, losses\nfrom keras.optimizers import Adam\nfrom keras.optimizers.schedules import ExponentialDecay\nimport numpy as np\nfrom keras import Input\nimport keras.layers as L")
        #expect(fine.errors.isEmpty, "\(fine.errors)")
    }

    @Test func unsupportedPythonIsOneClearLine() {
        for (code, expected) in [
            ("for i in range(3): pass", "Python's 'for' statements are not supported"),
            ("d = {'a': 1}", "dicts ('{' at column 5) are not supported"),
            ("import keras\nmodel = keras.Sequential()\nmodel.fit(1)", "You must call `compile()` before using the model."),
            ("import keras\nmodel = keras.Sequential()\nmodel.fit_generator(1)", "'fit_generator' was removed in Keras 3"),
            ("import keras\nmodel = keras.Sequential()\nmodel.ad(3)", "'Sequential' object has no attribute 'ad' — did you mean 'add'?"),
            ("x = undefined_name", "name 'undefined_name' is not defined"),
        ] {
            let (_, lines) = errors(code)
            #expect(lines.count == 1 && lines[0].contains(expected), "\(code): \(lines)")
        }
    }

    @Test func commandsAndPythonMix() {
        let run = ShellRun("""
        input 16
        add dense 8 relu
        from keras import layers
        x = layers.Dense(4)(model_input) if False else None
        """)
        // The conditional expression is not in the subset: one error, the rest ran.
        #expect(run.errors.split(separator: "\n").count == 1)
        #expect(run.errors.contains("'if' at column 34 is not supported: LayerLab runs no conditions, loops or boolean operators"))
        run.run("""
        import keras
        inp = keras.Input(shape=(3,), name='extra')
        y = layers.Dense(2, name='side')(inp)
        summary
        add dense 2
        """)
        #expect(run.session.model.allNames == ["input_layer", "extra", "dense", "side", "dense_1"])
        #expect(run.text.contains("side (Dense)"))
    }

    @Test func everyPythonChangeCanBeUndone() {
        let run = ShellRun("""
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input(shape=(4,))])
        model.add(layers.Dense(3))
        """)
        #expect(run.session.model.nodes.map(\.name) == ["dense"])
        run.run("undo")
        #expect(run.session.model.nodes.isEmpty)
        #expect(run.text.contains("undone: model.add(layers.Dense(3))"))
        run.run("undo")
        #expect(run.session.model.kerasClass == nil)
        run.run("redo\nredo")
        #expect(run.session.model.nodes.map(\.name) == ["dense"])
    }

    @Test func aFailedStatementLeavesModelAndVariablesAlone() {
        let run = ShellRun("""
        import keras
        from keras import layers
        inp = keras.Input(shape=(4,))
        x = layers.Dense(3)(inp)
        """)
        let before = run.session.model.allNames
        #expect(!run.run("x = layers.Dense(-3)(x)"))
        #expect(run.session.model.allNames == before)
        run.run("print(x.shape)")
        #expect(run.text.hasSuffix("(None, 3)\n"))
    }

    @Test func bareExpressionsAreEchoed() {
        let run = ShellRun("""
        import keras
        import numpy as np
        inp = keras.Input(shape=(784,))
        x = keras.layers.Dense(64)(inp)
        x.shape
        (28, 28, 1)
        28 * 28
        np.zeros((2, 3)).shape
        'relu'
        None
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text == "(None, 64)\n(28, 28, 1)\n784\n(2, 3)\n'relu'\n")
    }

    @Test func predictAndWeightsHoldRealValues() throws {
        let run = ShellRun("""
        import keras
        import numpy as np
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, kernel_initializer='ones', bias_initializer='ones')])
        y = model.predict(np.ones((4, 3)))
        print(y.shape)
        w = model.layers[0].get_weights()
        print(len(w), w[0].shape, w[1].shape)
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text == "(4, 2)\n2 (3, 2) (2,)\n")
        guard case .array(let y)? = run.session.python.variables["y"] else { Issue.record("y is not an array"); return }
        #expect(y.scalars == [Float](repeating: 4, count: 8))
    }

    @Test func layerObjectsCannotBeShared() {
        let (_, lines) = errors("""
        import keras
        d = keras.layers.Dense(2)
        a = keras.Input(shape=(2,))
        x = d(a)
        y = d(x)
        """)
        #expect(lines == ["error: line 5: LayerLab cannot share a layer: 'dense' is already used in the model — make a new layer for each call"])
    }

    @Test func autoNamesFollowKerasConstructionOrder() {
        let run = ShellRun("""
        import keras
        x = keras.Input(shape=(4,))
        y = keras.layers.Dense(1)(keras.layers.Dense(2)(x))
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        // Keras names by construction: the outer Dense(1) is made first.
        #expect(run.session.model.nodes.map(\.name) == ["dense_1", "dense"])
        #expect(run.session.model.nodes.map(\.layer.parameterCount) == [10, 3])
    }
}

/// A reader that records the prompts it was asked to show.
final class PromptRecorder: LineReader {
    var lines: [String]
    var prompts: [String] = []
    init(_ lines: [String]) { self.lines = lines }
    func readLine(prompt: String) -> String? {
        prompts.append(prompt)
        return lines.isEmpty ? nil : lines.removeFirst()
    }
    var numbersLines: Bool { false }
    var columns: Int? { 80 }
}

@Suite struct ContinuationTests {
    @Test func openBracketsContinueWithADotsPrompt() {
        let output = BufferOutput()
        let session = Session(output: output)
        let reader = PromptRecorder(["import keras", "model = keras.Sequential([", "    keras.Input(shape=(4,)),",
                                     "    keras.layers.Dense(2),  # a comment", "])", "model.summary()"])
        #expect(session.runLines(from: reader, prompt: "layerlab> "))
        #expect(reader.prompts == ["layerlab> ", "layerlab> ", "... ", "... ", "... ", "layerlab> ", "layerlab> "])
        #expect(output.errors.isEmpty, "\(output.errors)")
        #expect(session.model.nodes.map(\.name) == ["dense"])
    }

    @Test func ctrlCDropsAnUnfinishedStatement() {
        let output = BufferOutput()
        let session = Session(output: output)
        let reader = PromptRecorder(["import keras", "model = keras.Sequential([", interruptedLine, "print(1)"])
        #expect(session.runLines(from: reader, prompt: "layerlab> "))
        #expect(reader.prompts == ["layerlab> ", "layerlab> ", "... ", "layerlab> ", "layerlab> "])
        #expect(output.text == "1\n")
        #expect(output.errors.isEmpty)
    }

    @Test func layerLabCommandsContinueToo() {
        let run = ShellRun("input 4\nadd dense 3 kernel_initializer=RandomNormal(\n  stddev=0.1)")
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.session.model.nodes.count == 1)
    }
}

@Suite struct PythonEdgeTests {
    @Test func arithmeticFollowsPython() {
        let run = ShellRun("print(-7 // 2, -7 % 2, 7 // -2, 2 ** 10, 28 * 28, 1 / 4, (784,) + (10,))")
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text == "-4 1 -4 1024 784 0.25 (784, 10)\n")
        let bad = ShellRun("x = 1 // 0")
        #expect(bad.errors.contains("integer division or modulo by zero"))
    }

    @Test func hostileInputIsRefusedNotCrashing() {
        let deep = ShellRun("x = " + String(repeating: "-", count: 5000) + "1")
        #expect(deep.errors.contains("nested too deeply"))
        let brackets = ShellRun("x = " + String(repeating: "(", count: 5000) + String(repeating: ")", count: 5000))
        #expect(brackets.errors.contains("nested too deeply"))
        let wide = ShellRun("import keras\nmodel = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nmodel.summary(line_length=10 ** 9)")
        #expect(wide.errors.contains("too wide"))
        let narrow = ShellRun("import keras\nmodel = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nmodel.summary(line_length=12)")
        #expect(narrow.errors.contains("Insufficient console width to print summary."))
        let tiny = ShellRun("import keras\nmodel = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nmodel.summary(line_length=16)")
        #expect(tiny.errors.isEmpty, "\(tiny.errors)")
        // Keras 3.15.1's own output for summary(line_length=16): rich squeezes and cuts every cell.
        #expect(tiny.text == """
        Model: "sequential"
        ┏━━━━━━┳━━━┳━━━┓
        ┃ Lay… ┃ … ┃ … ┃
        ┃ (ty… ┃ … ┃ # ┃
        ┡━━━━━━╇━━━╇━━━┩
        │ den… │ … │ 8 │
        │ (De… │ … │   │
        └──────┴───┴───┘
         Total params: 8 (32.00 B)
         Trainable params: 8 (32.00 B)
         Non-trainable params: 0 (0.00 B)

        """)
    }

    @Test func resetRestartsKerasNames() {
        let run = ShellRun("from keras.layers import Dense\nimport keras\nx = Dense(2)(keras.Input(shape=(2,)))\nreset\ny = Dense(2)(keras.Input(shape=(2,)))")
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.session.model.allNames == ["input_layer", "dense"])
    }

    @Test func summaryWidthFollowsTheTerminal() {
        let code = "import keras\nmodel = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nmodel.summary()"
        // min(88, columns − 4): 76 at 80 columns, 88 from 92 columns on.
        for (columns, width) in [(80, 76), (92, 88), (200, 88), (70, 66)] {
            let run = ShellRun(code, width: columns)
            #expect(run.text.split(separator: "\n")[1].count == width, "\(columns) columns")
        }
    }
}

@Suite struct PythonAndCommandsTests {
    @Test func aCommandThatBranchesASequentialMakesItAGraph() throws {
        let run = ShellRun("import keras\nmodel = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])\ninput 3 name=extra\nadd dense 2 from=extra name=side", width: 80)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.session.model.kerasClass == nil)
        let summary = try KerasSummary.render(run.session.model, terminalColumns: 80)
        #expect(summary.contains("Connected to") && summary.contains("extra (InputLayer)"))
        let code = try KerasCode.generate(run.session.model)
        #expect(code.contains("keras.Model(inputs=[input_layer, extra], outputs=[dense, side]"))
    }
}

@Suite struct NumpyTests {
    @Test func arraysHaveShapesAndValues() {
        let run = ShellRun("""
        import numpy as np
        a = np.zeros((2, 3))
        b = np.ones(4)
        c = np.array([[1, 2], [3, 4]])
        d = np.random.normal(0.0, 2.0, size=(1000,))
        e = np.random.rand(5, 2)
        f = np.random.uniform(-1, 1, (3,))
        print(a.shape, b.shape, c.shape, d.shape, e.shape, f.shape, c.ndim, c.size)
        np.linspace(0, 1)
        """)
        #expect(run.text == "(2, 3) (4,) (2, 2) (1000,) (5, 2) (3,) 2 4\n")
        #expect(run.errors.contains("LayerLab's numpy subset has no 'np.linspace'"))
        guard case .array(let c)? = run.session.python.variables["c"], case .array(let d)? = run.session.python.variables["d"],
              case .array(let e)? = run.session.python.variables["e"] else { Issue.record("not arrays"); return }
        #expect(c.scalars == [1, 2, 3, 4])
        let mean = d.scalars.reduce(0, +) / 1000
        let std = (d.scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000).squareRoot()
        #expect(abs(mean) < 0.25 && abs(std - 2) < 0.2)
        #expect(e.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        // The same seed gives the same draws.
        let again = ShellRun("import numpy as np\nnp.random.seed(7)\nx = np.random.rand(3)")
        let twice = ShellRun("import numpy as np\nnp.random.seed(7)\nx = np.random.rand(3)")
        guard case .array(let x1)? = again.session.python.variables["x"], case .array(let x2)? = twice.session.python.variables["x"] else {
            Issue.record("not arrays"); return
        }
        #expect(x1.scalars == x2.scalars)
    }
}
