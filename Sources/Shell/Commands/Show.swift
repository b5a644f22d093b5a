import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let show = Command(
        name: "show", usage: "show LAYER",
        summary: "a layer's config (every Keras argument and its value), shapes and weights",
        examples: ["show dense"]
    ) { inv, session in
        let name = try inv.name("layer name")
        let model = session.model
        if let input = model.input(named: name) {
            session.say("\(session.style.name(input.name)) (InputLayer)\n  output  \(input.outputShape)\n  dtype   \(input.dtype.rawValue)")
            return
        }
        guard let node = model.node(named: name) else { throw model.layerNotFound(name) }
        let style = session.style
        session.say(style.bold("\(style.name(node.name)) (\(node.layer.className))"))
        let inputs = model.inputShapes(of: node)
        let sources = node.inbound.isEmpty ? "no input yet" : "from " + node.inbound.joined(separator: ", ")
        session.say("  input   \(inputs?.map(\.description).joined(separator: ", ") ?? "?")  \(style.dim(sources))")
        session.say("  output  \(node.outputShape?.description ?? "? (unbuilt)")")
        let params = node.layer.parameterCount
        let macs = inputs.map { node.layer.macs(for: $0) } ?? 0
        session.say("  params  \(Format.thousands(params)) (\(Format.bytes(params * 4)))   MACs \(Format.thousands(macs)) per sample")
        if let note = inputs.flatMap({ node.layer.parameterNote(for: $0) }) { session.say("          " + style.dim(note)) }
        session.say(style.bold("config"))
        let entries = [Keyword("name", .string(node.name)), Keyword("trainable", .bool(node.layer.trainable)),
                       Keyword("dtype", .string("float32"))] + node.layer.config
        let keyWidth = entries.map(\.key.count).max() ?? 0
        for entry in entries {
            session.say("  " + entry.key + String(repeating: " ", count: keyWidth - entry.key.count) + "  " + entry.value.python)
        }
        guard !node.layer.weights.isEmpty else { return }
        session.say(style.bold("weights"))
        try session.sayWeights(of: node, preview: true)
    }
}
