import ArgumentParser
import Foundation
import Models
import Shell
import TensorCore

/// Times LayerLab's forward pass: builds a model from shell commands (the same ones a
/// user types), then runs warm forward passes on one random batch and reports the
/// minimum and median wall time and the arithmetic rate.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layerlab-bench",
        abstract: "Time LayerLab's forward pass on a model built from LayerLab commands.")

    @Option(name: .customShort("c"), help: "The commands that build the model, separated by ';'.")
    var commands = "input 64 64 3; add conv2d 64 3"

    @Option(help: "Samples per batch.")
    var batch = 32

    @Option(help: "Timed forward passes.")
    var runs = 30

    @Option(help: "Untimed forward passes first.")
    var warmup = 3

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        Allocator.keepLargeBuffers()
        let output = BufferOutput()
        let session = Session(output: output, width: 100, seed: Session.defaultSeed)
        guard session.run(commands) else { throw ValidationError("the commands failed: \(output.errors)") }
        let model = session.model
        guard let input = model.inputs.first else { throw ValidationError("the commands define no input") }
        var x = Tensor(zeros: [batch] + input.shape)
        var rng = RandomGenerator(seed: 1)
        rng.fillNormal(&x.scalars)
        let macs = model.nodes.reduce(0) { total, node in total + (model.inputShapes(of: node).map { node.layer.macs(for: $0) } ?? 0) }

        for _ in 0..<warmup { _ = try model.forward([input.name: x]) }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try model.forward([input.name: x])
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let minimum = times.first ?? 0, median = times.isEmpty ? 0 : times[times.count / 2]
        let gflops = 2 * Double(macs) * Double(batch) / (minimum / 1e3) / 1e9
        if json {
            let object: [String: Any] = ["commands": commands, "batch": batch, "runs": runs, "min_ms": minimum, "median_ms": median,
                                         "macs_per_sample": macs, "gflops": gflops, "blas_core": BLAS.coreName, "blas_threads": BLAS.threadCount]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("model: \(commands)  (batch \(batch), \(thousands(macs)) MACs per sample)")
            print("OpenBLAS core \(BLAS.coreName), \(BLAS.threadCount) thread(s)")
            print(String(format: "forward: min %.2f ms, median %.2f ms over %d runs (%d warm-up); %.1f GFLOP/s", minimum, median, runs, warmup, gflops))
        }
    }
}
