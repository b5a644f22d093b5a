import Layers
import Models
import TensorCore
import Text

/// Keras 3's `model.summary()`, byte for byte: the layout of keras/src/utils/summary_utils.py
/// drawn the way rich draws it (column widths from `Table._calculate_column_widths`,
/// Python's round-half-even in `ratio_reduce`, word wrapping from `rich._wrap.divide_line`,
/// `…` for words that do not fit).
enum KerasSummary {
    struct Row {
        var cells: [String]
    }

    /// The summary as Keras prints it at a terminal `terminalColumns` wide (Keras uses
    /// min(default, columns − 4); 80 columns when the output is not a terminal).
    static func render(_ model: Model, terminalColumns: Int, lineLength: Int? = nil) throws -> String {
        let sequentialLike: Bool
        let showInputs: Bool
        switch model.kerasClass {
        case "Sequential"? where model.isChain: (sequentialLike, showInputs) = (true, false)
        case "Functional"?: (sequentialLike, showInputs) = (model.isChain, true)
        default: (sequentialLike, showInputs) = model.isChain ? (true, false) : (false, true)
        }
        let headers = sequentialLike ? ["Layer (type)", "Output Shape", "Param #"]
                                     : ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        let right = [false, false, true, false]
        let positions = sequentialLike ? [0.45, 0.80, 1.0] : [0.3, 0.56, 0.74, 1.0]
        let width = lineLength ?? min(sequentialLike ? 88 : 108, terminalColumns - 4)
        guard width <= 1000 else { throw LabError("summary: line_length \(width) is too wide (at most 1000)") }
        var columnWidths: [Int] = []
        var current = 0
        for p in positions {
            let w = Int(p * Double(width)) - current
            guard w >= 4 else { throw LabError("Insufficient console width to print summary.", suggestion: "widen the terminal") }
            columnWidths.append(w)
            current += w
        }
        var rows: [[String]] = []
        for name in operationOrder(model, includeInputs: showInputs) {
            if let input = model.input(named: name) {
                rows.append(["\(name) (InputLayer)", shapeText(input.outputShape), "0"] + (sequentialLike ? [] : ["-"]))
            } else if let node = model.node(named: name) {
                let params = node.outputShape == nil ? "0 (unbuilt)" : thousands(node.layer.parameterCount)
                var cells = ["\(node.name) (\(node.layer.className))", node.outputShape.map(shapeText) ?? "?", params]
                if !sequentialLike { cells.append(node.inbound.isEmpty ? "-" : node.inbound.map { "\($0)[0][0]" }.joined(separator: ", ")) }
                rows.append(cells)
            }
        }
        let segments = rich(columnWidths, lineLength: width)
        let total = model.parameterCount, trainable = model.trainableParameterCount
        func size(_ n: Int) -> String { memorySize(n * 4) }
        return ([
            "Model: \"\(model.name)\"",
            table(headers: headers, rows: rows, segments: segments, right: Array(right.prefix(headers.count))),
            " Total params: \(thousands(total)) (\(size(total)))",
            " Trainable params: \(thousands(trainable)) (\(size(trainable)))",
            " Non-trainable params: \(thousands(total - trainable)) (\(size(total - trainable)))",
        ]).joined(separator: "\n")
    }

    /// Keras's `format_shape`: `"(" + ", ".join(dims) + ")"` (so one axis prints as `(None)`).
    static func shapeText(_ s: Shape) -> String {
        "(" + s.dims.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
    }

    /// The layers in Keras's order. A sequential-like model lists them in order; a
    /// functional one in `map_graph`'s order: by depth (the longest path to an output),
    /// deepest first, ties broken by when a depth-first walk from the outputs first met them.
    static func operationOrder(_ model: Model, includeInputs: Bool) -> [String] {
        guard includeInputs else { return model.nodes.map(\.name) }
        if model.isChain, model.inputs.count == 1 { return model.allNames }
        var traversal: [String: Int] = [:]
        var depth: [String: Int] = [:]
        var finished: Set<String> = []
        var order: [String] = []
        func inbound(_ name: String) -> [String] { model.node(named: name)?.inbound ?? [] }
        func visit(_ name: String) {
            if finished.contains(name) { return }
            if traversal[name] == nil { traversal[name] = traversal.count }
            for parent in inbound(name) { visit(parent) }
            finished.insert(name)
            order.append(name)
        }
        for output in model.outputNames { visit(output) }
        for name in order.reversed() {
            let d = depth[name, default: 0]
            depth[name] = d
            for parent in inbound(name) { depth[parent] = max(depth[parent, default: 0], d + 1) }
        }
        for input in model.inputs where depth[input.name] == nil {
            depth[input.name] = 0
            traversal[input.name] = -1
        }
        return depth.keys.sorted {
            let (da, db) = (depth[$0] ?? 0, depth[$1] ?? 0)
            return da != db ? da > db : (traversal[$0] ?? 0) < (traversal[$1] ?? 0)
        }
    }

