import Layers
import TensorCore
import Text

/// A token of the Keras-Python subset.
struct PyToken: Equatable {
    enum Kind: Equatable {
        case name(String)
        case int(Int)
        case float(Double)
        case string(String)
        /// Punctuation and operators: `( ) [ ] { } , : . = + - * / ** ; @ < > …`.
        case op(String)
    }
    var kind: Kind
    /// Line (numbered from the statement's first line) and column within that line.
    var line: Int
    var column: Int
    /// Offset of the first and one-past-last character in the statement's text.
    var start: Int
    var end: Int

    var text: String {
        switch kind {
        case .name(let n): return "'\(n)'"
        case .int(let i): return "'\(i)'"
        case .float(let d): return "'\(Value.pythonFloat(d))'"
        case .string(let s): return Value.string(s).python
        case .op(let o): return "'\(o)'"
        }
    }
}

/// Splits one statement (possibly spread over several lines) into tokens.
enum PyLexer {
    static let operators = ["**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=", "*=", "/=",
                            "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "+", "-", "*", "/", "%",
                            ";", "@", "<", ">", "&", "|", "^", "~"]

    /// `firstLine` numbers the lines (a script's line number, so errors point at it).
    static func tokenize(_ text: String, firstLine: Int = 1) throws -> [PyToken] {
        let chars = Array(text)
        var tokens: [PyToken] = []
        var i = 0, line = firstLine, lineStart = 0
        var brackets: [(Character, Int, Int)] = []
        func column(_ at: Int) -> Int { at - lineStart + 1 }
        func place(_ at: Int) -> String { text.contains("\n") ? "line \(line), column \(column(at))" : "column \(column(at))" }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1; i += 1; lineStart = i; continue }
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "\n" { i += 2; line += 1; lineStart = i; continue }
            if c.isWhitespace { i += 1; continue }
            if c == "#" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            let start = i
            if c.isLetter || c == "_" {
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                let word = String(chars[start..<i])
                // f-strings, bytes and raw strings are outside the subset.
                if i < chars.count, chars[i] == "'" || chars[i] == "\"", ["f", "b", "r", "rb", "br", "u", "F", "B", "R"].contains(word) {
                    if word.lowercased() == "r" || word.lowercased() == "u" {
                        continue // the string itself follows; r'' and u'' read as plain strings here
                    }
                    throw LabError("\(word)-strings are not supported (\(place(start)))", suggestion: "write a plain string in quotes")
                }
                tokens.append(PyToken(kind: .name(word), line: line, column: column(start), start: start, end: i))
                continue
            }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                while i < chars.count, chars[i].isNumber || chars[i] == "." || chars[i] == "_" ||
                        ((chars[i] == "e" || chars[i] == "E") && i + 1 < chars.count) ||
                        ((chars[i] == "+" || chars[i] == "-") && (chars[i - 1] == "e" || chars[i - 1] == "E")) {
                    i += 1
                }
                let literal = String(chars[start..<i]).filter { $0 != "_" }
                if let n = Int(literal) {
                    tokens.append(PyToken(kind: .int(n), line: line, column: column(start), start: start, end: i))
                } else if literal.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    throw LabError("the number \(String(chars[start..<i])) at \(place(start)) is too large for a whole number",
                                   suggestion: "whole numbers go up to \(thousands(Int.max))")
                } else if let d = Double(literal), d.isFinite {
                    tokens.append(PyToken(kind: .float(d), line: line, column: column(start), start: start, end: i))
                } else {
                    throw LabError("invalid number '\(literal)' at \(place(start))")
                }
                continue
            }
            if c == "'" || c == "\"" {
                let triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                if triple { throw LabError("triple-quoted strings are not supported (\(place(start)))", suggestion: "write the string on one line") }
                var s = ""
                var j = i + 1
                var closed = false
                while j < chars.count, chars[j] != "\n" {
                    if chars[j] == "\\", j + 1 < chars.count {
                        let e = chars[j + 1]
                        s.append(e == "n" ? "\n" : e == "t" ? "\t" : e)
                        j += 2
                        continue
                    }
                    if chars[j] == c { closed = true; break }
                    s.append(chars[j])
                    j += 1
                }
                guard closed else {
                    throw LabError("the string starting at \(place(start)) is not closed", suggestion: "add the closing \(c)")
                }
                tokens.append(PyToken(kind: .string(s), line: line, column: column(start), start: start, end: j + 1))
                i = j + 1
                continue
            }
            guard let op = operators.first(where: { matches($0, chars, at: i) }) else {
                throw LabError("unexpected character '\(c)' at \(place(start))")
            }
            i += op.count
            if let close = ["(": ")", "[": "]", "{": "}"][op] {
                brackets.append((Character(close), line, column(start)))
            } else if [")", "]", "}"].contains(op) {
                guard let open = brackets.last, String(open.0) == op else {
                    if let open = brackets.last {
                        throw LabError("'\(op)' at \(place(start)) does not match the bracket opened at \(brackets.count > 0 && text.contains("\n") ? "line \(open.1), " : "")column \(open.2)",
                                       suggestion: "close it with '\(open.0)' first")
                    }
                    throw LabError("unmatched '\(op)' at \(place(start))")
                }
                brackets.removeLast()
            }
            tokens.append(PyToken(kind: .op(op), line: line, column: column(start), start: start, end: i))
        }
        if let open = brackets.last {
            let opener = ["(", "[", "{"][[")", "]", "}"].firstIndex(of: String(open.0)) ?? 0]
            throw LabError("'\(opener)' at \(text.contains("\n") ? "line \(open.1), " : "")column \(open.2) is never closed",
                           suggestion: "add the missing '\(open.0)'")
        }
        return tokens
    }

    private static func matches(_ op: String, _ chars: [Character], at i: Int) -> Bool {
        let o = Array(op)
        guard i + o.count <= chars.count else { return false }
        return Array(chars[i..<(i + o.count)]) == o
    }
}
