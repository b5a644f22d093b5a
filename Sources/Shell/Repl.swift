import KerasPython
import Layers
#if canImport(Glibc)
import Glibc
#endif

/// A source of command lines: readline at a terminal, or plain lines from a pipe or file.
public protocol LineReader: AnyObject {
    /// The next line, or nil at the end of input (Ctrl-D).
    func readLine(prompt: String) -> String?
    /// Whether errors should say which line they come from (scripts and pipes, not a prompt).
    var numbersLines: Bool { get }
    /// The terminal's width in columns, when known.
    var columns: Int? { get }
    /// A person types the lines (a prompt): the end of input at a `...` prompt cancels the statement.
    var isInteractive: Bool { get }
}

extension LineReader {
    public var isInteractive: Bool { false }
}

/// What a reader returns when Ctrl-C interrupts the line being typed: the session
/// drops it (and an unfinished multi-line statement) and prompts again.
public let interruptedLine = "\u{3}"

/// Serves the lines of a script.
public final class ScriptReader: LineReader {
    private var lines: [Substring]
    private var index = 0
    public init(text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }
    public func readLine(prompt: String) -> String? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        return String(lines[index])
    }
    public var columns: Int? { nil }
    public var numbersLines: Bool { true }
}

extension Session {
    /// Reads and runs lines until the input ends or `quit`. Returns true if every command succeeded.
    public func runLines(from reader: LineReader, prompt: String) -> Bool {
        var ok = true
        var number = 0
        // A statement with open brackets goes on over the next lines, as in Python.
        var pending: (text: String, line: Int)?
        let continuation = prompt.isEmpty ? "" : "... "
        func runPending() {
            guard let p = pending else { return }
            pending = nil
            errorPrefix = reader.numbersLines ? "line \(p.line): " : ""
            lineNumber = reader.numbersLines ? p.line : 1
            if !run(p.text) { ok = false }
        }
        while !finished {
            if let cols = reader.columns { width = cols }
            guard let line = reader.readLine(prompt: pending == nil ? prompt : continuation) else {
                // Ctrl-D at a `...` prompt cancels the unfinished statement; on an empty prompt it ends the session.
                if pending != nil, reader.isInteractive {
                    pending = nil
                    say(style.dim("cancelled the unfinished statement (Ctrl-D on an empty prompt leaves)"))
                    continue
                }
                break
            }
            number += 1
            if line == interruptedLine {
                pending = nil
                continue
            }
            if let p = pending {
                if PythonLine.startsNewStatement(line, after: p.text) {
                    runPending()
                } else {
                    let text = p.text + "\n" + line
                    pending = (text, p.line)
                    if PythonLine.balance(text).open == 0 { runPending() }
                    continue
                }
            }
            if PythonLine.balance(line).open > 0 {
                pending = (line, number)
                continue
            }
            errorPrefix = reader.numbersLines ? "line \(number): " : ""
            lineNumber = reader.numbersLines ? number : 1
            if !run(line) { ok = false }
        }
        if !finished { runPending() }
        errorPrefix = ""
        lineNumber = 1
        return ok
    }

    /// Every name that fits what is being typed, for tab completion.
    /// `line` is the text before the word being completed, `word` the word so far.
    public func completions(line: String, word: String) -> [String] {
        let before = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var candidates: [String]
        if before.isEmpty {
            candidates = Commands.all.map(\.name)
        } else {
            let command = Commands.find(before[0])?.name
            let lastToken = line.last == "=" ? before.last ?? "" : ""
            if lastToken.hasSuffix("=") {
                let key = String(lastToken.dropLast()).split(separator: " ").last.map(String.init) ?? ""
                candidates = Self.values(forKey: key)
            } else {
                switch command {
                case "add":
                    candidates = before.count == 1 ? LayerType.registry.names
                        : Activation.registry.names + InitializerType.registry.names
                            + (LayerType.registry.lookup(before[1])?.signature.names.map { $0 + "=" } ?? [])
                            + LayerType.commonParameters.map { $0.name + "=" }
                case "show", "remove": candidates = model.allNames
                case "weights": candidates = model.weightPaths
                case "help": candidates = Commands.all.map(\.name) + LayerType.registry.names
                    + ["activations", "initializers", "regularizers", "constraints"]
                case "lesson": candidates = lessons.map(\.name) + ["next", "back", "quit"]
                default: candidates = []
                }
                // Every command's options come from its declaration, so they cannot go stale.
                candidates += (Commands.find(before[0])?.flags ?? []).map { "--" + $0.name }
            }
        }
        var seen = Set<String>()
        return candidates.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    }

    static func values(forKey key: String) -> [String] {
        if key == "activation" { return Activation.registry.names }
        if key.hasSuffix("_initializer") { return InitializerType.registry.names }
        if key.hasSuffix("_regularizer") { return RegularizerType.registry.names }
        if key.hasSuffix("_constraint") { return ConstraintType.registry.names }
        return []
    }
}
