import Foundation
import Formats
import Layers
import Models
import TensorCore
import Testing
import TestSupport
@testable import Shell
import KerasPython

/// `fit` and `evaluate` at the prompt (the arithmetic is checked against Keras in TrainingParityTests).
@Suite struct FitCommandTests {
    static func data() throws -> (x: String, y: String) {
        let dir = try temporaryDirectory()
        var random = RandomGenerator(seed: 4)
        var x = try Tensor(zeros: [40, 3])
        random.fillNormal(&x.scalars)
        let y = try Tensor(shape: [40, 1], scalars: (0..<40).map { r in x.scalars[r * 3] - 2 * x.scalars[r * 3 + 1] })
        let xf = dir.appendingPathComponent("x.npy").path, yf = dir.appendingPathComponent("y.npy").path
        try NPY.write(x, to: xf)
        try NPY.write(y, to: yf)
        return (xf, yf)
    }

    @Test func fitLearnsAndUndoTakesItBack() throws {
        let (x, y) = try Self.data()
        let run = ShellRun("input 3; add dense 1; compile optimizer=SGD(learning_rate=0.1) loss=mse")
        let before = run.session.model.nodes[0].layer.weights
        #expect(run.run("evaluate --input \(x) --target \(y)"), "\(run.errors)")
        #expect(run.run("fit --input \(x) --target \(y) --epochs 4 --batch-size 8 --validation-split 0.25"), "\(run.errors)")
        #expect(run.text.contains("Epoch 4/4") && run.text.contains("4/4 ━━━━━━━━━━━━━━━━━━━━") && run.text.contains("val_loss: "))
        let losses = run.text.split(separator: "\n").filter { $0.hasPrefix("4/4") }.compactMap { line in
            Double(line.split(separator: " - loss: ").last?.split(separator: " ").first ?? "")
        }
        #expect(losses.count == 4 && losses.last! < losses.first! / 2, "\(losses)")
        #expect(run.session.model.compilation?.state.iterations == 16)
        #expect(try KerasCode.generate(run.session.model).hasSuffix("\n# model.fit(x, y, epochs=4, batch_size=8, validation_split=0.25)"))
        run.run("undo")
        #expect(run.session.model.nodes[0].layer.weights == before)
        #expect(run.session.model.compilation?.state.iterations == 0)
    }

