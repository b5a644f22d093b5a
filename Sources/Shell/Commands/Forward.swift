import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let forward = Command(
        name: "forward", usage: "forward [--batch N] [--input [INPUT=]FILE.npy …] [--output FILE.npy | DIR/] [--stats] [--training] [--repeat N] [--profile]",
        summary: "run the model on a batch: each layer's output shape and values (or statistics), then the output",
        examples: ["forward", "forward --batch 4", "forward --input x.npy --output y.npy", "forward --batch 256 --stats",
                   "forward --input a=a.npy --input b=b.npy --output out/", "forward --training",
                   "forward --batch 64 --repeat 20", "time forward --batch 64", "forward --batch 256 --profile"],
        flags: [.init(name: "batch", value: "N", help: "size of the random batch (default 1); inputs are drawn from N(0, 1), int32 ids uniformly"),
                .input,
                .init(name: "output", value: "FILE", help: "write the output to a .npy file; with several outputs, DIR/ gets one LAYER.npy each"),
                .init(name: "stats", value: nil, help: "a table of each layer's output statistics beside what theory predicts"),
                .init(name: "training", value: nil, help: "run as in training (model(x, training=True)): dropout layers drop values"),
                .init(name: "repeat", value: "N", help: "run N passes on the same batch and report min/median/max time per pass and GFLOP/s (no per-layer output)"),
                .init(name: "profile", value: nil, help: "time each layer (median of --repeat N passes, default 10, after a warm-up): its share of the pass and GFLOP/s")]
    ) { inv, session in
        try inv.noArguments()
        let model = session.model
        guard !model.inputs.isEmpty else {
            throw LabError("the model has no input yet", suggestion: "define one with 'input 16' (the sizes of one sample)")
        }
        let feeds = try session.forwardFeeds(inv)
        let style = session.style
        if inv.has("profile") {
            if inv.has("stats") { throw LabError("forward: --stats is not timed; use it without --profile") }
            return try profiledForward(inv, session, feeds, passes: inv.int("repeat", default: 10, range: 1...1_000_000))
        }
        if inv.has("repeat") || session.timing {
            if inv.has("stats") { throw LabError("forward: --stats is not timed; use it without --repeat or time") }
            return try timedForward(inv, session, feeds, passes: inv.int("repeat", default: 1, range: 1...1_000_000))
        }
        let statsOnly = inv.has("stats")
        let nameWidth = model.allNames.map(\.displayWidth).max() ?? 0
        // Only the --stats table shows the inputs' statistics (and its theory column reads them).
        var rows: [StatsRow] = []
        if statsOnly {
            rows = model.inputs.compactMap { i in
                feeds[i.name].map { StatsRow(name: i.name, shape: $0.shape, stats: Statistics($0.scalars), saturated: nil, predicted: nil) }
            }
        }
        var kept = feeds.mapValues(Session.keep)
        let training = inv.has("training")
        if training { session.say(session.style.dim("training mode: dropout layers drop values (deterministic for the seed)")) }
        // What is shown of each layer's output, merged chunk by chunk: a large batch runs in
        // chunks of samples, as the bare pass does, so printing costs what the pass costs.
        let batch = feeds.values.first?.shape.first ?? 0
        var seen: [String: Seen] = [:]
        var order: [LayerNode] = []
        let outputs: [(name: String, value: Tensor)]
        do {
            // An activity penalty that does not add up over samples (OrthogonalRegularizer's)
            // needs the whole batch's output at once.
            let inChunks = model.nodes.allSatisfy { $0.layer.activityRegularizer?.addsUpOverSamples ?? true }
            outputs = try model.forward(feeds, training: training, random: &session.dataGenerator, inChunks: inChunks) { node, y, samples in
                // One piece (the whole batch) may hold outputs without a batch axis (a Lambda's
                // sum(x, axis=0)); chunks are of batch-major outputs only.
                let whole = samples.count == batch
                // The sample `hist` reads: every k-th value of the whole batch's output.
                let perSample = samples.isEmpty ? 0 : y.count / samples.count
                let step = Session.keepStep(whole ? y.count : perSample * batch), offset = samples.lowerBound * perSample
                let (stats, sample) = Statistics.sampling(y.scalars, every: step, from: whole ? 0 : (step - offset % step) % step)
                let saturated = statsOnly ? Seen.activation(of: node).flatMap { saturatedFraction(y.scalars, activation: $0) } : nil
                let penalty = try Model.activityPenalty(node, output: y)
                let edges = whole ? y : try Seen.edges(of: y, samples: samples, batch: batch)
                if var s = seen[node.name] {
                    s.stats = s.stats.merged(with: stats)
                    s.sample += sample
                    s.edges = try s.edges.appendingRows(edges)
                    s.saturated = s.saturated.map { $0 + (saturated ?? 0) * Double(y.count) }
                    s.penalty = s.penalty.map { p in var p = p; p.value += (penalty?.value ?? 0) * Double(samples.count); return p }
                    seen[node.name] = s
                } else {
                    order.append(node)
                    seen[node.name] = Seen(shape: whole ? y.shape : [batch] + y.shape.dropFirst(), stats: stats, sample: sample, edges: edges,
                                           saturated: saturated.map { $0 * Double(y.count) },
                                           penalty: penalty.map { p in var p = p; p.value *= Double(samples.count); return p })
                }
            }
        } catch let e as LabError where inv.repeated["input"] == nil
                    && model.inputs.contains(where: { $0.dtype == .float32 && model.idRange(for: $0.name) != nil }) {
            throw e.suggesting("the input is float32, so forward drew N(0, 1) values; with 'input … dtype=int32' it draws ids below input_dim")
        }
        var activity: [Penalty] = []
        var firstNonFinite: (String, Int, Int)?
        for node in order {
            guard let s = seen[node.name] else { continue }
            let count = s.shape.reduce(1, *)
            if s.stats.nonFinite > 0, firstNonFinite == nil { firstNonFinite = (node.name, s.stats.nonFinite, count) }
            kept[node.name] = (s.shape, s.sample, count)
            if var p = s.penalty { p.value /= Double(max(1, batch)); activity.append(p) }
            if statsOnly {
                let inputRow = rows.first { node.inbound.first == $0.name }
                var predicted: Double?
                if let theory = node.layer as? PredictsOutputSpread, let inputRow, let shapes = model.inputShapes(of: node), let shape = shapes.first {
                    let m2 = inputRow.stats.std * inputRow.stats.std + inputRow.stats.mean * inputRow.stats.mean
                    predicted = theory.predictedOutputStd(inputSecondMoment: m2, inputShape: shape)
                }
                rows.append(StatsRow(name: node.name, shape: s.shape, stats: s.stats,
                                     saturated: s.saturated.map { $0 / Double(max(1, count)) }, predicted: predicted))
            } else {
                session.say(style.name(node.name) + String(repeating: " ", count: nameWidth - node.name.displayWidth)
                            + "  " + Tensor.describe(s.shape) + "  " + style.dim(Format.statistics(s.stats)))
                session.say(indent(Format.preview(edges: s.edges, batch: s.shape.first ?? 0), by: 2))
            }
        }
        session.lastOutputs = kept
        if let (name, bad, total) = firstNonFinite {
            session.say(style.error("warning:") + " \(name) is the first layer with NaN or Inf in its output: \(Format.thousands(bad)) of \(Format.thousands(total)) values")
        }
        session.lastActivityPenalties = (activity, feeds.values.first?.shape.first ?? 1)
        if statsOnly {
            session.say(renderStats(rows, width: session.width, style: style))
        }
        for (name, y) in outputs where !statsOnly {
            session.say(style.bold("output") + " \(name) \(Tensor.describe(y.shape))")
            session.say(Format.preview(y))
        }
        try writeOutputs(inv, session, outputs)
    }

    /// `forward --repeat N` / `time forward`: N passes on the same batch with nothing
    /// computed per layer inside the timed loop, then the timing and the output.
    static func timedForward(_ inv: Invocation, _ session: Session, _ feeds: [String: Tensor], passes: Int) throws {
        let model = session.model
        let style = session.style
        let training = inv.has("training")
        let batch = feeds.values.first?.shape.first ?? 1
        let macs = model.nodes.reduce(0) { total, node in total + (model.inputShapes(of: node).map { node.layer.macs(for: $0) } ?? 0) }
        var times: [Double] = []
        times.reserveCapacity(passes)
        var outputs: [(name: String, value: Tensor)] = []
        var random = session.dataGenerator
        for _ in 0..<passes {
            try Interrupt.check()
            // Every pass sees the same dropout masks (the same stream state).
            random = session.dataGenerator
            let start = DispatchTime.now().uptimeNanoseconds
            outputs = try model.forward(feeds, training: training, random: &random)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        session.dataGenerator = random
        session.lastForwardTimes = times
        let sorted = times.sorted()
        let minimum = sorted.first ?? 0, median = sorted.isEmpty ? 0 : sorted[sorted.count / 2], maximum = sorted.last ?? 0
        let flops = 2 * Double(macs) * Double(batch)
        let rate = minimum > 0 ? flops / (minimum / 1e3) / 1e9 : 0
        session.say(style.bold("time") + " \(passes) pass\(passes == 1 ? "" : "es") of batch \(Format.thousands(batch)): "
                    + "min \(Format.milliseconds(minimum)), median \(Format.milliseconds(median)), max \(Format.milliseconds(maximum)) per pass; "
                    + "\(Format.compact(flops / 1e9, 4)) GFLOP a pass (2 × \(Format.thousands(macs * batch)) MACs), "
                    + "\(Format.compact(rate, 3)) GFLOP/s at the min")
        session.say(style.dim("oneDNN \(DNNL.isa) kernels on \(DNNL.threads) thread\(DNNL.threads == 1 ? "" : "s") (OpenBLAS \(BLAS.coreName) for large Dense kernels); per-layer outputs are not computed while timing"))
        for (name, y) in outputs {
            session.say(style.bold("output") + " \(name) \(Tensor.describe(y.shape))")
            session.say(Format.preview(y))
        }
        try writeOutputs(inv, session, outputs)
    }

    /// `--output y.npy` for one output; `--output DIR/` for several (one `LAYER.npy` each).
    static func outputFiles(_ target: String, _ outputs: [(name: String, value: Tensor)]) throws -> [(String, (String, Tensor))] {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDir)
        if target.hasSuffix("/") || (exists && isDir.boolValue) {
            if !exists { try FileAccess.makeFolder(target) }
            let dir = target.hasSuffix("/") ? target : target + "/"
            return outputs.map { (dir + $0.name + ".npy", ($0.name, $0.value)) }
        }
        guard outputs.count == 1, let only = outputs.first else {
            throw LabError("the model has \(outputs.count) outputs (\(outputs.map(\.name).joined(separator: ", "))); give a folder: --output DIR/")
        }
        return [(target, (only.name, only.value))]
    }

    /// What the printed `forward` keeps of one layer's output, merged over the chunks of
    /// samples it ran in: the whole batch's shape, statistics, the sample `hist` reads,
    /// the first and last three samples (all a preview shows of the batch axis), the count
    /// of saturated values and the activity penalty summed over the samples.
    struct Seen {
        var shape: [Int]
        var stats: Statistics
        var sample: [Float]
        var edges: Tensor
        var saturated: Double?
        var penalty: Penalty?

        /// The rows of `y` (samples `samples` of a batch of `batch`) that a preview shows.
        static func edges(of y: Tensor, samples: Range<Int>, batch: Int) throws -> Tensor {
            guard y.rank > 0, batch > 6 else { return y }
            // The batch's rows in `samples`, as rows of `y` (empty where they do not meet).
            func local(_ rows: Range<Int>) -> Range<Int> {
                let lo = max(rows.lowerBound, samples.lowerBound), hi = min(rows.upperBound, samples.upperBound)
                return lo < hi ? lo - samples.lowerBound..<hi - samples.lowerBound : 0..<0
            }
            return try y.rows(local(0..<3)).appendingRows(y.rows(local(batch - 3..<batch)))
        }

        /// The layer's activation by name (for the saturation column).
        static func activation(of node: LayerNode) -> String? {
            (node.layer.config.first { $0.key == "activation" }?.value).flatMap { v -> String? in
                if case .string(let s) = v { return s } else { return nil }
            }
        }
    }

    struct StatsRow {
        var name: String
        var shape: [Int]
        var stats: Statistics
        var saturated: Double?
        var predicted: Double?
    }

    static func renderStats(_ rows: [StatsRow], width: Int, style: Style) -> String {
        var table = Table(headers: ["Layer", "Shape", "mean", "std", "theory std", "min", "max", "zeros", "saturated"],
                          alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right])
        func pct(_ x: Double) -> String { Format.fixed(100 * x, 1) + "%" }
        for r in rows {
            let s = r.stats
            func c(_ x: Double) -> String { Format.compact(x, 3) }
            table.rows.append([r.name, Tensor.describe(r.shape), c(s.mean), c(s.std),
                               r.predicted.map(c) ?? "—", c(Double(s.min)), c(Double(s.max)), pct(Double(s.zeros) / Double(max(1, s.count))),
                               r.saturated.map(pct) ?? "—"])
        }
        return table.render(style: style) + "\n" + style.dim("""
         theory std: a Dense layer's output std if its inputs were independent with the measured E[x²] and its weights
         followed their initializers: Var(z) = fan_in · E[w²] · E[x²] (+ E[b²]); relu keeps σ·√(1/2 − 1/2π), linear keeps σ.
         saturated: sigmoid outputs below 0.01 or above 0.99, tanh beyond ±0.99 (where gradients vanish).
        """)
    }
}

