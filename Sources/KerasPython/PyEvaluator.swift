import Foundation
import Layers
import Models
import TensorCore
import Text

/// Runs one statement of the Keras-Python subset on copies of the session's model and
/// the interpreter's state; the session keeps them only if the statement succeeds.
struct PyEvaluator {
    var state: PythonState
    var model: Model
    /// True when the statement changed the model (it is then recorded for `undo`).
    var changed = false
    let session: any PythonHost

    init(_ host: any PythonHost, state: PythonState) {
        session = host
        self.state = state
        model = host.model
    }

    mutating func execute(_ statement: PyStatement) throws {
        switch statement {
        case .importModules(let modules):
            for (module, alias) in modules {
                let value = try KerasModules.importModule(module)
                if let alias { state.variables[alias] = value } else {
                    let root = String(module.split(separator: ".").first ?? "")
                    state.variables[root] = .module(root)
                }
            }
        case .fromImport(let module, let names):
            for (name, alias) in names {
                state.variables[alias ?? name] = try KerasModules.importName(module, name)
                if let note = KerasModules.note(module, name) { session.note(note) }
            }
        case .assign(let name, let expr):
            state.variables[name] = try evaluate(expr)
        case .expression(let expr):
            let value = try evaluate(expr)
            if let text = try repr(value, echo: true) { session.say(text) }
        }
    }

    // MARK: - Expressions

    mutating func evaluate(_ e: PyExpr) throws -> PyObject {
        switch e {
        case .name(let n, _):
            if let v = state.variables[n] { return v }
            if ["print", "len"].contains(n) { return .function(n) }
            throw LabError("name '\(n)' is not defined",
                           suggestion: nearest(to: n, in: Array(state.variables.keys)).map { "did you mean '\($0)'?" }
                               ?? (["keras", "np", "layers", "Dense", "Sequential", "initializers"].contains(n)
                                   ? "import it first, for example 'from keras.layers import Dense'" : "assign it first"))
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .tuple(let items): return .tuple(try items.map { try evaluate($0) })
        case .list(let items): return .list(try items.map { try evaluate($0) })
        case .lambda(let parameter, let body):
            return .lambda(try PyEvaluator.renamingParameter(parameter, in: PyEvaluator.stripOps(body)))
        case .negate(let inner):
            switch try evaluate(inner) {
            case .int(let i): return .int(-i)
            case .float(let d): return .float(-d)
            case let v: throw LabError("bad operand type for unary -: '\(v.typeName)'")
            }
        case .binary(let op, let a, let b):
            return try arithmetic(op, try evaluate(a), try evaluate(b))
        case .attribute(let base, let name, _):
            return try attribute(try evaluate(base), name)
        case .subscript(let base, let index):
            return try subscriptValue(try evaluate(base), try evaluate(index))
        case .call(let callee, let args, let keywords, _):
            let f = try evaluate(callee)
            let positional = try args.map { try evaluate($0) }
            var named: [(String, PyObject)] = []
            for (k, v) in keywords { named.append((k, try evaluate(v))) }
            return try call(f, positional, named)
        }
    }

    /// `lambda y: y * 2` is `x * 2` in LayerLab's expression language, whose input is `x`:
    /// the parameter is renamed wherever it stands as a name (not after `.`, not as `y=`).
    static func renamingParameter(_ parameter: String, in body: String) throws -> String {
        guard parameter != "x" else { return body }
        let chars = Array(body)
        var out = ""
        var i = 0
        func isStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
        func isPart(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }
        while i < chars.count {
            let c = chars[i]
            if c == "'" || c == "\"" {
                var j = i + 1
                while j < chars.count, chars[j] != c { j += 1 }
                out += String(chars[i..<min(j + 1, chars.count)])
                i = j + 1
                continue
            }
            guard isStart(c), i == 0 || !isPart(chars[i - 1]) else { out.append(c); i += 1; continue }
            var j = i
            while j < chars.count, isPart(chars[j]) { j += 1 }
            let word = String(chars[i..<j])
            let before = chars[..<i].last { !$0.isWhitespace }
            var k = j
            while k < chars.count, chars[k].isWhitespace { k += 1 }
            let keyword = k < chars.count && chars[k] == "=" && (k + 1 >= chars.count || chars[k + 1] != "=")
            if word == "x", before != "." {
                throw LabError("lambda \(parameter): the body also uses the name x, which is the Lambda's input in LayerLab",
                               suggestion: "write the lambda with one parameter, for example lambda x: …")
            }
            out += word == parameter && before != "." && !keyword ? "x" : word
            i = j
        }
        return out
    }

