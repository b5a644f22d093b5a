import Foundation
import Layers
import Models
import TensorCore
import ZIPFoundation

/// Keras 3's native `.keras` file: a zip of `metadata.json`, `config.json` and
/// `model.weights.h5`, stored uncompressed in that order, as Keras writes it.
public enum KerasArchive {
    public static let kerasVersion = "3.15.1"

    // MARK: - Writing

    public static func encode(_ model: Model, date: Date = Date()) throws -> Data {
        let config = try KerasModel.json(model).text
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd@HH:mm:ss"
        let metadata = JSON.object([("keras_version", .string(kerasVersion)), ("date_saved", .string(formatter.string(from: date)))]).text
        return try archive(metadata: metadata, config: config, weights: try weightsFile(model), date: date)
    }

    /// The zip of the three members, stored uncompressed in Keras's order.
    static func archive(metadata: String, config: String, weights: Data, date: Date) throws -> Data {
        let archive: Archive
        do { archive = try Archive(data: Data(), accessMode: .create) } catch { throw LabError("cannot create a zip archive: \(error)") }
        let epoch = Date(timeIntervalSince1970: 315_532_800)  // 1980-01-01, as Keras dates its JSON members
        for (name, data, when) in [("metadata.json", Data(metadata.utf8), epoch), ("config.json", Data(config.utf8), epoch),
                                   ("model.weights.h5", weights, date)] {
            try addStored(data, as: name, date: when, to: archive)
        }
        guard let bytes = archive.data else { throw LabError("the archive could not be written") }
        return bytes
    }

    public static func save(_ model: Model, to url: URL) throws {
        try AtomicFile.write(encode(model), to: url)
    }

    /// `model.weights.h5`: one group per layer, named by class in Keras's layer order.
    static func weightsFile(_ model: Model) throws -> Data {
        try HDF5File.exclusively {
            let file = try HDF5File.create()
            let layers = try file.root.createGroup("layers")
            for (group, name) in groupNames(model) {
                let g = try layers.createGroup(group)
                let vars = try g.createGroup("vars")
                try vars.setAttribute("name", name)
                guard let node = model.node(named: name) else { continue }
                let specs = node.layer.weights.isEmpty ? [] : try model.weightSpecs(of: node)
                for (i, w) in node.layer.weights.enumerated() {
                    // An int weight of Keras's (Normalization's count, a scalar) is written as Keras writes it.
                    if i < specs.count, specs[i].kerasInteger, w.count == 1, w.shape.isEmpty {
                        let v = w.scalars[0]
                        try vars.writeInt32Scalar(String(i), v.isFinite ? Int32(max(-2e9, min(2e9, v.rounded()))) : 0)
                    } else {
                        try vars.writeDataset(String(i), w)
                    }
                }
            }
            try KerasTraining.write(model, into: file.root)
            try file.root.createGroup("vars").setAttribute("name", model.name)
            return try file.bytes()
        }
    }

    /// Keras's group names (`dense`, `dense_1`, …: snake_case class name and a counter per
    /// class in `model.layers` order) paired with the layer names. A Sequential model's
    /// input has no group.
    static func groupNames(_ model: Model) -> [(group: String, layer: String)] {
        var counters: [String: Int] = [:]
        var result: [(String, String)] = []
        for name in model.kerasOrder {
            let cls: String
            if model.input(named: name) != nil {
                if model.isChain { continue }
                cls = "InputLayer"
            } else if let node = model.node(named: name) {
                cls = node.layer.className
            } else { continue }
            let base = snakeCase(cls)
            let k = counters[base, default: 0]
            counters[base] = k + 1
            result.append((k == 0 ? base : "\(base)_\(k)", name))
        }
        return result
    }

    // MARK: - Reading

    public static func load(contentsOf url: URL, seed: UInt64) throws -> Model { try load(path: url.path, seed: seed) }

    /// The model in the .keras file at `path` (as the user typed it; errors name it so).
    public static func load(path: String, seed: UInt64) throws -> Model {
        var notes: [String] = []
        return try load(path: path, seed: seed, notes: &notes)
    }

    /// As `load(path:seed:)`, with notes on what of the training set-up was left out (an
    /// unsupported metric, or a compile_config LayerLab cannot keep: the model opens uncompiled).
    public static func load(path: String, seed: UInt64, notes: inout [String]) throws -> Model {
        let data = try FileAccess.read(path)
        let name = (path as NSString).lastPathComponent
        guard (name as NSString).pathExtension.lowercased() == "keras" else {
            throw LabError("'\(path)' is not a .keras file", suggestion: "LayerLab opens Keras 3 .keras files, .json configs (import json) and .npz weights")
        }
        do { return try decode(data, seed: seed, notes: &notes) } catch let e as LabError { throw e.at(name) }
    }

    public static func decode(_ data: Data, seed: UInt64) throws -> Model {
        var notes: [String] = []
        return try decode(data, seed: seed, notes: &notes)
    }

    /// The model of a .keras file, compiled as its compile_config says (as far as LayerLab
    /// supports it, see `notes`) with the optimizer's state of model.weights.h5.
    public static func decode(_ data: Data, seed: UInt64, notes: inout [String]) throws -> Model {
        guard data.count >= 4, data.prefix(2) == Data([0x50, 0x4B]) else {
            throw LabError("not a .keras file: it is not a zip archive")
        }
        let archive = try readableArchive(data)
        func member(_ name: String, limit: Int) throws -> Data {
            guard let entry = archive[name] else { throw LabError("the archive has no \(name)") }
            return try extract(entry, from: archive, limit: limit)
        }
        let configData = try member("config.json", limit: 64 << 20)
        guard let text = String(data: configData, encoding: .utf8) else { throw LabError("config.json is not UTF-8 text") }
        let json = try JSON.parse(text)
        var model = try KerasModel.model(from: json, seed: seed)
        model.compilation = KerasTraining.compilation(from: json["compile_config"], notes: &notes)
        let weights = try member("model.weights.h5", limit: MemoryBudget.defaultLimit)
        try loadWeights(weights, into: &model, notes: &notes)
        return model
    }

