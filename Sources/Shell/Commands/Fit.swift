import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let fit = Command(
        name: "fit", usage: "fit --input [INPUT=]FILE.npy … --target [OUTPUT=]FILE.npy … [--epochs N] [--batch-size N] [--no-shuffle] [--validation-split F] [--log FILE.csv]",
        summary: "train the compiled model on arrays, as Keras's model.fit: its loss per epoch, the weights updated (undo takes them back)",
        examples: ["fit --input x.npy --target y.npy --epochs 5", "fit spiral --epochs 300 --batch-size 16", "fit --input iris.csv --target-column species --epochs 20", "fit --input x.npy --target y.npy --epochs 3 --batch-size 16 --validation-split 0.2",
                   "fit --input x.npy --target y.npy --no-shuffle"],
        flags: [.input,
                .target,
                .init(name: "target-column", value: "NAME", help: "with a .csv input: the column that holds the targets (a header name or a number; default the last)"),
                .init(name: "samples", value: "N", help: "with a dataset name: how many points (default 500)"),
                .init(name: "noise", value: "F", help: "with a dataset name: noise in Playground's units (0 to 50; default 0)"),
                .init(name: "epochs", value: "N", help: "passes over the data (default 1)"),
                .init(name: "batch-size", value: "N", help: "samples per step (default 32); the last batch may be smaller and is a step too"),
                .init(name: "no-shuffle", value: nil, help: "take the samples in order (by default each epoch shuffles them, seeded by the session)"),
                .init(name: "validation-split", value: "F", help: "hold out the last fraction F of the samples (before shuffling) and report val_loss"),
                .init(name: "log", value: "FILE", help: "write each epoch's logs to a CSV file as Keras's CSVLogger does"),
                .init(name: "png", value: "FILE", help: "also write the learning curve as a PNG image")],
        details: "As Keras's fit: each step differentiates the compiled loss plus the regularization penalties on one batch in "
            + "training mode and applies the compiled optimizer (its constraints after); the epoch's loss is the mean of the "
            + "batches' losses weighted by their sizes, each taken before its update. The fit is one change: 'undo' brings back "
            + "the weights and the optimizer state from before it. Ctrl-C stops after the current step and keeps the steps taken. "
            + "After a fit of two epochs or more the learning curve is drawn: loss and metrics per epoch, validation dashed; "
            + "fits that continue the same weights continue the curve. Each epoch also records every weight's mean, std, "
            + "min, max and norms and each penalty, for 'norms --history', 'losses --history' and 'hist'."
    ) { inv, session in
        let model = session.model
        guard model.compilation?.loss != nil else {
            throw LabError("the model is not compiled with a loss: fit needs one", suggestion: "compile it first, for example 'compile optimizer=adam loss=mse'")
        }
        guard (inv.repeated["input"] ?? []).count == model.inputs.count || !inv.values.isEmpty, !model.inputs.isEmpty else {
            throw LabError("fit trains on data from files: give every input with --input FILE.npy",
                           suggestion: model.inputs.count > 1 ? "inputs: " + model.inputs.map(\.name).joined(separator: ", ") : "for example 'fit --input x.npy --target y.npy'")
        }
        let (feeds, targets) = try session.trainingData(inv)
        var split: Double?
        if let text = try inv.text("validation-split") {
            guard let v = Double(text) else { throw LabError("fit: --validation-split must be a fraction between 0 and 1 (exclusive), got \(text)") }
            split = v
        }
        try session.fit(feeds, targets: targets, epochs: try inv.int("epochs", default: 1, range: 1...1_000_000),
                        batchSize: try inv.int("batch-size", default: 32, range: 1...1_000_000_000),
                        shuffle: !inv.has("no-shuffle"), validationSplit: split, log: try inv.text("log"), png: try inv.text("png"))
    }

    /// Keras's progress line: `13/13 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 1.0831`.
    static func progressLine(_ step: Int, _ steps: Int, _ started: UInt64, _ logs: [(String, Double)]) -> String {
        let width = 20, filled = steps == 0 ? width : width * step / steps
        let bar = String(repeating: "━", count: filled) + String(repeating: " ", count: width - filled)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let perStep = elapsed / Double(max(1, step))
        let rate = perStep >= 1 ? String(format: "%.0fs/step", perStep) : perStep >= 1e-3 ? String(format: "%.0fms/step", perStep * 1e3)
            : String(format: "%.0fus/step", perStep * 1e6)
        let counter = String(repeating: " ", count: String(steps).count - String(step).count) + "\(step)/\(steps)"
        return "\(counter) \(bar) \(Int(elapsed))s \(rate)" + logs.map { " - \($0.0): " + String(format: "%.4f", $0.1) }.joined()
    }

    static let evaluate = Command(
        name: "evaluate", usage: "evaluate --input [INPUT=]FILE.npy … --target [OUTPUT=]FILE.npy … [--batch-size N]",
        summary: "the compiled loss (with the penalties) on arrays in inference mode, as Keras's model.evaluate",
        examples: ["evaluate --input xt.npy --target yt.npy"],
        flags: [.input,
                .target,
                .init(name: "target-column", value: "NAME", help: "with a .csv input: the column that holds the targets (default the last)"),
                .init(name: "batch-size", value: "N", help: "samples per batch (default 32)")]
    ) { inv, session in
        try inv.noArguments()
        let model = session.model
        guard let loss = model.compilation?.loss else {
            throw LabError("the model is not compiled with a loss: evaluate needs one", suggestion: "compile it first, for example 'compile loss=mse'")
        }
        guard (inv.repeated["input"] ?? []).count == model.inputs.count, !model.inputs.isEmpty else {
            throw LabError("evaluate reads the data from files: --input FILE.npy --target FILE.npy (or --input FILE.csv)")
        }
        _ = loss
        let (feeds, targets) = try session.trainingData(inv)
        let (value, metrics) = try model.evaluateWithMetrics(feeds, targets: targets,
                                                             batchSize: try inv.int("batch-size", default: 32, range: 1...1_000_000_000))
        let entries = ([("loss", value)] + metrics.map { ($0.key, $0.value) }).sorted { $0.0 < $1.0 }
        session.say(entries.map { "\($0.0): " + String(format: "%.4f", $0.1) }.joined(separator: " - "))
    }
}

