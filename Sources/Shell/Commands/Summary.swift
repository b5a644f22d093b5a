import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let summary = Command(
        name: "summary", usage: "summary [--memory [--batch N]]",
        summary: "the model as Keras's model.summary() prints it, plus multiply-accumulates per sample",
        examples: ["summary", "summary --memory", "summary --memory --batch 256"],
        flags: [.init(name: "memory", value: nil, help: "then each layer's output bytes for a batch, what backprop would keep, and an estimated total"),
                .init(name: "batch", value: "N", help: "the batch size --memory counts for (default 1)")]
    ) { inv, session in
        try inv.noArguments()
        if inv.has("batch"), !inv.has("memory") {
            throw LabError("summary: --batch goes with --memory", suggestion: "summary --memory --batch \((try? inv.text("batch")) ?? "N")")
        }
        if session.model.nodes.isEmpty, let input = session.model.inputs.first {
            session.say("Model \"\(session.model.name)\" has an input \(input.outputShape) and no layers yet — add one, for example 'add dense 32 relu'")
            return
        }
        var text = renderSummary(ModelSummary(session.model), width: session.width, style: session.style)
        if let compiled = session.model.compilation { text += "\n" + session.style.bold(" Compiled: ") + compiled.description }
        let extra = try session.regularizationSummary()
        if !extra.isEmpty { text += "\n" + extra.joined(separator: "\n") }
        if inv.has("memory") {
            let batch = try inv.int("batch", default: 1, range: 1...1_000_000)
            text += "\n\n" + renderMemory(MemoryEstimate(session.model, batch: batch), width: session.width, style: session.style)
        }
        session.say(text)
    }

    /// `summary --memory`: torchinfo's sizes — per layer, then the totals.
    static func renderMemory(_ m: MemoryEstimate, width: Int, style: Style) -> String {
        var table = Table(headers: ["Layer (type)", "Output Shape", "Output (batch \(Format.thousands(m.batch)))", "Backward keeps (est.)"],
                          alignments: [.left, .left, .right, .right], positions: [0.36, 0.62, 0.81, 1.0],
                          lineWidth: max(60, min(100, width - 4)))
        for r in m.rows {
            table.rows.append(["\(r.name) (\(r.className))", r.outputShape?.description ?? "?",
                               r.outputBytes.map(Format.bytes) ?? "? (unbuilt)",
                               r.isInput ? "-" : r.backwardBytes.map(Format.bytes) ?? "?"])
        }
        let line = { (label: String, bytes: Int, note: String) in
            style.bold(" \(label): ") + Format.bytes(bytes) + (note.isEmpty ? "" : style.dim("  " + note))
        }
        return [
            style.bold("Memory") + " for a batch of \(Format.thousands(m.batch)) (float32 and int32: 4 bytes a value)",
            table.render(style: style),
            line("Input size", m.inputBytes, ""),
            line("Params size", m.parameterBytes, ""),
            line("Forward pass size", m.forwardBytes, "every layer's output"),
            line("Forward/backward pass size (est.)", m.forwardBackwardBytes, "outputs kept for backprop + their gradients, as torchinfo counts"),
            line("Optimizer state", m.optimizerBytes, m.optimizer.map { o in
                "\(o.className) keeps \(o.slotsPerWeight) value\(o.slotsPerWeight == 1 ? "" : "s") per trainable parameter"
            } ?? "not compiled: 'compile optimizer=…' chooses the optimizer"),
            line("Estimated total size", m.totalBytes, "input + params + forward/backward + optimizer"),
        ].joined(separator: "\n")
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
