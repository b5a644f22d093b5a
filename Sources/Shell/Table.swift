import Text
/// A box-drawn table in the style of Keras 3's `model.summary()` (rich's HEAVY_HEAD
/// box, a rule between rows, one space of padding). Cells wrap at spaces; a word
/// too long for its column is cut with `…`.
struct Table {
    enum Alignment { case left, right }
    var headers: [String]
    var alignments: [Alignment]
    /// Widths of each column's text (padding and borders not included).
    var widths: [Int]
    var rows: [[String]] = []

    /// Columns as wide as their widest cell (set `rows` before rendering).
    init(headers: [String], alignments: [Alignment]) {
        self.headers = headers
        self.alignments = alignments
        widths = []
    }

    /// Columns sized from relative positions within a total line width, as Keras does.
    init(headers: [String], alignments: [Alignment], positions: [Double], lineWidth: Int) {
        self.headers = headers
        self.alignments = alignments
        let inner = lineWidth - (headers.count + 1) - 2 * headers.count
        var widths: [Int] = []
        var previous = 0
        for p in positions {
            let edge = Int(p * Double(inner))
            widths.append(max(4, edge - previous))
            previous = edge
        }
        self.widths = widths
    }

    /// Widens right-aligned (number) columns to their widest cell, taking the room
    /// from the first column: a count is never cut with `…` (text wraps instead).
    mutating func keepNumbersWhole() {
        for i in alignments.indices where alignments[i] == .right {
            let need = rows.map { $0[i].displayWidth }.max() ?? 0
            let extra = min(need - widths[i], widths[0] - 12)
            if extra > 0 { widths[i] += extra; widths[0] -= extra }
        }
    }

    func render(style: Style = Style(enabled: false)) -> String {
        var table = self
        if table.widths.isEmpty {
            table.widths = headers.indices.map { i in ([headers[i]] + rows.map { $0[i] }).map(\.displayWidth).max() ?? 1 }
        }
        return table.draw(style: style)
    }

    private func draw(style: Style) -> String {
        func line(_ left: String, _ fill: String, _ mid: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: mid) + right
        }
        func rowLines(_ cells: [String], _ sep: String, bold: Bool) -> [String] {
            let wrapped = cells.enumerated().map { Self.wrap($1, width: widths[$0]) }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { r in
                sep + wrapped.enumerated().map { i, lines -> String in
                    let text = r < lines.count ? lines[r] : ""
                    let pad = String(repeating: " ", count: max(0, widths[i] - text.displayWidth))
                    let styled = bold ? style.bold(text) : text
                    return " " + (alignments[i] == .right ? pad + styled : styled + pad) + " "
                }.joined(separator: sep) + sep
            }
        }
        var out = [line("┏", "━", "┳", "┓")]
        out += rowLines(headers, "┃", bold: true)
        out.append(line("┡", "━", "╇", "┩"))
        for (i, row) in rows.enumerated() {
            if i > 0 { out.append(line("├", "─", "┼", "┤")) }
            out += rowLines(row, "│", bold: false)
        }
        out.append(line("└", "─", "┴", "┘"))
        return out.joined(separator: "\n")
    }

    /// Word-wraps at spaces; cuts a word longer than the width with `…`.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if candidate.displayWidth <= width { current = candidate; continue }
            if !current.isEmpty { lines.append(current) }
            current = word.displayWidth <= width ? word : word.cropped(toWidth: width - 1) + "…"
        }
        lines.append(current)
        return lines
    }
}
