import Foundation
import Formats
import Layers
import Testing
import TestSupport
@testable import KerasPython
@testable import Models
@testable import Shell
import TensorCore

/// Keras Python trains at the prompt: model.fit goes through the `fit` command's path
/// (Session.fit), evaluate/predict/train_on_batch give what the shell's commands give.
@Suite struct PythonTrainingTests {
    static let tutorial = """
    import numpy as np
    import keras
    from keras import layers
    np.random.seed(0)
    x = np.random.rand(100, 8)
    y = np.random.randint(0, 2, size=(100,))
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation='relu'), layers.Dense(1, activation='sigmoid')])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    h = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.2)
    print(h.history['loss'])
    """

    /// The floats of a printed Python list (`[0.69, 0.68]`).
    static func floats(_ line: Substring) -> [Double] {
        line.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    @Test func aPastedTutorialSnippetTrains() throws {
        let run = ShellRun(Self.tutorial)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let lines = run.text.split(separator: "\n")
        #expect(lines.contains("Epoch 3/3"))
        // 80 samples to train on in batches of 16: 5 steps; 20 held out for val_loss.
        #expect(lines.filter { $0.hasPrefix("5/5 ━━━━━━━━━━━━━━━━━━━━") && $0.contains(" - val_loss: ") }.count == 3, "\(run.text)")
        let losses = Self.floats(lines.last!)
        #expect(losses.count == 3 && losses[2] < losses[0], "\(lines.last!)")
        #expect(run.session.model.compilation?.state.iterations == 15)
        run.run("h.history\nh.epoch\nh.params['steps']\nlen(h.history['val_loss'])")
        let echoed = run.text.split(separator: "\n").suffix(4)
        #expect(echoed.first?.hasPrefix("{'loss': [") == true && echoed.first?.contains("], 'val_loss': [") == true, "\(echoed)")
        #expect(Array(echoed.dropFirst()) == ["[0, 1, 2]", "5", "3"])
    }

    @Test func aPythonFitIsOneUndoableChange() throws {
        let run = ShellRun(Self.tutorial.replacingOccurrences(of: "h = model.fit", with: "before = 1\nh = model.fit"))
        #expect(run.errors.isEmpty, "\(run.errors)")
        let trained = run.session.model.nodes.map(\.layer.weights)
        run.run("undo")
        #expect(run.text.contains("undone: h = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.2)"), "\(run.text)")
        #expect(run.session.model.nodes.map(\.layer.weights) != trained)
        #expect(run.session.model.compilation?.state.iterations == 0)
        #expect(run.session.model.compilation != nil)
        run.run("redo")
        #expect(run.session.model.nodes.map(\.layer.weights) == trained)
        // The untrained weights are the ones the model was built with.
        let fresh = ShellRun(Self.tutorial.components(separatedBy: "h = model.fit")[0])
        run.run("undo")
        #expect(run.session.model.nodes.map(\.layer.weights) == fresh.session.model.nodes.map(\.layer.weights))
    }

    @Test func fitLearnsFromLoadedArraysAndVerboseZeroIsSilent() throws {
        let (x, y) = try FitCommandTests.data()
        let run = ShellRun("""
        import numpy as np
        import keras
        x = np.load('\(x)')
        y = np.load('\(y)')
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        compile optimizer=SGD(learning_rate=0.1) loss=mse
        first = model.evaluate(x, y, verbose=0)
        h = model.fit(x, y, epochs=10, verbose=0)
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text == "compiled: optimizer=SGD(learning_rate=0.1) loss='mse'\n", "\(run.text)")
        run.run("first\nh.history['loss'][-1]")
        let values = run.text.split(separator: "\n").compactMap { Double($0) }
        #expect(values.count == 2 && values[1] < values[0] / 10, "\(run.text)")
        // batch_size None is Keras's 32: 40 samples are 2 steps an epoch.
        #expect(run.session.model.compilation?.state.iterations == 20)
    }

    @Test func evaluatePredictAndTrainOnBatchGiveWhatTheShellGives() throws {
        let (x, y) = try FitCommandTests.data()
        let run = ShellRun("""
        import numpy as np
        import keras
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation='tanh'), keras.layers.Dense(1)])
        model.compile(optimizer='adam', loss='mse')
        x = np.load('\(x)')
        y = np.load('\(y)')
        loss = model.evaluate(x, y, batch_size=16)
        p = model.predict(x)
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let model = run.session.model
        let feeds = [model.inputs[0].name: try NPY.read(path: x)], targets = [model.outputNames[0]: try NPY.read(path: y)]
        let expected = try model.evaluate(feeds, targets: targets, batchSize: 16)
        guard case .float(let loss)? = run.session.python.variables["loss"], case .array(let p)? = run.session.python.variables["p"] else {
            Issue.record("loss and p are not a float and an array"); return
        }
        #expect(loss == expected)
        #expect(run.text.contains("loss: " + String(format: "%.4f", expected)))
        run.run("evaluate --input \(x) --target \(y) --batch-size 16")
        #expect(run.text.hasSuffix("loss: " + String(format: "%.4f", expected) + "\n"))
        var random = run.session.dataGenerator
        #expect(p == (try model.forward(feeds, training: false, random: &random)).first?.value)

