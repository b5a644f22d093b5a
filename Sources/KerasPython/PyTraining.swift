import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

/// `model.fit`, `evaluate`, `train_on_batch`, `test_on_batch`: Keras's signatures, on NumPy
/// arrays. `fit` trains through the shell's one path (`PythonHost.fit`, the `fit` command's).
extension PyEvaluator {
    /// Keras arguments LayerLab's training does not take, with the value that means "not used".
    private static func refuseUnsupported(_ owner: String, _ a: [String: PyObject], _ keys: [(String, PyObject)]) throws {
        for (key, inert) in keys {
            guard let v = a[key] else { continue }
            switch (v, inert) {
            case (.none, .none): continue
            case (.int(let x), .int(let y)) where x == y: continue
            case (.bool(let x), .bool(let y)) where x == y: continue
            case (.list(let l), _) where l.isEmpty && key == "callbacks": continue
            default:
                throw LabError("LayerLab's model.\(owner) does not take \(key)=",
                               suggestion: Self.unsupportedHint[key] ?? "leave it out; docs/python.md lists what model.\(owner) takes")
            }
        }
    }

    private static let unsupportedHint = [
        "callbacks": "LayerLab has no callbacks: the progress lines show each epoch's loss, and the History returned holds them",
        "validation_data": "use validation_split=, which holds out the last fraction of x and y",
        "sample_weight": "every sample weighs the same in LayerLab",
        "class_weight": "every class weighs the same in LayerLab",
        "steps_per_epoch": "LayerLab trains on arrays: each epoch passes over all of them",
        "steps": "LayerLab takes arrays: it passes over all of them",
    ]

    /// `x`: one array per model input (an array, or a list/tuple of arrays).
    func arrays(_ v: PyObject?, _ owner: String, _ name: String) throws -> [Tensor] {
        switch v {
        case .array(let t)?: return [t]
        case .list(let items)?, .tuple(let items)?:
            return try items.map {
                guard case .array(let t) = $0 else { throw LabError("model.\(owner)(\(name)=…) takes NumPy arrays, got \(article($0.typeName))") }
                return t
            }
        case .none?, nil: throw LabError("model.\(owner) needs \(name)=: LayerLab trains and evaluates on NumPy arrays")
        case let v?:
            throw LabError("model.\(owner)(\(name)=…) takes a NumPy array (np.load, np.random.rand, …), got \(article(v.typeName))",
                           suggestion: "LayerLab has no datasets or generators: give arrays")
        }
    }

    /// x and y as the model's feeds and targets, checked as Keras checks them.
    mutating func trainingData(_ owner: String, _ x: PyObject?, _ y: PyObject?) throws -> (feeds: [String: Tensor], targets: [String: Tensor]) {
        guard model.compilation?.loss != nil else {
            throw LabError("You must call `compile()` before using the model.",
                           suggestion: "model.compile(optimizer='adam', loss='mse') first")
        }
        let xs = try arrays(x, owner, "x")
        let feeds = try feedsFor(xs, owner: "model.\(owner)")
        let ys = try arrays(y, owner, "y")
        let outputs = model.outputNames
        guard ys.count == outputs.count else {
            throw LabError("the model has \(outputs.count) output\(outputs.count == 1 ? "" : "s"), model.\(owner) got \(ys.count) target array\(ys.count == 1 ? "" : "s")")
        }
        let rows = xs[0].shape.first ?? 0
        for (i, t) in (xs + ys).enumerated() where t.rank == 0 || t.shape[0] != rows {
            let which = i < xs.count ? "x" : "y"
            throw LabError("Data cardinality is ambiguous: x holds \(rows) samples but \(which) holds \(t.shape.first.map(String.init) ?? "a scalar")",
                           suggestion: "give x and y the same first axis, one row per sample")
        }
        return (feeds, Dictionary(uniqueKeysWithValues: zip(outputs, ys)))
    }

    private func verbosity(_ v: PyObject?, _ owner: String) throws -> Int {
        switch v {
        case .string("auto")?, nil: return 1
        case .int(let n)? where (0...2).contains(n): return n
        case .bool(let b)?: return b ? 1 : 0
        case let v?: throw LabError("model.\(owner): verbose must be 'auto', 0, 1 or 2, got \((try? repr(v)) ?? v.typeName)")
        }
    }

    private func batchSize(_ v: PyObject?, _ owner: String) throws -> Int {
        guard let v, v.typeName != "NoneType" else { return 32 }
        let n = try int(v, "model.\(owner): batch_size")
        guard n >= 1 else { throw LabError("model.\(owner): batch_size must be a positive integer, got \(n)") }
        return n
    }

