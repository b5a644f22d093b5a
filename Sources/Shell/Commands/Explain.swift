import Layers
import Models
import TensorCore

extension Commands {
    static let explain = Command(
        name: "explain", usage: "explain NAME",
        summary: "the formulas behind a layer of the model (output shape, parameters), with its numbers put in",
        examples: ["explain dense"]
    ) { inv, session in
        let topic = try inv.name("layer name")
        for explainer in explainers {
            if let text = try explainer(session, topic) {
                session.say(text)
                return
            }
        }
        throw LabError.unknown("name to explain", topic, among: session.model.allNames + session.model.weightPaths)
    }

    /// Each explainer returns its text for the topics it knows and nil for the others.
    /// The model's own names come first, then names from the registries.
    static let explainers: [@Sendable (Session, String) throws -> String?] = [
        explainLayer,
    ]

    /// `explain dense`: a layer of the model.
    @Sendable static func explainLayer(_ session: Session, _ topic: String) throws -> String? {
        let model = session.model
        if let input = model.input(named: topic) {
            return "\(session.style.name(input.name)) (InputLayer): the model's input, batches of shape \(input.outputShape); no parameters"
        }
        guard let node = model.node(named: topic) else { return nil }
        let style = session.style
        var lines = [style.bold("\(style.name(node.name)) (\(node.layer.className))")]
        guard let inputs = model.inputShapes(of: node) else {
            lines.append("  unbuilt: its input shape is not known yet, so neither is its output or its parameter count")
            return lines.joined(separator: "\n")
        }
        lines += node.layer.explanation(for: inputs).map { "  " + $0 }
        if lines.count == 1 {
            lines.append("  output shape \(node.outputShape?.description ?? "?"), \(Format.thousands(node.layer.parameterCount)) params")
        }
        return lines.joined(separator: "\n")
    }
}