    /// Ctrl-C during fit: the steps taken stay; the epoch's log says how many.
    @Test func interruptedFitKeepsTheStepsTaken() throws {
        let (xf, yf) = try Self.data()
        let run = ShellRun("input 3; add dense 1; compile optimizer=SGD(learning_rate=0.1) loss=mse")
        var model = run.session.model
        let x = try NPY.read(path: xf), y = try NPY.read(path: yf)
        var random = RandomGenerator(seed: 1)
        // What Ctrl-C throws, from inside the third step (a real Ctrl-C is tested at a terminal).
        #expect(throws: FitInterrupted.self) {
            _ = try model.fit([model.inputs[0].name: x], targets: [model.outputNames[0]: y], epochs: 2, batchSize: 8, shuffle: false,
                              random: &random) { _, step, _, _ in if step == 2 { throw Interrupt.error } }
        }
        #expect(model.compilation?.state.iterations == 3)
        #expect(model.nodes[0].layer.weights != run.session.model.nodes[0].layer.weights)
    }

    /// A learning rate that blows up: fit stops at the step that cannot be taken, says where and
    /// why, and keeps the last finite weights (Keras would go on training on NaN).
    @Test func divergenceStopsAndKeepsTheLastFiniteWeights() throws {
        let (x, y) = try Self.data()
        let run = ShellRun("input 3; add dense 8 exponential; add dense 1; compile optimizer=SGD(learning_rate=1000.0) loss=mse")
        #expect(run.run("fit --input \(x) --target \(y) --epochs 5 --batch-size 4"), "\(run.errors)")
        #expect(run.text.contains("stopped: epoch 1, step "), "\(run.text)")
        #expect(run.text.contains("NaN or Inf") && run.text.contains("the model keeps the"))
        #expect(run.session.model.nodes.allSatisfy { $0.layer.weights.allSatisfy { $0.scalars.allSatisfy(\.isFinite) } })
        #expect(run.run("undo"))
    }

    /// --log writes Keras's CSVLogger file: `epoch,` then the logs by name, a row per epoch
    /// from 0, \r\n line ends, float32 values as Python prints them.
    @Test func logIsKerasCSVLogger() throws {
        let (x, y) = try Self.data()
        let log = try temporaryDirectory().appendingPathComponent("log.csv").path
        let run = ShellRun("input 3; add dense 1; compile optimizer=SGD(learning_rate=0.1) loss=mse metrics=mae")
        #expect(run.run("fit --input \(x) --target \(y) --epochs 2 --batch-size 8 --validation-split 0.25 --log \(log)"), "\(run.errors)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.count == 4 && lines[0] == "epoch,loss,mae,val_loss,val_mae" && lines[3].isEmpty, "\(text)")
        #expect(lines[1].hasPrefix("0,") && lines[2].hasPrefix("1,") && lines[1].split(separator: ",").count == 5)
        // The printed loss of epoch 2 is the log's, rounded.
        let loss = try #require(Double(lines[2].split(separator: ",")[1]))
        #expect(run.text.contains("loss: " + String(format: "%.4f", loss)))
    }

    /// A CSV whose last column (or --target-column) holds the targets.
    @Test func fitReadsACSV() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("data.csv").path
        var lines = ["a,b,label,c"]
        var random = RandomGenerator(seed: 2)
        for _ in 0..<30 {
            let (a, b, c) = (random.nextNormal(), random.nextNormal(), random.nextNormal())
            lines.append("\(a),\(b),\(a + b > 0 ? 1 : 0),\(c)")
        }
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = ShellRun("input 3; add dense 1 sigmoid; compile optimizer=SGD(learning_rate=0.5) loss=binary_crossentropy metrics=accuracy")
        #expect(run.run("fit --input \(file) --target-column label --epochs 3 --batch-size 10"), "\(run.errors)")
        #expect(run.text.contains("3/3 ━━━━━━━━━━━━━━━━━━━━") && run.text.contains("accuracy: "))
        #expect(run.run("evaluate --input \(file) --target-column label"), "\(run.errors)")
        // Without --target-column the last column is the target, the three others the input.
        #expect(run.run("fit --input \(file) --batch-size 10"), "\(run.errors)")
        let narrow = ShellRun("input 2; add dense 1; compile loss=mse")
        #expect(!narrow.run("fit --input \(file) --batch-size 10"))
        #expect(narrow.errors.contains("has 3 input columns besides the target, but the model's input takes (None, 2)"), "\(narrow.errors)")
        #expect(!run.run("fit --input \(file) --target-column nothing"))
        #expect(run.errors.contains("its columns: a, b, label, c"), "\(run.errors)")
    }

    @Test(arguments: [
        ("fit --input X --target Y --batch-size 100", "larger than the 40 samples"),
        ("fit --input X --target Y --validation-split 1.0", "between 0 and 1"),
        ("fit --input X", "fit needs the targets"),
        ("fit --target Y", "give every input with --input"),
        ("fit --input X --target X", "y_true has shape (40, 3) but y_pred has shape (40, 1)"),
    ])
    func mistakesAreOneLine(_ line: String, _ expected: String) throws {
        let (x, y) = try Self.data()
        let run = ShellRun("input 3; add dense 1; compile loss=mse")
        let before = run.session.model.nodes[0].layer.weights
        #expect(!run.run(line.replacingOccurrences(of: "X", with: x).replacingOccurrences(of: "Y", with: y)))
        #expect(run.errors.contains(expected), "\(run.errors)")
        #expect(run.session.model.nodes[0].layer.weights == before)
    }
}

/// The journal after a fit: the checkpoint's `load`, never the fit; and a fit that fails
/// does not stop the next command from being journaled.
@Suite struct FitJournalTests {
    @Test func aFailedFitDoesNotSilenceTheJournal() throws {
        let (x, y) = try FitCommandTests.data()
        let dir = try temporaryDirectory()
        let run = ShellRun("")
        run.session.journal = try Journal(directory: dir, seed: 1)
        run.run("input 3; add dense 1; compile optimizer=SGD(learning_rate=0.1) loss=mse")
        // Targets that do not fit the loss: refused inside the fit, after it took over the journal line.
        #expect(!run.run("fit --input \(x) --target \(x) --batch-size 8"))
        #expect(run.errors.contains("y_true has shape (40, 3)"), "\(run.errors)")
        #expect(run.run("add dense 1 name=after"))
        #expect(run.run("fit --input \(x) --target \(y) --epochs 2 --batch-size 8"), "\(run.errors)")
        let journal = try String(contentsOf: try #require(run.session.journal?.url), encoding: .utf8)
        #expect(journal.contains("\nadd dense 1 name=after\n"), "\(journal)")
        #expect(!journal.contains("\nfit "), "\(journal)")
        #expect(journal.contains("load '") && journal.contains(".npz'\n"), "\(journal)")
    }
}
