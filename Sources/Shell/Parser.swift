import Layers
import TensorCore
import Text

/// One parsed command: its name and its items in order.
///
/// The grammar is a shell's (words separated by spaces, `--flags`) whose values
/// are Python literals: `add dense 32 relu kernel_initializer=RandomNormal(mean=0.0, stddev=0.05)`.
public struct ParsedCommand: Equatable, Sendable {
    public enum Item: Equatable, Sendable {
        case value(Value)
        case keyword(String, Value)
        case flag(String)
    }
    public var name: String
    public var items: [Item]

    /// The command written back as text that parses to the same command.
    public var text: String {
        ([name] + items.map { item -> String in
            switch item {
            case .value(let v): return Self.shellText(v)
            case .keyword(let k, let v): return "\(k)=\(Self.shellText(v))"
            case .flag(let f): return "--" + f
            }
        }).joined(separator: " ")
    }

    /// A value as typed: bare words stay bare when they would read back the same.
    static func shellText(_ v: Value) -> String {
        if case .string(let s) = v, !s.isEmpty, TokenStream.literal(s) == v,
           s.allSatisfy({ !$0.isWhitespace && !Lexer.punctuation.contains($0) }), !s.hasPrefix("--") {
            return s
        }
        return v.python
    }
}

/// Turns a line into commands. Statements are separated by `;` outside quotes and
/// brackets; `#` starts a comment. Errors give the column of the offending token.
public enum CommandParser {
    public static func parse(_ line: String) throws -> [ParsedCommand] {
        try statements(line).compactMap { try parseStatement($0.text, offset: $0.offset) }
    }

    /// The `;`-separated statements of a line (a `;` inside quotes or brackets does not count;
    /// a `#` comment ends the line), each with its column offset.
    public static func statements(_ line: String) -> [(text: String, offset: Int)] {
        var result: [(String, Int)] = []
        var current = ""
        var start = 0
        var quote: Character?
        var previous: Character = " "
        var depth = 0
        var comment = false
        for (i, c) in line.enumerated() {
            if comment {
                // A comment runs to the end of its line; a statement may go on after it.
                guard c == "\n" else { continue }
                comment = false
            }
            if let q = quote {
                if c == q, previous != "\\" { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" || c == "[" {
                depth += 1
            } else if c == ")" || c == "]" {
                depth = max(0, depth - 1)
            } else if c == "#", previous.isWhitespace {
                comment = true
                continue
            } else if c == ";", depth == 0 {
                result.append((current, start))
                current = ""
                start = i + 1
                previous = " "
                continue
            }
            current.append(c)
            previous = c
        }
        result.append((current, start))
        return result
    }

    /// Parses one statement; nil when it is blank.
    public static func parseStatement(_ text: String, offset: Int = 0) throws -> ParsedCommand? {
        let tokens = try Lexer.tokenize(text, columnOffset: offset)
        return tokens.isEmpty ? nil : try parseStatement(tokens)
    }

    static func parseStatement(_ tokens: [Token]) throws -> ParsedCommand {
        guard case .word(let name) = tokens[0].kind else {
            throw LabError("expected a command at column \(tokens[0].column), found \(tokens[0].text)",
                           suggestion: "type 'help' to see the commands")
        }
        var p = TokenStream(tokens: tokens, index: 1)
        var items: [ParsedCommand.Item] = []
        while let t = p.peek {
            if case .word(let w) = t.kind, w.hasPrefix("--"), w.count > 2, Double(w) == nil {
                p.index += 1
                items.append(.flag(String(w.dropFirst(2))))
                continue
            }
            if case .word(let w) = t.kind, p.peek(1)?.kind == .equals, isIdentifier(w) {
                p.index += 2
                items.append(.keyword(w, try p.commaList(try p.value(spacedCalls: true))))
                continue
            }
            items.append(.value(try p.commaList(try p.value())))
        }
        return ParsedCommand(name: name, items: items)
    }

    static func isIdentifier(_ w: String) -> Bool {
        guard let f = w.first, f.isLetter || f == "_" else { return false }
        return w.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Parses a single value on its own: `RandomNormal(stddev=0.1)`, `(3, 3)`.
    public static func parseValue(_ text: String) throws -> Value {
        let tokens = try Lexer.tokenize(text)
        var p = TokenStream(tokens: tokens, index: 0)
        let v = try p.value()
        if let extra = p.peek { throw LabError("unexpected \(extra.text) at column \(extra.column)") }
        return v
    }
}

struct Token: Equatable {
    enum Kind: Equatable {
        case word(String), string(String)
        case open(Character), close(Character)
        case comma, equals
    }
    var kind: Kind
    var column: Int
    /// True when whitespace comes right before this token (so `f (x)` is not a call).
    var spaced: Bool

    var text: String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .string(let s): return "'\(s)'"
        case .open(let c), .close(let c): return "'\(c)'"
        case .comma: return "','"
        case .equals: return "'='"
        }
    }
}

enum Lexer {
    static let punctuation: Set<Character> = ["(", ")", "[", "]", ",", "=", ";", "'", "\"", "#"]

