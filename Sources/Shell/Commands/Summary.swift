import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let summary = Command(
        name: "summary", usage: "summary",
        summary: "the model as Keras's model.summary() prints it, plus multiply-accumulates per sample",
        examples: ["summary"]
    ) { inv, session in
        try inv.noArguments()
        if session.model.nodes.isEmpty, let input = session.model.inputs.first {
            session.say("Model \"\(session.model.name)\" has an input \(input.outputShape) and no layers yet — add one, for example 'add dense 32 relu'")
            return
        }
        var text = renderSummary(ModelSummary(session.model), width: session.width, style: session.style)
        let extra = try session.regularizationSummary()
        if !extra.isEmpty { text += "\n" + extra.joined(separator: "\n") }
        session.say(text)
    }

    static func renderSummary(_ s: ModelSummary, width: Int, style: Style) -> String {
        if s.rows.isEmpty {
            return "Model: \"\(s.modelName)\" is empty — start with 'input 16' and 'add dense 32 relu'"
        }
        var headers = ["Layer (type)", "Output Shape", "Param #", "MACs"]
        var alignments: [Table.Alignment] = [.left, .left, .right, .right]
        var positions = [0.40, 0.70, 0.85, 1.0]
        var lineWidth = 100
        if !s.isChain {
            headers.append("Connected to")
            alignments.append(.left)
            positions = [0.27, 0.50, 0.63, 0.76, 1.0]
            lineWidth = 120
        }
        var table = Table(headers: headers, alignments: alignments, positions: positions,
                          lineWidth: max(60, min(lineWidth, width - 4)))
        for row in s.rows {
            var cells = ["\(row.name) (\(row.className))",
                         row.outputShape?.description ?? "?",
                         row.built ? Format.thousands(row.parameters) : "0 (unbuilt)",
                         row.built ? Format.thousands(row.macs) : "?"]
            if !s.isChain { cells.append(row.connectedTo.isEmpty ? "-" : row.connectedTo.joined(separator: ", ")) }
            table.rows.append(cells)
        }
        table.keepNumbersWhole()
        let trainable = s.trainableParameters, total = s.totalParameters
        return [
            "Model: \"\(s.modelName)\"",
            table.render(style: style),
            style.bold(" Total params: ") + "\(Format.thousands(total)) (\(Format.bytes(total * 4)))",
            style.bold(" Trainable params: ") + "\(Format.thousands(trainable)) (\(Format.bytes(trainable * 4)))",
            style.bold(" Non-trainable params: ") + "\(Format.thousands(total - trainable)) (\(Format.bytes((total - trainable) * 4)))",
            style.dim(" MACs: \(Format.thousands(s.totalMACs)) multiply-accumulates per sample ('explain LAYER' shows how each is counted)"),
        ].joined(separator: "\n")
    }
}
