import Layers
import TensorCore
import Text
#if canImport(Glibc)
import Glibc
#endif

/// Number and tensor formatting shared by the commands.
enum Format {
    /// `50240` → `50,240`.
    static func thousands(_ n: Int) -> String { Text.thousands(n) }

    /// Keras's `readable_memory_size`: `198.79 KB`, `0.00 B`.
    static func bytes(_ count: Int) -> String { memorySize(count) }

    /// `%.{digits}f`.
    static func fixed(_ x: Double, _ digits: Int) -> String { formatFixed(x, digits) }

    /// `12.34 ms`, with three significant-ish digits.
    static func milliseconds(_ ms: Double) -> String {
        fixed(ms, ms >= 100 ? 1 : ms >= 1 ? 2 : 3) + " ms"
    }

    /// A compact number: `0.1235`, `-3.2e-06`, `1.2e+04`.
    static func compact(_ x: Double, _ significant: Int = 4) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        let a = abs(x)
        if a >= 1e-3, a < 1e5 {
            let decimals = max(0, significant - 1 - Int(floor(log10(a))))
            var s = fixed(x, min(decimals, 6))
            if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
            return s
        }
        return exponent(x, significant)
    }

    /// `%.{significant-1}e`: `1.234e+04`, `-6.659e-05`, `0.000e+00`.
    static func exponent(_ x: Double, _ significant: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf -> String in
            guard let base = buf.baseAddress else { return String(x) }
            _ = withVaList([x]) { vsnprintf(base, 64, "%.\(significant - 1)e", $0) }
            return String(cString: base)
        }
    }

    /// `mean 0.0012  std 0.3521  min -0.6118  max 0.6120`.
    static func statistics(_ s: Statistics) -> String {
        var line = "mean \(compact(s.mean))  std \(compact(s.std))  min \(compact(Double(s.min)))  max \(compact(Double(s.max)))"
        if s.nonFinite > 0 { line += "  non-finite \(s.nonFinite)" }
        return line
    }

    /// The most lines a preview takes (a LocallyConnected2D kernel would take ~90).
    static let previewLines = 24

    /// NumPy-style preview: at most `edge` items at each end of every axis, `...` between;
    /// at most `maxLines` lines — fewer items on the outer axes when the array has many, and
    /// the rest cut with a note if even one item per end is too many.
    static func preview(_ t: Tensor, edge: Int = 3, indent: String = "", maxLines: Int = previewLines) -> String {
        preview(edges: t, batch: t.shape.first ?? 0, edge: edge, indent: indent, maxLines: maxLines)
    }

    /// The preview of a batch of `batch` samples of which `edges` holds the first three and
    /// the last three (every sample when there are at most six): all that a preview shows
    /// of the first axis, and what a forward run in chunks keeps of each layer's output.
    static func preview(edges t: Tensor, batch: Int, edge: Int = 3, indent: String = "", maxLines: Int = previewLines) -> String {
        let shape = t.rank == 0 ? [] : [batch] + t.shape.dropFirst()
        // The line count follows from the shape alone, so only the preview shown is formatted.
        if let fits = stride(from: edge, through: 1, by: -1).first(where: { lineCount(ofPreview: shape, outerEdge: $0) <= maxLines }) {
            return preview(t, shape: shape, edge: edge, outerEdge: fits, indent: indent)
        }
        let lines = preview(t, shape: shape, edge: edge, outerEdge: 1, indent: indent).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(max(1, maxLines - 1)).joined(separator: "\n")
            + "\n\(indent)… (\(lines.count - max(1, maxLines - 1)) more lines; 'weights PATH --output FILE.npy' or 'forward --output FILE.npy' writes every value)"
    }

    /// The lines of `preview(t, edge:, outerEdge:)` for a tensor of `shape`: one per row of
    /// the last axis and per `...`, plus the blank lines NumPy puts between blocks.
    static func lineCount(ofPreview shape: [Int], outerEdge: Int) -> Int {
        guard shape.count > 1, !shape.contains(0) else { return 1 }
        var lines = 1
        for (axis, n) in shape.dropLast().enumerated().reversed() {
            let shown = Swift.min(n, 2 * outerEdge)
            let parts = n <= 2 * outerEdge ? n : shown + 1
            lines = shown * lines + (parts - shown) + (parts - 1) * (shape.count - axis - 2)
        }
        return lines
    }

    /// `shape` is the whole batch's; `t` holds its first and last samples (see above).
    private static func preview(_ t: Tensor, shape: [Int], edge: Int, outerEdge: Int, indent: String) -> String {
        guard t.rank > 0 else { return t.scalars.first.map { cell(Double($0), t.dtype) } ?? "[]" }
        guard t.count > 0 else { return "[]" }
        var strides = [Int](repeating: 1, count: t.rank)
        for i in stride(from: t.rank - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * t.shape[i + 1] }
        // Sample i of the batch is row i of `t`, or, among the last ones, row i − (batch − rows).
        let missing = shape[0] - t.shape[0]
        func shown(_ n: Int, _ axis: Int) -> [Int?] {
            let edge = axis == t.rank - 1 ? edge : outerEdge
            let all = n <= 2 * edge ? Array(0..<n) : Array(0..<edge) + [nil] + Array((n - edge)..<n)
            return axis > 0 || missing == 0 ? all : all.map { $0.map { $0 < 3 ? $0 : $0 - missing } }
        }
        // Find the visible cells first, then format them in one notation, as NumPy does:
        // fixed with 4 decimals, or scientific for all when the largest is ≥ 1e4 or below
        // 1e-3 — one tiny value (-6.659e-05) no longer widens every column.
        var offsets: [Int] = []
        func collect(_ axis: Int, _ offset: Int) {
            for i in shown(shape[axis], axis) {
                guard let i else { continue }
                let o = offset + i * strides[axis]
                if axis == t.rank - 1 { offsets.append(o) } else { collect(axis + 1, o) }
            }
        }
        collect(0, 0)
        let largest = offsets.lazy.map { Double(abs(t.scalars[$0])) }.filter(\.isFinite).max() ?? 0
        let scientific = largest >= 1e4 || (largest > 0 && largest < 1e-3)
        var cells: [Int: String] = [:]
        for o in offsets { cells[o] = cell(Double(t.scalars[o]), t.dtype, scientific: scientific) }
        let width = cells.values.map(\.count).max() ?? 1
        func render(_ axis: Int, _ offset: Int, _ pad: String) -> String {
            if axis == t.rank - 1 {
                let parts = shown(shape[axis], axis).map { i -> String in
                    guard let i, let c = cells[offset + i * strides[axis]] else { return "..." }
                    return String(repeating: " ", count: width - c.count) + c
                }
                return "[" + parts.joined(separator: " ") + "]"
            }
            let separator = "\n" + String(repeating: "\n", count: t.rank - axis - 2) + pad + " "
            let parts = shown(shape[axis], axis).map { i -> String in
                guard let i else { return "..." }
                return render(axis + 1, offset + i * strides[axis], pad + " ")
            }
            return "[" + parts.joined(separator: separator) + "]"
        }
        return render(0, 0, indent)
    }

    static func cell(_ x: Double, _ dtype: DType, scientific: Bool? = nil) -> String {
        if dtype == .int32 { return String(Int(x)) }
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        let e = scientific ?? (abs(x) >= 1e4 || (abs(x) < 1e-4 && x != 0))
        return e ? exponent(x, 4) : fixed(x, 4)
    }
}
