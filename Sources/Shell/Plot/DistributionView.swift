import Layers
import TensorCore
import Text

/// A set of values to look at, with the distribution they should follow.
struct DistributionView {
    var title: String
    var values: [Float]
    var distribution: Distribution?
    /// Said under the title, e.g. how the values were chosen.
    var note: String?

    /// n, mean, std, min, max; the expected figures and bounds; the KS goodness of fit.
    func statisticsLines() -> [String] {
        let s = Statistics(values)
        var lines = ["n \(Format.thousands(s.count))   mean \(Format.compact(s.mean))   std \(Format.compact(s.std))",
                     "min \(Format.compact(Double(s.min)))   max \(Format.compact(Double(s.max)))"
                        + (s.nonFinite > 0 ? "   non-finite \(Format.thousands(s.nonFinite))" : "")]
        guard let d = distribution else {
            lines.append("no theoretical distribution to compare with")
            return lines
        }
        lines.append("expected: " + d.describe { Format.compact($0) })
        lines.append("  mean \(Format.compact(d.mean))   std \(Format.compact(d.std))")
        if let b = d.bounds {
            let outside = values.filter { Double($0) < b.low - 1e-6 * max(1, abs(b.low)) || Double($0) > b.high + 1e-6 * max(1, abs(b.high)) }.count
            lines.append(outside == 0 ? "  every value within [\(Format.compact(b.low)), \(Format.compact(b.high))]"
                                      : "  \(Format.thousands(outside)) values outside [\(Format.compact(b.low)), \(Format.compact(b.high))]")
        }
        if case .constant(let c) = d {
            let equal = values.allSatisfy { Double($0) == c }
            lines.append(equal ? "  every value equals \(Format.compact(c))" : "  not every value equals \(Format.compact(c))")
        } else if values.count >= 2 {
            let ks = KolmogorovSmirnov(values, against: d)
            let verdict = ks.pValue < 0.01 ? "unlikely to come from it" : "consistent with it"
            let approx = { if case .approximatelyNormal = d { return " (against the normal approximation)" } else { return "" } }()
            lines.append("Kolmogorov–Smirnov: D = \(Format.compact(ks.statistic, 3)), p = \(Format.compact(ks.pValue, 3)) — \(verdict)\(approx)")
        }
        return lines
    }
}

extension Session {
    /// How many bins fit beside a block of text `textWidth` wide (or alone), and whether the text goes beside.
    func histogramLayout(bins: Int?, textWidth: Int = 0) -> (bins: Int, beside: Bool) {
        let margin = 10  // count labels and the axis
        let besideRoom = width - margin - textWidth - 4
        if besideRoom >= 30 { return (bins ?? min(60, besideRoom), true) }
        return (bins ?? max(10, min(60, width - margin - 2)), false)
    }

    func show(_ view: DistributionView, bins: Int?) {
        let stats = view.statisticsLines()
        let (n, beside) = histogramLayout(bins: bins, textWidth: stats.map { Self.visibleWidth($0) }.max() ?? 0)
        let h = Histogram(view.values, bins: n, distribution: view.distribution)
        let chart = HistogramText.render(h, bounds: view.distribution?.bounds, style: style)
        say(style.bold(view.title))
        if let note = view.note { say(style.dim(note)) }
        say(Self.sideBySide(chart, stats, beside: beside))
    }

    func compare(_ a: DistributionView, _ b: DistributionView, bins: Int?) {
        let (n, _) = histogramLayout(bins: bins)
        let finite = (a.values + b.values).filter(\.isFinite)
        var lo = Double(finite.min() ?? 0), hi = Double(finite.max() ?? 0)
        for d in [a.distribution, b.distribution] { if let bounds = d?.bounds { lo = min(lo, bounds.low); hi = max(hi, bounds.high) } }
        if hi <= lo { lo -= 0.5; hi += 0.5 }
        let ha = Histogram(a.values, bins: n, range: (lo, hi), distribution: a.distribution)
        let hb = Histogram(b.values, bins: n, range: (lo, hi), distribution: b.distribution)
        let top = [ha, hb].map { max(Double($0.counts.max() ?? 1), $0.expected?.max() ?? 0) }.max() ?? 1
        for (view, h) in [(a, ha), (b, hb)] {
            say(style.bold(view.title))
            say(HistogramText.render(h, bounds: view.distribution?.bounds, top: top, style: style).joined(separator: "\n"))
        }
        say(style.dim("both on one scale: the same bins and the same height"))
        let left = [style.bold(a.title)] + a.statisticsLines(), right = [style.bold(b.title)] + b.statisticsLines()
        let leftWidth = left.map { Self.visibleWidth($0) }.max() ?? 0, rightWidth = right.map { Self.visibleWidth($0) }.max() ?? 0
        say(Self.sideBySide(left, right, beside: leftWidth + rightWidth + 3 <= width))
    }

    /// Two blocks of lines side by side (or one after the other).
    static func sideBySide(_ left: [String], _ right: [String], beside: Bool) -> String {
        guard beside else { return (left + [""] + right).joined(separator: "\n") }
        let w = left.map { visibleWidth($0) }.max() ?? 0
        return (0..<max(left.count, right.count)).map { i in
            let l = i < left.count ? left[i] : ""
            let r = i < right.count ? right[i] : ""
            return l + String(repeating: " ", count: w - visibleWidth(l) + 3) + r
        }.joined(separator: "\n")
    }

    /// Characters that take a column (ANSI escapes take none).
    static func visibleWidth(_ s: String) -> Int {
        var n = 0, inEscape = false
        for c in s {
            if inEscape { if c.isLetter { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            n += 1
        }
        return n
    }
}
