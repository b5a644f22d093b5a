import Foundation
import Layers
import KerasPython
import Models
import Plotting
import TensorCore
import Text

/// Where the shell writes. Errors go to their own stream so scripts can separate them.
public protocol TextOutput: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
}

/// Collects output in memory (for tests and `-c`).
public final class BufferOutput: TextOutput {
    public private(set) var text = ""
    public private(set) var errors = ""
    public init() {}
    public func write(_ s: String) { text += s }
    public func writeError(_ s: String) { errors += s }
}

/// The state of one shell session: the model, its undo history, the seed and settings.
/// It never touches the terminal; it reads lines and writes text.
public final class Session {
    public private(set) var model: Model {
        // A gradient belongs to the weights it was taken at.
        didSet { lastGradients = [:] }
    }
    public private(set) var history = History()
    /// The seed of the model's stream (undo restores it with the model).
    public var seed: UInt64 { model.seed }
    /// Random inputs for `forward`: its own stream, so drawing them never changes weights.
    public var dataGenerator: RandomGenerator
    public var style: Style
    public private(set) var output: TextOutput
    /// Columns available for tables and plots.
    public var width: Int
    /// What the last `forward` left of each layer's output: its shape, and its values
    /// (every k-th one, at most `keptValues`) for `hist LAYER/output`.
    var lastOutputs: [String: (shape: [Int], values: [Float], total: Int)] = [:]
    static let keptValues = 100_000
    /// Activity penalties of the last `forward`, and its batch size.
    var lastActivityPenalties: (penalties: [Penalty], batch: Int)?
    /// The last `grads`: each trainable weight's gradient by path (`dense/kernel`), for `hist --grad`.
    var lastGradients: [String: Tensor] = [:]
    /// The last fit's points when the model takes 2-D points (a dataset's): `boundary` draws them.
    var fitPoints: (x: Tensor, y: Tensor)?

    /// Asks the user a yes/no question; set only at an interactive terminal.
    public var confirm: ((String) -> Bool)?
    /// The Keras-Python interpreter's variables and objects.
    var python = PythonState()
    /// Where lesson progress is kept (nil: not kept, as in tests).
    public var lessonProgressFile: String?
    /// Where a teacher's own lesson texts are (nil: only the built-in ones, as in tests).
    public var lessonFolder: URL?
    /// The language of the lessons: "en", "vi" (see `Session.language(from:)`, `set language`).
    public var language = "en"
    /// The learner's progress, read from that file the first time `lesson` runs.
    var lessonProgress: LessonProgress?

    /// True while a command runs under the `time` prefix.
    var timing = false
    /// The per-pass times (ms) of the last timed `forward` (`--repeat` or `time`).
    var lastForwardTimes: [Double] = []

    /// Set by `quit`.
    public private(set) var finished = false

    /// Every command that changed the model, with the model after it (`history`, `checkout`, `diff`).
    public private(set) var timeline: [(command: String, model: Model)] = []
    /// Counts model changes, to tell which commands changed it.
    private var revision = 0
    /// Where model-changing commands are appended as they succeed (nil: no journal).
    public var journal: Journal?

    public static let defaultSeed: UInt64 = 1337

    public init(output: TextOutput, style: Style = Style(enabled: false), width: Int = 80, seed: UInt64 = Session.defaultSeed) {
        self.output = output
        self.style = style
        self.width = width
        model = Model(seed: seed)
        dataGenerator = RandomGenerator(seed: seed ^ 0xDA7A)
    }

    // MARK: - Running lines

    /// Runs one line (possibly several `;`-separated commands). Returns false if any failed.
    @discardableResult
    public func run(_ line: String) -> Bool {
        var ok = true
        for statement in CommandParser.statements(line) where !finished {
            do {
                if Python.isPython(statement.text, state: python, commands: commandNames) {
                    let firstLine = lineNumber + line.prefix(statement.offset).filter { $0 == "\n" }.count
                    try perform(statement.text) { try runPython(statement.text, firstLine: firstLine) }
                    continue
                }
                // `time COMMAND`: runs the command and reports its wall time (forward: per pass, with GFLOP/s).
                var text = statement.text, offset = statement.offset
                let lead = text.prefix(while: { $0 == " " || $0 == "\t" }).count
                let timed = text.dropFirst(lead).hasPrefix("time ") || text.dropFirst(lead) == "time"
                if timed {
                    text = String(text.dropFirst(lead + 4))
                    offset += lead + 4
                    guard text.contains(where: { !$0.isWhitespace }) else {
                        throw LabError("time needs a command to time", suggestion: "for example: time forward --batch 64")
                    }
                }
                guard let command = try CommandParser.parseStatement(text, offset: offset) else { continue }
                try perform(command.text) {
                    timing = timed
                    defer { timing = false }
                    let start = DispatchTime.now().uptimeNanoseconds
                    try Commands.run(command, in: self)
                    if timed, command.name.lowercased() != "forward" {
                        say(style.dim("time: " + Format.milliseconds(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)))
                    }
                    return false
                }
            } catch {
                report(error)
                lessonSaw(statement.text, succeeded: false)
                ok = false
            }
        }
        return ok
    }

