import Layers
import TensorCore

/// The syntax tree of the Keras-Python subset.
indirect enum PyExpr {
    case name(String, column: Int)
    case int(Int)
    case float(Double)
    case string(String)
    case none
    case bool(Bool)
    case tuple([PyExpr])
    case list([PyExpr])
    case call(PyExpr, [PyExpr], [(String, PyExpr)], column: Int)
    case attribute(PyExpr, String, column: Int)
    case `subscript`(PyExpr, PyExpr)
    case negate(PyExpr)
    case binary(String, PyExpr, PyExpr)
    /// `lambda x: BODY`, kept as the body's source text (LayerLab's Lambda expression language).
    case lambda(parameter: String, body: String)

}

enum PyStatement {
    /// `import keras`, `import numpy as np`, `import keras.layers as L`.
    case importModules([(module: String, alias: String?)])
    /// `from keras.layers import Dense, Activation as A`.
    case fromImport(module: String, names: [(name: String, alias: String?)])
    /// `name = expr`.
    case assign(String, PyExpr)
    /// A bare expression (echoed when it has a value, as Python's prompt does).
    case expression(PyExpr)
}

/// Recursive descent over the tokens of one statement.
struct PyParser {
    var tokens: [PyToken]
    var index = 0
    let source: [Character]
    var depth = 0
    static let maxDepth = 64

    static let unsupportedStatements = ["def", "class", "for", "while", "if", "with", "try", "return", "del",
                                        "global", "nonlocal", "assert", "raise", "yield", "async", "await", "pass",
                                        "elif", "else", "except", "finally", "break", "continue"]

    static func parse(_ text: String, firstLine: Int = 1) throws -> PyStatement? {
        let tokens = try PyLexer.tokenize(text, firstLine: firstLine)
        guard !tokens.isEmpty else { return nil }
        var p = PyParser(tokens: tokens, source: Array(text))
        let statement = try p.statement()
        if let extra = p.peek, case .name(let word) = extra.kind, ["if", "else", "for", "and", "or", "not", "in", "is"].contains(word) {
            throw LabError("'\(word)' at \(p.place(extra)) is not supported: LayerLab runs no conditions, loops or boolean operators",
                           suggestion: "docs/python.md lists the Python LayerLab runs")
        }
        if let extra = p.peek {
            throw LabError("two statements on one line: \(extra.text) at \(p.place(extra)) starts another",
                           suggestion: "separate them with ';' or put them on two lines")
        }
        return statement
    }

    var peek: PyToken? { index < tokens.count ? tokens[index] : nil }
    func peek(_ k: Int) -> PyToken? { index + k < tokens.count ? tokens[index + k] : nil }

    func place(_ t: PyToken) -> String {
        source.contains("\n") ? "line \(t.line), column \(t.column)" : "column \(t.column)"
    }

    mutating func next() throws -> PyToken {
        guard let t = peek else { throw LabError("the statement ends too early") }
        index += 1
        return t
    }

    func isOp(_ op: String, _ k: Int = 0) -> Bool { peek(k)?.kind == .op(op) }

    mutating func expect(_ op: String, after what: String) throws {
        guard let t = peek else { throw LabError("expected '\(op)' after \(what), but the statement ends") }
        guard t.kind == .op(op) else { throw LabError("expected '\(op)' after \(what) at \(place(t)), found \(t.text)") }
        index += 1
    }

    mutating func name(_ what: String) throws -> String {
        let t = try next()
        guard case .name(let n) = t.kind else { throw LabError("expected \(what) at \(place(t)), found \(t.text)") }
        return n
    }

    mutating func dotted() throws -> String {
        var parts = [try name("a module name")]
        while isOp(".") { index += 1; parts.append(try name("a module name")) }
        return parts.joined(separator: ".")
    }