    static func tokenize(_ line: String, columnOffset: Int = 0) throws -> [Token] {
        let chars = Array(line)
        var tokens: [Token] = []
        var depth: [(Character, Int)] = []
        var i = 0
        var spaced = true
        while i < chars.count {
            let c = chars[i]
            let column = i + 1 + columnOffset
            if c.isWhitespace { i += 1; spaced = true; continue }
            if c == "#", spaced || tokens.isEmpty { break }
            switch c {
            case "(", "[":
                tokens.append(Token(kind: .open(c), column: column, spaced: spaced))
                depth.append((c, column))
                i += 1
            case ")", "]":
                let expected: Character = c == ")" ? "(" : "["
                guard let (open, _) = depth.last, open == expected else {
                    throw LabError("unmatched '\(c)' at column \(column)")
                }
                depth.removeLast()
                tokens.append(Token(kind: .close(c), column: column, spaced: spaced))
                i += 1
            case ",": tokens.append(Token(kind: .comma, column: column, spaced: spaced)); i += 1
            case "=": tokens.append(Token(kind: .equals, column: column, spaced: spaced)); i += 1
            case ";":
                throw LabError("unexpected ';' at column \(column)")
            case "'", "\"":
                var s = ""
                var j = i + 1
                var closed = false
                while j < chars.count {
                    if chars[j] == "\\", j + 1 < chars.count { s.append(chars[j + 1]); j += 2; continue }
                    if chars[j] == c { closed = true; break }
                    s.append(chars[j]); j += 1
                }
                guard closed else { throw LabError("the string starting at column \(column) is not closed", suggestion: "add a closing \(c)") }
                tokens.append(Token(kind: .string(s), column: column, spaced: spaced))
                i = j + 1
            default:
                var j = i
                // A `#` inside a word is part of it (a comment starts only after a space).
                while j < chars.count, !chars[j].isWhitespace, !punctuation.contains(chars[j]) || chars[j] == "#" { j += 1 }
                tokens.append(Token(kind: .word(String(chars[i..<j])), column: column, spaced: spaced))
                i = j
            }
            spaced = false
        }
        if let (open, col) = depth.last {
            throw LabError("'\(open)' at column \(col) is not closed", suggestion: "add the missing '\(open == "(" ? ")" : "]")'")
        }
        return tokens
    }
}

struct TokenStream {
    var tokens: [Token]
    var index: Int
    /// Nesting depth, bounded so hostile input cannot exhaust the stack.
    var depth = 0
    static let maxDepth = 64

