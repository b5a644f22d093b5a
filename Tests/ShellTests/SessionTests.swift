import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Models
@testable import KerasPython
@testable import Shell
@testable import TensorCore
import Text

let issueSession = """
input 16
add dense 32 relu he_uniform
add dense 16 activation=relu
add dense 8
"""

@Suite struct SessionTests {
    @Test func theIssueSessionMatchesKerasSummary() throws {
        let run = ShellRun(issueSession)
        run.run("summary")
        #expect(run.ok, "\(run.errors)")
        let keras = try String(contentsOf: fixture("keras/dense/summary.txt"), encoding: .utf8)
        // Same rows (name, type, shape, params) and the same three footer lines as Keras.
        for row in ["dense (Dense)", "dense_1 (Dense)", "dense_2 (Dense)"] { #expect(keras.contains(row) && run.text.contains(row)) }
        for footer in keras.split(separator: "\n").filter({ $0.hasPrefix(" ") && $0.contains("params:") }) {
            #expect(run.text.contains(footer), "missing: \(footer)")
        }
        for cells in [["(None, 32)", "544", "512"], ["(None, 16)", "528", "512"], ["(None, 8)", "136", "128"]] {
            let line = run.text.split(separator: "\n").first { l in cells.allSatisfy { l.contains($0) } }
            #expect(line != nil, "no row with \(cells)")
        }
        #expect(run.text.contains("Model: \"sequential\""))
        #expect(run.text.contains("MACs: 1,152"))
    }

    @Test func unbuiltLayersShowAsKerasShowsThem() {
        let run = ShellRun("add dense 4")
        run.run("summary")
        #expect(run.text.contains("0 (unbuilt)"))
        #expect(run.text.contains("│ ?"))
        run.run("input 3")
        #expect(run.text.contains("built dense"))
        #expect(run.session.model.parameterCount == 16)
    }

    @Test func badInputNeverChangesTheModel() {
        let run = ShellRun(issueSession)
        let before = run.session.model.nodes.map { ($0.name, $0.layer.weights) }
        for bad in ["add dense 3 rleu", "add dense", "add dense 4 kernel_initializer=RandomNormal(stddev=0.1",
                    "add dense 4 input_shape=(3,)", "remove nothing", "input 4 name=dense", "add nope 3", "weights dense/kernel --load /no/such.npy",
                    "forward --batch 0", "forward --batch x", "seed -1", "undo undo", "add dense 2 name=dense", "show",
                    "add dense 4 kernel_initializer=identity(3, 4, 5)", "add dense 4 kernel_constraint=max_norm(axis=5)"] {
            #expect(!run.run(bad), "\(bad) should fail")
        }
        let after = run.session.model.nodes.map { ($0.name, $0.layer.weights) }
        #expect(before.map(\.0) == after.map(\.0))
        #expect(zip(before, after).allSatisfy { $0.1 == $1.1 })
        // One line per error.
        #expect(run.errors.split(separator: "\n").count == 16)
        #expect(run.errors.contains("error: line 1: unknown activation 'rleu' — did you mean 'relu'?"))
    }

    @Test func messagesForCommonSlips() {
        func error(_ line: String) -> String {
            let run = ShellRun("input 4")
            run.session.run(line)
            return run.errors
        }
        #expect(error("add dense 2 relu tanh").contains("the activation is already set"))
        #expect(error("add dense 2 ones zeros ones").contains("every initializer argument is already set"))
        #expect(error("add conv9d 3").contains("unknown layer type 'conv9d' — did you mean 'conv1d'?\n"))
        #expect(error("add blorp 3").contains("unknown layer type 'blorp' — expected one of: dense, activation, dropout"))
        #expect(error("add dense 2; weights dense/kern").contains("dense has no weight 'kern' — did you mean 'dense/kernel'?"))
        #expect(error("add dense 2 kernel_initializer=RandomNormal(mean=0; stddev=1)").contains("unexpected ';'"))
        // A space before a call's brackets is fine inside a keyword's value, as in Python.
        #expect(error("add dense 2 kernel_initializer=RandomNormal (stddev=0.1)").isEmpty)
    }

    @Test func undoingSeedRestoresIt() {
        let run = ShellRun("seed 42")
        #expect(run.session.seed == 42)
        run.run("undo")
        #expect(run.session.seed == Session.defaultSeed)
        run.run("seed")
        #expect(run.text.hasSuffix("seed \(Session.defaultSeed)\n"))
    }

    @Test func explainPutsTheLayersNumbersIn() {
        let run = ShellRun(issueSession + "\nexplain dense\nexplain dense_2")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("params = in · units + units = 16 · 32 + 32 = 544"))
        #expect(run.text.contains("output = relu(x · kernel + bias)"))
        #expect(run.text.contains("params = in · units + units = 16 · 8 + 8 = 136"))
        #expect(!ShellRun("explain nothing").ok)
    }

