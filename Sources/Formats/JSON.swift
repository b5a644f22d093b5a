import Layers
import TensorCore

/// A JSON value with ordered object keys (Keras's config order is part of its format).
public indirect enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            // Order does not matter for equality; Keras readers do not depend on it.
            guard x.count == y.count else { return false }
            let dy = Dictionary(y, uniquingKeysWith: { first, _ in first })
            return x.allSatisfy { k, v in dy[k] == v }
        default: return false
        }
    }

    public subscript(_ key: String) -> JSON? {
        guard case .object(let items) = self else { return nil }
        return items.first { $0.0 == key }?.1
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var int: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    /// Text as Python's `json.dumps` writes it: `", "` and `": "` separators, no indentation.
    public var text: String {
        var out = ""
        write(&out)
        return out
    }

    private func write(_ out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d > 0 ? "Infinity" : "-Infinity" } else { out += Value.pythonFloat(d) }
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() { if i > 0 { out += ", " }; item.write(&out) }
            out += "]"
        case .object(let items):
            out += "{"
            for (i, (k, v)) in items.enumerated() {
                if i > 0 { out += ", " }
                JSON.quote(k, into: &out)
                out += ": "
                v.write(&out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value > 0x7E {
                    // ensure_ascii, as Python writes it (surrogate pairs above the BMP).
                    if u.value > 0xFFFF {
                        let v = u.value - 0x10000
                        out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                    } else { out += hex4(u.value) }
                } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
    }

    static func hex4(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return "\\u" + String((0..<4).map { digits[Int((v >> UInt32(12 - 4 * $0)) & 0xF)] })
    }

    // MARK: - Parsing

    /// Parses JSON text; errors give the byte offset. Nesting is bounded.
    public static func parse(_ text: String) throws -> JSON {
        var p = Parser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.error("unexpected text after the JSON value") }
        return v
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0
        static let maxDepth = 256

        func error(_ what: String) -> LabError { LabError("invalid JSON at byte \(i): \(what)") }

        mutating func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }

        mutating func literal(_ word: String, _ v: JSON) throws -> JSON {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw error("expected \(word)") }
            i += w.count
            return v
        }

        mutating func value(depth: Int) throws -> JSON {
            guard depth < Parser.maxDepth else { throw error("nested too deeply") }
            guard i < bytes.count else { throw error("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "N"): return try literal("NaN", .double(.nan))
            case UInt8(ascii: "I"): return try literal("Infinity", .double(.infinity))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                i += 1
                var items: [JSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw error("unexpected end in an array") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw error("expected ',' or ']'")
                }
            case UInt8(ascii: "{"):
                i += 1
                var items: [(String, JSON)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(items) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a key") }
                    let key = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    i += 1
                    skipSpace()
                    items.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard i < bytes.count else { throw error("unexpected end in an object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(items) }
                    throw error("expected ',' or '}'")
                }
            default: return try number()
            }
        }

        mutating func number() throws -> JSON {
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "I") { i = start + 1; _ = try literal("Infinity", .null); return .double(-.infinity) }
            }
            var isFloat = false
            while i < bytes.count {
                let c = bytes[i]
                if (c >= 0x30 && c <= 0x39) { i += 1 } else if [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(c) {
                    isFloat = true; i += 1
                } else { break }
            }
            guard i > start, let text = String(bytes: bytes[start..<i], encoding: .utf8) else { throw error("expected a value") }
            if !isFloat, let n = Int(text) { return .int(n) }
            guard let d = Double(text) else { throw error("bad number '\(text)'") }
            return .double(d)
        }

        mutating func string() throws -> String {
            i += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; flush(); return String(scalars) }
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count else { break }
                    flush()
                    let e = bytes[i + 1]
                    i += 2
                    switch e {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{8}")
                    case UInt8(ascii: "f"): scalars.append("\u{C}")
                    case UInt8(ascii: "u"):
                        var code = try hex()
                        if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            let low = try hex()
                            if (0xDC00..<0xE000).contains(low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                // A high surrogate without its low half: a replacement
                                // character for it, then the next escape on its own.
                                scalars.append("\u{FFFD}")
                                code = low
                            }
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: scalars.append(Unicode.Scalar(e))
                    }
                    continue
                }
                raw.append(c)
                i += 1
            }
            throw error("unterminated string")
        }

        mutating func hex() throws -> UInt32 {
            guard i + 4 <= bytes.count, let text = String(bytes: bytes[i..<i + 4], encoding: .ascii), let v = UInt32(text, radix: 16) else {
                throw error("bad \\u escape")
            }
            i += 4
            return v
        }
    }
}

extension JSON {
    /// A config value as Keras writes it: tuples as lists, Keras objects as
    /// `{"module", "class_name", "config", "registered_name"}`.
    public init(_ v: Value) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .tuple(let items), .list(let items): self = .array(items.map(JSON.init))
        case .object(let o): self = JSON.kerasObject(module: o.module, className: o.className, config: .object(o.config.map { ($0.key, JSON($0.value)) }))
        case .dict(let items): self = .object(items.map { ($0.key, JSON($0.value)) })
        case .call(let name, let args): self = .string(name + "(" + args.python + ")")
        }
    }

    static func kerasObject(module: String, className: String, config: JSON) -> JSON {
        .object([("module", .string(module)), ("class_name", .string(className)), ("config", config), ("registered_name", .null)])
    }

    /// The config value LayerLab's registries understand: Keras objects become `.object`.
    public var value: Value {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .tuple(items.map(\.value))
        case .object(let items):
            if let cls = self["class_name"]?.string, case .object(let config)? = self["config"] {
                return .object(KerasObject(module: self["module"]?.string ?? "", className: cls,
                                           config: config.map { Keyword($0.0, $0.1.value) }))
            }
            return .dict(items.map { Keyword($0.0, $0.1.value) })
        }
    }
}
