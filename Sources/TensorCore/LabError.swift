import Text
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

