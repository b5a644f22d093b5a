import Foundation
import Formats
import TensorCore
import Text

/// An RGB canvas with just what histogram pictures need: rectangles, lines and a
/// small built-in font for the numbers on the axes.
struct Canvas {
    typealias Color = (UInt8, UInt8, UInt8)
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, background: Color = (255, 255, 255)) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { pixels[3 * i] = background.0; pixels[3 * i + 1] = background.1; pixels[3 * i + 2] = background.2 }
    }

    mutating func set(_ x: Int, _ y: Int, _ c: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 3 * (y * width + x)
        pixels[i] = c.0; pixels[i + 1] = c.1; pixels[i + 2] = c.2
    }

    mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, _ c: Color) {
        for y in max(0, min(y0, y1))..<min(height, max(y0, y1)) { for x in max(0, min(x0, x1))..<min(width, max(x0, x1)) { set(x, y, c) } }
    }

    /// A line, `thickness` pixels wide; dashed when `dash` > 0.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Color, thickness: Int = 2, dash: Int = 0) {
        let steps = max(1, Int(max(abs(x1 - x0), abs(y1 - y0)).rounded(.up)))
        for s in 0...steps {
            if dash > 0, (s / dash) % 2 == 1 { continue }
            let t = Double(s) / Double(steps)
            let x = Int((x0 + (x1 - x0) * t).rounded()), y = Int((y0 + (y1 - y0) * t).rounded())
            for dx in 0..<thickness { for dy in 0..<thickness { set(x + dx - thickness / 2, y + dy - thickness / 2, c) } }
        }
    }

    /// Draws text in a 3×5 pixel font scaled by `scale`; unknown characters are left blank.
    mutating func text(_ s: String, x: Int, y: Int, scale: Int = 2, _ c: Color = (40, 40, 40)) {
        var cx = x
        for ch in s {
            if let rows = Canvas.font[ch] {
                for (r, bits) in rows.enumerated() {
                    for col in 0..<3 where bits & (4 >> col) != 0 {
                        fill(x0: cx + col * scale, y0: y + r * scale, x1: cx + (col + 1) * scale, y1: y + (r + 1) * scale, c)
                    }
                }
            }
            cx += 4 * scale
        }
    }

    static func textWidth(_ s: String, scale: Int = 2) -> Int { s.count * 4 * scale }

    /// 3×5 glyphs (digits, lower-case letters, a few signs), one row per number (bits: left 4, middle 2, right 1).
    static let font: [Character: [Int]] = [
        "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1],
        "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
        ".": [0, 0, 0, 0, 2], "-": [0, 0, 7, 0, 0], "+": [0, 2, 7, 2, 0], "e": [0, 7, 7, 4, 7], ",": [0, 0, 0, 2, 4],
        "a": [0, 3, 5, 5, 3], "b": [4, 6, 5, 5, 6], "c": [0, 3, 4, 4, 3], "d": [1, 3, 5, 5, 3],
        "f": [3, 4, 6, 4, 4], "g": [0, 3, 5, 3, 6], "h": [4, 4, 6, 5, 5], "i": [2, 0, 2, 2, 2],
        "j": [1, 0, 1, 1, 6], "k": [4, 5, 6, 6, 5], "l": [6, 2, 2, 2, 7], "m": [0, 7, 7, 5, 5],
        "n": [0, 6, 5, 5, 5], "o": [0, 2, 5, 5, 2], "p": [0, 6, 5, 6, 4], "q": [0, 3, 5, 3, 1],
        "r": [0, 5, 6, 4, 4], "s": [0, 3, 2, 1, 6], "t": [2, 7, 2, 2, 1], "u": [0, 5, 5, 5, 7],
        "v": [0, 5, 5, 5, 2], "w": [0, 5, 5, 7, 7], "x": [0, 5, 2, 2, 5], "y": [0, 5, 5, 3, 6],
        "z": [0, 7, 2, 4, 7], "_": [0, 0, 0, 0, 7], "/": [1, 1, 2, 4, 4], "(": [2, 4, 4, 4, 2],
        ")": [2, 1, 1, 1, 2], ":": [0, 2, 0, 2, 0], "=": [0, 7, 0, 7, 0], "%": [5, 1, 2, 4, 5],
    ]

    func png() throws -> Data { try PNG.encode(width: width, height: height, rgb: pixels) }
}

