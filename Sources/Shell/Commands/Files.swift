import KerasPython
import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let save = Command(
        name: "save", usage: "save FILE.keras | FILE.npz [--force]",
        summary: "save the model as a Keras 3 .keras file (opens in keras.saving.load_model), or all weights as a NumPy .npz",
        examples: ["save model.keras", "save weights.npz", "save model.keras --force"],
        flags: [.init(name: "force", value: nil, help: "overwrite an existing file without asking")]
    ) { inv, session in
        let path = try inv.name("file name (.keras or .npz)")
        session.say(try saveModel(session.model, to: path, force: inv.has("force"), session: session))
    }

    /// What `save` and Python's `model.save` do: writes the model (.keras) or its weights
    /// (.npz) and returns the line to print.
    static func saveModel(_ model: Model, to path: String, force: Bool, session: Session) throws -> String {
        try FileAccess.checkWritable(path)
        let url = URL(fileURLWithPath: path)
        let data: Data
        switch url.pathExtension.lowercased() {
        case "keras": data = try KerasArchive.encode(model)
        case "npz":
            guard !model.weightPaths.isEmpty else { throw LabError("the model has no weights to save") }
            data = try NPZ.encode(model)
        case "h5", "hdf5": throw LabError("LayerLab writes Keras 3's .keras format, not the legacy .h5", suggestion: "save \(url.deletingPathExtension().lastPathComponent).keras")
        default: throw LabError("save writes .keras or .npz files, not '.\(url.pathExtension)'", suggestion: "for example 'save model.keras'")
        }
        guard try session.mayWrite(path, force: force) else { return "not saved" }
        try FileAccess.write(data, to: path)
        return "saved \(url.pathExtension == "npz" ? "\(model.weightPaths.count) weights" : "model \"\(model.name)\"") to \(path) (\(Format.bytes(data.count)))"
    }

    static let load = Command(
        name: "load", usage: "load FILE.keras | FILE.npz",
        summary: "open a Keras 3 .keras file (replacing the model; undo brings it back), or load weights from an .npz",
        examples: ["load model.keras", "load weights.npz"]
    ) { inv, session in
        let path = try inv.name("file name (.keras or .npz)")
        let url = URL(fileURLWithPath: path)
        switch url.pathExtension.lowercased() {
        case "npz":
            let data = try FileAccess.read(path, example: "weights.npz")
            let arrays: [(String, Tensor)]
            do { arrays = try NPZ.decode(data) } catch let e as LabError { throw e.at(url.lastPathComponent) }
            let known = Set(session.model.weightPaths)
            for (key, _) in arrays where !known.contains(key) {
                throw LabError("\(url.lastPathComponent) holds '\(key)', which is not a weight of this model",
                               suggestion: nearest(to: key, in: Array(known)).map { "did you mean '\($0)'?" } ?? "its weights: " + known.sorted().joined(separator: ", "))
            }
            try session.change { m in
                for (key, value) in arrays {
                    let parts = key.split(separator: "/").map(String.init)
                    try m.setWeight(layer: parts[0], weight: parts.dropFirst().joined(separator: "/"), to: value)
                }
            }
            let missing = known.subtracting(arrays.map(\.0))
            session.say("loaded \(arrays.count) weights from \(path)" + (missing.isEmpty ? "" : "; kept the others: " + missing.sorted().joined(separator: ", ")))
        default:
            var notes: [String] = []
            let model = try KerasArchive.load(path: path, seed: session.seed, notes: &notes)
            try session.change { $0 = model }
            session.say("opened \(path): model \"\(model.name)\", \(model.nodes.count) layers, \(Format.thousands(model.parameterCount)) params")
            if let c = model.compilation {
                let steps = c.state.iterations
                session.say("compiled with \(c.description)" + (steps > 0 ? "; the optimizer resumes after \(steps) steps" : ""))
            }
            for note in notes { session.say("note: \(note)") }
        }
    }

    static let export = Command(
        name: "export", usage: "export json FILE.json | export python FILE.py [--weights] [--force]",
        summary: "write the model as Keras's model.to_json(), or as a Keras Python script that rebuilds it",
        examples: ["export json model.json", "export python model.py", "export python model.py --weights"],
        flags: [.init(name: "weights", value: nil, help: "python: also write the weights to FILE.weights.npz, which the script loads"),
                .init(name: "force", value: nil, help: "overwrite existing files without asking")]
    ) { inv, session in
        guard inv.values.count == 2, case .string(let kind) = inv.values[0], case .string(let path) = inv.values[1] else {
            throw LabError("export needs what and where", suggestion: "usage: \(inv.command.usage)")
        }
        try FileAccess.checkWritable(path, example: kind == "python" ? "model.py" : "model.json")
        let url = URL(fileURLWithPath: path)
        switch kind {
        case "json":
            let text = try KerasModel.json(session.model).text
            guard try session.mayWrite(path, force: inv.has("force")) else { session.say("not written"); return }
            try FileAccess.write(Data(text.utf8), to: path, example: "model.json")
            session.say("wrote the config of \"\(session.model.name)\" to \(path)")
        case "python":
            var script = try KerasCode.generate(session.model)
            var files = [(path, Data())]
            let weightsURL = url.deletingPathExtension().appendingPathExtension("weights.npz")
            if inv.has("weights") {
                let base = (path as NSString).deletingPathExtension
                files.append((base + ".weights.npz", try NPZ.encode(session.model)))
                script += """

                # The weights LayerLab drew, saved beside this script ('export python … --weights').
                import os
                import numpy as np
                weights = np.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), \(Value.string(weightsURL.lastPathComponent).python)))
                for layer in model.layers:
                    if layer.weights:
                        layer.set_weights([weights[f"{layer.name}/{w.name}"] for w in layer.weights])

                """
            }
            files[0].1 = Data(script.utf8)
            for (file, _) in files { guard try session.mayWrite(file, force: inv.has("force")) else { session.say("not written"); return } }
            for (file, data) in files { try FileAccess.write(data, to: file, example: "model.py") }
            session.say("wrote \(files.map { ($0.0 as NSString).lastPathComponent }.joined(separator: " and ")): `python \(url.lastPathComponent)` rebuilds \"\(session.model.name)\" in Keras")
        default:
            throw LabError.unknown("export format", kind, among: ["json", "python"])
        }
    }

    static let importCommand = Command(
        name: "import", usage: "import json FILE.json",
        summary: "build the model a Keras JSON config describes (model.to_json()), with fresh weights from its initializers",
        examples: ["import json model.json"]
    ) { inv, session in
        guard inv.values.count == 2, case .string(let kind) = inv.values[0], case .string(let path) = inv.values[1] else {
            throw LabError("import needs what and where", suggestion: "usage: \(inv.command.usage)")
        }
        guard kind == "json" else { throw LabError.unknown("import format", kind, among: ["json"]) }
        let data = try FileAccess.read(path, example: "model.json")
        guard let text = String(data: data, encoding: .utf8) else { throw LabError("\(path) is not UTF-8 text") }
        let model: Model
        do { model = try KerasModel.model(from: try JSON.parse(text), seed: session.seed) } catch let e as LabError { throw e.at(path) }
        try session.change { $0 = model }
        session.say("built \"\(model.name)\" from \(path): \(model.nodes.count) layers, \(Format.thousands(model.parameterCount)) params (fresh weights)")
    }
}

extension Session {
    /// Whether a file may be written: new files yes; existing ones with --force, or when
    /// the user says yes at a terminal. Scripts get an error instead of a question.
    func mayWrite(_ path: String, force: Bool) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path), !force else { return true }
        guard let confirm else {
            throw LabError("\(path) exists", suggestion: "add --force to overwrite it")
        }
        return confirm("\(path) exists. Overwrite it?")
    }
}