extension Session {
    /// What `fit` and Python's `model.fit` do, one path for both: Keras's fit on arrays with
    /// its progress lines, as one undoable change of the model (weights and optimizer state).
    /// `validationSplit` holds out the last fraction, as Keras does. Ctrl-C, or a step that
    /// cannot be taken, stops it with the steps before kept and a line saying so.
    /// Returns Keras's `History.history`: `loss` (and `val_loss`) per epoch completed.
    @discardableResult
    func fit(_ feeds: [String: Tensor], targets: [String: Tensor], epochs: Int, batchSize: Int, shuffle: Bool,
             validationSplit: Double?, log: String? = nil, png: String? = nil) throws -> [(String, [Double])] {
        if let log { try FileAccess.checkWritable(log, example: "log.csv") }
        if let png { try FileAccess.checkWritable(png, example: "curve.png") }
        var logs: [(String, [Double])] = []
        try change { m in
            logs = try fit(&m, feeds: feeds, targets: targets, epochs: epochs, batchSize: batchSize, shuffle: shuffle,
                           validationSplit: validationSplit, log: log, png: png)
        }
        return logs
    }

    /// The fit itself, on a model the caller keeps as one change: the `fit` command
    /// (above, through `change`) and Python's `model.fit` (on the statement's copy, which
    /// the session records for `undo` as it records every Python statement that changes the model).
    public func fit(_ m: inout Model, feeds: [String: Tensor], targets: [String: Tensor], epochs: Int, batchSize: Int, shuffle: Bool,
                    validationSplit: Double?) throws -> [(String, [Double])] {
        try fit(&m, feeds: feeds, targets: targets, epochs: epochs, batchSize: batchSize, shuffle: shuffle,
                validationSplit: validationSplit, log: nil, png: nil)
    }

