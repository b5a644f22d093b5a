import Foundation
import Testing
import TestSupport
import TensorCore
import Formats

/// Issue 10: nothing lost, bounded memory, interruptible work, NaN reporting — through the binary.
@Suite(.serialized) struct ReliabilityTests {
    /// A process fed from a pipe we keep open, so commands can be sent one at a time.
    final class Live: @unchecked Sendable {
        let process = Process()
        let input = Pipe(), output = Pipe(), errors = Pipe()
        private var collected = Data()
        private let lock = NSLock()

        init(_ arguments: [String], environment: [String: String]) throws {
            process.executableURL = Binary.url
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            process.environment = env
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            output.fileHandleForReading.readabilityHandler = { [weak self] h in
                let d = h.availableData
                self?.lock.lock(); self?.collected.append(d); self?.lock.unlock()
            }
            try process.run()
        }

        func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }

        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: collected, as: UTF8.self) }

        /// Waits until the output contains `marker` `count` times (or the timeout passes).
        func wait(for marker: String, count: Int = 1, seconds: Double = 30) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if text.components(separatedBy: marker).count > count { return true }
                usleep(20_000)
            }
            return false
        }
    }

    func environment() throws -> [String: String] {
        let dir = try temporaryDirectory()
        return ["XDG_DATA_HOME": dir.path, "HOME": dir.path]
    }

    @Test func killedSessionComesBackWhole() throws {
        let env = try environment()
        let live = try Live([], environment: env)
        live.send("input 16; add dense 32 relu he_normal; seed 5; add dense 8 kernel_initializer=orthogonal")
        live.send("init dense seed=3; add dense 4; remove dense_2; undo")
        live.send("history")
        #expect(live.wait(for: "8  undo"))
        kill(live.process.processIdentifier, SIGKILL)
        live.process.waitUntilExit()
        let before = live.text

        let dir = try temporaryDirectory()
        let resumed = try Binary.run(["--resume", "-c", "weights dense/kernel --output \(dir.path)/a.npy; weights dense_1/kernel --output \(dir.path)/b.npy; weights dense_2/kernel --output \(dir.path)/c.npy; summary"],
                                     environment: env)
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(resumed.out.contains("resumed session-"))
        #expect(resumed.out.contains("replayed 8 commands (seed 1337)"))
        // The same commands in one uninterrupted run give bit-identical weights.
        let straight = try Binary.run(["--no-journal", "-c", "input 16; add dense 32 relu he_normal; seed 5; add dense 8 kernel_initializer=orthogonal; init dense seed=3; add dense 4; remove dense_2; undo; weights dense/kernel --output \(dir.path)/a2.npy; weights dense_1/kernel --output \(dir.path)/b2.npy; weights dense_2/kernel --output \(dir.path)/c2.npy"],
                                      environment: env)
        #expect(straight.status == 0, "\(straight.err)")
        for (x, y) in [("a", "a2"), ("b", "b2"), ("c", "c2")] {
            let p = try Data(contentsOf: dir.appendingPathComponent("\(x).npy")), q = try Data(contentsOf: dir.appendingPathComponent("\(y).npy"))
            #expect(p == q, "\(x) differs after resume")
        }
        #expect(before.contains("dense_1/kernel"))
    }

    /// A fit is journaled as the weights of its last finished epoch: after a SIGKILL,
    /// --resume loads them (it does not train again) and has the trained weights.
    @Test func killedSessionKeepsItsFit() throws {
        let env = try environment()
        let dir = try temporaryDirectory()
        var random = RandomGenerator(seed: 3)
        var x = try Tensor(zeros: [64, 4])
        random.fillNormal(&x.scalars)
        try NPY.write(x, to: dir.appendingPathComponent("x.npy").path)
        try NPY.write(try Tensor(shape: [64, 1], scalars: (0..<64).map { x.scalars[$0 * 4] }), to: dir.appendingPathComponent("y.npy").path)
        let live = try Live([], environment: env)
        live.send("input 4; add dense 8 relu; add dense 1; compile optimizer=adam loss=mse")
        live.send("fit --input \(dir.path)/x.npy --target \(dir.path)/y.npy --epochs 3 --batch-size 16")
        live.send("weights dense/kernel --output \(dir.path)/trained.npy")
        #expect(live.wait(for: "wrote"))
        kill(live.process.processIdentifier, SIGKILL)
        live.process.waitUntilExit()
        #expect(live.text.contains("Epoch 3/3"))

        let resumed = try Binary.run(["--resume", "-c", "weights dense/kernel --output \(dir.path)/resumed.npy; history"], environment: env)
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(!resumed.out.contains("Epoch 1/3"), "the resume trained again")
        #expect(resumed.out.contains(".fit1.npz"), "\(resumed.out)")
        let trained = try Data(contentsOf: dir.appendingPathComponent("trained.npy"))
        let back = try Data(contentsOf: dir.appendingPathComponent("resumed.npy"))
        #expect(trained == back, "the resumed weights are not the trained ones")
    }

    /// Python statements are journaled like commands: after a SIGKILL, --resume rebuilds them.
    @Test func killedPythonSessionComesBackWhole() throws {
        let env = try environment()
        let live = try Live([], environment: env)
        live.send("from keras.models import Sequential")
        live.send("from keras.layers import Dense")
        live.send("model = Sequential()")
        live.send("model.add(Dense(8, input_shape=(4,),")
        live.send("    activation='relu'))")
        live.send("model.add(Dense(2))")
        live.send("add dense 3")
        live.send("history")
        #expect(live.wait(for: "add dense 3   (3 layers"))
        kill(live.process.processIdentifier, SIGKILL)
        live.process.waitUntilExit()
        let resumed = try Binary.run(["--resume", "-c", "summary; model.add(Dense(5)); history"], environment: env)
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(resumed.out.contains("replayed 6 commands (seed 1337)"), "\(resumed.out)")
        #expect(resumed.out.contains("dense_2 (Dense)") && resumed.out.contains("Total params: 67"), "\(resumed.out)")
        // The interpreter's names came back too: `model` and `Dense` still work.
        #expect(resumed.out.contains("model.add(Dense(5))"))
    }

    /// Ctrl-C during a long save, load or Python statement: stopped, model and files as before.
    @Test func ctrlCStopsSaveLoadAndPython() throws {
        let env = try environment()
        let dir = try temporaryDirectory()
        let big = dir.appendingPathComponent("big.keras").path
        let live = try Live([], environment: env)
        // 4096 × 12,000 weights: a 197 MB .keras, seconds to write and to read in a debug build.
        live.send("input 4096; add dense 12000 kernel_initializer=ones; save \(big)")
        #expect(live.wait(for: "saved model", seconds: 120))
        let saved = try Data(contentsOf: URL(fileURLWithPath: big))
        live.send("add dense 2; save \(big) --force")
        #expect(live.wait(for: "dense_1 (Dense)"))
        usleep(300_000)
        kill(live.process.processIdentifier, SIGINT)
        live.send("reset; load \(big)")
        #expect(live.wait(for: "new empty model"))
        usleep(300_000)
        kill(live.process.processIdentifier, SIGINT)
        live.send("from keras.models import Sequential; from keras.layers import Dense; model = Sequential()")
        live.send("model.add(Dense(300000, input_shape=(4096,)))")
        usleep(1_000_000)
        kill(live.process.processIdentifier, SIGINT)
        live.send("summary")
        #expect(live.wait(for: "is empty", seconds: 60), "\(live.text)")
        live.input.fileHandleForWriting.closeFile()
        live.process.waitUntilExit()
        let err = String(decoding: live.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let interrupted = err.components(separatedBy: "interrupted (Ctrl-C); the model is as it was before the command").count - 1
        #expect(interrupted == 3, "\(err)")
        // The file on disk is the first save, whole: the interrupted one left nothing behind.
        #expect(try Data(contentsOf: URL(fileURLWithPath: big)) == saved)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["big.keras"])
        #expect(!live.text.contains("opened "))
    }

    @Test func ctrlCStopsALongForwardAndTheShellGoesOn() throws {
        let live = try Live([], environment: try environment())
        // Constant weights and a file batch: quick to set up even in a debug build; the products are long.
        let dir = try temporaryDirectory()
        let batch = dir.appendingPathComponent("x.npy").path
        try writeOnes(batch, rows: 512, cols: 8192)
        // Wide layers on a small batch: long products, small outputs (cheap statistics even in a debug build).
        live.send("input 8192" + String(repeating: "; add dense 8192 kernel_initializer=ones", count: 6))
        live.send("summary")
        #expect(live.wait(for: "Total params"))
        live.send("forward --input \(batch) --stats")
        usleep(1_500_000)
        let sent = Date()
        kill(live.process.processIdentifier, SIGINT)
        live.send("summary")
        #expect(live.wait(for: "┃ Layer (type)", count: 2, seconds: 30))
        let elapsed = Date().timeIntervalSince(sent)
        live.input.fileHandleForWriting.closeFile()
        live.process.waitUntilExit()
        let err = String(decoding: live.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(err.contains("interrupted (Ctrl-C); the model is as it was before the command"))
        // The second summary came soon after the signal: the forward pass did not run on.
        #expect(elapsed < 3, "took \(elapsed) s after Ctrl-C")
        // The interrupted forward printed no statistics table.
        #expect(!live.text.contains("theory std"))
    }

    /// A float32 .npy of ones, written directly.
    func writeOnes(_ path: String, rows: Int, cols: Int) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(Data(header.utf8))
        let one = Float(1).bitPattern
        let bytes = [UInt8(one & 0xFF), UInt8((one >> 8) & 0xFF), UInt8((one >> 16) & 0xFF), UInt8(one >> 24)]
        let row = Data([UInt8](repeating: 0, count: cols * 4).enumerated().map { bytes[$0.offset % 4] })
        for _ in 0..<rows { data.append(row) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func hugeRequestsAreRefusedBeforeAllocating() throws {
        let r = try Binary.run(["--no-journal", "--max-memory", "64MiB", "-c",
                                "input 100000; add dense 1000000; input 10 name=b; add dense 8 from=b; forward --batch 10000000; set max_memory 1GiB; set"])
        #expect(r.status == 1)
        #expect(r.err.contains("dense: kernel 100,000 × 1,000,000 float32 needs 372.5 GiB; the limit is 64 MiB"))
        #expect(r.err.contains("forward --batch 10,000,000 needs"))
        #expect(r.out.contains("max_memory 1 GiB"))
    }

    @Test func nonFiniteOutputsAreNamed() throws {
        let r = try Binary.run(["--no-journal", "-c", "input 4; add dense 4 kernel_initializer=Constant(1e30); add dense 4 kernel_initializer=Constant(1e30); add dense 2; forward --batch 3"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("warning: dense_1 is the first layer with NaN or Inf in its output: 12 of 12 values"))
    }

    @Test func historyCheckoutAndDiff() throws {
        let r = try Binary.run(["--no-journal", "-c", "input 8; add dense 4 relu; add dense 2; remove dense; history; checkout 3; diff 3 4; summary"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("4  remove dense"))
        #expect(r.out.contains("back to the model after 3: add dense 2"))
        #expect(r.out.contains("- dense (Dense) (None, 4), 36 params"))
        #expect(r.out.contains("~ dense_1: reads dense → input_layer"))
        #expect(r.out.contains("dense_1 (Dense)") && r.out.contains("dense (Dense)"))
    }
}
