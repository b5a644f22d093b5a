import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let weights = Command(
        name: "weights", usage: "weights [LAYER/WEIGHT] [--output FILE.npy | --load FILE.npy]",
        summary: "list the weights, show one, export it to a NumPy .npy file or replace it from one",
        examples: ["weights", "weights dense/kernel", "weights dense/kernel --output k.npy", "weights dense/kernel --load k.npy"],
        flags: [.init(name: "output", value: "FILE", help: "write the weight as a float32 .npy file (C order)"),
                .init(name: "load", value: "FILE", help: "replace the weight from a .npy file of the same shape")]
    ) { inv, session in
        let model = session.model
        if inv.values.isEmpty {
            guard inv.flags.isEmpty else { throw LabError("weights: name a weight for --output or --load", suggestion: "for example 'weights dense/kernel --output k.npy'") }
            let paths = model.weightPaths
            guard !paths.isEmpty else { session.say("no weights yet"); return }
            let width = paths.map(\.displayWidth).max() ?? 0
            for path in paths {
                guard let (_, _, value) = try? model.weight(path) else { continue }
                session.say(path + String(repeating: " ", count: width - path.displayWidth) + "  " + Tensor.describe(value.shape)
                            + "  " + session.style.dim(Format.statistics(Statistics(value.scalars))))
            }
            return
        }
        let path = try inv.name("weight path (LAYER/WEIGHT)")
        let (node, spec, value) = try model.weight(path)
        if let file = try inv.text("load") {
            if inv.has("output") { throw LabError("weights: give --output or --load, not both") }
            let loaded = try NPY.read(path: file)
            try session.change { try $0.setWeight(layer: node.name, weight: spec.name, to: loaded) }
            session.say("loaded \(path) \(Tensor.describe(loaded.shape)) from \(file)")
            return
        }
        if let file = try inv.text("output") {
            try NPY.write(value, to: file)
            session.say("wrote \(path) \(Tensor.describe(value.shape)) float32 to \(file)")
            return
        }
        session.say("\(session.style.name(path))  \(Tensor.describe(value.shape))  \(Value.object(spec.initializer.object).python)")
        session.say("  " + Format.statistics(Statistics(value.scalars)))
        session.say(indent(Format.preview(value), by: 2))
    }
}
