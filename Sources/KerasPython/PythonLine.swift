import TensorCore
import Text

/// Decides whether a statement is Keras Python or a LayerLab command, and when a
/// line continues on the next one.
public enum PythonLine {
    /// Python keywords that start a statement: sent to the interpreter, which says
    /// clearly what it does not run.
    static let keywords: Set<String> = ["import", "from", "def", "class", "for", "while", "if", "with", "try",
                                        "return", "del", "lambda", "global", "assert", "raise", "async", "pass"]

    /// A statement is Python when it starts with `import`/`from` (or another Python
    /// keyword), assigns a name (`x = …`), starts with a name followed at once by `(`,
    /// `.` or `[` that is not a LayerLab command (`model.add(…)`, `Dense(8)(x)`,
    /// `print(…)`), is a bare name the interpreter knows, or starts like a literal.
    static func isPython(_ text: String, variables: [String: PyObject], commands: [String]) -> Bool {
        let t = Array(text.drop { $0.isWhitespace })
        guard let first = t.first else { return false }
        guard first.isLetter || first == "_" else { return "([{'\"0123456789.-+".contains(first) }
        var i = 0
        while i < t.count, t[i].isLetter || t[i].isNumber || t[i] == "_" { i += 1 }
        let word = String(t[..<i])
        let rest = t[i...]
        let next = rest.first
        if ["None", "True", "False"].contains(word) { return true }
        // `import json model.json` is LayerLab's command (Python's `import json` has nothing after the name).
        if word == "import" {
            let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, String(words[0]) == "json", !["as", ","].contains(String(words[1])), words[1].first != "," { return false }
        }
        if keywords.contains(word), next == nil || next?.isWhitespace == true || next == "(" { return true }
        let afterSpaces = rest.drop { $0 == " " || $0 == "\t" }
        if afterSpaces.first == "=", afterSpaces.dropFirst().first != "=" { return true }
        let isCommand = commands.contains(word)
        if next == "." { return true }
        if next == "(" || next == "[" { return !isCommand }
        if next == nil || rest.allSatisfy(\.isWhitespace) {
            // A known name, or a near miss of one (`modle`: Python's NameError suggests `model`).
            return !isCommand && (variables[word] != nil
                || (!commands.contains(word.lowercased()) && nearest(to: word, in: Array(variables.keys)) != nil
                    && nearest(to: word, in: commands) == nil))
        }
        return false
    }

    /// Open brackets at the end of `text`, and whether a closing bracket had nothing to close.
    public static func balance(_ text: String) -> (open: Int, unmatched: Bool) {
        var depth = 0
        var unmatched = false
        var quote: Character?
        var escaped = false
        var comment = false
        for c in text {
            if c == "\n" { comment = false; quote = nil; continue }
            if comment { continue }
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "'", "\"": quote = c
            case "#": comment = true
            case "(", "[", "{": depth += 1
            case ")", "]", "}": if depth == 0 { unmatched = true } else { depth -= 1 }
            default: break
            }
        }
        return (depth, unmatched)
    }

    /// While a statement is open, a line that is not indented, is balanced on its own and
    /// starts a new statement (`model.summary()`) after a line that ended a call means a
    /// bracket was forgotten: the open statement is reported and the new line runs.
    public static func startsNewStatement(_ line: String, after pending: String) -> Bool {
        guard let first = line.first, first.isLetter || first == "_" else { return false }
        let b = balance(line)
        guard b.open == 0, !b.unmatched else { return false }
        let lastLine = pending.split(separator: "\n").last.map { $0.trimmed() } ?? ""
        let code = lastLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmed() } ?? ""
        return code.hasSuffix(")") || code.hasSuffix("]")
    }
}
