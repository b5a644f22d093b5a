import Foundation
import Layers
import TensorCore
import Testing
import TestSupport
@testable import Shell

/// `compile(optimizer=…)`'s optimizers against Keras 3.15.1 (`generate.py optimizers`):
/// what a user types gives Keras's class and `get_config()`, key for key in Keras's order,
/// and what Keras refuses is refused.
@Suite struct OptimizerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var typed: String
        var className: String
        /// (key, JSON value) in Keras's order.
        var config: [(String, Plain)]
        var testDescription: String { typed }
    }

    static let fixture = FixtureCases<Case>("keras/optimizers/cases.json", key: "cases") { c in
        let pairs: [[Any]] = try FixtureCases<Case>.field(c, "config")
        return Case(typed: try FixtureCases<Case>.field(c, "typed"), className: try FixtureCases<Case>.field(c, "class"),
                    config: try pairs.map { pair in
                        guard pair.count == 2, let key = pair[0] as? String else { throw FixtureError("a config entry is not [key, value]") }
                        return (key, Plain(pair[1]))
                    })
    }
    static let errors = FixtureCases<String>("keras/optimizers/cases.json", key: "errors") { try FixtureCases<String>.field($0, "typed") }

    /// The value a user types after `optimizer=`, parsed by the shell's own parser.
    static func typed(_ text: String) throws -> Value {
        guard let parsed = try CommandParser.parse("compile optimizer=" + text).first,
              case .keyword("optimizer", let value)? = parsed.items.first else { throw FixtureError("cannot parse \(text)") }
        return value
    }

    @Test func fixturesAreComplete() {
        Self.fixture.expectComplete(exactly: 23)
        Self.errors.expectComplete(exactly: 7)
    }

    @Test(arguments: fixture.cases)
    func configIsKeras(_ c: Case) throws {
        let optimizer = try OptimizerType.make(Self.typed(c.typed))
        #expect(optimizer.className == c.className)
        #expect(optimizer.config.map(\.key) == c.config.map(\.0), "config keys in Keras's order")
        for (key, keras) in c.config {
            let ours = optimizer[key]
            switch (key, keras) {
            case ("name", .string(let name)):
                // Keras numbers its auto names per session (sgd, sgd_1, …); the stem is the class's.
                #expect(name == OptimizerType.registry.lookup(c.className)?.autoName
                        || name.hasPrefix((OptimizerType.registry.lookup(c.className)?.autoName ?? "?") + "_"), "\(name)")
            case (_, .dict(let schedule)):
                guard case .object(let o) = ours else { Issue.record("\(key) is \(ours.python), not a schedule"); continue }
                #expect(.string(o.className) == schedule["class_name"])
                guard case .dict(let config)? = schedule["config"] else { Issue.record("\(key): no schedule config"); continue }
                #expect(Set(o.config.map(\.key)) == Set(config.keys))
                for item in o.config { #expect(Self.same(item.value, config[item.key] ?? .null), "\(key).\(item.key): \(item.value.python)") }
            default:
                #expect(Self.same(ours, keras), "\(key): \(ours.python) against Keras's \(keras)")
            }
        }
    }

    @Test(arguments: errors.cases)
    func kerasRefusalsAreRefused(_ typed: String) throws {
        let value = try Self.typed(typed)
        #expect(throws: LabError.self, "\(typed)") { try OptimizerType.make(value) }
    }

    @Test func unknownNamesSuggestTheNearest() throws {
        let error = #expect(throws: LabError.self) { try OptimizerType.make(.string("adma")) }
        #expect(error?.suggestion?.contains("adam") == true, "\(String(describing: error))")
        // Keras matches class names only: its auto name 'rm_sprop' is not one.
        #expect(throws: LabError.self) { try OptimizerType.make(.string("rm_sprop")) }
        #expect(try OptimizerType.make(.string("ADAM")).className == "Adam")
    }

    @Test func pythonShowsWhatDiffersFromTheDefaults() throws {
        #expect(try OptimizerType.make(Self.typed("Adam(learning_rate=0.01)")).python == "Adam(learning_rate=0.01)")
        #expect(try OptimizerType.make(.string("sgd")).python == "SGD()")
        #expect(try OptimizerType.make(Self.typed("SGD(momentum=0.9, nesterov=True)")).python == "SGD(momentum=0.9, nesterov=True)")
    }

    /// A JSON value as Keras wrote it.
    indirect enum Plain: Sendable, Equatable {
        /// (JSON's true and false read as the numbers 1 and 0: Foundation gives both as NSNumber.)
        case null, number(Double), string(String), list([Plain]), dict([String: Plain])

        init(_ json: Any) {
            switch json {
            case let n as NSNumber: self = .number(n.doubleValue)
            case let s as String: self = .string(s)
            case let a as [Any]: self = .list(a.map(Plain.init))
            case let d as [String: Any]: self = .dict(d.mapValues(Plain.init))
            default: self = .null
            }
        }
    }

    /// A value against the JSON Keras wrote (floats compared as Keras's float32 or as given).
    static func same(_ ours: Value, _ keras: Plain) -> Bool {
        switch (ours, keras) {
        case (.null, .null): return true
        case (.bool(let a), .number(let b)): return (a ? 1 : 0) == b
        case (.int(let a), .number(let b)): return Double(a) == b
        case (.double(let a), .number(let b)): return a == b || Float(a) == Float(b)
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)), (.tuple(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        default: return false
        }
    }
}
