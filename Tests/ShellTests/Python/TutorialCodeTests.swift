import Foundation
import Testing
import TestSupport
@testable import Layers
import TensorCore
@testable import Models
@testable import KerasPython
@testable import Shell

/// Code from Keras tutorials that Keras 3 accepts (issue 16, defect 4).
@Suite struct TutorialCodeTests {
    @Test func inputDimIsInputShapeOfOneAxis() {
        // Keras 3.15: Sequential() + Dense(32, input_dim=32) is built, 1,056 parameters.
        let run = ShellRun("""
        import keras
        from keras.layers import Dense
        model = keras.Sequential()
        model.add(Dense(32, input_dim=32))
        print(model.count_params())
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text == "1056\n")
        #expect(run.session.model.inputs.first?.shape == [32])
        // The command language takes it too; with input_shape= Keras refuses the pair.
        let add = ShellRun("add dense 4 input_dim=3")
        #expect(add.errors.isEmpty, "\(add.errors)")
        #expect(add.session.model.parameterCount == 16)
        let both = ShellRun("add dense 4 input_dim=3 input_shape=(3,)")
        #expect(both.errors.contains("give input_dim= or input_shape=, not both"))
    }

    @Test func embeddingKeepsItsOwnInputDim() {
        let run = ShellRun("from keras.layers import Embedding\nimport keras\nm = keras.Sequential([Embedding(1000, 64)])")
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.session.model.inputs.isEmpty)
        #expect(run.session.model.nodes.first?.layer.config.first { $0.key == "input_dim" }?.value == .int(1000))
    }

    @Test func randintAndRandomFollowNumPy() throws {
        let run = ShellRun("""
        import numpy as np
        a = np.random.randint(1000, size=(32, 10))
        b = np.random.randint(3, 5, size=200)
        c = np.random.random((4, 5))
        d = np.random.randint(7)
        e = np.random.random()
        print(a.shape, a.dtype, c.shape, c.dtype)
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text == "(32, 10) int32 (4, 5) float32\n")
        let v = run.session.python.variables
        guard case .array(let a)? = v["a"], case .array(let b)? = v["b"], case .array(let c)? = v["c"],
              case .int(let d)? = v["d"], case .float(let e)? = v["e"] else {
            Issue.record("wrong kinds: \(v)")
            return
        }
        #expect(a.scalars.allSatisfy { $0 >= 0 && $0 < 1000 && $0 == $0.rounded() })
        #expect(Set(b.scalars) == [3, 4])
        #expect(c.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect((0..<7).contains(d))
        #expect(e >= 0 && e < 1)
        // Drawn from the session's seeded data stream: the same seed draws the same values.
        let again = ShellRun("import numpy as np\na = np.random.randint(1000, size=(32, 10))")
        if case .array(let a2)? = again.session.python.variables["a"] { #expect(a2.scalars == a.scalars) }
        let bad = ShellRun("import numpy as np\nnp.random.randint(0)\nnp.random.randint(5, 5)")
        #expect(bad.errors.contains("np.random.randint: high <= 0"))
        #expect(bad.errors.contains("np.random.randint: low >= high"))
    }

    @Test func removedLocallyConnectedImportsWithANote() {
        let run = ShellRun("from keras.layers import Conv1D, LocallyConnected1D\nimport keras\nl = keras.layers.LocallyConnected2D(4, 3)")
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text.contains("note: Keras 3 removed LocallyConnected1D"))
        #expect(run.text.contains("note: Keras 3 removed LocallyConnected2D"))
        #expect(run.text.split(separator: "\n").count == 2)
        if case .function(let f)? = run.session.python.variables["LocallyConnected1D"] { #expect(f == "keras.layers.LocallyConnected1D") } else {
            Issue.record("LocallyConnected1D was not imported")
        }
        #expect(run.session.python.variables["Conv1D"] != nil)
    }

    @Test func kerasOneArgumentNamesPointToKerasThree() {
        let run = ShellRun("from keras.layers import Dense\nDense(64, init='uniform')")
        #expect(run.errors == "error: line 2: Dense() got an unexpected keyword argument 'init' — 'init' is Keras 1's name: Keras 3 calls it kernel_initializer=, for example kernel_initializer='uniform'\n")
    }

    @Test func anyLambdaParameterName() throws {
        func body(_ lambda: String) -> (String?, String) {
            let run = ShellRun("import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(\(lambda))])")
            guard case .string(let s)? = run.session.model.nodes.first?.layer.config.first?.value else { return (nil, run.errors) }
            return (s, run.errors)
        }
        #expect(body("lambda y: y * 2") == ("x * 2", ""))
        #expect(body("lambda y: y*2 + keras.ops.mean(y, axis=-1, keepdims=True)") == ("x*2 + mean(x, axis=-1, keepdims=True)", ""))
        #expect(body("lambda inputs: inputs * inputs + 1") == ("x * x + 1", ""))
        #expect(body("lambda y: y + x").1.contains("the body also uses the name x"))
    }

    @Test func predictBuildsASequentialFromTheData() throws {
        let run = ShellRun("""
        import keras
        import numpy as np
        model = keras.Sequential()
        model.add(keras.layers.Embedding(1000, 64))
        output_array = model.predict(np.random.randint(1000, size=(32, 10)))
        print(output_array.shape)
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(run.text == "(32, 10, 64)\n")
        let input = try #require(run.session.model.inputs.first)
        #expect(input.shape == [10])
        #expect(input.dtype == .int32)
        #expect(run.session.model.parameterCount == 64_000)
        // The build is a model change: one undo step takes it back.
        run.run("undo")
        #expect(run.session.model.inputs.isEmpty)
        #expect(run.session.model.nodes.count == 1)
        let dense = ShellRun("import keras\nimport numpy as np\nm = keras.Sequential([keras.layers.Dense(3)])\nprint(m.predict(np.ones((2, 5))).shape, m.count_params())")
        #expect(dense.errors.isEmpty, "\(dense.errors)")
        #expect(dense.text == "(2, 3) 18\n")
        #expect(dense.session.model.inputs.first?.dtype == .float32)
        let empty = ShellRun("import keras\nimport numpy as np\nkeras.Sequential().predict(np.zeros((2, 5)))")
        #expect(empty.errors.contains("cannot be built because it has no layers"))
    }
}
