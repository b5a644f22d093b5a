import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let plotFlags: [Command.Flag] = [
        .init(name: "bins", value: "N", help: "number of bins (default: what fits the terminal)"),
        .init(name: "png", value: "FILE", help: "also write the picture as a PNG image"),
    ]

    static let hist = Command(
        name: "hist", usage: "hist LAYER/WEIGHT [--grad] | LAYER/output [--bins N] [--png FILE]",
        summary: "a weight's (or last forward output's, or last gradient's) histogram, against its initializer's distribution, with a goodness-of-fit test",
        examples: ["hist dense/kernel", "hist dense/kernel --bins 30", "hist dense_1/output", "hist dense/kernel --png kernel.png",
                   "hist dense/kernel --grad"],
        flags: plotFlags + [.init(name: "grad", value: nil, help: "the weight's gradient from the last 'grads' instead of the weight")]
    ) { inv, session in
        let path = try inv.name("weight path (LAYER/WEIGHT) or LAYER/output")
        let view = try inv.has("grad") ? session.gradientView(of: path) : session.distributionView(of: path)
        session.show(view, bins: try inv.bins())
        if let png = try inv.text("png") { try session.writePNG([view], to: png, bins: try inv.bins()) }
    }

    static let sample = Command(
        name: "sample", usage: "sample INITIALIZER SIZE… [key=value …] [--bins N] [--png FILE]",
        summary: "draw a weight of the given shape from an initializer, with no model, and show its distribution",
        examples: ["sample he_normal 784 512", "sample orthogonal 64 64 gain=2", "sample RandomNormal(stddev=0.1) 1000", "sample glorot_uniform 3 3 16 32"],
        flags: plotFlags
    ) { inv, session in
        guard let first = inv.values.first else {
            throw LabError("sample needs an initializer and a shape", suggestion: "for example 'sample he_normal 784 512'")
        }
        let shape = try shapeArgument(Array(inv.values.dropFirst()), command: "sample")
        let value = try mergedInitializer(first, inv.keywords)
        let view = try session.sampleView(value, shape: shape)
        session.show(view, bins: try inv.bins())
        if let png = try inv.text("png") { try session.writePNG([view], to: png, bins: try inv.bins()) }
    }

    static let compare = Command(
        name: "compare", usage: "compare INITIALIZER_A INITIALIZER_B SIZE… [--bins N] [--png FILE]",
        summary: "two initializers' histograms on one scale, with their statistics side by side",
        examples: ["compare glorot_uniform he_uniform 256 256", "compare random_normal truncated_normal 10000"],
        flags: plotFlags
    ) { inv, session in
        guard inv.values.count >= 3, inv.keywords.isEmpty else {
            throw LabError("compare needs two initializers and a shape", suggestion: "for example 'compare glorot_uniform he_uniform 256 256'")
        }
        let shape = try shapeArgument(Array(inv.values.dropFirst(2)), command: "compare")
        let a = try session.sampleView(inv.values[0], shape: shape), b = try session.sampleView(inv.values[1], shape: shape)
        session.compare(a, b, bins: try inv.bins())
        if let png = try inv.text("png") { try session.writePNG([a, b], to: png, bins: try inv.bins()) }
    }

    /// Sizes given as words (`784 512`) or a tuple (`(3, 3, 16, 32)`).
    static func shapeArgument(_ values: [Value], command: String) throws -> [Int] {
        var items = values
        if items.count == 1, case .tuple(let t) = items[0] { items = t }
        guard !items.isEmpty else { throw LabError("\(command) needs the weight's shape", suggestion: "for example 784 512") }
        return try items.map {
            guard case .int(let n) = $0, n > 0 else { throw LabError("\(command): sizes must be positive whole numbers, got \($0.python)") }
            return n
        }
    }

    /// `sample orthogonal 64 64 gain=2`: keywords after the shape are the initializer's.
    static func mergedInitializer(_ value: Value, _ keywords: [Keyword]) throws -> Value {
        guard !keywords.isEmpty else { return value }
        switch value {
        case .string(let name): return .call(name, Arguments([], keywords))
        case .call(let name, var args): args.keywords += keywords; return .call(name, args)
        default: throw LabError("expected an initializer name, got \(value.python)")
        }
    }
}

extension Invocation {
    func bins() throws -> Int? {
        has("bins") ? try int("bins", default: 20, range: 1...400) : nil
    }
}

extension Session {
    func sampleView(_ value: Value, shape: [Int]) throws -> DistributionView {
        try MemoryBudget.check(elements: shape.reduce(1.0) { $0 * Double($1) }, "a \(shape.map(thousands).joined(separator: " × ")) sample")
        var seeds = SeedSource(seed: dataGenerator.next())
        let initializer = try InitializerType.make(value, seeds: &seeds)
        let t = try initializer.sample(shape)
        return DistributionView(title: "\(Value.object(initializer.object).python) \(Tensor.describe(shape))",
                                values: t.scalars, distribution: initializer.distribution(for: shape), note: nil)
    }

    /// `hist LAYER/WEIGHT --grad`: the weight's gradient from the last `grads`.
    func gradientView(of path: String) throws -> DistributionView {
        let (node, _, _) = try model.weight(path)
        guard let g = lastGradients[path] else {
            if !node.layer.trainable { throw LabError("\(node.name) is frozen (trainable=False): it gets no gradient") }
            throw LabError("no gradient of \(path) yet", suggestion: "run 'grads' (for example 'grads --batch 64') first")
        }
        return DistributionView(title: "∂loss/∂\(path) \(Tensor.describe(g.shape))", values: g.scalars, distribution: nil,
                                note: "the last 'grads'")
    }

    func distributionView(of path: String) throws -> DistributionView {
        if path.hasSuffix("/output") {
            let layer = String(path.dropLast("/output".count))
            guard model.node(named: layer) != nil || model.input(named: layer) != nil else { throw model.layerNotFound(layer) }
            guard let kept = lastOutputs[layer] else {
                throw LabError("no output of \(layer) yet", suggestion: "run 'forward' (for example 'forward --batch 64') first")
            }
            let note = kept.values.count < kept.total
                ? "every \(kept.total / kept.values.count)th of \(Format.thousands(kept.total)) values of the last forward pass"
                : "the last forward pass"
            return DistributionView(title: "\(path) \(Tensor.describe(kept.shape))", values: kept.values, distribution: nil, note: note)
        }
        let (_, spec, value) = try model.weight(path)
        // After a fit: how far training took the weights from the distribution they were drawn from.
        var note: String?
        if let log = model.compilation?.trainingLog, log.epochs > 0, let stats = log.weights[path], let first = stats.first,
           let last = stats.last, last == TrainingLog.stats(value, axes: Set(log.normAxes[path] ?? [])) {
            note = "trained \(log.epochs) epoch\(log.epochs == 1 ? "" : "s"): mean \(Format.compact(first.mean, 3)) → \(Format.compact(last.mean, 3)), "
                + "std \(Format.compact(first.std, 3)) → \(Format.compact(last.std, 3)); the curve is the initializer's distribution"
        }
        return DistributionView(title: "\(path) \(Tensor.describe(value.shape)) — \(Value.object(spec.initializer.object).python)",
                                values: value.scalars, distribution: spec.initializer.distribution(for: value.shape),
                                note: note)
    }
}