    /// `log`: a CSV file written as Keras's CSVLogger writes it (`epoch,` and the logs by
    /// name, one row per finished epoch from 0, rewritten after each).
    func fit(_ m: inout Model, feeds: [String: Tensor], targets: [String: Tensor], epochs: Int, batchSize: Int, shuffle: Bool,
             validationSplit: Double?, log: String?, png: String?) throws -> [(String, [Double])] {
        var feeds = feeds, targets = targets
        keepPoints(feeds, targets, of: m)
        let rows = feeds.values.first?.shape.first ?? 0
        var validation: (feeds: [String: Tensor], targets: [String: Tensor])?
        if let split = validationSplit {
            guard split > 0, split < 1 else {
                throw LabError("fit: the validation split must be a fraction between 0 and 1 (exclusive), got \(Value.pythonFloat(split))")
            }
            // Keras keeps the first floor(N·(1 − split)) samples for training, the rest for validation.
            let cut = Int((Double(rows) * (1 - split)).rounded(.down))
            guard cut > 0, cut < rows else {
                throw LabError("fit: a validation split of \(Value.pythonFloat(split)) leaves \(cut == 0 ? "no sample to train on" : "no sample to validate on") among \(rows)")
            }
            let train = Array(0..<cut), held = Array(cut..<rows)
            validation = (try feeds.mapValues { try $0.gatheringRows(held) }, try targets.mapValues { try $0.gatheringRows(held) })
            feeds = try feeds.mapValues { try $0.gatheringRows(train) }
            targets = try targets.mapValues { try $0.gatheringRows(train) }
        }
        let samples = feeds.values.first?.shape.first ?? 0
        guard batchSize <= samples else {
            throw LabError("fit: the batch size \(batchSize) is larger than the \(samples) samples to train on",
                           suggestion: "use a batch size of \(samples) or less")
        }
        let style = self.style
        var started = DispatchTime.now().uptimeNanoseconds
        let atTerminal = confirm != nil
        // The journal gets `load CHECKPOINT` (the weights of the last finished epoch, written
        // after each epoch), never the fit itself: a resumed session must not train again.
        fits += 1
        let checkpoint = journal?.checkpoint(fits).path
        m.compilation?.fitCall = "model.fit(x, y, epochs=\(epochs), batch_size=\(batchSize)"
            + (validationSplit.map { ", validation_split=\(Value.pythonFloat($0))" } ?? "") + (shuffle ? "" : ", shuffle=False") + ")"
        if journal != nil { journaledByCommand = true }
        var journaled = false
        // What the epochs do to the weights, continuing the last fit's record when it ended on these weights.
        var record = try m.compilation?.trainingLog.flatMap { $0.continues(m) ? $0 : nil } ?? TrainingLog(start: m)
        defer {
            m.compilation?.trainingLog = record
            if record.epochs >= 2 { showCurve(record, png: png) }
        }
        // Keras's History: each log's values per finished epoch, in the logs' order.
        var history: [(String, [Double])] = []
        for epoch in 0..<epochs {
            say("Epoch \(epoch + 1)/\(epochs)")
            started = DispatchTime.now().uptimeNanoseconds
            let logs: [EpochLog]
            do {
                logs = try m.fit(feeds, targets: targets, epochs: 1, batchSize: batchSize, shuffle: shuffle,
                                 random: &dataGenerator) { _, step, steps, loss in
                    if atTerminal, step + 1 < steps {
                        self.write("\r" + Commands.progressLine(step + 1, steps, started, [("loss", loss)]))
                    }
                }
            } catch let stop as FitInterrupted {
                let done = stop.logs.last?.steps ?? 0
                if atTerminal { write("\r") }
                let kept = "the model keeps the \(done) step\(done == 1 ? "" : "s") before it ('undo' brings back the weights from before the fit)"
                if let error = stop.error {
                    let at = stop.step.map { "epoch \($0.epoch), step \($0.step): " } ?? ""
                    say(style.error("stopped:") + " " + at + error.message + (error.suggestion.map { " — \($0)" } ?? ""))
                    say("  " + kept)
                } else {
                    say(style.error("interrupted") + " during epoch \(epoch + 1): " + kept)
                }
                return history.isEmpty ? [("loss", [])] : history
            }
            var entries = [("loss", logs[0].loss)] + logs[0].metrics.map { ($0.key, $0.value) }
            if let validation {
                let (loss, metrics) = try m.evaluateWithMetrics(validation.feeds, targets: validation.targets, batchSize: batchSize)
                entries += [("val_loss", loss)] + metrics.map { ("val_" + $0.key, $0.value) }
            }
            // Keras lists the logs by name: accuracy, loss, …, val_accuracy, val_loss.
            entries.sort { $0.0 < $1.0 }
            if atTerminal { write("\r") }
            say(Commands.progressLine(logs[0].steps, logs[0].steps, started, entries))
            try record.append(epoch: entries, model: m)
            for (name, value) in entries {
                if let i = history.firstIndex(where: { $0.0 == name }) { history[i].1.append(value) } else { history.append((name, [value])) }
            }
            if let log {
                // Keras's CSVLogger: Python's csv module (\r\n), floats as Python prints them.
                let rows = (0..<(history.first?.1.count ?? 0)).map { e in
                    ([String(e)] + history.map { Double(Float($0.1[e])).description }).joined(separator: ",")
                }
                let text = (["epoch"] + history.map(\.0)).joined(separator: ",") + "\r\n" + rows.map { $0 + "\r\n" }.joined()
                try FileAccess.write(Data(text.utf8), to: log)
            }
            if let checkpoint {
                do {
                    try FileAccess.write(try NPZ.encode(m), to: checkpoint)
                    if !journaled { journal?.append("load " + Value.string(checkpoint).python); journaled = true }
                } catch let e as LabError {
                    say(style.error("warning:") + " the journal could not keep this epoch's weights (\(e.message)); --resume would not have them")
                }
            }
        }
        return history
    }
}

