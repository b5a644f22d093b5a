import ArgumentParser
import Foundation
import Formats
import TensorCore
import Shell
import TensorCore
import Terminal
#if canImport(Glibc)
import Glibc
#endif

@main
struct LayerLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layerlab",
        abstract: "Build and explore Keras-style neural networks one layer at a time.",
        discussion: "With no FILE and no -c, reads commands at a prompt (or from a pipe). Type 'help' inside for the commands.")

    @Argument(help: "A file of commands to run, one or more per line.")
    var file: String?

    @Option(name: .customShort("c"), help: "Commands to run, separated by ';'.")
    var commands: String?

    @Option(help: "The seed weights and random inputs are drawn from.")
    var seed: UInt64 = Session.defaultSeed

    @Flag(name: .customLong("no-color"), help: "Never colour the output (NO_COLOR does the same).")
    var noColor = false

    @Flag(help: "Rebuild the last session from its journal (same seed, same weights), then go on.")
    var resume = false

    @Option(name: .customLong("max-memory"), help: "What one command may allocate, e.g. 4GiB (default: half of physical memory).")
    var maxMemory: String?

    @Flag(name: .customLong("no-journal"), help: "Do not keep a journal of this session.")
    var noJournal = false

    func validate() throws {
        if file != nil, commands != nil { throw ValidationError("give either a FILE or -c COMMANDS, not both") }
    }

    func run() throws {
        Allocator.keepLargeBuffers()
        let interactive = file == nil && commands == nil && isatty(STDIN_FILENO) != 0
        // NO_COLOR counts when it is set and not empty (no-color.org).
        let noColorEnv = getenv("NO_COLOR").map { String(cString: $0) }.map { !$0.isEmpty } ?? false
        let colour = !noColor && isatty(STDOUT_FILENO) != 0 && !noColorEnv
        let columns = getenv("COLUMNS").flatMap { Int(String(cString: $0)) } ?? 80
        if let maxMemory {
            guard let bytes = MemoryBudget.parse(maxMemory), bytes >= 1 << 20 else {
                throw ValidationError("--max-memory takes a size of at least 1 MiB, such as 4GiB")
            }
            MemoryBudget.setLimit(bytes)
        }
        let directory = Journal.directory()
        var replay: (url: URL, seed: UInt64, commands: [String])?
        if resume {
            guard let dir = directory, let last = Journal.latest(in: dir) else {
                throw ValidationError("there is no session journal to resume")
            }
            replay = last
        }
        let startSeed = replay?.seed ?? seed
        let session = Session(output: StandardOutput(), style: Style(enabled: colour), width: columns, seed: startSeed)
        if !noJournal, let dir = directory { session.journal = try? Journal(directory: dir, seed: startSeed) }
        if !interactive { Signals.install(interactive: false) }
        if let replay {
            let quiet = Session.Quiet(session)
            var failed = 0
            for command in replay.commands where !session.run(command) { failed += 1 }
            quiet.restore()
            session.output.write("resumed \(replay.url.lastPathComponent): replayed \(replay.commands.count) commands (seed \(replay.seed))"
                  + (failed > 0 ? ", \(failed) of them failed" : "") + " — \(session.model.nodes.count) layers, \(session.model.parameterCount) params\n")
        }
        session.lessonProgressFile = DataFolder.file("lessons")
        session.lessonFolder = DataFolder.url()?.appendingPathComponent("lesson-texts")
        session.language = Session.language(from: ProcessInfo.processInfo.environment)
        let ok: Bool
        if let commands {
            ok = session.run(commands)
        } else if let file {
            let text: String
            do { text = String(decoding: try FileAccess.read(file, example: "script.ll"), as: UTF8.self) } catch {
                throw ValidationError((error as? LabError)?.description ?? "cannot read '\(file)'")
            }
            ok = session.runLines(from: ScriptReader(text: text), prompt: "")
        } else if interactive {
            let reader = ReadlineReader(historyFile: DataFolder.file("history"),
                                        completer: { session.completions(line: $0, word: $1) })
            session.confirm = { question in
                reader.readLine(prompt: question + " [y/N] ")?.lowercased().hasPrefix("y") == true
            }
            print("LayerLab — Keras layers at a prompt. Type 'help' for the commands, Ctrl-D to leave.")
            let prompt = colour ? "\u{1}\u{1B}[1;36m\u{2}layerlab>\u{1}\u{1B}[0m\u{2} " : "layerlab> "
            _ = session.runLines(from: reader, prompt: prompt)
            ok = true
        } else {
            ok = session.runLines(from: PlainLineReader(), prompt: "")
        }
        if !ok { throw ExitCode(1) }
    }
}