        var stepped = model
        var generator = run.session.dataGenerator
        let stepLoss = try stepped.trainStep(feeds, targets: targets, random: &generator)
        run.run("l = model.train_on_batch(x, y)\nl")
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text.hasSuffix(Value.pythonFloat(stepLoss) + "\n"), "\(run.text)")
        #expect(run.session.model.nodes.map(\.layer.weights) == stepped.nodes.map(\.layer.weights))
        run.run("undo")
        #expect(run.session.model.nodes.map(\.layer.weights) == model.nodes.map(\.layer.weights))
        run.run("model.test_on_batch(x, y)\nmodel.evaluate(x, y, verbose=0, return_dict=True)")
        #expect(run.text.hasSuffix(Value.pythonFloat(try model.evaluate(feeds, targets: targets, batchSize: 40)) + "\n"
                                   + "{'loss': \(Value.pythonFloat(try model.evaluate(feeds, targets: targets, batchSize: 32)))}\n"), "\(run.text)")
    }

    @Test func errorsAreOneLineAndChangeNothing() throws {
        let setup = """
        import numpy as np
        import keras
        x = np.random.rand(20, 8)
        y = np.random.rand(20, 1)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
        """
        let cases: [(String, String)] = [
            ("model.fit(x, y)", "You must call `compile()` before using the model. — model.compile(optimizer='adam', loss='mse') first"),
            ("model.evaluate(x, y)", "You must call `compile()` before using the model."),
            ("model.train_on_batch(x, y)", "You must call `compile()` before using the model."),
            ("model.compile(loss='mse')\nmodel.fit(x, y, callbacks=[x])", "LayerLab's model.fit does not take callbacks= — LayerLab has no callbacks"),
            ("model.compile(loss='mse')\nmodel.fit(x, y, validation_data=(x, y))", "LayerLab's model.fit does not take validation_data= — use validation_split="),
            ("model.compile(loss='mse')\nmodel.fit(x, y, sample_weight=y)", "LayerLab's model.fit does not take sample_weight="),
            ("model.compile(loss='mse')\nmodel.fit(x, y, epoch=3)", "fit() got an unexpected keyword argument 'epoch' — did you mean 'epochs'?"),
            ("model.compile(loss='mse')\nmodel.fit(x)", "model.fit needs y="),
            ("model.compile(loss='mse')\nmodel.fit(x, np.random.rand(10, 1))", "Data cardinality is ambiguous: x holds 20 samples but y holds 10"),
            ("model.compile(loss='mse')\nmodel.fit(np.random.rand(20, 5), y)", "input_layer: expected a batch of shape (None, 8), got (20, 5)"),
            ("model.compile(loss='mse')\nmodel.fit(x, y, validation_split=1.5)", "validation split must be a fraction between 0 and 1"),
            ("model.compile(loss='mse')\nmodel.fit(x, y, epochs=0)", "model.fit: epochs must be at least 1, got 0"),
            ("model.compile(loss='mse')\nmodel.evaluate(x, y, steps=3)", "LayerLab's model.evaluate does not take steps="),
            ("x = np.load('no-such-file.npy')", "no-such-file.npy"),
            ("x = np.load('w.npz')", "LayerLab's np.load reads .npy files (one array), not 'w.npz'"),
        ]
        for (code, expected) in cases {
            let run = ShellRun(setup)
            let before = run.session.model.nodes.map(\.layer.weights)
            run.run(code)
            let lines = run.errors.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(expected), "\(code): \(lines)")
            #expect(run.session.model.nodes.map(\.layer.weights) == before, "\(code)")
            #expect((run.session.model.compilation?.state.iterations ?? 0) == 0, "\(code)")
        }
    }

    @Test func aBatchLargerThanTheDataIsOneBatchAsInKeras() throws {
        let run = ShellRun("""
        import numpy as np
        import keras
        x = np.random.rand(10, 2)
        y = np.random.randint(0, 3, size=(10,))
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation='softmax')])
        model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')
        h = model.fit(x, y, epochs=2, shuffle=False)
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text.contains("1/1 ━━━━━━━━━━━━━━━━━━━━"))
        #expect(run.session.model.compilation?.state.iterations == 2)
        run.run("y.dtype\nnp.random.rand(2, 3).shape\nnp.random.normal(0, 1, (4,)).shape\nnp.random.uniform(size=3).dtype")
        #expect(run.text.hasSuffix("'int32'\n(2, 3)\n(4,)\n'float32'\n"), "\(run.text)")
    }
}

extension PythonTrainingTests {
    @Test func aFitStoppedAtAStepThatCannotBeTakenSaysSoAndKeepsTheStepsBefore() throws {
        let run = ShellRun("""
        import numpy as np
        import keras
        x = np.random.rand(8, 2)
        y = np.random.rand(8, 1)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        compile optimizer=SGD(learning_rate=1e38) loss=mse
        h = model.fit(x, y, epochs=2, batch_size=4)
        h.history
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text.contains("stopped: epoch 1, step "), "\(run.text)")
        #expect(run.text.hasSuffix("{'loss': []}\n"), "\(run.text)")
    }

    /// With metrics, evaluate and train_on_batch return Keras's list [loss, metrics…] (or a
    /// dict with return_dict=True), equal to the `evaluate` command's figures.
    @Test func metricsComeBackAsKerasReturnsThem() throws {
        let run = ShellRun("""
        import numpy as np
        import keras
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation='sigmoid')])
        model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
        x = np.random.rand(4, 2)
        y = np.random.randint(0, 2, size=(4, 1))
        result = model.evaluate(x, y, verbose=0)
        print(len(result))
        d = model.evaluate(x, y, verbose=0, return_dict=True)
        print(result[1])
        print(d['accuracy'])
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let lines = run.text.split(separator: "\n").suffix(3).map(String.init)
        #expect(lines.count == 3 && lines[0] == "2" && lines[1] == lines[2] && ["0.0", "0.25", "0.5", "0.75", "1.0"].contains(lines[1]), "\(run.text)")
    }
}

/// keras.optimizers, keras.losses and keras.optimizers.schedules objects in model.compile, as
/// tutorials write them and as `export python` writes them: the exported script runs back in LayerLab.
@Suite struct PythonCompileObjectTests {
    @Test func compileTakesKerasObjects() throws {
        let run = ShellRun("""
        import keras
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation='softmax')])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.9), momentum=0.9), loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1), metrics=['accuracy'])
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let compiled = try #require(run.session.model.compilation)
        #expect(compiled.optimizer.className == "SGD" && compiled.loss?.labelSmoothing == 0.1)
        // What export writes runs back here, to the same compilation.
        let again = ShellRun(try KerasCode.generate(run.session.model))
        #expect(again.errors.isEmpty, "\(again.errors)")
        #expect(again.session.model.compilation?.optimizer == compiled.optimizer)
        #expect(again.session.model.compilation?.loss == compiled.loss)
    }

    @Test(arguments: [
        ("keras.optimizers.Adma()", "did you mean 'Adam'?"),
        ("keras.optimizers.Lamb()", "LayerLab does not have keras.optimizers.Lamb yet"),
        ("keras.optimizers.SGD(learning_rate=1)", "write 1.0"),
    ])
    func mistakesAreOneLine(_ optimizer: String, _ expected: String) throws {
        let run = ShellRun("import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\nmodel.compile(optimizer=\(optimizer), loss='mse')")
        #expect(run.errors.contains(expected), "\(run.errors)")
        #expect(run.errors.split(separator: "\n").count == 1)
        #expect(run.session.model.compilation == nil)
    }
}