    var peek: Token? { index < tokens.count ? tokens[index] : nil }
    func peek(_ offset: Int) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }

    mutating func next() -> Token? {
        defer { index += 1 }
        return peek
    }

    /// `a,b` (a comma-separated list without brackets, as in `from=a,b`) is a tuple.
    mutating func commaList(_ first: Value) throws -> Value {
        guard peek?.kind == .comma else { return first }
        var list = [first]
        while peek?.kind == .comma {
            index += 1
            list.append(try value(spacedCalls: true))
        }
        return .tuple(list)
    }

    /// A value. `f (x)` is a call only where a tuple cannot follow a name: in a keyword's
    /// value or inside brackets (`spacedCalls`); among a command's words it is two values.
    mutating func value(spacedCalls: Bool = false) throws -> Value {
        guard let t = next() else { throw LabError("a value is missing at the end of the line") }
        switch t.kind {
        case .string(let s): return .string(s)
        case .word(let w):
            if let open = peek, open.kind == .open("("), !open.spaced || spacedCalls {
                index += 1
                return .call(w, try arguments(close: ")"))
            }
            // A whole number too large for an integer would become a float (1e+23) and be
            // reported as one: say so here, quoting what was typed.
            let digits = w.drop { $0 == "-" || $0 == "+" }.filter { $0 != "_" }
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), Int(w.filter { $0 != "_" }) == nil {
                throw LabError("the number \(w) at column \(t.column) is too large for a whole number",
                               suggestion: "whole numbers go up to \(Format.thousands(Int.max))")
            }
            return Self.literal(w)
        case .open(let c):
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw LabError("brackets are nested too deeply at column \(t.column)") }
            let (items, trailingComma) = try sequence(close: c == "(" ? ")" : "]")
            if c == "[" { return .list(items) }
            return items.count == 1 && !trailingComma ? items[0] : .tuple(items)
        default:
            throw LabError("unexpected \(t.text) at column \(t.column)")
        }
    }

    /// Items up to the closing bracket; reports whether a trailing comma was written.
    mutating func sequence(close: Character) throws -> ([Value], Bool) {
        var items: [Value] = []
        var trailing = false
        while true {
            guard let t = peek else { throw LabError("missing '\(close)'") }
            if t.kind == .close(close) { index += 1; return (items, trailing) }
            items.append(try value(spacedCalls: true))
            trailing = false
            guard let sep = next() else { throw LabError("missing '\(close)'") }
            if sep.kind == .close(close) { return (items, false) }
            guard sep.kind == .comma else { throw LabError("expected ',' or '\(close)' at column \(sep.column), found \(sep.text)") }
            trailing = true
        }
    }

    mutating func arguments(close: Character) throws -> Arguments {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw LabError("calls are nested too deeply") }
        var args = Arguments()
        while true {
            guard let t = peek else { throw LabError("missing ')'") }
            if t.kind == .close(close) { index += 1; return args }
            if case .word(let w) = t.kind, peek(1)?.kind == .equals {
                guard CommandParser.isIdentifier(w) else { throw LabError("'\(w)' at column \(t.column) is not a valid keyword") }
                index += 2
                args.keywords.append(Keyword(w, try value(spacedCalls: true)))
            } else {
                guard args.keywords.isEmpty else {
                    throw LabError("positional argument follows keyword argument at column \(t.column)")
                }
                args.positional.append(try value(spacedCalls: true))
            }
            guard let sep = next() else { throw LabError("missing ')'") }
            if sep.kind == .close(close) { return args }
            guard sep.kind == .comma else { throw LabError("expected ',' or ')' at column \(sep.column), found \(sep.text)") }
        }
    }

    /// A bare word: a number, None/True/False, or a name.
    static func literal(_ w: String) -> Value {
        switch w {
        case "None", "none": return .null
        case "True", "true": return .bool(true)
        case "False", "false": return .bool(false)
        default: break
        }
        if let i = Int(w) { return .int(i) }
        let digits = w.filter { $0 != "_" }
        if let first = w.first, first.isNumber || first == "-" || first == "+" || first == ".",
           let d = Double(digits), d.isFinite { return .double(d) }
        return .string(w)
    }
}
