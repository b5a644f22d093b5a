import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let outputs = Command(
        name: "outputs", usage: "outputs [LAYER[,LAYER…] | auto]",
        summary: "show or choose the model's outputs (by default: the layers nothing else reads)",
        examples: ["outputs", "outputs out_a,out_b", "outputs auto"]
    ) { inv, session in
        if inv.values.isEmpty, inv.keywords.isEmpty {
            session.say("outputs: " + session.model.outputNames.joined(separator: ", ")
                        + (session.model.chosenOutputs == nil ? " (the layers nothing else reads)" : " (chosen)"))
            return
        }
        guard inv.keywords.isEmpty else { throw LabError("outputs takes layer names", suggestion: "usage: \(inv.command.usage)") }
        let names = try inv.values.flatMap { try Commands.names($0, what: "outputs") }
        let chosen: [String]? = names == ["auto"] ? nil : names
        try session.change { try $0.setOutputs(chosen) }
        session.say("outputs: " + session.model.outputNames.joined(separator: ", "))
    }

    static let graph = Command(
        name: "graph", usage: "graph",
        summary: "the model drawn top to bottom: each layer with its type and output shape, lines carrying tensors to the layers that read them",
        examples: ["graph"]
    ) { inv, session in
        try inv.noArguments()
        guard !session.model.isEmpty else { throw LabError("the model is empty", suggestion: "start with 'input 16' and 'add dense 32 relu'") }
        session.say(GraphText.render(session.model, style: session.style).joined(separator: "\n"))
    }
}

/// Draws the model as a graph in the terminal, one layer per line, in the manner of
/// `git log --graph`: each tensor runs down its own lane from the layer that makes
/// it to the last layer that reads it; `┬` splits a tensor to several readers, `┴`/`┘`
/// join inputs into a merge. Readable for long models with many branches, since the
/// width grows with the number of tensors alive at once, not with the layer count.
enum GraphText {
    struct Item {
        var name: String
        var type: String
        var shape: String
        var inbound: [String]
    }

    static func render(_ model: Model, style: Style) -> [String] {
        let items = model.inputs.map { Item(name: $0.name, type: "InputLayer", shape: $0.outputShape.description, inbound: []) }
            + model.nodes.map { Item(name: $0.name, type: $0.layer.className, shape: $0.outputShape?.description ?? "? (unbuilt)", inbound: $0.inbound) }
        var remaining: [String: Int] = [:]
        for item in items { for s in item.inbound { remaining[s, default: 0] += 1 } }
        let outputs = Set(model.outputNames)
        var lanes: [String?] = []
        // (lanes drawn, text) per line; the text column is aligned at the end.
        var lines: [(String, String)] = []

        func cells(_ marks: [Int: (up: Bool, down: Bool, left: Bool, right: Bool)], width: Int) -> String {
            var s = ""
            for k in 0..<width {
                let m = marks[k] ?? (lanes.indices.contains(k) && lanes[k] != nil ? (true, true, false, false) : (false, false, false, false))
                s.append(boxChar(m))
                let joinRight = m.right
                s.append(joinRight ? "─" : " ")
            }
            return s
        }

        for item in items {
            // Lanes holding this layer's inputs.
            let inputLanes = item.inbound.compactMap { src in lanes.firstIndex { $0 == src } }
            let ending = Set(inputLanes.filter { lanes[$0].map { remaining[$0, default: 0] <= 1 } ?? false })
            let column: Int
            if let lane = inputLanes.filter(ending.contains).min() {
                column = lane
            } else if let free = lanes.firstIndex(where: { $0 == nil }) {
                column = free
            } else {
                column = lanes.count
            }
            let straight = inputLanes == [column] && ending.contains(column)
            if !inputLanes.isEmpty && !straight {
                let span = (inputLanes + [column])
                let lo = span.min() ?? column, hi = span.max() ?? column
                var marks: [Int: (up: Bool, down: Bool, left: Bool, right: Bool)] = [:]
                let width = max(lanes.count, column + 1)
                for k in 0..<width {
                    let active = lanes.indices.contains(k) && lanes[k] != nil
                    let up = active
                    let down = k == column || (active && !ending.contains(k))
                    let left = k > lo && k <= hi, right = k >= lo && k < hi
                    if up || down || left || right { marks[k] = (up, down, left, right) }
                }
                lines.append((cells(marks, width: width), ""))
            }
            for lane in ending where lane != column { lanes[lane] = nil }
            for src in item.inbound { remaining[src, default: 0] -= 1 }
            if column < lanes.count { lanes[column] = nil } else { lanes.append(nil) }
            // The layer's own line.
            let width = lanes.count
            var row = ""
            for k in 0..<width {
                row += k == column ? "●" : (lanes[k] != nil ? "│" : " ")
                row += " "
            }
            var text = style.bold(style.name(item.name)) + " " + style.dim("(\(item.type))") + "  " + item.shape
            let straightFromAbove = straight && item.inbound.count == 1
            if !item.inbound.isEmpty && !straightFromAbove { text += style.dim("  ← " + item.inbound.joined(separator: ", ")) }
            if outputs.contains(item.name) { text += style.dim("  → output") }
            lines.append((row, text))
            lanes[column] = remaining[item.name, default: 0] > 0 ? item.name : nil
            while let last = lanes.last, last == nil { lanes.removeLast() }
        }
        let width = lines.map(\.0.displayWidth).max() ?? 0
        return lines.map { l, t in t.isEmpty ? l : l + String(repeating: " ", count: width - l.displayWidth) + " " + t }
    }

    static func boxChar(_ m: (up: Bool, down: Bool, left: Bool, right: Bool)) -> Character {
        switch (m.up, m.down, m.left, m.right) {
        case (true, true, false, false): return "│"
        case (false, false, true, true), (false, false, true, false), (false, false, false, true): return "─"
        case (true, false, true, false): return "┘"
        case (true, false, false, true): return "└"
        case (false, true, true, false): return "┐"
        case (false, true, false, true): return "┌"
        case (true, true, true, false): return "┤"
        case (true, true, false, true): return "├"
        case (true, false, true, true): return "┴"
        case (false, true, true, true): return "┬"
        case (true, true, true, true): return "┼"
        case (true, false, false, false): return "╵"
        case (false, true, false, false): return "╷"
        default: return " "
        }
    }
}