    mutating func statement() throws -> PyStatement {
        guard let first = peek else { throw LabError("empty statement") }
        if case .name(let word) = first.kind {
            if word == "import" {
                index += 1
                var modules: [(String, String?)] = []
                repeat {
                    if !modules.isEmpty { index += 1 }
                    let m = try dotted()
                    var alias: String?
                    if peek?.kind == .name("as") { index += 1; alias = try name("a name after 'as'") }
                    modules.append((m, alias))
                } while isOp(",")
                return .importModules(modules)
            }
            if word == "from" {
                index += 1
                let m = try dotted()
                guard peek?.kind == .name("import") else {
                    throw LabError("expected 'import' after 'from \(m)'" + (peek.map { " at \(place($0)), found \($0.text)" } ?? ""))
                }
                index += 1
                let bracketed = isOp("(")
                if bracketed { index += 1 }
                if isOp("*") { throw LabError("'from \(m) import *' is not supported", suggestion: "name what you import: from \(m) import Dense, …") }
                var names: [(String, String?)] = []
                repeat {
                    if !names.isEmpty { index += 1 }
                    if bracketed, isOp(")") { break }
                    let n = try name("a name to import")
                    var alias: String?
                    if peek?.kind == .name("as") { index += 1; alias = try name("a name after 'as'") }
                    names.append((n, alias))
                } while isOp(",")
                if bracketed { try expect(")", after: "the imported names") }
                return .fromImport(module: m, names: names)
            }
            if Self.unsupportedStatements.contains(word) {
                throw LabError("Python's '\(word)' statements are not supported",
                               suggestion: "LayerLab runs a fixed subset of Keras Python: imports, assignments and calls (docs/python.md)")
            }
            if isOp("=", 1) {
                index += 2
                return .assign(word, try expression())
            }
        }
        let e = try expression()
        if let t = peek {
            if t.kind == .op("=") {
                throw LabError("only a plain name can be assigned to (\(place(t)))", suggestion: "for example: x = Dense(8)(inputs)")
            }
            if case .op(let o) = t.kind, ["+=", "-=", "*=", "/="].contains(o) {
                throw LabError("augmented assignment '\(o)' is not supported", suggestion: "write x = x + …")
            }
            if t.kind == .op(",") {
                throw LabError("assigning to several names at once is not supported (\(place(t)))", suggestion: "assign one name per statement")
            }
        }
        return .expression(e)
    }

