import Foundation
import Formats
import Layers
import Models
import TensorCore

extension Commands {
    static let forward = Command(
        name: "forward", usage: "forward [--batch N] [--input FILE.npy] [--output FILE.npy] [--training]",
        summary: "run the model on a batch: each layer's output shape and values, then the output",
        examples: ["forward", "forward --batch 4", "forward --input x.npy --output y.npy", "forward --training"],
        flags: [.init(name: "batch", value: "N", help: "size of the random batch (default 1); inputs are drawn from N(0, 1), int32 ids uniformly"),
                .init(name: "training", value: nil, help: "run as in training (model(x, training=True)): dropout layers drop values"),
                .init(name: "input", value: "FILE", help: "read the batch from a .npy file of shape (batch, …input shape)"),
                .init(name: "output", value: "FILE", help: "write the model's output to a .npy file")]
    ) { inv, session in
        try inv.noArguments()
        let model = session.model
        guard let input = model.inputs.first else {
            throw LabError("the model has no input yet", suggestion: "define one with 'input 16' (the sizes of one sample)")
        }
        let style = session.style
        let nameWidth = max(input.name.count, model.nodes.map(\.name.count).max() ?? 0)
        func header(_ name: String, _ t: Tensor) -> String {
            style.name(name) + String(repeating: " ", count: nameWidth - name.count) + "  " + Tensor.describe(t.shape)
        }
        let x: Tensor
        if let file = try inv.text("input") {
            if inv.has("batch") { throw LabError("forward: --batch goes with random inputs, not with --input") }
            x = try NPY.read(contentsOf: URL(fileURLWithPath: file))
        } else {
            let batch = try inv.int("batch", default: 1, range: 1...1_000_000_000)
            // The batch and the two largest layer outputs must fit before anything is allocated.
            let perSample = ([input.shape] + model.nodes.compactMap { $0.outputShape?.sample })
                .map { $0.reduce(1.0) { $0 * Double($1) } }.sorted(by: >)
            try MemoryBudget.check(elements: Double(batch) * perSample.prefix(3).reduce(0, +),
                                   "forward --batch \(thousands(batch))")
            var t = Tensor(zeros: [batch] + input.shape, dtype: input.dtype)
            if input.dtype == .int32 {
                let range = model.idRange(for: input.name)
                let bound = range?.bound ?? 10
                for i in t.scalars.indices { t.scalars[i] = Float(session.dataGenerator.nextInt(below: bound)) }
                session.say(header(input.name, t) + " int32 ids drawn uniformly from [0, \(bound))"
                            + (range.map { " (input_dim of \($0.layer))" } ?? " (it feeds no embedding layer, so small whole numbers)"))
                session.say(indent(Format.preview(t), by: 2))
            } else {
                session.dataGenerator.fillNormal(&t.scalars)
            }
            x = t
        }
        let training = inv.has("training")
        if training { session.say(session.style.dim("training mode: dropout layers drop values (deterministic for the seed)")) }
        let outputs: [(name: String, value: Tensor)]
        do {
            outputs = try model.forward([input.name: x], training: training, random: &session.dataGenerator) { node, y in
                session.say(header(node.name, y) + "  " + style.dim(Format.statistics(Statistics(y.scalars))))
                session.say(indent(Format.preview(y), by: 2))
            }
        } catch let e as LabError where input.dtype == .float32 && !inv.has("input") && model.idRange(for: input.name) != nil {
            throw LabError(e.message, suggestion: "the input is float32, so forward drew N(0, 1) values; with 'input … dtype=int32' it draws ids below input_dim")
        }
        for (name, y) in outputs {
            session.say(style.bold("output") + " \(name) \(Tensor.describe(y.shape))")
            session.say(Format.preview(y))
            if let file = try inv.text("output") {
                try NPY.write(y, to: URL(fileURLWithPath: file))
                session.say("wrote \(Tensor.describe(y.shape)) \(y.dtype.rawValue) to \(file)")
            }
        }
    }
}