    /// `keras.ops.mean(x)` and `ops.mean(x)` are `mean(x)` in LayerLab's expression language.
    static func stripOps(_ body: String) -> String {
        var s = body
        for prefix in ["keras.ops.", "ops.", "K."] {
            var out = ""
            var rest = Substring(s)
            while let r = rest.range(of: prefix) {
                let before = rest[rest.startIndex..<r.lowerBound]
                let boundary = before.last.map { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") } ?? true
                out += before + (boundary ? "" : prefix)
                rest = rest[r.upperBound...]
            }
            s = out + rest
        }
        return s
    }

    func arithmetic(_ op: String, _ a: PyObject, _ b: PyObject) throws -> PyObject {
        func number(_ v: PyObject) -> Double? {
            switch v { case .int(let i): return Double(i); case .float(let d): return d; default: return nil }
        }
        if case .tuple(let x) = a, case .tuple(let y) = b, op == "+" { return .tuple(x + y) }
        if case .list(let x) = a, case .list(let y) = b, op == "+" { return .list(x + y) }
        if case .string(let x) = a, case .string(let y) = b, op == "+" { return .string(x + y) }
        guard let x = number(a), let y = number(b) else {
            throw LabError("unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
        }
        if case .int(let i) = a, case .int(let j) = b {
            switch op {
            case "+": return .int(i &+ j)
            case "-": return .int(i &- j)
            case "*": return .int(i &* j)
            case "//", "%":
                guard j != 0 else { throw LabError("integer division or modulo by zero") }
                guard !(i == Int.min && j == -1) else { throw LabError("integer overflow in \(op)") }
                let (q, r) = (i / j, i % j)
                let floor = r != 0 && (r < 0) != (j < 0)
                return .int(op == "//" ? (floor ? q - 1 : q) : (floor ? r + j : r))
            case "**" where j >= 0 && j < 64:
                var r = 1
                for _ in 0..<j { r = r &* i }
                return .int(r)
            default: break
            }
        }
        switch op {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        case "*": return .float(x * y)
        case "/": guard y != 0 else { throw LabError("division by zero") }; return .float(x / y)
        case "//": guard y != 0 else { throw LabError("division by zero") }; return .float((x / y).rounded(.down))
        case "**": return .float(pow(x, y))
        default: throw LabError("the operator '\(op)' is not supported on numbers")
        }
    }

    mutating func subscriptValue(_ base: PyObject, _ index: PyObject) throws -> PyObject {
        if case .dict(let entries) = base {
            guard case .string(let key) = index else { throw LabError("KeyError: \((try? repr(index)) ?? index.typeName)") }
            guard let entry = entries.first(where: { $0.0 == key }) else {
                throw LabError("KeyError: \(Value.string(key).python)", suggestion: "keys: " + entries.map { Value.string($0.0).python }.joined(separator: ", "))
            }
            return entry.1
        }
        guard case .int(let i) = index else { throw LabError("indices must be integers, not \(index.typeName)") }
        let items: [PyObject]
        switch base {
        case .list(let l), .tuple(let l): items = l
        case .array(let t):
            guard t.rank >= 1 else { throw LabError("too many indices for a 0-d array") }
            let j = i < 0 ? t.shape[0] + i : i
            guard j >= 0, j < t.shape[0] else { throw LabError("index \(i) is out of bounds for axis 0 with size \(t.shape[0])") }
            let rest = Array(t.shape.dropFirst())
            let n = rest.reduce(1, *)
            return .array(try Tensor(shape: rest, scalars: Array(t.scalars[(j * n)..<((j + 1) * n)]), dtype: t.dtype))
        default: throw LabError("'\(base.typeName)' object is not subscriptable")
        }
        let j = i < 0 ? items.count + i : i
        guard j >= 0, j < items.count else { throw LabError("\(base.typeName) index out of range (\(i) with \(items.count) items)") }
        return items[j]
    }

    // MARK: - Converting to LayerLab values

    /// A Python value as an argument of a layer, initializer, regularizer or constraint.
    func value(_ v: PyObject, for key: String) throws -> Value {
        switch v {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .double(d)
        case .string(let s): return .string(s)
        case .tuple(let items): return .tuple(try items.map { try value($0, for: key) })
        case .list(let items): return .list(try items.map { try value($0, for: key) })
        case .kerasObject(_, let v): return v
        case .activation(let name): return .string(name)
        case .lambda(let body): return .string(body)
        case .function(let f):
            let parts = f.split(separator: ".")
            if parts.count == 3, ["initializers", "regularizers", "constraints"].contains(String(parts[1])) {
                return .string(String(parts[2]))
            }
            throw LabError("\(key) cannot be the function \(f)")
        default:
            throw LabError("\(key) cannot be \(article(v.typeName)) here")
        }
    }

    func article(_ word: String) -> String { ("aeiouAEIOU".contains(word.first ?? "x") ? "an " : "a ") + word }

    func int(_ v: PyObject, _ what: String) throws -> Int {
        guard case .int(let i) = v else { throw LabError("\(what) must be an integer, got \(article(v.typeName))") }
        return i
    }

    func double(_ v: PyObject, _ what: String) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        default: throw LabError("\(what) must be a number, got \(article(v.typeName))")
        }
    }

    /// A shape: an integer or a tuple/list of integers (None allowed where `allowNone`).
    func shape(_ v: PyObject, _ what: String) throws -> [Int] {
        switch v {
        case .int(let i): return [i]
        case .tuple(let items), .list(let items):
            return try items.map { item in
                if case .none = item { throw LabError("\(what): LayerLab needs every size known; None is only the batch size, which is left out") }
                return try int(item, what)
            }
        default: throw LabError("\(what) must be a tuple of integers such as (784,), got \(article(v.typeName))")
        }
    }
}
