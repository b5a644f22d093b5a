/// The one error type that user input can raise anywhere in LayerLab.
///
/// It renders as a single line: what is wrong (naming the layer, weight,
/// token or file it concerns), then a suggestion when there is one.
public struct LabError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public var suggestion: String?

    public init(_ message: String, suggestion: String? = nil) {
        self.message = message
        self.suggestion = suggestion
    }

    public var description: String {
        guard let suggestion else { return message }
        return "\(message) — \(suggestion)"
    }

    /// Prefixes the message with the place it happened (`dense_3: …`).
    public func at(_ place: String) -> LabError {
        self == Interrupt.error ? self : LabError("\(place): \(message)", suggestion: suggestion)
    }

    /// `unknown activation 'rleu' — did you mean 'relu'?`
    public static func unknown(_ kind: String, _ name: String, among candidates: [String], listing: [String]? = nil) -> LabError {
        if let near = nearest(to: name, in: candidates) {
            return LabError("unknown \(kind) '\(name)'", suggestion: "did you mean '\(near)'?")
        }
        let candidates = listing ?? candidates
        let list = candidates.count <= 12 ? candidates.joined(separator: ", ")
            : candidates.prefix(12).joined(separator: ", ") + ", …"
        return LabError("unknown \(kind) '\(name)'", suggestion: candidates.isEmpty ? nil : "expected one of: \(list)")
    }
}

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
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
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
