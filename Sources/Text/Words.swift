#if canImport(Glibc)
import Glibc
#endif

// Text for people, used by every module above: the suggestion for a typo, numbers
// written as they are read, and (DisplayWidth.swift) the columns a text takes.

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
public func nearest(to word: String, in candidates: [String]) -> String? {
    let w = Array(word.lowercased())
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(w, Array(candidate.lowercased()))
        if let current = best, current.1 <= d { continue }
        best = (candidate, d)
    }
    guard let (name, distance) = best else { return nil }
    if distance <= max(1, min(3, (w.count + 2) / 3)) { return name }
    // A unique candidate that starts with what was typed (`kern` → `kernel`).
    let extensions = candidates.filter { w.count >= 3 && $0.lowercased().hasPrefix(String(w)) }
    return extensions.count == 1 ? extensions[0] : nil
}

/// Damerau–Levenshtein distance (adjacent transpositions count as one edit).
public func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

/// `50240` → `50,240`.
public func thousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// `printf("%.{digits}f", x)`.
public func formatFixed(_ x: Double, _ digits: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buf -> String in
        guard let base = buf.baseAddress else { return String(x) }
        _ = withVaList([x]) { vsnprintf(base, 512, "%.\(max(0, min(digits, 40)))f", $0) }
        return String(cString: base)
    }
}

/// Keras's `readable_memory_size`: `198.79 KB`, `0.00 B`.
public func memorySize(_ count: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"]
    var size = Double(count)
    var unit = 0
    while size >= 1024, unit < units.count - 1 { size /= 1024; unit += 1 }
    return formatFixed(size, 2) + " " + units[unit]
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    public func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
