import Foundation
import Testing
import TestSupport

/// Runs the built `layerlab` binary as a user would, and checks its output and exit status.
struct Binary {
    static let url: URL = {
        // The test bundle sits in the same build folder as the executable.
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for dir in candidates {
            let url = dir.appendingPathComponent("layerlab")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/layerlab")
    }()

    struct Result { var status: Int32; var out: String; var err: String }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = FileManager.default.temporaryDirectory.path
        env["XDG_DATA_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("layerlab-test-data").path
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}

@Suite struct BinaryTests {
    let session = "input 16; add dense 32 relu he_uniform; add dense 16 activation=relu; add dense 8; summary"

    @Test func commandsFromDashC() throws {
        let r = try Binary.run(["-c", session])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Total params: 1,208 (4.72 KB)"))
        #expect(r.err.isEmpty)
        // No colour when not writing to a terminal.
        #expect(!r.out.contains("\u{1B}["))
    }

    @Test func theChaptersCNNAtTheCommandLine() throws {
        let r = try Binary.run(["-c", "input 28 28 1; add conv2d 32 3 relu; add maxpooling2d 2; summary; explain conv2d; forward; add conv2d 8 20"])
        #expect(r.status == 1)
        #expect(r.out.contains("(None, 26, 26, 32)") && r.out.contains("(None, 13, 13, 32)"))
        #expect(r.out.contains("out = floor((28 − 3)/1) + 1 = 26"))
        #expect(r.out.contains("output max_pooling2d (1, 13, 13, 32)"))
        #expect(r.err.split(separator: "\n").count == 1)
        #expect(r.err.contains("conv2d_1: the output size on spatial axis 1 would be -6"))
    }

    @Test func scriptFile() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("model.ll")
        try session.replacingOccurrences(of: "; ", with: "\n").write(to: file, atomically: true, encoding: .utf8)
        let r = try Binary.run([file.path])
        #expect(r.status == 0)
        #expect(r.out.contains("dense_2 (Dense)"))
        let missing = try Binary.run([dir.appendingPathComponent("nope.ll").path])
        #expect(missing.status != 0)
        #expect(missing.err.contains("cannot read"))
    }

    @Test func pipedStandardInputHasNoPrompt() throws {
        let r = try Binary.run([], stdin: session.replacingOccurrences(of: "; ", with: "\n") + "\nforward --batch 2\n")
        #expect(r.status == 0, "\(r.err)")
        #expect(!r.out.contains("layerlab>"))
        #expect(r.out.contains("output dense_2 (2, 8)"))
    }

    @Test func failuresGiveOneLineAndANonZeroStatus() throws {
        let r = try Binary.run(["-c", "input 16; add dense 32 rleu; add dense 4; summary"])
        #expect(r.status == 1)
        #expect(r.err == "error: unknown activation 'rleu' — did you mean 'relu'?\n")
        // The commands after the failure still ran, on an unchanged model.
        #expect(r.out.contains("dense (Dense)") && r.out.contains("Total params: 68"))
    }

    @Test func hostileInputDoesNotCrash() throws {
        let lines = ["", ";;;", "((((((", "add dense 99999999999999999999", "add dense 3 kernel_initializer=" + String(repeating: "f(", count: 200),
                     "input 0", "input -1", "input 1e400", "forward --batch -5", "weights ../../etc/passwd --load /etc/passwd",
                     "add dense 1 name=" + String(repeating: "x", count: 5000), "\u{0}\u{7}\u{1B}[2J", "help " + String(repeating: "?", count: 300),
                     "add dense 2 input_shape=(0,)", "add dense 2 kernel_initializer=identity; forward"]
        let r = try Binary.run([], stdin: lines.joined(separator: "\n") + "\n")
        #expect(r.status == 1)
        #expect(!r.err.contains("Fatal error"))
        #expect(r.err.split(separator: "\n").allSatisfy { $0.hasPrefix("error: ") })
    }

    @Test func quitStopsTheScript() throws {
        let r = try Binary.run(["-c", "input 4; quit; add dense 3"])
        #expect(r.status == 0)
        #expect(!r.out.contains("dense"))
    }

    @Test func helpFlag() throws {
        let r = try Binary.run(["--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("USAGE: layerlab"))
    }
}

/// Issue rule: no crash paths in the sources that user input can reach.
@Suite struct SourceRules {
    @Test func noCrashingConstructsInSources() throws {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        #expect(files.count > 10)
        var hits: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//").first.map(String.init) ?? ""
                for bad in ["fatalError(", "try!", "precondition(", "preconditionFailure(", "as! ", "unsafelyUnwrapped"] where code.contains(bad) {
                    hits.append("\(file.lastPathComponent):\(n + 1): \(bad)")
                }
                // A force unwrap: `name!`, `call()!`, `x[i]!` (not `!=`), outside string literals.
                let unquoted = code.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
                    .filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: " ")
                if unquoted.range(of: #"[A-Za-z0-9_)\]]!(?!=)"#, options: .regularExpression) != nil {
                    hits.append("\(file.lastPathComponent):\(n + 1): force unwrap")
                }
            }
        }
        #expect(hits.isEmpty, "\(hits)")
    }
}

@Suite struct BinaryPythonTests {
    /// The chapter's first snippet piped in, with no COLUMNS: Keras's 80-column output.
    @Test func pipedSnippetPrintsWhatKerasPrints() throws {
        let snippet = try String(contentsOf: fixture("keras/python/snippets/01_random_normal.py"), encoding: .utf8)
        let r = try Binary.run([], stdin: snippet, environment: ["COLUMNS": "80"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == (try String(contentsOf: fixture("keras/python/01_random_normal.80.txt"), encoding: .utf8)))
    }

    @Test func pipedBrokenSnippetSaysWhereAndFails() throws {
        let r = try Binary.run([], stdin: "from keras.layers import Dense\nd = Dense(8,\nprint(1)\n")
        #expect(r.status == 1)
        #expect(r.err == "error: line 2: '(' at line 2, column 10 is never closed — add the missing ')'\n")
    }

    @Test func lessonProgressIsKeptInTheDataFolder() throws {
        let dir = try temporaryDirectory()
        _ = try Binary.run(["-c", "lesson shapes; lesson next; lesson next"], environment: ["XDG_DATA_HOME": dir.path])
        let saved = try String(contentsOf: dir.appendingPathComponent("layerlab/lessons"), encoding: .utf8)
        #expect(saved.contains("current shapes") && saved.contains("step shapes 1"))
        let r = try Binary.run(["-c", "lesson"], environment: ["XDG_DATA_HOME": dir.path])
        #expect(r.out.contains("▶ shapes"))
    }
}