    /// The one path every command and Python statement takes: Ctrl-C interrupts it, a
    /// change it makes to the model is labelled with its text (undo), listed by
    /// `history` and appended to the journal. `body` returns true when the statement
    /// must be journaled although the model did not change (a Python import or
    /// assignment that later statements need when the journal is replayed).
    private func perform(_ text: String, _ body: () throws -> Bool) throws {
        currentCommand = text.split(separator: "\n").map { $0.trimmed() }.joined(separator: " ")
        // A command that journals itself says so for this command only, even when it fails.
        journaledByCommand = false
        defer { journaledByCommand = false }
        let before = revision
        let saved = (model, history, python, dataGenerator)
        Interrupt.begin()
        defer { Interrupt.end() }
        let replayable: Bool
        do { replayable = try body() } catch let error as LabError where error == Interrupt.error {
            // Ctrl-C after the command had changed the model (while printing it): as if it never ran.
            if revision != before { (model, history, python, dataGenerator) = saved; revision += 1 }
            throw error
        }
        lessonSaw(text, succeeded: true)
        if revision != before {
            timeline.append((currentCommand, model))
            if !journaledByCommand { journal?.append(text) }
        } else if replayable {
            journal?.append(text)
        }
    }

    /// The language LANGUAGE, LC_ALL, LC_MESSAGES or LANG name (in that order, as gettext reads
    /// them), where the lessons have it: "vi" for `vi_VN.UTF-8`, else "en".
    public static func language(from environment: [String: String]) -> String {
        for key in ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            for entry in value.split(separator: ":") {
                let code = entry.prefix { $0.isLetter }.lowercased()
                if code == "c" || code == "posix" || code.isEmpty { continue }
                return LessonWords.all[code] != nil ? code : "en"
            }
        }
        return "en"
    }

    /// How many fits this session has run (each keeps its own checkpoint for the journal).
    var fits = 0

    /// Set by a command that wrote its own journal line (fit journals the checkpoint it
    /// keeps, not itself: a replay must not train again).
    var journaledByCommand = false

    /// Silences a session's output while a journal is replayed.
    public struct Quiet {
        let session: Session
        let saved: TextOutput
        public init(_ session: Session) {
            self.session = session
            saved = session.output
            session.output = BufferOutput()
        }
        public func restore() { session.output = saved }
    }

    func report(_ error: Error) {
        let text = (error as? LabError)?.description ?? "\(error)"
        output.writeError(style.error("error:") + " " + errorPrefix + text + "\n")
    }

    public func say(_ text: String) { output.write(text + "\n") }
    /// Text without a line end (a progress bar redrawn in place at a terminal).
    func write(_ text: String) { output.write(text) }

    // MARK: - Changing the model

    /// Applies a change to a copy of the model; on success it replaces the model and
    /// can be undone. On failure the model is untouched.
    @discardableResult
    func change<T>(_ body: (inout Model) throws -> T) throws -> T {
        var copy = model
        let result = try body(&copy)
        // A Sequential model that a command turned into a graph is no longer a Keras Sequential.
        if copy.kerasClass == "Sequential", !copy.isChain { copy.kerasClass = nil }
        history.record(model, label: currentCommand)
        model = copy
        revision += 1
        return result
    }

    /// `line 3: ` while running a script, so errors say where they come from.
    var errorPrefix = ""
    /// The number of the line being run (in a script; 1 at a prompt), for multi-line statements.
    var lineNumber = 1

    /// The text of the command being run, which labels its change in the history.
    var currentCommand = ""

    /// Undoes the last change; returns its label.
    func undo() -> String? {
        guard let entry = history.undo(model) else { return nil }
        restore(entry.model)
        return entry.label
    }

    func redo() -> String? {
        guard let entry = history.redo(model) else { return nil }
        restore(entry.model)
        return entry.label
    }

    private func restore(_ m: Model) {
        if m.seed != model.seed { dataGenerator = RandomGenerator(seed: m.seed ^ 0xDA7A) }
        model = m
        revision += 1
    }

    /// Returns to the model as it was after timeline entry `index` (itself a new change).
    func checkout(_ index: Int) {
        history.record(model, label: currentCommand)
        restore(timeline[index].model)
    }

    func reset() {
        history.record(model, label: currentCommand)
        model = Model(seed: seed)
        revision += 1
        python.resetNameCounters()
    }

    /// Sets the seed: later layers draw their weights, and `forward` its random inputs, from it.
    func setSeed(_ seed: UInt64) {
        dataGenerator = RandomGenerator(seed: seed ^ 0xDA7A)
        var m = model
        m.reseed(seed)
        history.record(model, label: currentCommand)
        model = m
        revision += 1
    }

    func finish() { finished = true }

    /// Runs one statement of Keras Python on copies of the model and the interpreter's
    /// state, and keeps them only if it succeeds; a change to the model can be undone.
    /// Returns whether the journal needs the statement to replay the session.
    func runPython(_ text: String, firstLine: Int = 1) throws -> Bool {
        guard let outcome = try Python.run(text, firstLine: firstLine, state: &python, host: self) else { return false }
        if outcome.changedModel {
            history.record(model, label: currentCommand)
            revision += 1
        }
        model = outcome.model
        return outcome.changedState
    }
}

/// The shell as the Python interpreter sees it.
extension Session: PythonHost {
    public var commandNames: [String] { Self.commandNames }
    /// Every command's name and aliases.
    public static var commandNames: [String] { Commands.all.flatMap { [$0.name] + $0.aliases } }
    public func note(_ text: String) { say(style.dim(text)) }
    public func preview(_ t: Tensor) -> String { Format.preview(t) }
    public func saveModel(_ model: Model, to path: String, force: Bool) throws -> String {
        try Commands.saveModel(model, to: path, force: force, session: self)
    }
    public func plot(_ arguments: Arguments, of model: Model) throws {
        try plot(PlotOptions(arguments), of: model)
    }
    public func quietly<T>(_ body: () throws -> T) rethrows -> T {
        let quiet = Quiet(self)
        defer { quiet.restore() }
        return try body()
    }
}