    /// Reads `model.weights.h5` into a model whose layers are already built.
    static func loadWeights(_ data: Data, into model: inout Model) throws {
        var notes: [String] = []
        try loadWeights(data, into: &model, notes: &notes)
    }

    /// Reads `model.weights.h5` — the layers' weights, then the optimizer's variables when
    /// the model is compiled — into a model whose layers are already built.
    static func loadWeights(_ data: Data, into model: inout Model, notes: inout [String]) throws {
        try HDF5File.exclusively {
            let file: HDF5File
            do { file = try HDF5File.open(data) } catch let e as LabError { throw e.at("model.weights.h5") }
            try readWeights(file, into: &model)
            do { try KerasTraining.read(file.root, into: &model, notes: &notes) } catch let e as LabError { throw e.at("model.weights.h5") }
        }
    }

    private static func readWeights(_ file: HDF5File, into model: inout Model) throws {
        guard let layers = try file.root.group("layers") else {
            if model.nodes.allSatisfy({ $0.layer.weights.isEmpty }) { return }
            throw LabError("model.weights.h5 has no layers group")
        }
        for (group, name) in groupNames(model) {
            guard let node = model.node(named: name) else { continue }
            let specs = try model.weightSpecs(of: node)
            guard !specs.isEmpty else { continue }
            guard let g = try layers.group(group), let vars = try g.group("vars") else {
                throw LabError("layer '\(name)' expected \(specs.count) weights, but model.weights.h5 has no group layers/\(group)")
            }
            for (i, spec) in specs.enumerated() {
                guard vars.hasDataset(String(i)) else {
                    throw LabError("layer '\(name)' expected \(specs.count) weights, but layers/\(group)/vars has no dataset \(i)")
                }
                let t = try vars.readDataset(String(i), expecting: spec.shape)
                try model.setWeight(layer: name, weight: spec.name, to: t)
            }
        }
    }
}

/// All weights as a NumPy `.npz`, keyed by Keras weight paths (`dense/kernel`).
public enum NPZ {
    public static func encode(_ model: Model) throws -> Data {
        try encode(model.weightPaths.map { ($0, try model.weight($0).value) })
    }

    /// Arrays by name (`dense/kernel` is stored as `dense/kernel.npy`), in order.
    public static func encode(_ arrays: [(String, Tensor)]) throws -> Data {
        let archive: Archive
        do { archive = try Archive(data: Data(), accessMode: .create) } catch { throw LabError("cannot create a zip archive: \(error)") }
        for (name, value) in arrays {
            try addStored(NPY.encode(value), as: name + ".npy", date: Date(), to: archive)
        }
        guard let bytes = archive.data else { throw LabError("the archive could not be written") }
        return bytes
    }

    /// The arrays of an .npz, by name (without `.npy`).
    public static func decode(_ data: Data) throws -> [(String, Tensor)] {
        guard data.count >= 4, data.prefix(2) == Data([0x50, 0x4B]) else { throw LabError("not an .npz file: it is not a zip archive") }
        let archive = try readableArchive(data)
        var result: [(String, Tensor)] = []
        for entry in archive where entry.type == .file {
            guard entry.path.hasSuffix(".npy") else { continue }
            let bytes = try extract(entry, from: archive, limit: MemoryBudget.defaultLimit)
            do { result.append((String(entry.path.dropLast(4)), try NPY.decode(bytes))) } catch let e as LabError { throw e.at(entry.path) }
        }
        return result
    }
}

/// Opens zip bytes for reading from memory, once `ZipCheck` has found every offset
/// inside the data.
func readableArchive(_ data: Data) throws -> Archive {
    try ZipCheck.validate(data)
    do { return try Archive(data: data, accessMode: .read) } catch { throw LabError("the zip archive is damaged (\(error))") }
}

/// Adds `data` uncompressed as member `name`; Ctrl-C stops it between chunks.
func addStored(_ data: Data, as name: String, date: Date, to archive: Archive) throws {
    do {
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                             compressionMethod: .none) { position, size in
            try Interrupt.check()
            return data.subdata(in: Int(position)..<Int(position) + size)
        }
    } catch let e as LabError { throw e } catch { throw LabError("cannot add \(name) to the archive: \(error)") }
}

/// A member's bytes, refusing more than `limit` bytes, or more than the member
/// declares (a zip bomb inflates far beyond its declared size).
func extract(_ entry: Entry, from archive: Archive, limit: Int) throws -> Data {
    let declared = entry.uncompressedSize
    guard declared <= UInt64(limit) else { throw LabError("\(entry.path) claims \(declared) bytes") }
    var out = Data()
    do {
        _ = try archive.extract(entry) { chunk in
            try Interrupt.check()
            guard UInt64(out.count + chunk.count) <= declared else { throw LabError("\(entry.path) holds more than the \(declared) bytes it declares") }
            out.append(chunk)
        }
    } catch let e as LabError { throw e } catch { throw LabError("\(entry.path) is damaged in the archive (\(error))") }
    return out
}
