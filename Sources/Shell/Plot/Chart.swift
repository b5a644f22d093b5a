import Foundation
import Formats
import Text

/// Pictures in the terminal. A picture is drawn once on a `Canvas` — at two pixels per
/// character cell for the terminal, larger for a PNG — and shown as half-block cells (`▀`,
/// the upper pixel as the 24-bit foreground, the lower as the background) when the terminal
/// has colour, or as characters otherwise.
extension Canvas {
    /// The canvas's background: cells left in it keep the terminal's own background.
    static let paper: Color = (255, 255, 255)

    static func same(_ a: Color, _ b: Color) -> Bool { a.0 == b.0 && a.1 == b.1 && a.2 == b.2 }

    func pixel(_ x: Int, _ y: Int) -> Color {
        guard x >= 0, y >= 0, x < width, y < height else { return Canvas.paper }
        let i = 3 * (y * width + x)
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// One line per two pixel rows, in 24-bit colour half blocks.
    func halfBlocks() -> [String] {
        stride(from: 0, to: height, by: 2).map { y in
            var line = ""
            var last = ""
            for x in 0..<width {
                let top = pixel(x, y), bottom = pixel(x, y + 1)
                let topPaper = Canvas.same(top, Canvas.paper), bottomPaper = Canvas.same(bottom, Canvas.paper)
                let code: String, glyph: String
                switch (topPaper, bottomPaper) {
                case (true, true): code = "0"; glyph = " "
                case (false, true): code = "0;38;2;\(top.0);\(top.1);\(top.2)"; glyph = "▀"
                case (true, false): code = "0;38;2;\(bottom.0);\(bottom.1);\(bottom.2)"; glyph = "▄"
                case (false, false): code = "0;38;2;\(top.0);\(top.1);\(top.2);48;2;\(bottom.0);\(bottom.1);\(bottom.2)"; glyph = "▀"
                }
                if code != last { line += "\u{1B}[\(code)m"; last = code }
                line += glyph
            }
            return line + "\u{1B}[0m"
        }
    }

    /// One line per two pixel rows, each cell the character `pick` gives its two pixels.
    func characters(_ pick: (Color, Color) -> Character) -> [String] {
        stride(from: 0, to: height, by: 2).map { y in String((0..<width).map { pick(pixel($0, y), pixel($0, y + 1)) }) }
    }
}

/// Lines over epochs (or any index): the learning curve, norms and penalties per epoch.
struct LineChart {
    struct Series {
        var name: String
        var values: [Double]
        var color: Canvas.Color
        var dashed = false
        /// The character drawn for it in a terminal without colour.
        var symbol: Character = "*"
    }
    var title: String
    var series: [Series]
    /// A horizontal dashed line (a constraint's max_value), with its name.
    var reference: (value: Double, name: String)?
    /// The number of the first point on the x axis (0: before training, 1: the first epoch).
    var firstX = 1
    var xName = "epoch"

    static let palette: [Canvas.Color] = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                                          (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]

    var points: Int { series.map(\.values.count).max() ?? 0 }

    /// The y range: from the least to the largest finite value (and the reference).
    var range: (lo: Double, hi: Double) {
        let finite = series.flatMap(\.values).filter(\.isFinite) + (reference.map { [$0.value] } ?? [])
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if hi - lo < 1e-12 * max(1, abs(hi)) { lo -= max(0.5, abs(lo) * 0.1); hi += max(0.5, abs(hi) * 0.1) }
        return (lo, hi)
    }

    /// Draws the lines inside the rectangle (x0, y0)–(x1, y1) of `canvas`.
    func draw(on canvas: inout Canvas, x0: Double, y0: Double, x1: Double, y1: Double, thickness: Int, dash: Int) {
        let (lo, hi) = range
        let n = max(2, points)
        func px(_ i: Int) -> Double { x0 + Double(i) / Double(n - 1) * (x1 - x0) }
        func py(_ v: Double) -> Double { y1 - (v - lo) / (hi - lo) * (y1 - y0) }
        for s in series {
            if s.values.count == 1, s.values[0].isFinite {
                canvas.line(px(0), py(s.values[0]), px(0), py(s.values[0]), s.color, thickness: thickness)
            }
            for i in 0..<max(0, s.values.count - 1) where s.values[i].isFinite && s.values[i + 1].isFinite {
                canvas.line(px(i), py(s.values[i]), px(i + 1), py(s.values[i + 1]), s.color, thickness: thickness,
                            dash: s.dashed ? dash : 0)
            }
        }
        // The limit drawn last, dashed over the lines it holds (max_norm's norms sit on it).
        if let r = reference { canvas.line(x0, py(r.value), x1, py(r.value), (200, 40, 40), thickness: max(1, thickness - 1), dash: dash) }
    }

