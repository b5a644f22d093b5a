import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Models
@testable import Shell
@testable import TensorCore

/// Issue 8: Keras's file formats, checked against Keras in both directions.
@Suite struct KerasFileTests {
    static let kerasCases: [String] = ((try? loadJSON("keras/files/cases.json") as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }

    func inputs(_ dir: String, _ name: String) throws -> [String: Tensor] {
        let folder = fixture(dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(name + ".") && ($0.contains(".input") || $0.hasSuffix(".a.npy") || $0.hasSuffix(".b.npy")) }.sorted()
        var feeds: [String: Tensor] = [:]
        for f in files {
            let t = try NPY.read(contentsOf: folder.appendingPathComponent(f))
            // `name.input.npy`, `name.a.npy`, or `name.input0_a.npy`: the part after the last `_` or `.` names the input.
            let stem = String(f.dropLast(4))
            let key = stem.hasSuffix(".input") ? "" : String(stem.split(whereSeparator: { $0 == "_" || $0 == "." }).last ?? "")
            feeds[key] = t
        }
        return feeds
    }

    func run(_ model: Model, _ feeds: [String: Tensor]) throws -> [Tensor] {
        var named: [String: Tensor] = [:]
        for input in model.inputs { named[input.name] = feeds[input.name] ?? feeds[""] }
        return try model.forward(named).map(\.value)
    }

    @Test func fixturesArePresent() {
        #expect(Self.kerasCases == ["mlp", "core", "embedding", "cnn", "conv1d3d", "functional", "reshaping"])
    }

    @Test(arguments: kerasCases)
    func kerasWrittenFilesOpenAndMatchKeras(_ name: String) throws {
        let model = try KerasArchive.load(contentsOf: fixture("keras/files/\(name).keras"), seed: 1)
        let layers = ((try loadJSON("keras/files/cases.json") as? [[String: Any]]) ?? []).first { $0["name"] as? String == name }?["layers"] as? [String]
        let ours = model.isChain ? model.nodes.map(\.name) : model.kerasOrder
        #expect(ours == layers)
        let y = try #require(try run(model, try inputs("keras/files", name)).first)
        let (ok, worst) = closeness(y, try loadFixture("keras/files/\(name).output.npy"), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(name): \(worst)")
    }

    /// `export json` of a model read from Keras's to_json() gives back Keras's JSON.
    @Test(arguments: kerasCases)
    func jsonEqualsKerasToJSON(_ name: String) throws {
        let text = try String(contentsOf: fixture("keras/files/\(name).json"), encoding: .utf8)
        let keras = try JSON.parse(text)
        let model = try KerasModel.model(from: keras, seed: 1)
        let ours = try KerasModel.json(model)
        #expect(stripped(ours) == stripped(keras), "\(name): \(firstDifference(stripped(ours), stripped(keras)))")
    }

    /// Where two JSON values first differ, as a path and the two values.
    func firstDifference(_ a: JSON, _ b: JSON, _ path: String = "") -> String {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            for key in Set(x.map(\.0) + y.map(\.0)).sorted() {
                guard let u = a[key], let v = b[key] else { return "\(path)/\(key): only in \(a[key] == nil ? "Keras" : "LayerLab")" }
                if u != v { return firstDifference(u, v, path + "/" + key) }
            }
        case (.array(let x), .array(let y)) where x.count == y.count:
            for (i, (u, v)) in zip(x, y).enumerated() where u != v { return firstDifference(u, v, path + "/\(i)") }
        default: break
        }
        return "\(path): LayerLab \(a.text) vs Keras \(b.text)"
    }

    /// Keras writes `shared_object_id` on repeated objects; it may be left out.
    func stripped(_ j: JSON) -> JSON {
        switch j {
        case .object(let items): return .object(items.filter { $0.0 != "shared_object_id" }.map { ($0.0, stripped($0.1)) })
        case .array(let items): return .array(items.map(stripped))
        default: return j
        }
    }

    static let layerlabFiles = ["mlp", "core", "embedding", "branches", "cnn"]

    /// Files LayerLab wrote (scripts/keras-fixtures/layerlab-files.sh) opened in Keras with no warning,
    /// and Keras's outputs on them equal LayerLab's.
    @Test(arguments: layerlabFiles)
    func layerlabWrittenFilesOpenInKeras(_ name: String) throws {
        let results = try #require(try loadJSON("keras/layerlab-opened/results.json") as? [String: [String: Any]])
        let result = try #require(results[name])
        #expect((result["warnings"] as? [String])?.isEmpty == true)
        let model = try KerasArchive.load(contentsOf: fixture("layerlab/\(name).keras"), seed: 1)
        #expect((model.isChain ? model.nodes.map(\.name) : model.kerasOrder) == result["layers"] as? [String])
        let y = try #require(try run(model, try inputs("layerlab", name)).first)
        let (ok, worst) = closeness(y, try loadFixture("keras/layerlab-opened/\(name).keras-output0.npy"), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(name): \(worst)")
    }

    /// LayerLab still writes what Keras checked: re-saving a file gives the same config.json, byte for byte, and the same weights.
    @Test(arguments: layerlabFiles)
    func writerIsStable(_ name: String) throws {
        let url = fixture("layerlab/\(name).keras")
        let model = try KerasArchive.load(contentsOf: url, seed: 1)
        let again = try KerasArchive.decode(try KerasArchive.encode(model), seed: 2)
        #expect(try KerasModel.json(again).text == KerasModel.json(model).text)
        #expect(again.nodes.flatMap(\.layer.weights) == model.nodes.flatMap(\.layer.weights))
        let results = try #require(try loadJSON("keras/layerlab-opened/results.json") as? [String: [String: Any]])
        let kerasJSON = try #require(results[name]?["keras_json"])
        let kerasText = String(decoding: try JSONSerialization.data(withJSONObject: kerasJSON), as: UTF8.self)
        // Keras's to_json() of the model it opened equals what LayerLab wrote.
        let kerasParsed = stripped(try JSON.parse(kerasText)), ours = stripped(try KerasModel.json(model))
        #expect(kerasParsed == ours, "\(name): \(firstDifference(ours, kerasParsed))")
    }

    /// The script `export python --weights` wrote, run by Python with Keras (scripts/keras-fixtures),
    /// gives LayerLab's output; and LayerLab still writes that script.
    @Test func exportedPythonRebuildsTheModelInKeras() throws {
        let model = try KerasArchive.load(contentsOf: fixture("layerlab/cnn.keras"), seed: 1)
        let y = try #require(try run(model, try inputs("layerlab", "cnn")).first)
        let (ok, worst) = closeness(y, try loadFixture("keras/layerlab-opened/cnn_export-output.npy"), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(worst)")
        let dir = try temporaryDirectory()
        let run = ShellRun("load \(fixture("layerlab/cnn.keras").path)\nexport python \(dir.path)/cnn_export.py --weights")
        #expect(run.ok, "\(run.errors)")
        let written = try String(contentsOf: dir.appendingPathComponent("cnn_export.py"), encoding: .utf8)
        #expect(written == (try String(contentsOf: fixture("layerlab/cnn_export.py"), encoding: .utf8)))
        let npz = try NPZ.decode(try Data(contentsOf: dir.appendingPathComponent("cnn_export.weights.npz")))
        #expect(npz.map(\.0) == model.weightPaths)
    }

    @Test func zipLayoutIsKeras() throws {
        let run = ShellRun("input 4\nadd dense 3")
        let data = try KerasArchive.encode(run.session.model)
        // Local file headers in order, stored (method 0).
        var names: [String] = []
        var i = 0
        let bytes = [UInt8](data)
        while i + 30 < bytes.count, bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 3, bytes[i + 3] == 4 {
            let method = Int(bytes[i + 8]) | Int(bytes[i + 9]) << 8
            #expect(method == 0)
            let size = Int(bytes[i + 18]) | Int(bytes[i + 19]) << 8 | Int(bytes[i + 20]) << 16 | Int(bytes[i + 21]) << 24
            let nameLength = Int(bytes[i + 26]) | Int(bytes[i + 27]) << 8
            let extra = Int(bytes[i + 28]) | Int(bytes[i + 29]) << 8
            names.append(String(decoding: bytes[(i + 30)..<(i + 30 + nameLength)], as: UTF8.self))
            i += 30 + nameLength + extra + size
        }
        #expect(names == ["metadata.json", "config.json", "model.weights.h5"])
    }
}

/// Round trips inside LayerLab, and broken files.
@Suite struct FileRoundTripTests {
    static let models: [String] = [
        "input 16\nadd dense 8 relu kernel_regularizer=l2(0.01) kernel_constraint=max_norm(2)\nadd dense 2 softmax",
        "input 6 4\nadd activation tanh\nadd permute 2 1\nadd reshape (-1, 8)\nadd flatten\nadd dropout 0.2\nadd dense 4\nadd repeatvector 3",
        "input 5 dtype=int32\nadd embedding 10 3\nadd flatten\nadd dense 2",
        "input 4 name=a\ninput 4 name=b\nadd dense 4 from=a name=x\nadd add from=x,b\nadd concatenate from=x,add\nadd dot 1 from=x,b name=d",
    ]

    @Test(arguments: models)
    func saveAndLoadKeepEverything(_ commands: String) throws {
        let dir = try temporaryDirectory()
        let run = ShellRun(commands)
        #expect(run.ok, "\(run.errors)")
        let before = run.session.model
        #expect(run.run("save \(dir.path)/m.keras\nsave \(dir.path)/w.npz\nexport json \(dir.path)/m.json"), "\(run.errors)")
        #expect(run.run("reset\nload \(dir.path)/m.keras"), "\(run.errors)")
        let after = run.session.model
        #expect(after.nodes.map(\.name) == before.nodes.map(\.name))
        #expect(after.inputs.map(\.shape) == before.inputs.map(\.shape))
        #expect(after.nodes.flatMap(\.layer.weights) == before.nodes.flatMap(\.layer.weights))
        #expect(try KerasModel.json(after).text == KerasModel.json(before).text)
        // JSON gives the same structure with fresh weights; .npz then restores them.
        #expect(run.run("reset\nimport json \(dir.path)/m.json\nload \(dir.path)/w.npz"), "\(run.errors)")
        #expect(run.session.model.nodes.flatMap(\.layer.weights) == before.nodes.flatMap(\.layer.weights))
    }

    @Test func overwritingNeedsForceInScripts() throws {
        let dir = try temporaryDirectory()
        let run = ShellRun("input 2\nadd dense 1\nsave \(dir.path)/m.keras")
        #expect(!run.run("save \(dir.path)/m.keras"))
        #expect(run.errors.contains("exists — add --force to overwrite it"))
        #expect(run.run("save \(dir.path)/m.keras --force"))
    }

    @Test func unsavableLayersAreNamed() {
        let run = ShellRun("input 4\nadd lambda \"x * 2\"")
        #expect(!run.run("save /tmp/never.keras"))
        #expect(run.errors.contains("lambda (Lambda) cannot be saved for Keras"))
    }

    @Test func brokenFilesAreClearErrors() throws {
        let dir = try temporaryDirectory()
        let good = try KerasArchive.encode(ShellRun("input 4\nadd dense 3").session.model)
        func attempt(_ name: String, _ data: Data) -> String {
            let url = dir.appendingPathComponent(name)
            try? data.write(to: url)
            let run = ShellRun("input 4\nadd dense 3")
            let before = run.session.model.nodes.flatMap(\.layer.weights)
            let ok = run.run("load \(url.path)")
            #expect(!ok, "\(name) loaded")
            #expect(run.session.model.nodes.flatMap(\.layer.weights) == before, "\(name) changed the model")
            #expect(run.errors.split(separator: "\n").count == 1)
            return run.errors
        }
        #expect(attempt("truncated.keras", good.prefix(good.count / 2)).contains("damaged"))
        #expect(attempt("text.keras", Data("hello".utf8)).contains("not a zip archive"))
        #expect(attempt("model.zip", good).contains("not a .keras file"))
        #expect(attempt("empty.keras", Data()).contains("not a zip archive"))
        #expect(attempt("w.npz", Data("PK but not really".utf8)).contains("damaged"))
        // Found by fuzzing: weights whose HDF5 element type claims 4 GB per number, which
        // libhdf5 allocated conversion buffers for (2.6 GB for a 27 KB file).
        let gigabyteElements = try Data(contentsOf: fixture("fuzz/regressions/keras/oom-gigabyte-element-type"))
        #expect(attempt("elements.keras", gigabyteElements).contains("/layers/dense/vars/1 does not hold numbers"))
        // A config that is not JSON, and one naming a layer LayerLab lacks.
        func archive(_ config: String) throws -> Data {
            let model = ShellRun("input 4\nadd dense 3").session.model
            var data = try KerasArchive.encode(model)
            let old = try KerasModel.json(model).text
            let replaced = config.padding(toLength: old.count, withPad: " ", startingAt: 0)
            if let r = data.range(of: Data(old.utf8)) { data.replaceSubrange(r, with: Data(replaced.utf8)) }
            return data
        }
        let badJSON = try archive("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [")
        #expect(attempt("badjson.keras", badJSON).contains("invalid JSON") || attempt("badjson2.keras", badJSON).contains("damaged"))
        let json = dir.appendingPathComponent("m.json")
        try #"{"class_name": "Sequential", "config": {"layers": [{"class_name": "LSTM", "config": {"name": "lstm"}}]}}"#
            .write(to: json, atomically: true, encoding: .utf8)
        let run = ShellRun("import json \(json.path)")
        #expect(run.errors.contains("lstm: LayerLab has no LSTM layer"))
    }
}
