import ArgumentParser
import Foundation
import Formats
import Layers
import Models
import Shell
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Times LayerLab for `make bench` (bench/suite.py). Four modes:
/// - a model built from shell commands (`-c`, the same ones a user types): warm forward
///   passes on one random batch, minimum / median wall time, GFLOP/s, peak memory;
/// - `--command "forward --input x.npy"`: one whole shell command on that model, run
///   through the `Session` as if typed (its text rendered), beside the bare pass on the
///   same batch;
/// - `--sgemm "M,N,K …"`: raw `cblas_sgemm` on the given shapes (the reference rate);
/// - `--init NAME --shape A,B`: sampling one kernel with an initializer;
/// - `--gradients`: the forward and backward pass of the compiled loss (`Model.gradients`,
///   training mode) on one random batch with random sparse labels, beside the bare forward;
///   `--train`: one whole training step (`Model.trainStep`, the compiled optimizer's update too).
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layerlab-bench",
        abstract: "Time LayerLab's forward pass, raw sgemm, or initializer sampling.")

    @Option(name: .customShort("c"), help: "The commands that build the model, separated by ';'.")
    var commands = "input 64 64 3; add conv2d 64 3"

    @Option(help: "Samples per batch.")
    var batch = 32

    @Option(help: "Timed runs.")
    var runs = 30

    @Option(help: "Untimed runs first.")
    var warmup = 3

    @Option(help: "Time raw cblas_sgemm instead: shapes M,N,K separated by spaces (C[M×N] = A[M×K]·B[K×N]).")
    var sgemm: String?

    @Option(help: "Time an initializer instead (he_normal, orthogonal, …) on --shape.")
    var initializer: String?

    @Option(help: "The kernel shape for --initializer, e.g. 4096,4096.")
    var shape = "4096,4096"

    @Option(help: "Time one whole shell command on the model instead (e.g. \"forward --input x.npy\"), beside the bare pass on the same batch.")
    var command: String?

    @Flag(help: "Time the forward + backward pass of the compiled loss (the commands must compile one) instead.")
    var gradients = false

    @Flag(help: "Time one training step (Model.trainStep: gradients and the compiled optimizer's update) instead.")
    var train = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        Allocator.keepLargeBuffers()
        var result: [String: Any] = ["blas_core": BLAS.coreName, "blas_threads": BLAS.threadCount, "dnnl_isa": DNNL.isa,
                                     "dnnl_threads": DNNL.threads, "runs": runs]
        if let sgemm {
            result.merge(try timeSgemm(sgemm)) { $1 }
        } else if let command {
            result.merge(try timeCommand(command)) { $1 }
        } else if gradients || train {
            result.merge(try timeGradients()) { $1 }
        } else if let initializer {
            result.merge(try timeInitializer(initializer)) { $1 }
        } else {
            result.merge(try timeModel()) { $1 }
        }
        result["max_rss_mb"] = Self.maxRSSMegabytes()
        if json {
            let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for key in result.keys.sorted() { print("\(key): \(result[key] ?? "")") }
        }
    }

    /// Min and median of `runs` timed calls after `warmup` untimed ones, in milliseconds.
    func measure(_ body: () throws -> Void) rethrows -> (min: Double, median: Double) {
        try measure(1) { _ in try body() }[0]
    }

    /// `measure` for `count` bodies, `body(0)`, `body(1)`, … called in turn run after run,
    /// so that each sees the same load on the machine (their ratio is then steadier than
    /// from separate loops).
    func measure(_ count: Int, _ body: (Int) throws -> Void) rethrows -> [(min: Double, median: Double)] {
        for _ in 0..<warmup { for i in 0..<count { try body(i) } }
        var times = [[Double]](repeating: [], count: count)
        for _ in 0..<max(1, runs) {
            for i in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                try body(i)
                times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        return times.map { t in
            let sorted = t.sorted()
            return (sorted[0], sorted[sorted.count / 2])
        }
    }

    /// A session with the model built from `-c`.
    func builtSession(_ output: DiscardingOutput) throws -> Session {
        let session = Session(output: output, width: 100, seed: Session.defaultSeed)
        guard session.run(commands) else { throw ValidationError("the commands failed: \(output.errors)") }
        return session
    }

    /// One random batch of `--batch` samples for the model's first input.
    func randomBatch(_ model: Model) throws -> (name: String, x: Tensor) {
        guard let input = model.inputs.first else { throw ValidationError("the commands define no input") }
        var x = try Tensor(zeros: [batch] + input.shape, dtype: input.dtype)
        var rng = RandomGenerator(seed: 1)
        if input.dtype == .int32 {
            let bound = model.idRange(for: input.name)?.bound ?? 10
            for i in x.scalars.indices { x.scalars[i] = Float(rng.nextInt(below: bound)) }
        } else {
            rng.fillNormal(&x.scalars)
        }
        return (input.name, x)
    }

    func timeModel() throws -> [String: Any] {
        let session = try builtSession(DiscardingOutput())
        let model = session.model
        let (name, x) = try randomBatch(model)
        guard let input = model.inputs.first else { throw ValidationError("the commands define no input") }
        let macs = model.nodes.reduce(0) { total, node in total + (model.inputShapes(of: node).map { node.layer.macs(for: $0) } ?? 0) }
        let weightBytes = model.nodes.reduce(0) { $0 + $1.layer.weights.reduce(0) { $0 + $1.count } } * 4
        let activations = ([input.shape] + model.nodes.compactMap { $0.outputShape?.sample })
            .map { $0.reduce(batch, *) * 4 }.sorted(by: >)
        let rssBefore = Self.maxRSSMegabytes()
        let t = try measure { _ = try model.forward([name: x]) }
        let gflops = 2 * Double(macs) * Double(batch) / (t.min / 1e3) / 1e9
        return ["commands": commands, "batch": batch, "min_ms": t.min, "median_ms": t.median, "macs_per_sample": macs,
                "gflops": gflops, "weights_mb": Double(weightBytes) / 1e6,
                "two_largest_activations_mb": Double(activations.prefix(2).reduce(0, +)) / 1e6,
                "rss_after_build_mb": rssBefore]
    }

    /// The command as typed, through `Session.run`, its text rendered and thrown away,
    /// in turn with the bare `Model.forward` on the same batch (the file of `--input FILE`,
    /// else a random batch of `--batch`) for the ratio.
    func timeCommand(_ line: String) throws -> [String: Any] {
        let output = DiscardingOutput()
        let session = try builtSession(output)
        output.bytes = 0
        let model = session.model
        let words = line.split(separator: " ")
        let feed: (name: String, x: Tensor)
        if let i = words.firstIndex(of: "--input"), i + 1 < words.count, let name = model.inputs.first?.name {
            feed = (name, try NPY.read(path: String(words[i + 1])))
        } else {
            feed = try randomBatch(model)
        }
        let times = try measure(2) { which in
            if which == 1 {
                _ = try model.forward([feed.name: feed.x])
            } else if !session.run(line) {
                throw ValidationError("the command failed: \(output.errors)")
            }
        }
        let (t, bare) = (times[0], times[1])
        return ["command": line, "commands": commands, "batch": feed.x.shape.first ?? 1, "min_ms": t.min, "median_ms": t.median,
                "bare_min_ms": bare.min, "bare_median_ms": bare.median, "ratio": t.min / bare.min,
                "output_bytes_per_run": output.bytes / max(1, warmup + max(1, runs))]
    }

    /// `Model.gradients` on a random batch with random class labels (sparse targets), in
    /// turn with the bare forward pass on the same batch.
    func timeGradients() throws -> [String: Any] {
        let session = try builtSession(DiscardingOutput())
        let model = session.model
        guard let loss = model.compilation?.loss, let output = model.outputNames.first,
              let classes = model.shape(of: output)?.last else { throw ValidationError("the commands must compile a loss") }
        let (name, x) = try randomBatch(model)
        var labels = try Tensor(zeros: [batch])
        var rng = RandomGenerator(seed: 3)
        for i in labels.scalars.indices { labels.scalars[i] = Float(rng.nextInt(below: classes)) }
        let macs = model.nodes.reduce(0) { total, node in total + (model.inputShapes(of: node).map { node.layer.macs(for: $0) } ?? 0) }
        var trained = model
        let times = try measure(2) { which in
            if which == 0 {
                var random = RandomGenerator(seed: 5)
                if train {
                    try trained.trainStep([name: x], targets: [output: labels], random: &random)
                } else {
                    _ = try model.gradients([name: x], targets: [output: labels], loss: loss, random: &random)
                }
            } else {
                _ = try model.forward([name: x])
            }
        }
        let (t, bare) = (times[0], times[1])
        return ["commands": commands, "batch": batch, "min_ms": t.min, "median_ms": t.median, "macs_per_sample": macs,
                "forward_min_ms": bare.min, "forward_median_ms": bare.median,
                "gflops": 6 * Double(macs) * Double(batch) / (t.min / 1e3) / 1e9]
    }

    func timeSgemm(_ spec: String) throws -> [String: Any] {
        let shapes = try spec.split(whereSeparator: { $0 == " " || $0 == ";" }).map { item -> [Int] in
            let dims = item.split(separator: ",").compactMap { Int($0) }
            guard dims.count == 3, dims.allSatisfy({ $0 > 0 }) else { throw ValidationError("--sgemm takes M,N,K triples, got \(item)") }
            return dims
        }
        var total = 0.0, flops = 0.0
        var perShape: [[String: Any]] = []
        for s in shapes {
            let (m, n, k) = (s[0], s[1], s[2])
            var rng = RandomGenerator(seed: 2)
            var a = [Float](repeating: 0, count: m * k), b = [Float](repeating: 0, count: k * n)
            var c = [Float](repeating: 0, count: m * n)
            rng.fillUniform(&a, low: -1, high: 1); rng.fillUniform(&b, low: -1, high: 1)
            let t = a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        measure {
                            guard let a = ap.baseAddress, let b = bp.baseAddress, let c = cp.baseAddress else { return }
                            BLAS.rawSgemm(m: m, n: n, k: k, a: a, b: b, c: c)
                        }
                    }
                }
            }
            let f = 2.0 * Double(m) * Double(n) * Double(k)
            total += t.min; flops += f
            perShape.append(["m": m, "n": n, "k": k, "min_ms": t.min, "gflops": f / (t.min / 1e3) / 1e9])
        }
        return ["sgemm": perShape, "min_ms": total, "gflops": flops / (total / 1e3) / 1e9]
    }

    func timeInitializer(_ name: String) throws -> [String: Any] {
        let dims = shape.split(separator: ",").compactMap { Int($0) }
        guard dims.count >= 2 else { throw ValidationError("--shape takes sizes separated by commas") }
        var seeds = SeedSource(seed: 7)
        let initializer = try InitializerType.make(.string(name), seeds: &seeds)
        let t = try measure { _ = try initializer.sample(dims) }
        return ["initializer": name, "shape": dims, "min_ms": t.min, "median_ms": t.median]
    }

    /// Counts what the command writes (so the text is still made) and keeps only errors.
    final class DiscardingOutput: TextOutput {
        var bytes = 0
        var errors = ""
        func write(_ s: String) { bytes += s.utf8.count }
        func writeError(_ s: String) { errors += s }
    }

    /// The process's peak resident memory: VmHWM of /proc/self/status (getrusage's
    /// ru_maxrss would include the parent's peak, which survives fork + exec on Linux).
    static func maxRSSMegabytes() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
            return kb / 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024   // kilobytes on Linux
    }
}