    /// The chart as terminal lines, `width` columns wide with `rows` rows of plot.
    func terminal(width: Int, rows: Int, color: Bool) -> [String] {
        let (lo, hi) = range
        let top = Format.compact(hi, 4), bottom = Format.compact(lo, 4)
        let labelWidth = max(top.count, bottom.count)
        let plotWidth = max(8, width - labelWidth - 2)
        var canvas = Canvas(width: plotWidth, height: 2 * rows, background: Canvas.paper)
        draw(on: &canvas, x0: 0, y0: 0.5, x1: Double(plotWidth - 1), y1: Double(2 * rows) - 1.5, thickness: 1, dash: 2)
        let cells: [String]
        if color {
            cells = canvas.halfBlocks()
        } else {
            var symbols: [(Canvas.Color, Character)] = series.map { ($0.color, $0.symbol) }
            symbols.append(((200, 40, 40), "-"))
            cells = canvas.characters { a, b in
                for (c, s) in symbols.reversed() where Canvas.same(a, c) || Canvas.same(b, c) { return s }
                return " "
            }.map { $0.replacingTrailingSpaces() }
        }
        func pad(_ s: String) -> String { String(repeating: " ", count: labelWidth - s.count) + s }
        var lines = [title]
        for (r, cell) in cells.enumerated() {
            let label = r == 0 ? pad(top) : r == cells.count - 1 ? pad(bottom) : String(repeating: " ", count: labelWidth)
            lines.append(label + (r == 0 || r == cells.count - 1 ? " ┤" : " │") + cell)
        }
        lines.append(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: plotWidth))
        let first = String(firstX), last = String(firstX + max(0, points - 1)) + " " + xName
        lines.append(String(repeating: " ", count: labelWidth + 2) + first
                     + String(repeating: " ", count: max(1, plotWidth - first.count - last.count)) + last)
        var legend = series.map { s in
            (color ? "\u{1B}[38;2;\(s.color.0);\(s.color.1);\(s.color.2)m" + (s.dashed ? "╍╍" : "━━") + "\u{1B}[0m"
                   : String(repeating: s.symbol, count: 2)) + " " + s.name
        }
        if let r = reference { legend.append((color ? "\u{1B}[38;2;200;40;40m╍╍\u{1B}[0m" : "--") + " " + r.name) }
        lines.append(String(repeating: " ", count: labelWidth + 2) + legend.joined(separator: "  "))
        return lines
    }

    /// Draws the chart as a PNG panel at (left, top), `width` × `height` pixels, with its
    /// title, the numbers on the axes and a legend.
    func drawPanel(on canvas: inout Canvas, left: Int, top: Int, width: Int, height: Int) {
        let (lo, hi) = range
        let x0 = left + 80, x1 = left + width - 20, y0 = top + 40, y1 = top + height - 70
        canvas.text(title, x: left + 10, y: top + 10)
        canvas.line(Double(x0), Double(y1), Double(x1), Double(y1), (0, 0, 0), thickness: 1)
        canvas.line(Double(x0), Double(y0), Double(x0), Double(y1), (0, 0, 0), thickness: 1)
        draw(on: &canvas, x0: Double(x0), y0: Double(y0), x1: Double(x1), y1: Double(y1), thickness: 2, dash: 6)
        for (v, y) in [(hi, y0), ((lo + hi) / 2, (y0 + y1) / 2), (lo, y1 - 10)] {
            let label = Format.compact(v, 4)
            canvas.text(label, x: x0 - 6 - Canvas.textWidth(label), y: y)
        }
        let first = String(firstX), last = String(firstX + max(0, points - 1))
        canvas.text(first, x: x0, y: y1 + 8)
        canvas.text(last, x: x1 - Canvas.textWidth(last), y: y1 + 8)
        canvas.text(xName, x: (x0 + x1 - Canvas.textWidth(xName)) / 2, y: y1 + 8)
        var x = x0
        let entries = series.map { ($0.name, $0.color, $0.dashed) } + (reference.map { [($0.name, (200, 40, 40), true)] } ?? [])
        for (name, color, dashed) in entries {
            canvas.line(Double(x), Double(y1 + 41), Double(x + 24), Double(y1 + 41), color, thickness: 3, dash: dashed ? 6 : 0)
            canvas.text(name, x: x + 30, y: y1 + 36)
            x += 30 + Canvas.textWidth(name) + 24
        }
    }

    /// Charts side by side (as many as fit in `width`, the rest below), as terminal lines.
    static func terminal(_ charts: [LineChart], width: Int, rows: Int, color: Bool) -> [String] {
        let columns = max(1, min(charts.count, width / 44))
        let each = (width - 3 * (columns - 1)) / columns
        var out: [String] = []
        for start in stride(from: 0, to: charts.count, by: columns) {
            let blocks = charts[start..<min(charts.count, start + columns)].map { $0.terminal(width: each, rows: rows, color: color) }
            let height = blocks.map(\.count).max() ?? 0
            for r in 0..<height {
                out.append(blocks.enumerated().map { i, b in
                    let line = r < b.count ? b[r] : ""
                    return i == blocks.count - 1 ? line : line + String(repeating: " ", count: max(0, each - Session.visibleWidth(line))) + "   "
                }.joined().replacingTrailingSpaces())
            }
        }
        return out
    }

    /// Charts side by side in one PNG.
    static func png(_ charts: [LineChart], to path: String) throws -> (width: Int, height: Int) {
        let panelWidth = 560, panelHeight = 360
        var canvas = Canvas(width: panelWidth * max(1, charts.count), height: panelHeight)
        for (i, chart) in charts.enumerated() {
            chart.drawPanel(on: &canvas, left: i * panelWidth, top: 0, width: panelWidth, height: panelHeight)
        }
        try FileAccess.write(canvas.png(), to: path, example: "curve.png")
        return (canvas.width, canvas.height)
    }
}

private extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