    /// rich's column widths (padding included, borders not) for columns of fixed widths
    /// in a table `lineLength` wide.
    static func rich(_ widths: [Int], lineLength: Int) -> [Int] {
        let maxWidth = lineLength - (widths.count + 1)
        var w = widths.map { min($0 + 2, maxWidth) }
        let total = w.reduce(0, +)
        if total > maxWidth {
            // ratio_reduce(excess, [1] * n, w, w)
            var remaining = total - maxWidth
            var ratioTotal = w.filter { $0 > 0 }.count
            w = w.map { value in
                guard value > 0, ratioTotal > 0 else { return value }
                let share = (Double(remaining) / Double(ratioTotal)).rounded(.toNearestOrEven)
                let distributed = min(value, Int(share))
                remaining -= distributed
                ratioTotal -= 1
                return value - distributed
            }
        }
        return w
    }

    static func table(headers: [String], rows: [[String]], segments: [Int], right: [Bool]) -> String {
        let inner = segments.map { max(0, $0 - 2) }
        func rule(_ l: String, _ fill: String, _ m: String, _ r: String) -> String {
            l + segments.map { String(repeating: fill, count: $0) }.joined(separator: m) + r
        }
        func lines(_ cells: [String], _ bar: String, bottom: Bool = false) -> [String] {
            var wrapped = cells.enumerated().map { wrap($1, width: inner[$0], right: right[$0]) }
            let height = wrapped.map(\.count).max() ?? 1
            // rich aligns header cells to the bottom, body cells to the top.
            if bottom {
                wrapped = wrapped.enumerated().map { i, l in
                    Array(repeating: String(repeating: " ", count: inner[i]), count: height - l.count) + l
                }
            }
            return (0..<height).map { r in
                bar + wrapped.enumerated().map { i, l in
                    " " + (r < l.count ? l[r] : String(repeating: " ", count: inner[i])) + " "
                }.joined(separator: bar) + bar
            }
        }
        var out = [rule("┏", "━", "┳", "┓")]
        out += lines(headers, "┃", bottom: true)
        out.append(rule("┡", "━", "╇", "┩"))
        for (i, row) in rows.enumerated() {
            if i > 0 { out.append(rule("├", "─", "┼", "┤")) }
            out += lines(row, "│")
        }
        out.append(rule("└", "─", "┴", "┘"))
        return out.joined(separator: "\n")
    }

    /// rich's `Text.wrap` with overflow "ellipsis": break at spaces (a word and the spaces
    /// after it stay together), crop a word wider than the line with `…`, pad to the width.
    static func wrap(_ text: String, width: Int, right: Bool) -> [String] {
        guard width > 0 else { return [""] }
        guard !text.isEmpty else { return [String(repeating: " ", count: width)] }
        // Words: \s*\S+\s*
        var words: [(start: Int, text: [Character])] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let start = i
            while i < chars.count, chars[i] == " " { i += 1 }
            while i < chars.count, chars[i] != " " { i += 1 }
            while i < chars.count, chars[i] == " " { i += 1 }
            words.append((start, Array(chars[start..<i])))
        }
        var breaks: [Int] = []
        var offset = 0
        for word in words {
            var trimmed = word.text
            while trimmed.last == " " { trimmed.removeLast() }
            // rich counts cells (cell_len): a wide character is two.
            if width - offset >= trimmed.displayWidth {
                offset += word.text.displayWidth
            } else if trimmed.displayWidth > width {
                if word.start > 0 { breaks.append(word.start) }
                offset = word.text.displayWidth
            } else if offset > 0, word.start > 0 {
                breaks.append(word.start)
                offset = word.text.displayWidth
            }
        }
        var pieces: [[Character]] = []
        var previous = 0
        for b in breaks + [chars.count] {
            pieces.append(Array(chars[previous..<b]))
            previous = b
        }
        if pieces.isEmpty { pieces = [[]] }
        return pieces.map { piece in
            var line = piece
            if line.displayWidth > width {
                var excess = line.displayWidth - width
                while excess > 0, line.last == " " { line.removeLast(); excess -= 1 }
            }
            if right { while line.last == " " { line.removeLast() } }
            if line.displayWidth > width { line = Array(String(line).cropped(toWidth: width - 1)) + ["…"] }
            let pad = String(repeating: " ", count: max(0, width - line.displayWidth))
            return right ? pad + String(line) : String(line) + pad
        }
    }
}
