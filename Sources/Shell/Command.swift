import Layers
import TensorCore
import Text

/// A shell command: its documentation and what it does.
struct Command: Sendable {
    struct Flag: Sendable {
        var name: String
        /// The placeholder of its value (`N`, `FILE`), or nil for a switch.
        var value: String?
        var help: String
    }
    var name: String
    var aliases: [String] = []
    /// `add TYPE [ARGS…] [key=value …]`
    var usage: String
    var summary: String
    var examples: [String]
    var flags: [Flag] = []
    /// Extra help text (`help add`).
    var details: String = ""
    var run: @Sendable (Invocation, Session) throws -> Void
}

extension Command.Flag {
    /// The data flags forward, grads, fit and evaluate share.
    static let input = Command.Flag(name: "input", value: "FILE",
                                    help: "read a batch from a .npy file of shape (samples, …input shape); NAME=FILE for one of several inputs")
    static let target = Command.Flag(name: "target", value: "FILE",
                                     help: "the targets (y_true), a .npy file with one row per sample; OUTPUT=FILE for one of several outputs")
}

/// A parsed command bound to its flags: values, keywords and flag values.
struct Invocation {
    var command: Command
    var values: [Value] = []
    var keywords: [Keyword] = []
    var flags: [String: ParsedCommand.Item?] = [:]
    /// Flags that may repeat (`--input a=a.npy --input b=b.npy`) keep every value.
    var repeated: [String: [ParsedCommand.Item]] = [:]

    init(_ command: Command, _ parsed: ParsedCommand) throws {
        self.command = command
        var items = parsed.items[...]
        while let item = items.popFirst() {
            switch item {
            case .value(let v): values.append(v)
            case .keyword(let k, let v): keywords.append(Keyword(k, v))
            case .flag(let f):
                guard let spec = command.flags.first(where: { $0.name == f }) else {
                    let names = command.flags.map { "--" + $0.name }
                    throw LabError("\(command.name): unknown option '--\(f)'",
                                   suggestion: nearest(to: "--" + f, in: names).map { "did you mean '\($0)'?" }
                                       ?? (names.isEmpty ? "it takes no options" : "its options: \(names.joined(separator: ", "))"))
                }
                if let placeholder = spec.value {
                    guard let v = items.popFirst(), !Self.isFlag(v) else {
                        throw LabError("\(command.name): --\(f) needs a value (--\(f) \(placeholder))")
                    }
                    flags[f] = v
                    repeated[f, default: []].append(v)
                } else {
                    flags[f] = .some(nil)
                }
            }
        }
    }

    private static func isFlag(_ item: ParsedCommand.Item) -> Bool {
        if case .flag = item { return true }
        return false
    }

    func has(_ flag: String) -> Bool { flags[flag] != nil }

    /// A flag's value as text (a file name, a number written as a word).
    func text(_ flag: String) throws -> String? {
        guard let item = flags[flag], let item else { return nil }
        switch item {
        case .value(.string(let s)): return s
        case .value(.int(let i)): return String(i)
        case .value(.double(let d)): return Value.pythonFloat(d)
        default: throw LabError("\(command.name): --\(flag) needs a plain value")
        }
    }

    func int(_ flag: String, default d: Int, range: ClosedRange<Int>) throws -> Int {
        guard let item = flags[flag], let item else { return d }
        guard case .value(.int(let i)) = item, range.contains(i) else {
            throw LabError("\(command.name): --\(flag) must be a whole number from \(range.lowerBound) to \(Format.thousands(range.upperBound))")
        }
        return i
    }

    /// The single name argument (`remove dense_1`), with a hint when it is missing.
    func name(_ what: String) throws -> String {
        guard values.count == 1, keywords.isEmpty, case .string(let s) = values[0] else {
            throw LabError("\(command.name) needs one \(what)", suggestion: "usage: \(command.usage)")
        }
        return s
    }

    func noArguments() throws {
        guard values.isEmpty, keywords.isEmpty else {
            throw LabError("\(command.name) takes no arguments", suggestion: "usage: \(command.usage)")
        }
    }
}

/// The list of commands and how a parsed command reaches one.
enum Commands {
    static let all: [Command] = [
        input, add, summary, show, explain, weights, forward, hist, sample, compare, initCommand,
        losses, constrain, norms, outputs, graph, plot, compile, grads, fit, boundary, evaluate, data, save, load, export, importCommand, historyCommand, checkout, diff, set,
        keras, lesson,
        remove, undo, redo, reset, seed, help, quit,
    ]

    static func find(_ name: String) -> Command? {
        let n = name.lowercased()
        return all.first { $0.name == n || $0.aliases.contains(n) }
    }

    static func run(_ parsed: ParsedCommand, in session: Session) throws {
        guard let command = find(parsed.name) else {
            // `next` / `back` during a lesson are the lesson's steps; otherwise say how to use them.
            let word = parsed.name.lowercased()
            if ["next", "back"].contains(word) {
                guard parsed.items.isEmpty, session.runningLesson != nil else {
                    throw LabError("unknown command '\(parsed.name)'",
                                   suggestion: "to move through a lesson, type 'lesson \(word)' ('lesson' lists the lessons)")
                }
                try lesson.run(try Invocation(lesson, ParsedCommand(name: "lesson", items: [.value(.string(word))])), session)
                return
            }
            let names = all.flatMap { [$0.name] + $0.aliases }
            if LayerType.registry.lookup(parsed.name) != nil {
                throw LabError("unknown command '\(parsed.name)'", suggestion: "to add a layer, type 'add \(parsed.name) …'")
            }
            throw LabError.unknown("command", parsed.name, among: names).withFallback("type 'help' to see the commands")
        }
        try command.run(try Invocation(command, parsed), session)
    }
}

extension LabError {
    func withFallback(_ suggestion: String) -> LabError {
        self.suggestion?.hasPrefix("did you mean") == true ? self : LabError(message, suggestion: suggestion)
    }
}