    @Test func constantKeepsItsValueInTheConfig() {
        let run = ShellRun("input 2; add dense 1 kernel_initializer=Constant(0.1); show dense")
        #expect(run.text.contains("Constant(value=0.1)"))
    }

    @Test func sameSeedSameCommandsSameWeights() {
        let a = ShellRun(issueSession, seed: 42), b = ShellRun(issueSession, seed: 42), c = ShellRun(issueSession, seed: 43)
        let wa = a.session.model.nodes.flatMap(\.layer.weights), wb = b.session.model.nodes.flatMap(\.layer.weights)
        #expect(wa == wb)
        #expect(wa != c.session.model.nodes.flatMap(\.layer.weights))
        // `seed N` inside a session restarts the stream the same way.
        let d = ShellRun("seed 42")
        d.run("reset")
        d.run(issueSession)
        #expect(d.session.model.nodes.flatMap(\.layer.weights) == wa)
    }

    @Test func undoRedoResetRestoreExactly() {
        let run = ShellRun(issueSession)
        let full = run.session.model.nodes.flatMap(\.layer.weights)
        run.run("remove dense_1")
        #expect(run.session.model.nodes.map(\.name) == ["dense", "dense_2"])
        run.run("undo")
        #expect(run.session.model.nodes.flatMap(\.layer.weights) == full)
        #expect(run.text.contains("undone: remove dense_1"))
        run.run("redo")
        #expect(run.session.model.nodes.count == 2)
        run.run("reset")
        #expect(run.session.model.isEmpty)
        run.run("undo; undo")
        #expect(run.session.model.nodes.flatMap(\.layer.weights) == full)
        #expect(!run.run("redo; redo; redo"))
        #expect(run.errors.contains("nothing to redo"))
    }

    @Test func weightsExportAndLoad() throws {
        let dir = try temporaryDirectory()
        let k = dir.appendingPathComponent("k.npy").path
        let run = ShellRun(issueSession)
        run.run("weights dense/kernel --output \(k)")
        let written = try NPY.read(contentsOf: URL(fileURLWithPath: k))
        #expect(written == (try run.session.model.weight("dense/kernel").value))
        // Load another layer's export where shapes differ: refused, and says both shapes.
        #expect(!run.run("weights dense_1/kernel --load \(k)"))
        #expect(run.errors.contains("dense_1/kernel has shape (32, 16), the new values have shape (16, 32)"))
        try NPY.write(try Tensor(zeros: [16, 32], value: 0.25), to: URL(fileURLWithPath: k))
        #expect(run.run("weights dense/kernel --load \(k)"))
        #expect(try run.session.model.weight("dense/kernel").value.scalars.allSatisfy { $0 == 0.25 })
        run.run("undo")
        #expect(try run.session.model.weight("dense/kernel").value == written)
    }

    @Test func forwardWithFilesMatchesKeras() throws {
        let dir = try temporaryDirectory()
        let run = ShellRun(issueSession.replacingOccurrences(of: "relu he_uniform", with: "relu"))
        for layer in ["dense", "dense_1", "dense_2"] {
            for w in ["kernel", "bias"] {
                #expect(run.run("weights \(layer)/\(w) --load \(fixture("keras/dense/mlp/\(layer).\(w).npy").path)"))
            }
        }
        let out = dir.appendingPathComponent("y.npy").path
        #expect(run.run("forward --input \(fixture("keras/dense/mlp/input.npy").path) --output \(out)"), "\(run.errors)")
        let y = try NPY.read(contentsOf: URL(fileURLWithPath: out))
        let (ok, worst) = closeness(y, try loadFixture("keras/dense/mlp/output.npy"))
        #expect(ok, "\(worst)")
        #expect(run.text.contains("output dense_2 (4, 8)"))
    }

