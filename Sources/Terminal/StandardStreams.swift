import Shell
#if canImport(Glibc)
import Glibc
#endif

/// Reads standard input line by line, with no prompt: for pipes.
public final class PlainLineReader: LineReader {
    public init() {}
    public func readLine(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
    public var columns: Int? { nil }
    public var numbersLines: Bool { true }
}

/// Writes straight to standard output and standard error (unbuffered, so the two interleave in order).
public final class StandardOutput: TextOutput {
    public init() {}
    public func write(_ text: String) { writeAll(STDOUT_FILENO, text) }
    public func writeError(_ text: String) { writeAll(STDERR_FILENO, text) }
}

/// Writes every byte of `text` to a file descriptor.
public func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { return }
        offset += n
    }
}