extension Session {
    /// One panel per view, stacked, on one shared scale: bars, the theoretical counts
    /// as a dark line, bounds as dashed red lines, numbers on the axes.
    func writePNG(_ views: [DistributionView], to path: String, bins: Int?) throws {
        let n = bins ?? 60
        let finite = views.flatMap(\.values).filter(\.isFinite)
        var lo = Double(finite.min() ?? 0), hi = Double(finite.max() ?? 0)
        for v in views { if let b = v.distribution?.bounds { lo = min(lo, b.low); hi = max(hi, b.high) } }
        if hi <= lo { lo -= 0.5; hi += 0.5 }
        let hists = views.map { Histogram($0.values, bins: n, range: (lo, hi), distribution: $0.distribution) }
        let top = max(1, hists.map { max(Double($0.counts.max() ?? 1), $0.expected?.max() ?? 0) }.max() ?? 1)
        let panelHeight = 260, width = 820, left = 70, right = 20, topMargin = 20, bottom = 40
        var canvas = Canvas(width: width, height: panelHeight * views.count)
        let palette: [Canvas.Color] = [(70, 120, 200), (230, 140, 50)]
        for (p, h) in hists.enumerated() {
            let y0 = p * panelHeight + topMargin, y1 = (p + 1) * panelHeight - bottom
            let plotWidth = Double(width - left - right)
            func px(_ x: Double) -> Double { Double(left) + (x - lo) / (hi - lo) * plotWidth }
            func py(_ count: Double) -> Double { Double(y1) - count / top * Double(y1 - y0) }
            let barWidth = plotWidth / Double(n)
            for (i, c) in h.counts.enumerated() where c > 0 {
                canvas.fill(x0: Int(Double(left) + Double(i) * barWidth) + 1, y0: Int(py(Double(c))),
                            x1: Int(Double(left) + Double(i + 1) * barWidth), y1: y1, palette[p % palette.count])
            }
            if let expected = h.expected {
                for i in 0..<(expected.count - 1) {
                    canvas.line(Double(left) + (Double(i) + 0.5) * barWidth, py(expected[i]),
                                Double(left) + (Double(i) + 1.5) * barWidth, py(expected[i + 1]), (30, 30, 30))
                }
            }
            if let b = views[p].distribution?.bounds {
                for x in [b.low, b.high] { canvas.line(px(x), Double(y0), px(x), Double(y1), (200, 40, 40), thickness: 1, dash: 4) }
            }
            canvas.line(Double(left), Double(y1), Double(width - right), Double(y1), (0, 0, 0), thickness: 1)
            canvas.line(Double(left), Double(y0), Double(left), Double(y1), (0, 0, 0), thickness: 1)
            for x in [lo, (lo + hi) / 2, hi] {
                let label = Format.compact(x)
                let x = min(width - 2 - Canvas.textWidth(label), max(2, Int(px(x)) - Canvas.textWidth(label) / 2))
                canvas.text(label, x: x, y: y1 + 8)
            }
            let topLabel = Format.thousands(Int(top))
            canvas.text(topLabel, x: left - 6 - Canvas.textWidth(topLabel), y: y0)
            canvas.text("0", x: left - 6 - Canvas.textWidth("0"), y: y1 - 10)
        }
        try FileAccess.write(canvas.png(), to: path, example: "plot.png")
        say("wrote \(path) (\(width)×\(canvas.height) PNG)")
    }
}
