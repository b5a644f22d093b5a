import Foundation
import TensorCore
import Text

/// Counts of values in equal-width bins, with the counts a distribution predicts.
struct Histogram {
    var low: Double
    var high: Double
    var counts: [Int]
    var total: Int
    /// Expected counts per bin under the theoretical distribution, if one is given.
    var expected: [Double]?

    init(_ values: [Float], bins: Int, range: (Double, Double)? = nil, distribution: Distribution? = nil) {
        let finite = values.lazy.filter(\.isFinite)
        var lo = range?.0 ?? Double(finite.min() ?? 0), hi = range?.1 ?? Double(finite.max() ?? 0)
        if let b = distribution?.bounds, range == nil { lo = min(lo, b.low); hi = max(hi, b.high) }
        // All values equal — or equal but for float32 rounding (norms after a constraint:
        // 0.5 and 0.50000006) — is one value: one bar in the middle, not bars at both ends.
        if hi - lo <= max(abs(lo), abs(hi)) * 1e-6 {
            var c = (lo + hi) / 2
            if c != 0 {
                // To six significant digits, so the axis reads 0 … 0.5 … 1, not -5.960e-08.
                let unit = pow(10, (log10(abs(c))).rounded(.down) - 5)
                c = (c / unit).rounded() * unit
            }
            lo = c - 0.5
            hi = c + 0.5
        }
        low = lo
        high = hi
        var counts = [Int](repeating: 0, count: max(1, bins))
        let scale = Double(counts.count) / (hi - lo)
        for v in finite {
            let i = Int((Double(v) - lo) * scale)
            counts[min(counts.count - 1, max(0, i))] += 1
        }
        self.counts = counts
        total = counts.reduce(0, +)
        if let d = distribution {
            let n = Double(total), width = (hi - lo) / Double(counts.count)
            expected = (0..<counts.count).map { i -> Double in
                let a = lo + Double(i) * width, b = a + width
                if case .constant(let c) = d { return (c >= a && (c < b || i == counts.count - 1)) ? n : 0 }
                return n * (d.cdf(b) - d.cdf(a))
            }
        }
    }

    var binWidth: Double { (high - low) / Double(counts.count) }

    func column(of x: Double) -> Int {
        min(counts.count - 1, max(0, Int((x - low) / binWidth)))
    }
}

/// Draws histograms in the terminal with Unicode eighth blocks; the theoretical
/// density is drawn over the bars as `•`, and its bounds marked on the axis as `┴`.
enum HistogramText {
    static let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let height = 10

    /// The chart's lines; `top` fixes the vertical scale (to share it between charts).
    static func render(_ h: Histogram, bounds: (low: Double, high: Double)?, top: Double? = nil, style: Style) -> [String] {
        let top = max(1, top ?? max(Double(h.counts.max() ?? 1), h.expected?.max() ?? 0))
        let eighths = h.counts.map { Int((Double($0) / top * Double(height * 8)).rounded()) }
        let expectedRow = h.expected?.map { e -> Int? in e > 0 ? min(height - 1, Int(e / top * Double(height))) : nil }
        let label = Format.thousands(Int(top))
        let margin = max(label.count, 1) + 1
        var lines: [String] = []
        for row in (0..<height).reversed() {
            var line = row == height - 1 ? label.padded(to: margin - 1) + " " : String(repeating: " ", count: margin)
            line += "│"
            for (i, e) in eighths.enumerated() {
                let fill = max(0, min(8, e - row * 8))
                if fill == 0, let er = expectedRow?[i] ?? nil, er == row {
                    line += style.dim("•")
                } else if fill == 0, e > 0, row == 0 {
                    line += "▁"  // a non-empty bin always shows
                } else {
                    line.append(blocks[fill])
                }
            }
            lines.append(line)
        }
        var axis = Array(repeating: Character("─"), count: h.counts.count)
        if let b = bounds {
            for x in [b.low, b.high] where x >= h.low && x <= h.high { axis[h.column(of: x)] = "┴" }
        }
        lines.append(String(repeating: " ", count: margin - 2) + "0 └" + String(axis))
        let left = Format.compact(h.low), right = Format.compact(h.high), mid = Format.compact((h.low + h.high) / 2)
        lines.append(ticks(left: left, mid: mid, right: right, width: h.counts.count, margin: margin))
        return lines
    }

    /// The labels under the axis: the low end at the left edge, the high end at the right
    /// edge, the middle in between — each only where it fits whole, one space from the
    /// others. A chart too narrow for both ends says "LOW to HIGH" instead.
    static func ticks(left: String, mid: String, right: String, width: Int, margin: Int) -> String {
        let start = margin + 1
        guard left.count + 1 + right.count <= width else {
            return String(repeating: " ", count: start) + left + " to " + right
        }
        var ticks = Array(repeating: Character(" "), count: start + width)
        func put(_ s: String, at i: Int) { for (k, c) in s.enumerated() { ticks[i + k] = c } }
        put(left, at: start)
        let rightAt = start + width - right.count
        put(right, at: rightAt)
        let midAt = start + width / 2 - mid.count / 2
        if midAt >= start + left.count + 1, midAt + mid.count + 1 <= rightAt { put(mid, at: midAt) }
        return String(ticks)
    }
}

extension String {
    func padded(to n: Int) -> String { leftPadding(toWidth: n) }
    func rightPadded(to n: Int) -> String { padding(toWidth: n) }
}
