import Layers
import Testing
import TestSupport
@testable import Shell
import KerasPython

/// `compile`: Keras's model.compile arguments kept with the model (issue 19's first step).
@Suite struct CompileTests {
    static let model = "input 4; add dense 3 softmax"

    @Test func compileKeepsTheChoiceAndSummaryShowsIt() throws {
        let run = ShellRun(Self.model)
        #expect(run.run("compile optimizer=Adam(learning_rate=0.01) loss=sparse_categorical_crossentropy metrics=accuracy"), "\(run.errors)")
        let compiled = try #require(run.session.model.compilation)
        #expect(compiled.optimizer.className == "Adam" && compiled.optimizer["learning_rate"] == .double(Double(Float(0.01))))
        #expect(compiled.loss?.className == "SparseCategoricalCrossentropy" && compiled.metrics == ["accuracy"])
        #expect(run.text.contains("compiled: optimizer=Adam(learning_rate=0.01) loss='sparse_categorical_crossentropy' metrics=['accuracy']"))
        run.run("summary")
        #expect(run.text.contains(" Compiled: optimizer=Adam(learning_rate=0.01)"))
    }

    @Test func kerasDefaultsAndPositions() throws {
        let run = ShellRun(Self.model + "; compile")
        #expect(run.session.model.compilation?.optimizer.className == "RMSprop")
        #expect(run.session.model.compilation?.loss == nil)
        #expect(run.run("compile sgd CategoricalCrossentropy(label_smoothing=0.1) metrics=[mae, 'acc']"), "\(run.errors)")
        #expect(run.session.model.compilation?.optimizer.className == "SGD")
        #expect(run.session.model.compilation?.loss?.labelSmoothing == 0.1)
        #expect(run.session.model.compilation?.metrics == ["mae", "acc"])
    }

    @Test func undoTakesItBack() throws {
        let run = ShellRun(Self.model + "; compile optimizer=sgd loss=mse; compile optimizer=adam loss=mae")
        #expect(run.session.model.compilation?.optimizer.className == "Adam")
        run.run("undo")
        #expect(run.session.model.compilation?.optimizer.className == "SGD")
        run.run("undo")
        #expect(run.session.model.compilation == nil)
    }

    /// One line each, the nearest name where there is one, and the model unchanged.
    @Test(arguments: [
        ("compile optimizer=adma", "did you mean 'adam'?"),
        ("compile loss=huber_loss", "did you mean 'huber'?"),
        ("compile metrics=acuracy", "did you mean 'accuracy'?"),
        ("compile optimiser=adam", "did you mean 'optimizer'?"),
        ("compile optimizer=SGD(learning_rate=1)", "write 1.0"),
        ("compile optimizer=Adam(clipnorm=1.0, clipvalue=0.5)", "only one of clipnorm, clipvalue and global_clipnorm"),
    ])
    func badArgumentsAreOneLineAndChangeNothing(_ line: String, _ expected: String) throws {
        let run = ShellRun(Self.model + "; compile optimizer=sgd loss=mse")
        let before = run.session.model.compilation
        #expect(!run.run(line))
        #expect(run.errors.contains(expected), "\(run.errors)")
        #expect(run.errors.split(separator: "\n").count == 1, "\(run.errors)")
        #expect(run.session.model.compilation == before)
    }

    /// Python's model.compile takes the same path: the same checks, kept with the model, one undo step.
    @Test func pythonCompileIsTheCommand() throws {
        let run = ShellRun("""
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(10, activation='softmax', input_shape=(4,)))
        model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
        """)
        #expect(run.ok, "\(run.errors)")
        #expect(run.session.model.compilation?.optimizer.className == "Adam")
        #expect(run.session.model.compilation?.loss?.className == "SparseCategoricalCrossentropy")
        #expect(!run.run("model.compile(optimizer='adma')"))
        #expect(run.errors.contains("did you mean 'adam'?"))
        run.run("undo")
        #expect(run.session.model.compilation == nil)
    }

    /// `summary --memory` counts the compiled optimizer's state: its slots (keras-training.md §1) per trainable value.
    @Test func memoryCountsTheOptimizerState() throws {
        let slots: [(String, Int)] = [("SGD()", 0), ("SGD(momentum=0.9)", 1), ("Adam()", 2), ("Adam(amsgrad=True)", 3),
                                      ("AdamW()", 2), ("RMSprop()", 1), ("RMSprop(momentum=0.5, centered=True)", 3),
                                      ("Adagrad()", 1), ("Adadelta()", 2), ("Adamax()", 2), ("Nadam()", 2), ("Lion()", 1),
                                      ("Ftrl()", 2), ("Lion(use_ema=True)", 2), ("SGD(gradient_accumulation_steps=4)", 1)]
        for (typed, count) in slots {
            #expect(try OptimizerType.make(OptimizerTests.typed(typed)).slotsPerWeight == count, "\(typed)")
        }
        let run = ShellRun("input 784; add dense 512 relu; add dense 10; compile optimizer=adam loss=mse; summary --memory")
        // 407,050 trainable values × 2 slots × 4 bytes = 3,256,400 bytes.
        #expect(run.text.contains(" Optimizer state: 3.11 MB  Adam keeps 2 values per trainable parameter"), "\(run.text)")
    }

    /// `export python` writes the compile call as Keras takes it (checked by running the
    /// exported file in Keras 3.15.1 by hand: it compiles and prints the summary).
    @Test func exportWritesTheCompileCall() throws {
        let run = ShellRun(Self.model + "; compile optimizer=SGD(learning_rate=ExponentialDecay(0.1, 100, 0.9), momentum=0.9) loss=CategoricalCrossentropy(label_smoothing=0.1) metrics=accuracy")
        let code = try KerasCode.generate(run.session.model)
        #expect(code.contains("model.compile(optimizer=keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.1, decay_steps=100, decay_rate=0.9, staircase=False, name='ExponentialDecay'), momentum=0.9), loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1), metrics=['accuracy'])"), "\(code)")
        let plain = try KerasCode.generate(ShellRun(Self.model + "; compile adam mse").session.model)
        #expect(plain.contains("model.compile(optimizer=keras.optimizers.Adam(), loss='mse')"), "\(plain)")
    }
}
