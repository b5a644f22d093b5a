import TensorCore

/// A token of Lambda's expression language.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        case number(Double)
        case name(String)
        /// `+ - * / ** < <= > >= == !=`
        case op(String)
        case open(Character), close(Character)
        case comma, colon, equals, ellipsis
        /// A character outside the language (a quote, `.`, `@`, …); the parser reports it.
        case invalid(Character)
    }
    var kind: Kind
    /// 1-based column in the expression.
    var column: Int

    var text: String {
        switch kind {
        case .number(let d): return Value.pythonFloat(d)
        case .name(let n): return n
        case .op(let o): return o
        case .open(let c), .close(let c), .invalid(let c): return String(c)
        case .comma: return ","
        case .colon: return ":"
        case .equals: return "="
        case .ellipsis: return "..."
        }
    }
}

/// Splits an expression into tokens. Never fails: characters that are not part of
/// the language become `.invalid` tokens, so the parser can name the first problem.
enum ExpressionLexer {
    static func tokenize(_ text: String) throws -> [ExpressionToken] {
        let chars = Array(text)
        var tokens: [ExpressionToken] = []
        var i = 0
        func add(_ kind: ExpressionToken.Kind, _ length: Int) {
            tokens.append(ExpressionToken(kind: kind, column: i + 1))
            i += length
        }
        func at(_ j: Int) -> Character? { j < chars.count ? chars[j] : nil }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isASCII, c.isNumber || (c == "." && at(i + 1)?.isASCII == true && at(i + 1)?.isNumber == true) {
                var j = i
                while let d = at(j), d.isASCII, d.isNumber || d == "." { j += 1 }
                if let e = at(j), e == "e" || e == "E" {
                    var k = j + 1
                    if let s = at(k), s == "+" || s == "-" { k += 1 }
                    if let d = at(k), d.isASCII, d.isNumber {
                        j = k
                        while let d = at(j), d.isASCII, d.isNumber { j += 1 }
                    }
                }
                let literal = String(chars[i..<j])
                guard let value = Double(literal) else { throw LabError("'\(literal)' at column \(i + 1) is not a number") }
                guard value.isFinite else { throw LabError("the number \(literal) at column \(i + 1) is too large") }
                add(.number(value), j - i)
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while let d = at(j), d.isLetter || d.isNumber || d == "_" { j += 1 }
                add(.name(String(chars[i..<j])), j - i)
                continue
            }
            let two = at(i + 1).map { String([c, $0]) } ?? ""
            if ["**", "<=", ">=", "==", "!="].contains(two) { add(.op(two), 2); continue }
            if c == ".", at(i + 1) == ".", at(i + 2) == "." { add(.ellipsis, 3); continue }
            switch c {
            case "+", "-", "*", "/", "<", ">": add(.op(String(c)), 1)
            case "(", "[": add(.open(c), 1)
            case ")", "]": add(.close(c), 1)
            case ",": add(.comma, 1)
            case ":": add(.colon, 1)
            case "=": add(.equals, 1)
            default: add(.invalid(c), 1)
            }
        }
        return tokens
    }
}