    mutating func expression() throws -> PyExpr {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw LabError("the expression is nested too deeply") }
        if peek?.kind == .name("lambda") { return try lambda() }
        var left = try term()
        while let t = peek, t.kind == .op("+") || t.kind == .op("-") {
            index += 1
            left = .binary(t.kind == .op("+") ? "+" : "-", left, try term())
        }
        if let t = peek, case .op(let o) = t.kind, ["==", "!=", "<", ">", "<=", ">="].contains(o) {
            throw LabError("comparisons ('\(o)' at \(place(t))) are not supported", suggestion: "docs/python.md lists what is")
        }
        return left
    }

    mutating func lambda() throws -> PyExpr {
        index += 1
        let parameter = try name("the lambda's parameter")
        try expect(":", after: "lambda \(parameter)")
        let startToken = peek
        _ = try expression()
        guard let s = startToken else { throw LabError("the lambda has no body") }
        let end = index > 0 ? tokens[index - 1].end : s.start
        return .lambda(parameter: parameter, body: String(source[s.start..<end]))
    }

    mutating func term() throws -> PyExpr {
        var left = try unary()
        while let t = peek, case .op(let o) = t.kind, ["*", "/", "//", "%"].contains(o) {
            index += 1
            left = .binary(o, left, try unary())
        }
        return left
    }

    mutating func unary() throws -> PyExpr {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw LabError("the expression is nested too deeply") }
        if isOp("-") { index += 1; return .negate(try unary()) }
        if isOp("+") { index += 1; return try unary() }
        let base = try postfix()
        if isOp("**") { index += 1; return .binary("**", base, try unary()) }
        return base
    }

    mutating func postfix() throws -> PyExpr {
        var e = try atom()
        while let t = peek {
            if t.kind == .op("(") {
                index += 1
                let (args, keywords) = try arguments()
                e = .call(e, args, keywords, column: t.column)
            } else if t.kind == .op(".") {
                index += 1
                e = .attribute(e, try name("an attribute name after '.'"), column: t.column)
            } else if t.kind == .op("[") {
                index += 1
                if isOp(":") || isOp(":", 1) || isOp(":", 2) {
                    throw LabError("slices ('[a:b]' at \(place(t))) are not supported", suggestion: "index one item: [0], [-1]")
                }
                let i = try expression()
                try expect("]", after: "the index")
                e = .subscript(e, i)
            } else {
                break
            }
        }
        return e
    }

    mutating func arguments() throws -> ([PyExpr], [(String, PyExpr)]) {
        var args: [PyExpr] = []
        var keywords: [(String, PyExpr)] = []
        while true {
            guard let t = peek else { throw LabError("missing ')'") }
            if t.kind == .op(")") { index += 1; return (args, keywords) }
            if t.kind == .op("*") || t.kind == .op("**") {
                throw LabError("unpacking arguments with '\(t.kind == .op("*") ? "*" : "**")' is not supported (\(place(t)))")
            }
            if case .name(let k) = t.kind, isOp("=", 1) {
                index += 2
                guard !keywords.contains(where: { $0.0 == k }) else {
                    throw LabError("keyword argument repeated: \(k) (\(place(t)))")
                }
                keywords.append((k, try expression()))
            } else {
                guard keywords.isEmpty else {
                    throw LabError("positional argument follows keyword argument at \(place(t))")
                }
                args.append(try expression())
            }
            guard let sep = peek else { throw LabError("missing ')'") }
            if sep.kind == .op(")") { index += 1; return (args, keywords) }
            guard sep.kind == .op(",") else {
                throw LabError("expected ',' or ')' at \(place(sep)), found \(sep.text)", suggestion: "perhaps a comma is missing")
            }
            index += 1
        }
    }

    mutating func sequence(close: String) throws -> ([PyExpr], trailingComma: Bool) {
        var items: [PyExpr] = []
        var trailing = false
        while true {
            guard let t = peek else { throw LabError("missing '\(close)'") }
            if t.kind == .op(close) { index += 1; return (items, trailing) }
            items.append(try expression())
            trailing = false
            guard let sep = peek else { throw LabError("missing '\(close)'") }
            if sep.kind == .op(close) { index += 1; return (items, false) }
            guard sep.kind == .op(",") else {
                throw LabError("expected ',' or '\(close)' at \(place(sep)), found \(sep.text)", suggestion: "perhaps a comma is missing")
            }
            index += 1
            trailing = true
        }
    }

    mutating func atom() throws -> PyExpr {
        let t = try next()
        switch t.kind {
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(var s):
            while case .string(let more)? = peek?.kind { s += more; index += 1 }
            return .string(s)
        case .name(let n):
            switch n {
            case "None": return .none
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "lambda": throw LabError("a lambda must be a whole argument: Lambda(lambda x: …)")
            default:
                if Self.unsupportedStatements.contains(n) || ["import", "from", "in", "is", "not", "and", "or"].contains(n) {
                    throw LabError("'\(n)' at \(place(t)) is not supported here", suggestion: "docs/python.md lists the Python LayerLab runs")
                }
                return .name(n, column: t.column)
            }
        case .op("("):
            let (items, trailing) = try sequence(close: ")")
            return items.count == 1 && !trailing ? items[0] : .tuple(items)
        case .op("["):
            return .list(try sequence(close: "]").0)
        case .op("{"):
            throw LabError("dicts ('{' at \(place(t))) are not supported", suggestion: "docs/python.md lists the Python LayerLab runs")
        default:
            throw LabError("unexpected \(t.text) at \(place(t))")
        }
    }
}