    @Test func forwardRandomBatch() {
        let run = ShellRun(issueSession)
        #expect(run.run("forward --batch 3"))
        #expect(run.text.split(separator: "\n").contains { $0.hasPrefix("dense ") && $0.contains("(3, 32)") })
        #expect(run.text.contains("output dense_2 (3, 8)"))
        #expect(!run.run("forward --input x.npy --batch 2"))
        #expect(!ShellRun("forward").ok)
    }

    @Test func showListsEveryKerasArgument() {
        let run = ShellRun(issueSession)
        run.run("show dense")
        for key in ["units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
                    "bias_regularizer", "kernel_constraint", "bias_constraint"] {
            #expect(run.text.contains("  \(key) "), "missing \(key)")
        }
        #expect(run.text.contains("HeUniform(seed=None"))
        #expect(run.text.contains("'relu'"))
        #expect(run.text.contains("dense/kernel  (16, 32)"))
        #expect(run.text.contains("mean "))
    }

    @Test func helpCoversEveryCommand() {
        for command in Commands.all {
            let run = ShellRun("help \(command.name)")
            #expect(run.ok)
            #expect(run.text.contains(command.usage))
            // Every example in the help parses.
            for example in command.examples { #expect((try? CommandParser.parse(example)) != nil, "\(example)") }
            _ = run.run("")
        }
        let run = ShellRun("help dense")
        #expect(run.text.contains("kernel_initializer") && run.text.contains("'glorot_uniform'"))
        #expect(ShellRun("help activations").text.contains("hard_sigmoid"))
        #expect(!ShellRun("help nothing_like_this").ok)
    }

    @Test func docsDescribeEveryCommand() throws {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/commands.md"), encoding: .utf8)
        for command in Commands.all { #expect(doc.contains("## \(command.name)"), "docs/commands.md lacks ## \(command.name)") }
    }

    @Test func completion() {
        let run = ShellRun(issueSession)
        let s = run.session
        #expect(s.completions(line: "", word: "su") == ["summary"])
        #expect(s.completions(line: "add ", word: "de") == ["dense", "depthwise_conv1d", "depthwise_conv2d"])
        #expect(s.completions(line: "add ", word: "max_p") == ["max_pooling1d", "max_pooling2d", "max_pooling3d"])
        #expect(s.completions(line: "add dense 3 ", word: "he_u").contains("he_uniform"))
        #expect(s.completions(line: "add dense 3 activation=", word: "sig") == ["sigmoid"])
        #expect(s.completions(line: "show ", word: "dense_") == ["dense_1", "dense_2"])
        #expect(s.completions(line: "weights ", word: "dense_1/") == ["dense_1/kernel", "dense_1/bias"])
    }
}

@Suite struct FormatTests {
    @Test func numbersLikeKeras() {
        #expect(Format.thousands(1208) == "1,208")
        #expect(Format.thousands(1_612_800) == "1,612,800")
        #expect(Format.thousands(0) == "0")
        #expect(Format.bytes(0) == "0.00 B")
        #expect(Format.bytes(1208 * 4) == "4.72 KB")
        #expect(Format.bytes(50_890 * 4) == "198.79 KB")
        #expect(Format.bytes(4_003_000 * 4) == "15.27 MB")
    }

    @Test func previewIsNumPyLike() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, -2, 3, 4, 5, 6])
        #expect(Format.preview(t) == "[[ 1.0000 -2.0000  3.0000]\n [ 4.0000  5.0000  6.0000]]")
        let long = try Tensor(zeros: [10])
        #expect(Format.preview(long) == "[0.0000 0.0000 0.0000 ... 0.0000 0.0000 0.0000]")
    }

    @Test func tableWrapsAndCuts() {
        #expect(Table.wrap("batch_normalization (BatchNormalization)", width: 25) == ["batch_normalization", "(BatchNormalization)"])
        #expect(Table.wrap("global_average_pooling2d_extra", width: 10) == ["global_av…"])
    }
}
