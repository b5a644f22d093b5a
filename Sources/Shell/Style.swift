/// ANSI styling, on only when writing to a terminal and `NO_COLOR` is unset.
public struct Style: Sendable {
    public var enabled: Bool
    public init(enabled: Bool) { self.enabled = enabled }

    private func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    public func bold(_ s: String) -> String { wrap(s, "1") }
    public func dim(_ s: String) -> String { wrap(s, "2") }
    public func error(_ s: String) -> String { wrap(s, "1;31") }
    public func ok(_ s: String) -> String { wrap(s, "32") }
    public func name(_ s: String) -> String { wrap(s, "36") }
    public func number(_ s: String) -> String { wrap(s, "34") }
}
