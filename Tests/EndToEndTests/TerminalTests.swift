import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

// glibc's pseudo-terminal calls (stdlib.h hides them from the Glibc module without _XOPEN_SOURCE).
@_silgen_name("posix_openpt") private func posix_openpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func grantpt(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func unlockpt(_ fd: Int32) -> Int32
@_silgen_name("ptsname") private func ptsname(_ fd: Int32) -> UnsafeMutablePointer<CChar>?

/// The built `layerlab` at a real pseudo-terminal, as a person meets it: readline's
/// prompt, bracketed paste, Ctrl-C and Ctrl-D typed as the terminal sends them.
final class PseudoTerminal: @unchecked Sendable {
    let master: Int32
    let pid: pid_t
    private var collected = [UInt8]()

    init(arguments: [String] = [], environment extra: [String: String] = [:], columns: UInt16 = 100) throws {
        master = posix_openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            throw LabTestError("no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = String(cString: name)
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["INPUTRC"] = "/dev/null"
        env["COLUMNS"] = nil
        for (k, v) in extra { env[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // In the new session the first terminal opened becomes the controlling one,
        // so the ^C byte reaches the shell as SIGINT, as at a real terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, 0x80)  // POSIX_SPAWN_SETSID (spawn.h, a GNU extension)
        let argv = ([Binary.url.path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, Binary.url.path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw LabTestError("cannot start layerlab: \(String(cString: strerror(status)))") }
        pid = child
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Sends bytes as typed (or pasted) at the keyboard.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// A paste as a terminal with bracketed paste sends it, then Enter.
    func paste(_ text: String) {
        type("\u{1B}[200~" + text + "\u{1B}[201~")
        usleep(100_000)
        type("\r")
    }

    private func drain(timeout ms: Int32) {
        var fd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&fd, 1, ms) > 0 {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = read(master, &buffer, buffer.count)
            guard n > 0 else { return }
            collected += buffer[0..<n]
        }
    }

    /// Everything the terminal was sent so far, escape sequences included.
    var raw: String {
        drain(timeout: 0)
        return String(decoding: collected, as: UTF8.self)
    }

    /// Everything the terminal showed so far, without escape sequences and carriage returns.
    var screen: String {
        drain(timeout: 0)
        return PseudoTerminal.plain(String(decoding: collected, as: UTF8.self))
    }

    /// Waits until what was shown contains `marker` `count` times; returns whether it did.
    @discardableResult
    func wait(for marker: String, count: Int = 1, seconds: Double = 60) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            drain(timeout: 50)
            if screen.components(separatedBy: marker).count > count { return true }
        }
        return false
    }

    /// Waits for the process to end; its exit status, or nil if it had not ended in time.
    func exitStatus(seconds: Double = 20) -> Int32? {
        let end = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < end {
            drain(timeout: 20)
            if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xFF }
        }
        return nil
    }

    static func plain(_ text: String) -> String {
        var out = ""
        var i = text.unicodeScalars.startIndex
        let s = text.unicodeScalars
        while i < s.endIndex {
            let c = s[i]
            if c == "\u{1B}" {
                i = s.index(after: i)
                guard i < s.endIndex else { break }
                if s[i] == "[" {
                    i = s.index(after: i)
                    while i < s.endIndex, !(0x40...0x7E).contains(s[i].value) { i = s.index(after: i) }
                } else if s[i] == "]" {
                    while i < s.endIndex, s[i] != "\u{7}" { i = s.index(after: i) }
                }
                if i < s.endIndex { i = s.index(after: i) }
                continue
            }
            if c != "\r" && c != "\u{1}" && c != "\u{2}" { out.unicodeScalars.append(c) }
            i = s.index(after: i)
        }
        return out
    }
}

struct LabTestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

@Suite(.serialized) struct TerminalTests {
    func environment() throws -> [String: String] {
        let dir = try temporaryDirectory()
        return ["XDG_DATA_HOME": dir.path, "HOME": dir.path, "NO_COLOR": "1"]
    }

    /// The tutorial's snippet, pasted: every line runs as if typed, each behind its prompt.
    @Test func aPastedPythonSnippetRunsLineByLine() throws {
        let term = try PseudoTerminal(environment: try environment())
        #expect(term.wait(for: "layerlab> "))
        term.paste("""
            from keras.models import Sequential
            from keras.layers import Dense
            model = Sequential()
            model.add(Dense(32, input_shape=(16,),
                activation='relu'))
            model.add(Dense(8))
            model.summary()
            """)
        #expect(term.wait(for: "Total params: 808"), "\(term.screen)")
        let screen = term.screen
        #expect(!screen.contains("error"), "\(screen)")
        // Shown as typed: each line behind its own prompt, the continuation behind `...`.
        #expect(screen.contains("layerlab> from keras.layers import Dense\n"))
        #expect(screen.contains("layerlab> model.add(Dense(32, input_shape=(16,),\n...     activation='relu'))\n"))
        #expect(screen.contains("layerlab> model.summary()\nModel: \"sequential\""))
        term.type("history\r")
        #expect(term.wait(for: "model.add(Dense(8))   (2 layers"), "\(term.screen)")
    }

    /// Shell commands pasted together give what typing them one by one gives.
    @Test func pastedCommandsPrintWhatTypedOnesPrint() throws {
        let lines = ["input 16", "add dense 8 relu", "add dense 4", "summary"]
        let pasted = try PseudoTerminal(environment: try environment())
        #expect(pasted.wait(for: "layerlab> "))
        pasted.paste(lines.joined(separator: "\n"))
        #expect(pasted.wait(for: "Total params"))
        let typed = try PseudoTerminal(environment: try environment())
        #expect(typed.wait(for: "layerlab> "))
        for line in lines {
            typed.type(line + "\r")
            #expect(typed.wait(for: "layerlab> ", count: lines.firstIndex(of: line)! + 2))
        }
        #expect(typed.wait(for: "Total params"))
        func transcript(_ t: PseudoTerminal) -> String {
            let s = t.screen
            // The paste's own block, which readline showed, is erased before the lines run: from the last copy on.
            guard let start = s.range(of: "layerlab> input 16", options: .backwards), let end = s.range(of: "Non-trainable params") else { return s }
            return String(s[start.lowerBound..<end.upperBound])
        }
        #expect(transcript(pasted) == transcript(typed))
        #expect(!pasted.screen.contains("error"))
        // The block readline showed (4 rows at 100 columns) was erased: cursor up 4, clear to the end.
        #expect(pasted.raw.contains("\r\u{1B}[4A\u{1B}[J"))
    }

    /// Ctrl-C while a pasted line runs stops it and drops the rest of the paste.
    @Test func ctrlCStopsAPasteAndALongAdd() throws {
        let term = try PseudoTerminal(environment: try environment())
        #expect(term.wait(for: "layerlab> "))
        // 4096 × 200,000 weights (3.3 GB): seconds of drawing, even in a release build.
        term.paste("input 4096\nadd dense 200000\nadd dense 3")
        #expect(term.wait(for: "layerlab> add dense 200000"))
        usleep(800_000)
        let sent = Date()
        term.type("\u{3}")
        #expect(term.wait(for: "interrupted (Ctrl-C)"), "\(term.screen)")
        #expect(Date().timeIntervalSince(sent) < 3, "Ctrl-C took \(Date().timeIntervalSince(sent)) s")
        #expect(term.wait(for: "the rest of the paste, 1 line, was not run"))
        term.type("summary\r")
        #expect(term.wait(for: "has an input (None, 4096) and no layers yet"), "\(term.screen)")
        #expect(!term.screen.contains("layerlab> add dense 3"))
    }

    /// Ctrl-D at a `...` prompt cancels the statement; on an empty prompt it leaves.
    @Test func ctrlDAtAContinuationCancelsTheStatement() throws {
        let term = try PseudoTerminal(environment: try environment())
        #expect(term.wait(for: "layerlab> "))
        term.type("from keras.layers import Dense\r")
        term.type("layer = Dense(3,\r")
        #expect(term.wait(for: "... "))
        term.type("\u{4}")
        #expect(term.wait(for: "cancelled the unfinished statement"), "\(term.screen)")
        term.type("input 4; add dense 2\r")
        #expect(term.wait(for: "dense (Dense): (None, 4) → (None, 2)"), "\(term.screen)")
        term.type("\u{4}")
        #expect(term.exitStatus() == 0)
    }
}
