import TensorCore
import Text

/// Parses Lambda's expression language (a small, safe subset of Python's expression
/// syntax, see docs/lambda.md) into an `Expression`.
///
/// Names are resolved here: `x` is the input, `pi` and `e` and the layer's
/// `arguments` are numbers, and only functions of `ExpressionFunctions` can be
/// called. Length and nesting are bounded, so hostile input is a clear error.
struct ExpressionParser {
    static let maxLength = 1000
    /// Brackets, calls and unary signs nested inside each other.
    static let maxNesting = 32
    /// Depth of the finished tree (`x+x+…` chains count too).
    static let maxTreeDepth = 100

    private var tokens: [ExpressionToken]
    private var index = 0
    private var nesting = 0
    private let constants: [String: Double]

    static func parse(_ text: String, constants: [String: Double] = [:]) throws -> Expression {
        guard text.count <= maxLength else {
            throw LabError("the expression is \(text.count) characters long; the limit is \(maxLength)")
        }
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokenize(text), constants: constants)
        guard !parser.tokens.isEmpty else { throw LabError("the expression is empty", suggestion: "for example \"x * 2 + 1\"") }
        let e = try parser.expression()
        if let extra = parser.peek { throw parser.unexpected(extra) }
        guard e.depth <= maxTreeDepth else {
            throw LabError("the expression is nested too deeply (\(e.depth) levels; the limit is \(maxTreeDepth))")
        }
        return e
    }

    private init(tokens: [ExpressionToken], constants: [String: Double]) {
        self.tokens = tokens
        self.constants = constants
    }

    private var peek: ExpressionToken? { index < tokens.count ? tokens[index] : nil }

    private mutating func next() throws -> ExpressionToken {
        guard let t = peek else { throw LabError("the expression ends too early") }
        index += 1
        return t
    }

    private mutating func accept(_ kind: ExpressionToken.Kind) -> Bool {
        guard peek?.kind == kind else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ kind: ExpressionToken.Kind, _ what: String) throws {
        guard let t = peek else { throw LabError("the expression ends too early: expected \(what)") }
        guard t.kind == kind else { throw LabError("expected \(what) at column \(t.column), found '\(t.text)'") }
        index += 1
    }

    private func unexpected(_ t: ExpressionToken) -> LabError {
        if case .invalid(let c) = t.kind {
            let what = c == "'" || c == "\"" ? "strings are" : c == "." ? "attributes are" : "'\(c)' is"
            return LabError("unexpected '\(c)' at column \(t.column): \(what) not part of the expression language",
                            suggestion: "see 'help lambda' or docs/lambda.md")
        }
        return LabError("unexpected '\(t.text)' at column \(t.column)")
    }

    /// Runs `body` one nesting level deeper, refusing to go beyond `maxNesting`.
    private mutating func nested<T>(_ body: (inout ExpressionParser) throws -> T) throws -> T {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else {
            throw LabError("the expression is nested too deeply at column \(peek?.column ?? 0) (more than \(Self.maxNesting) levels)")
        }
        return try body(&self)
    }

    // MARK: - Grammar, lowest precedence first (as in Python)

    private mutating func expression() throws -> Expression {
        try nested { p in
            let left = try p.additive()
            guard case .op(let o)? = p.peek?.kind, let op = BinaryOperator(rawValue: o), op.isComparison else { return left }
            p.index += 1
            let right = try p.additive()
            if case .op(let o2)? = p.peek?.kind, BinaryOperator(rawValue: o2)?.isComparison == true {
                throw LabError("comparisons cannot be chained (column \(p.peek?.column ?? 0))",
                               suggestion: "compare once, e.g. (x > 0) * (x < 1)")
            }
            return .binary(op, left, right)
        }
    }

    private mutating func additive() throws -> Expression {
        var e = try multiplicative()
        while case .op(let o)? = peek?.kind, o == "+" || o == "-" {
            index += 1
            e = .binary(o == "+" ? .add : .subtract, e, try multiplicative())
        }
        return e
    }

    private mutating func multiplicative() throws -> Expression {
        var e = try unary()
        while case .op(let o)? = peek?.kind, o == "*" || o == "/" {
            index += 1
            e = .binary(o == "*" ? .multiply : .divide, e, try unary())
        }
        return e
    }

    private mutating func unary() throws -> Expression {
        guard case .op(let o)? = peek?.kind, o == "-" || o == "+" else { return try power() }
        index += 1
        return try nested { p in
            let operand = try p.unary()
            return o == "-" ? .negate(operand) : operand
        }
    }

    /// `a ** b` binds tighter than a unary minus on its left and is right-associative.
    private mutating func power() throws -> Expression {
        let base = try postfix()
        guard accept(.op("**")) else { return base }
        return .binary(.power, base, try nested { try $0.unary() })
    }

    private mutating func postfix() throws -> Expression {
        var e = try atom()
        while accept(.open("[")) {
            let items = try nested { try $0.subscriptItems() }
            e = .subscripted(e, items)
        }
        if let t = peek, t.kind == .open("(") {
            throw LabError("only functions can be called: '(' at column \(t.column) follows an expression")
        }
        return e
    }

    private mutating func atom() throws -> Expression {
        let t = try next()
        switch t.kind {
        case .number(let d): return .number(d)
        case .open("("):
            return try nested { p in
                if p.accept(.close(")")) { return .tuple([]) }
                var items = [try p.expression()]
                var trailingComma = false
                while p.accept(.comma) {
                    trailingComma = true
                    if p.peek?.kind == .close(")") { break }
                    items.append(try p.expression())
                    trailingComma = false
                }
                try p.expect(.close(")"), "')'")
                return items.count == 1 && !trailingComma ? items[0] : .tuple(items)
            }
        case .name(let name):
            if peek?.kind == .open("(") {
                index += 1
                return try nested { try $0.call(name, at: t.column) }
            }
            return try resolve(name, at: t.column)
        default:
            throw unexpected(t)
        }
    }

    private func resolve(_ name: String, at column: Int) throws -> Expression {
        switch name {
        case "x": return .input
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        default: break
        }
        if let v = constants[name] ?? Self.builtinConstants[name] { return .number(v) }
        if ExpressionFunctions.lookup(name) != nil {
            throw LabError("'\(name)' at column \(column) is a function: call it, as in \(name)(x)")
        }
        let known = ["x"] + Array(Self.builtinConstants.keys) + Array(constants.keys)
        throw LabError("unknown name '\(name)' at column \(column)",
                       suggestion: nearest(to: name, in: known).map { "did you mean '\($0)'?" }
                           ?? "the expression can use x (the input), the constants pi and e, numbers and the functions of 'help lambda'")
    }

    static let builtinConstants: [String: Double] = ["pi": Double.pi, "e": 2.718281828459045]

    private mutating func call(_ name: String, at column: Int) throws -> Expression {
        guard ExpressionFunctions.lookup(name) != nil else {
            throw LabError("unknown function '\(name)' at column \(column)",
                           suggestion: nearest(to: name, in: ExpressionFunctions.names).map { "did you mean '\($0)'?" }
                               ?? "the functions are: " + ExpressionFunctions.names.joined(separator: ", "))
        }
        var args: [Expression] = [], keywords: [ExpressionKeyword] = []
        while !accept(.close(")")) {
            if case .name(let key)? = peek?.kind, index + 1 < tokens.count, tokens[index + 1].kind == .equals {
                index += 2
                keywords.append(ExpressionKeyword(name: key, value: try expression()))
            } else {
                guard keywords.isEmpty else {
                    throw LabError("\(name)(): a positional argument follows a keyword argument at column \(peek?.column ?? 0)")
                }
                args.append(try expression())
            }
            if accept(.close(")")) { break }
            try expect(.comma, "',' or ')'")
        }
        return .call(name, args, keywords)
    }

    private mutating func subscriptItems() throws -> [SubscriptItem] {
        var items: [SubscriptItem] = []
        repeat {
            if accept(.ellipsis) { items.append(.ellipsis); continue }
            if case .name("None")? = peek?.kind, index + 1 < tokens.count,
               tokens[index + 1].kind == .comma || tokens[index + 1].kind == .close("]") {
                index += 1
                items.append(.newAxis)
                continue
            }
            let start = isSliceEnd ? nil : try expression()
            guard accept(.colon) else {
                guard let start else { throw unexpected(try next()) }
                items.append(.index(start))
                continue
            }
            let stop = isSliceEnd ? nil : try expression()
            let step = accept(.colon) && !isSliceEnd ? try expression() : nil
            items.append(.slice(start, stop, step))
        } while accept(.comma)
        try expect(.close("]"), "']'")
        return items
    }

    private var isSliceEnd: Bool {
        guard let k = peek?.kind else { return true }
        return k == .colon || k == .comma || k == .close("]")
    }
}
