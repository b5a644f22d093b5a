import Text
/// The one error type that user input can raise anywhere in LayerLab.
///
/// It carries where it happened (`place`: the layer, the file, the argument's owner,
/// outermost first), what is wrong, and for a bad argument value which argument, what
/// it must be and what it got. It renders once, as a single line:
/// `dense_1: units must be a positive whole number, got -3 — suggestion`.
public struct LabError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is wrong, without the place.
    public var message: String
    public var suggestion: String?
    /// Where, outermost first (`["model.keras", "dense_1"]`).
    public var place: [String] = []
    /// For a bad argument value: its name, what it must be, and what was given.
    public var argument: String?
    public var expected: String?
    public var got: String?

    public init(_ message: String, suggestion: String? = nil) {
        self.message = message
        self.suggestion = suggestion
    }

    /// `units must be a positive whole number, got -3`.
    public init(argument: String, expected: String, got: String, suggestion: String? = nil) {
        self.init("\(argument) must be \(expected), got \(got)", suggestion: suggestion)
        self.argument = argument
        self.expected = expected
        self.got = got
    }

    public var description: String {
        let text = (place.map { $0 + ": " }.joined()) + message
        guard let suggestion else { return text }
        return "\(text) — \(suggestion)"
    }

    /// Two errors are the same when they say the same to the user, however the place
    /// was given (`LabError("dense: …")` or `LabError("…").at("dense")`).
    public static func == (a: LabError, b: LabError) -> Bool { a.description == b.description }

    /// The same error, said to have happened in `place` (`dense_3: …`). A place it
    /// already names is not added twice; an interrupt names no place.
    public func at(_ place: String) -> LabError {
        guard self != Interrupt.error, self.place.first != place, !message.hasPrefix(place + ":") else { return self }
        var e = self
        e.place.insert(place, at: 0)
        return e
    }

    /// The same error with another suggestion.
    public func suggesting(_ suggestion: String) -> LabError {
        var e = self
        e.suggestion = suggestion
        return e
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