extension Session {
    /// The batch for each input: from `--input [NAME=]FILE` where given, else random
    /// (N(0, 1), `--batch` rows, or the rows of the files given). Sizes are checked first.
    func forwardFeeds(_ inv: Invocation) throws -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for item in inv.repeated["input"] ?? [] {
            let name: String, file: String
            switch item {
            case .keyword(let k, .string(let f)): (name, file) = (k, f)
            case .value(.string(let f)):
                guard model.inputs.count == 1, let only = model.inputs.first else {
                    throw LabError("the model has \(model.inputs.count) inputs; say which one: --input NAME=FILE",
                                   suggestion: "inputs: " + model.inputs.map(\.name).joined(separator: ", "))
                }
                (name, file) = (only.name, f)
            default: throw LabError("\(inv.command.name): --input takes FILE or NAME=FILE")
            }
            guard model.input(named: name) != nil else {
                throw LabError.unknown("input", name, among: model.inputs.map(\.name))
            }
            guard feeds[name] == nil else { throw LabError("\(inv.command.name): input '\(name)' is given twice") }
            feeds[name] = try NPY.read(path: file)
        }
        let missing = model.inputs.filter { feeds[$0.name] == nil }
        guard !missing.isEmpty else {
            if inv.has("batch") { throw LabError("\(inv.command.name): --batch goes with random inputs; every input comes from a file here") }
            return feeds
        }
        let batch = try feeds.values.first.map { t -> Int in
            if inv.has("batch") { throw LabError("\(inv.command.name): --batch goes with random inputs; the other inputs' files set the batch size") }
            return t.shape.first ?? 1
        } ?? inv.int("batch", default: 1, range: 1...1_000_000_000)
        // The batch and the two largest layer outputs must fit before anything is allocated.
        let perSample = (model.inputs.map(\.shape) + model.nodes.compactMap { $0.outputShape?.sample })
            .map { $0.reduce(1.0) { $0 * Double($1) } }.sorted(by: >)
        try MemoryBudget.check(elements: Double(batch) * perSample.prefix(3).reduce(0, +), "\(inv.command.name) --batch \(thousands(batch))")
        for input in missing {
            var t = try Tensor(zeros: [batch] + input.shape, dtype: input.dtype)
            if input.dtype == .int32 {
                let range = model.idRange(for: input.name)
                let bound = range?.bound ?? 10
                for i in t.scalars.indices { t.scalars[i] = Float(dataGenerator.nextInt(below: bound)) }
                say(style.name(input.name) + "  " + Tensor.describe(t.shape) + " int32 ids drawn uniformly from [0, \(bound))"
                    + (range.map { " (input_dim of \($0.layer))" } ?? " (it feeds no embedding layer, so small whole numbers)"))
                say(indent(Format.preview(t), by: 2))
            } else {
                dataGenerator.fillNormal(&t.scalars)
            }
            feeds[input.name] = t
        }
        return feeds
    }

    /// What `hist LAYER/output` keeps of an output: every k-th value, at most `keptValues`.
    static func keep(_ t: Tensor) -> (shape: [Int], values: [Float], total: Int) {
        (t.shape, Statistics.sample(t.scalars, every: keepStep(t.count)), t.count)
    }

    /// A layer's output: its statistics and what `hist` keeps of it, in one pass.
    static func observe(_ t: Tensor) -> (statistics: Statistics, kept: (shape: [Int], values: [Float], total: Int)) {
        let (statistics, sample) = Statistics.sampling(t.scalars, every: keepStep(t.count))
        return (statistics, (t.shape, sample, t.count))
    }

    /// `keep` takes every `keepStep(count)`-th value.
    static func keepStep(_ count: Int) -> Int { max(1, (count + keptValues - 1) / keptValues) }
}