    /// Keras 3's `fit(x=None, y=None, batch_size=None, epochs=1, verbose='auto', callbacks=None,
    /// validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, sample_weight=None,
    /// initial_epoch=0, steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1)`.
    mutating func fit(_ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let a = try bind("fit", [("x", PyObject.none), ("y", PyObject.none), ("batch_size", PyObject.none), ("epochs", .int(1)),
                                 ("verbose", .string("auto")), ("callbacks", PyObject.none), ("validation_split", .float(0)),
                                 ("validation_data", PyObject.none), ("shuffle", .bool(true)), ("class_weight", PyObject.none),
                                 ("sample_weight", PyObject.none), ("initial_epoch", .int(0)), ("steps_per_epoch", PyObject.none),
                                 ("validation_steps", PyObject.none), ("validation_batch_size", PyObject.none),
                                 ("validation_freq", .int(1))], args, kwargs)
        try Self.refuseUnsupported("fit", a, [("callbacks", .none), ("validation_data", .none), ("class_weight", .none),
                                              ("sample_weight", .none), ("initial_epoch", .int(0)), ("steps_per_epoch", .none),
                                              ("validation_steps", .none), ("validation_batch_size", .none), ("validation_freq", .int(1))])
        let epochs = try int(a["epochs"] ?? .int(1), "model.fit: epochs")
        guard epochs >= 1 else { throw LabError("model.fit: epochs must be at least 1, got \(epochs)") }
        let verbose = try verbosity(a["verbose"], "fit")
        var batch = try batchSize(a["batch_size"], "fit")
        var shuffle = true
        switch a["shuffle"] {
        case .bool(let b)?: shuffle = b
        case let v?: throw LabError("model.fit: shuffle must be True or False, got \((try? repr(v)) ?? v.typeName)")
        case nil: break
        }
        let split = try double(a["validation_split"] ?? .float(0), "model.fit: validation_split")
        let (feeds, targets) = try trainingData("fit", a["x"], a["y"])
        // Keras takes one batch of every sample when batch_size exceeds them: the same steps as a batch of that many.
        let rows = feeds.values.first?.shape.first ?? 0
        let training = split > 0 && split < 1 ? Int((Double(rows) * (1 - split)).rounded(.down)) : rows
        if training > 0 { batch = min(batch, training) }
        let history = try verbose == 0
            ? session.quietly {
                try session.fit(&model, feeds: feeds, targets: targets, epochs: epochs, batchSize: batch, shuffle: shuffle,
                                validationSplit: split == 0 ? nil : split)
            }
            : session.fit(&model, feeds: feeds, targets: targets, epochs: epochs, batchSize: batch, shuffle: shuffle,
                          validationSplit: split == 0 ? nil : split)
        changed = true
        let steps = (training + batch - 1) / max(1, batch)
        return .history(history, params: [("verbose", a["verbose"] ?? .string("auto")), ("epochs", .int(epochs)), ("steps", .int(steps))])
    }

    /// Keras 3's `evaluate(x=None, y=None, batch_size=None, verbose='auto', sample_weight=None, steps=None,
    /// callbacks=None, return_dict=False)`: the compiled loss with the penalties, in inference mode —
    /// a float, as Keras returns when the model has no metrics. `test_on_batch` is one batch of all of it.
    mutating func evaluate(_ owner: String, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let onBatch = owner == "test_on_batch"
        let a = onBatch
            ? try bind(owner, [("x", PyObject.none), ("y", PyObject.none), ("sample_weight", PyObject.none), ("return_dict", .bool(false))], args, kwargs)
            : try bind(owner, [("x", PyObject.none), ("y", PyObject.none), ("batch_size", PyObject.none), ("verbose", .string("auto")),
                               ("sample_weight", PyObject.none), ("steps", PyObject.none), ("callbacks", PyObject.none),
                               ("return_dict", .bool(false))], args, kwargs)
        try Self.refuseUnsupported(owner, a, [("sample_weight", .none), ("steps", .none), ("callbacks", .none)])
        let verbose = onBatch ? 0 : try verbosity(a["verbose"], owner)
        let batch = try batchSize(a["batch_size"], owner)
        let (feeds, targets) = try trainingData(owner, a["x"], a["y"])
        let rows = feeds.values.first?.shape.first ?? 0
        let (loss, metrics) = try model.evaluateWithMetrics(feeds, targets: targets, batchSize: onBatch ? max(1, rows) : batch)
        let logs = [("loss", loss)] + (model.compilation?.metrics ?? []).compactMap { name in metrics[name].map { (name, $0) } }
        if verbose > 0 {
            session.say(logs.sorted { $0.0 < $1.0 }.map { "\($0.0): " + String(format: "%.4f", $0.1) }.joined(separator: " - "))
        }
        return Self.result(logs, asDict: a["return_dict"])
    }

    /// Keras's return value for logs: a float for the loss alone, else the list [loss, metrics…]
    /// in compile's order; `return_dict=True` gives them by name.
    static func result(_ logs: [(String, Double)], asDict: PyObject?) -> PyObject {
        if case .bool(true)? = asDict { return .dict(logs.map { ($0.0, .float($0.1)) }) }
        return logs.count == 1 ? .float(logs[0].1) : .list(logs.map { .float($0.1) })
    }

    /// Keras 3's `train_on_batch(x, y=None, sample_weight=None, class_weight=None, return_dict=False)`:
    /// one step of the compiled optimizer on the whole batch (the model changes: one `undo`); returns
    /// the batch's loss, taken before the update, as Keras does.
    mutating func trainOnBatch(_ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let a = try bind("train_on_batch", [("x", nil), ("y", PyObject.none), ("sample_weight", PyObject.none),
                                            ("class_weight", PyObject.none), ("return_dict", .bool(false))], args, kwargs)
        try Self.refuseUnsupported("train_on_batch", a, [("sample_weight", .none), ("class_weight", .none)])
        let (feeds, targets) = try trainingData("train_on_batch", a["x"], a["y"])
        let (loss, metrics) = try model.trainStepWithMetrics(feeds, targets: targets, random: &session.dataGenerator)
        changed = true
        let logs = [("loss", loss)] + (model.compilation?.metrics ?? []).compactMap { name in metrics[name].map { (name, $0) } }
        return Self.result(logs, asDict: a["return_dict"])
    }
}
