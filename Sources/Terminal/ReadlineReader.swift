import CReadline
import Shell
import TensorCore
import Text
#if canImport(Glibc)
import Glibc
#endif

/// The line editor at a terminal: GNU readline through its callback interface, so
/// that Ctrl-C at the prompt clears the line (as in bash) instead of ending the shell.
/// Keeps a history file across sessions and completes commands, layer types,
/// argument names and values, and the model's layer and weight names.
///
/// readline's C globals live only in this type.
public final class ReadlineReader: LineReader {
    private let historyFile: String?
    /// What readline hands to the line callback, and whether a line has arrived.
    nonisolated(unsafe) private static var received: (done: Bool, line: String?) = (false, nil)
    nonisolated(unsafe) private static var completer: ((String, String) -> [String])?
    nonisolated(unsafe) private static var matches: [String] = []
    nonisolated(unsafe) static var interrupted: Int32 = 0
    /// Set when Ctrl-C stops a command: the rest of a paste is not run.
    nonisolated(unsafe) static var dropQueued: Int32 = 0
    /// The lines of a paste still to be run, one per `readLine`, as if typed.
    private var queued: [String] = []

    public init(historyFile: String?, completer: @escaping (_ lineBefore: String, _ word: String) -> [String]) {
        self.historyFile = historyFile
        Self.completer = completer
        rl_readline_name = UnsafePointer(strdup("layerlab"))
        rl_catch_signals = 0
        rl_attempted_completion_function = { text, start, _ in
            rl_attempted_completion_over = 1
            let word = text.map { String(cString: $0) } ?? ""
            let full = rl_line_buffer.map { String(cString: $0) } ?? ""
            let before = String(full.utf8.prefix(Int(max(0, start)))) ?? ""
            ReadlineReader.matches = ReadlineReader.completer?(before, word) ?? []
            return rl_completion_matches(text) { _, state in
                let i = Int(state)
                guard i < ReadlineReader.matches.count else { return nil }
                return strdup(ReadlineReader.matches[i])
            }
        }
        rl_initialize()
        using_history()
        stifle_history(2000)
        if let file = historyFile {
            if access(file, F_OK) != 0 { _ = write_history(file) }  // append_history needs the file
            _ = read_history(file)
        }
        Signals.install(interactive: true)
    }

    public var numbersLines: Bool { false }
    public var isInteractive: Bool { true }

    public var columns: Int? {
        var rows: Int32 = 0, cols: Int32 = 0
        rl_reset_screen_size()
        rl_get_screen_size(&rows, &cols)
        return cols > 0 ? Int(cols) : nil
    }

    public func readLine(prompt: String) -> String? {
        if Self.dropQueued != 0 {
            Self.dropQueued = 0
            if !queued.isEmpty {
                writeAll(STDOUT_FILENO, "(Ctrl-C: the rest of the paste, \(queued.count) line\(queued.count == 1 ? "" : "s"), was not run)\n")
                queued.removeAll()
            }
        }
        if !queued.isEmpty { return typed(queued.removeFirst(), prompt: prompt) }
        Self.interrupted = 0
        Self.received = (false, nil)
        install(prompt)
        while !Self.received.done {
            var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, -1)
            if Self.interrupted != 0 {
                // Ctrl-C: drop the line being typed; the session drops an unfinished
                // statement too and shows a fresh prompt.
                Self.interrupted = 0
                writeAll(STDOUT_FILENO, "^C")
                rl_free_line_state()
                rl_callback_sigcleanup()
                rl_cleanup_after_signal()
                rl_callback_handler_remove()
                writeAll(STDOUT_FILENO, "\n")
                return interruptedLine
            }
            if ready > 0 { rl_callback_read_char() }
        }
        guard let line = Self.received.line else { return nil }
        guard line.contains(where: { $0 == "\n" || $0 == "\r" }) else {
            remember(line)
            return line
        }
        // A paste of several lines (bracketed paste puts them in one buffer): readline has
        // shown them as one block. Erase it, and run the lines one by one, each shown
        // behind the prompt it gets, exactly as if they had been typed.
        var lines = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        erase(rows: Self.rowsShown(prompt: prompt, lines: lines, columns: columns ?? 80))
        queued = Array(lines.dropFirst())
        return typed(lines.first ?? "", prompt: prompt)
    }

    /// A line of a paste: shown behind its prompt and kept in the history as if typed.
    private func typed(_ line: String, prompt: String) -> String {
        writeAll(STDOUT_FILENO, prompt.filter { $0 != "\u{1}" && $0 != "\u{2}" } + line + "\n")
        remember(line)
        return line
    }

    private func remember(_ line: String) {
        guard !line.trimmingCharacters(in: " \t").isEmpty else { return }
        add_history(line)
        if let file = historyFile { _ = append_history(1, file); _ = history_truncate_file(file, 2000) }
    }

    /// Moves the cursor up over the last `rows` screen rows and clears to the end of the screen.
    private func erase(rows: Int) {
        var screenRows: Int32 = 0, cols: Int32 = 0
        rl_get_screen_size(&screenRows, &cols)
        let n = min(rows, max(1, Int(screenRows) - 1))
        writeAll(STDOUT_FILENO, "\r\u{1B}[\(n)A\u{1B}[J")
    }

    /// The screen rows readline used to show `prompt` and the lines after it (each
    /// line of `columns` or more wraps; a line that fills the width exactly wraps too).
    static func rowsShown(prompt: String, lines: [String], columns: Int) -> Int {
        var visiblePrompt = ""
        var hidden = false
        for c in prompt {
            if c == "\u{1}" { hidden = true } else if c == "\u{2}" { hidden = false } else if !hidden { visiblePrompt.append(c) }
        }
        let cols = max(1, columns)
        return lines.enumerated().reduce(0) { rows, item in
            let width = (item.offset == 0 ? visiblePrompt + item.element : item.element).displayWidth
            return rows + width / cols + 1
        }
    }

    private func install(_ prompt: String) {
        rl_callback_handler_install(prompt) { cLine in
            if let cLine {
                ReadlineReader.received = (true, String(cString: cLine))
                free(cLine)
            } else {
                ReadlineReader.received = (true, nil)
                writeAll(STDOUT_FILENO, "\n")
            }
            rl_callback_handler_remove()
        }
    }
}

/// Ctrl-C: interrupts the running command (all modes); at an interactive prompt it
/// clears the line; while a script or pipe waits for input it ends the program (130).
public enum Signals {
    nonisolated(unsafe) static var interactive = false

    public static func install(interactive: Bool) {
        Signals.interactive = interactive
        // A parent may have started us with SIGINT blocked or ignored: take it back.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if Interrupt.commandRunning {
                Interrupt.raise()
                ReadlineReader.dropQueued = 1
            } else if Signals.interactive {
                ReadlineReader.interrupted = 1
            } else {
                _exit(130)
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