extension Session {
    /// The data fit and evaluate take: `--input` and `--target` .npy files, or one `--input
    /// FILE.csv` whose `--target-column` (default the last) holds the targets and whose other
    /// columns are the input.
    func trainingData(_ inv: Invocation) throws -> (feeds: [String: Tensor], targets: [String: Tensor]) {
        let name = inv.command.name
        if let first = inv.values.first {
            // A built-in dataset: `fit spiral --samples 500 --noise 10`.
            guard inv.values.count == 1, inv.keywords.isEmpty, case .string(let dataset) = first, inv.repeated["input"] == nil else {
                throw LabError("\(name) takes a dataset name or --input files", suggestion: "usage: \(inv.command.usage)")
            }
            let (x, y) = try makeDataset(dataset, inv)
            guard model.inputs.count == 1, let input = model.inputs.first, input.shape == [2], let output = model.outputNames.first else {
                throw LabError("\(name): the \(dataset) dataset's samples are 2-D points (shape (None, 2)), but the model's input is "
                               + (model.inputs.first.map { $0.outputShape.description } ?? "missing"),
                               suggestion: "start the model with 'input 2'")
            }
            return ([input.name: x], [output: y])
        }
        if case .value(.string(let file))? = inv.repeated["input"]?.first, file.lowercased().hasSuffix(".csv") {
            guard inv.repeated["target"] == nil else {
                throw LabError("\(name): a .csv input holds its targets: say which column with --target-column, not --target")
            }
            guard model.inputs.count == 1, let input = model.inputs.first, model.outputNames.count == 1, let output = model.outputNames.first else {
                throw LabError("\(name): a .csv file feeds a model with one input and one output", suggestion: "give .npy files: --input NAME=FILE --target NAME=FILE")
            }
            let table = try CSVTable.read(path: file)
            let column = try table.columnIndex(try inv.text("target-column") ?? "-1")
            let (x, y) = try table.split(target: column)
            guard [x.shape[1]] == input.shape else {
                throw LabError("\(name): \(file) has \(x.shape[1]) input column\(x.shape[1] == 1 ? "" : "s") besides the target, but the model's input takes \(Shape(batchOf: input.shape))",
                               suggestion: "a .csv row feeds a flat input: 'input \(x.shape[1])'")
            }
            return ([input.name: x], [output: y])
        }
        guard inv.repeated["target"] != nil else {
            throw LabError("\(name) needs the targets: --target FILE.npy", suggestion: "for example '\(name) --input x.npy --target y.npy'")
        }
        if inv.has("target-column") { throw LabError("\(name): --target-column goes with a .csv input") }
        let feeds = try forwardFeeds(inv)
        guard let loss = model.compilation?.loss else { throw LabError("\(name): the model is not compiled with a loss") }
        return (feeds, try targets(inv, loss: loss, batch: feeds.values.first?.shape.first ?? 0))
    }
}

