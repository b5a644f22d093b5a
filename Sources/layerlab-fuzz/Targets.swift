import KerasPython
import Foundation
import Formats
import KerasPython
import Layers
import Models
import Shell
import TensorCore

/// The entry points of the fuzz targets: every reader of user
/// input or file content, fed arbitrary bytes. A reader may reject its input with a
/// LabError; anything else — a crash, a trap, a hang — is a bug.
enum Fuzzing {
    static let targets = ["commands", "python", "lambda", "npy", "npz", "json", "keras", "csv"]

    static func run(_ target: String, _ data: Data) {
        var text: String { String(decoding: data, as: UTF8.self) }
        switch target {
        case "commands":
            _ = try? CommandParser.parse(text)
        case "python":
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                _ = Python.isPython(String(line), state: PythonState(), commands: Session.commandNames)
                _ = try? Python.parse(String(line))
            }
        case "lambda":
            var seeds = SeedSource(seed: 1)
            guard let layer = try? LayerType.registry.get("lambda").build(Arguments([.string(text)]), seeds: &seeds).layer,
                  (try? layer.outputShape(for: [Shape([nil, 2, 3])])) != nil else { return }
            _ = try? layer.call([try Tensor(zeros: [2, 2, 3], value: 0.5)], training: false)
        case "npy":
            _ = try? NPY.decode(data)
        case "npz":
            _ = try? NPZ.decode(data)
        case "json":
            if let json = try? JSON.parse(text) { _ = try? KerasModel.model(from: json, seed: 1) }
        case "keras":
            _ = try? KerasArchive.decode(data, seed: 1)
        case "csv":
            if let table = try? CSVTable.decode(data) { _ = try? table.split(target: try table.columnIndex("-1")) }
        default:
            break
        }
    }
}