extension Session {
    /// The dataset `name` with `--samples` (default 500) and `--noise` (default 0), from the
    /// session's data stream.
    func makeDataset(_ name: String, _ inv: Invocation) throws -> (x: Tensor, y: Tensor) {
        let dataset = try Dataset.named(name)
        let samples = try inv.int("samples", default: 500, range: 2...10_000_000)
        let noise = try inv.text("noise").map { text -> Double in
            guard let v = Double(text) else { throw LabError("\(inv.command.name): --noise takes a number from 0 to 50 (Playground's percent)") }
            return v
        } ?? 0
        return try dataset.make(samples: samples, noise: noise, random: &dataGenerator)
    }
}

extension Commands {
    static let data = Command(
        name: "data", usage: "data NAME [--samples N] [--noise F] --output X.npy Y.npy",
        summary: "write a built-in toy dataset (TensorFlow Playground's circle, xor, gauss, spiral, plane, multigauss; moons) to .npy files",
        examples: ["data spiral --output x.npy y.npy", "data circle --samples 200 --noise 10 --output x.npy y.npy"],
        flags: [.init(name: "samples", value: "N", help: "how many points (default 500)"),
                .init(name: "noise", value: "F", help: "noise in Playground's units, a percentage (its slider: 0 to 50; default 0)"),
                .init(name: "output", value: "FILE", help: "the points' file; the targets go to the file named after it")],
        details: "The same points `fit NAME` trains on (drawn from the session's seeded stream): 2-D inputs of shape (N, 2) "
            + "and targets (N, 1) — classes 0/1 for circle, xor, gauss, spiral and moons, values in [−1, 1] for plane and multigauss."
    ) { inv, session in
        guard let first = inv.values.first, case .string(let name) = first else {
            throw LabError("data needs a dataset name", suggestion: "for example 'data spiral --output x.npy y.npy'; datasets: " + Dataset.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let xFile = try inv.text("output"), inv.values.count == 2, case .string(let yFile) = inv.values[1] else {
            throw LabError("data writes two files: --output X.npy Y.npy", suggestion: "for example 'data \(name) --output x.npy y.npy'")
        }
        let (x, y) = try session.makeDataset(name, inv)
        try NPY.write(x, to: xFile)
        try NPY.write(y, to: yFile)
        let counts = try Dataset.named(name).isClassification
            ? ", classes 0/1: \(y.scalars.filter { $0 == 0 }.count)/\(y.scalars.filter { $0 == 1 }.count)" : ""
        session.say("wrote \(name): x \(Tensor.describe(x.shape)) to \(xFile), y \(Tensor.describe(y.shape)) to \(yFile)\(counts)")
    }
}
