import Layers
import TensorCore

/// What one epoch of `fit` reports, as Keras's History holds it.
public struct EpochLog: Sendable, Equatable {
    /// Σ batch size · batch loss / Σ batch size: Keras's running mean over the epoch's steps,
    /// each batch's total loss (penalties included) taken before its update.
    public var loss: Double
    /// Steps taken in this epoch (fewer than planned when Ctrl-C stopped it).
    public var steps: Int
    /// The compiled metrics over the epoch's steps (each on the step's training-mode
    /// predictions, before its update), by name.
    public var metrics: [String: Double] = [:]
}

extension Model {
    /// One training step, as Keras's `train_on_batch`: the gradients of the total loss on the
    /// batch (training mode), then the compiled optimizer's update of every trainable weight
    /// (its constraints after). Returns the batch's total loss, taken before the update.
    /// Keras's optimizer state is kept in `compilation.state`.
    @discardableResult
    public mutating func trainStep(_ feeds: [String: Tensor], targets: [String: Tensor], random: inout RandomGenerator) throws -> Double {
        var none: [Metric] = []
        return try trainStep(feeds, targets: targets, random: &random, metrics: &none)
    }

    /// `trainStep` with the compiled metrics on the batch's predictions (before the update),
    /// as Keras's train_on_batch returns them.
    public mutating func trainStepWithMetrics(_ feeds: [String: Tensor], targets: [String: Tensor], random: inout RandomGenerator)
        throws -> (loss: Double, metrics: [String: Double]) {
        var metrics = try self.metrics(for: targets)
        let loss = try trainStep(feeds, targets: targets, random: &random, metrics: &metrics)
        return (loss, Dictionary(metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }))
    }

    /// `trainStep`, adding the step's predictions (before the update) to `metrics`.
    mutating func trainStep(_ feeds: [String: Tensor], targets: [String: Tensor], random: inout RandomGenerator,
                            metrics: inout [Metric]) throws -> Double {
        guard var compilation else {
            throw LabError("the model is not compiled", suggestion: "compile it first, for example 'compile optimizer=sgd loss=mse'")
        }
        guard let loss = compilation.loss else {
            throw LabError("the model was compiled without a loss", suggestion: "compile it with one, for example 'compile loss=mse'")
        }
        let result = try gradients(feeds, targets: targets, loss: loss, training: true, random: &random)
        var constraints: [(any Constraint)?] = []
        for w in result.weights {
            guard let node = node(named: w.layer) else { continue }
            constraints.append(try weightSpecs(of: node).first { $0.name == w.weight }?.constraint)
        }
        if let bad = result.weights.first(where: { $0.gradient.scalars.contains { !$0.isFinite } }) {
            throw LabError("the gradient of \(bad.path) holds NaN or Inf (the loss is \(result.total))",
                           suggestion: "the activations or the loss overflow: a smaller learning rate, or another initializer")
        }
        var values = result.weights.map(\.value)
        var state = compilation.state
        try compilation.optimizer.apply(result.weights.map(\.gradient), to: &values, state: &state, constraints: constraints)
        if let i = values.firstIndex(where: { $0.scalars.contains { !$0.isFinite } }) {
            throw LabError("the update made \(result.weights[i].path) NaN or Inf", suggestion: "the learning rate is too large for these gradients")
        }
        if let output = outputNames.first, let yPred = result.outputs[output], let yTrue = targets[output] {
            for i in metrics.indices { try metrics[i].add(yTrue: yTrue, yPred: yPred) }
        }
        compilation.state = state
        for (w, v) in zip(result.weights, values) { try setWeight(layer: w.layer, weight: w.weight, to: v) }
        // The moving statistics the training-mode forward computed (Keras assigns them in the call).
        for (layer, state) in result.states {
            guard let node = node(named: layer) else { continue }
            for (spec, value) in zip(try weightSpecs(of: node), state) where !spec.trainable {
                try setWeight(layer: layer, weight: spec.name, to: value)
            }
        }
        self.compilation = compilation
        return result.total
    }

    /// Keras's `fit` on arrays: `epochs` passes over the samples in batches of `batchSize`
    /// (the last one partial, still one step), in order or shuffled by `shuffle` (a permutation
    /// per epoch drawn from `random`). `onStep(epoch, step, steps, runningLoss)` is called after
    /// every step; Ctrl-C stops after the current step, keeping the steps taken.
    public mutating func fit(_ feeds: [String: Tensor], targets: [String: Tensor], epochs: Int, batchSize: Int,
                             shuffle: Bool, random: inout RandomGenerator,
                             onStep: (Int, Int, Int, Double) throws -> Void = { _, _, _, _ in }) throws -> [EpochLog] {
        let (values, rows) = try checkedFeeds(feeds)
        for (name, t) in targets where t.shape.first != rows {
            throw LabError("the target of \(name) holds \(t.shape.first ?? 0) samples but the inputs hold \(rows)")
        }
        guard batchSize > 0 else { throw LabError("the batch size must be at least 1") }
        try checkTargets(targets, rows: rows)
        guard rows > 0 else { throw LabError("there are no samples to train on") }
        let steps = (rows + batchSize - 1) / batchSize
        var logs: [EpochLog] = []
        for epoch in 0..<epochs {
            var order = Array(0..<rows)
            if shuffle {
                // Fisher–Yates, seeded by the session (Keras draws from NumPy's global stream).
                for i in stride(from: rows - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
            }
            var weighted = 0.0, seen = 0, done = 0
            var metrics = try self.metrics(for: targets)
            func log() -> EpochLog {
                EpochLog(loss: seen > 0 ? weighted / Double(seen) : .nan, steps: done,
                         metrics: Dictionary(metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }))
            }
            for step in 0..<steps {
                if step > 0 || epoch > 0 {
                    do { try Interrupt.check() } catch {
                        logs.append(log())
                        throw FitInterrupted(logs: logs)
                    }
                }
                let picked = Array(order[step * batchSize ..< min(rows, (step + 1) * batchSize)])
                let batchFeeds = try values.mapValues { try $0.gatheringRows(picked) }
                let batchTargets = try targets.mapValues { try $0.gatheringRows(picked) }
                do {
                    let loss = try trainStep(batchFeeds, targets: batchTargets, random: &random, metrics: &metrics)
                    weighted += loss * Double(picked.count)
                    seen += picked.count
                    done += 1
                    try onStep(epoch, step, steps, weighted / Double(seen))
                } catch let e as LabError where Interrupt.isRequested || e.message == Interrupt.error.message {
                    // Ctrl-C inside a step: that step is not taken; the ones before it stay.
                    logs.append(log())
                    throw FitInterrupted(logs: logs)
                } catch let e as LabError {
                    // A step that cannot be taken (the loss or an update went NaN/Inf): training
                    // stops there and keeps the last finite weights, the steps before it.
                    logs.append(log())
                    throw FitInterrupted(logs: logs, error: e, step: (epoch + 1, step + 1))
                }
            }
            logs.append(log())
        }
        return logs
    }
}

/// `fit` stopped early — by Ctrl-C (`error` nil) or by a step that could not be taken
/// (`error`: the loss or an update went NaN/Inf) — with the epochs (the last one partial)
/// that ran before it; the model keeps their steps.
public struct FitInterrupted: Error {
    public var logs: [EpochLog]
    public var error: LabError?
    /// The epoch and step (counted from 1) that could not be taken.
    public var step: (epoch: Int, step: Int)?
    public init(logs: [EpochLog], error: LabError? = nil, step: (epoch: Int, step: Int)? = nil) {
        self.logs = logs
        self.error = error
        self.step = step
    }
}

extension Model {
    /// Every target checked against its output's shape and the loss (labels in range) before
    /// any step, so bad data is one error and the model unchanged, not a fit stopped halfway.
    func checkTargets(_ targets: [String: Tensor], rows: Int) throws {
        guard let loss = compilation?.loss else { return }
        for name in outputNames {
            guard let t = targets[name] else { throw LabError("no target given for output '\(name)'") }
            guard let sample = shape(of: name)?.sample else { continue }
            let zeros = try Tensor(zeros: [rows] + sample)
            do { _ = try loss.evaluate(yTrue: t, yPred: zeros) } catch let e as LabError { throw outputNames.count > 1 ? e.at(name) : e }
        }
    }
}

extension Tensor {
    /// The rows (samples) at `indices`, in that order.
    public func gatheringRows(_ indices: [Int]) throws -> Tensor {
        let per = shape.first.map { $0 == 0 ? 0 : count / $0 } ?? 0
        var out = [Float]()
        out.reserveCapacity(indices.count * per)
        for i in indices {
            guard i >= 0, i < (shape.first ?? 0) else { throw LabError("row \(i) is outside the batch of \(shape.first ?? 0)") }
            out.append(contentsOf: scalars[i * per ..< (i + 1) * per])
        }
        var t = try Tensor(shape: [indices.count] + shape.dropFirst(), scalars: out)
        t.dtype = dtype
        return t
    }
}

extension Model {
    /// Keras's `evaluate` (and fit's `val_loss`): the total loss — compiled loss, weight
    /// penalties and activity penalties / batch — in inference mode, batch by batch of
    /// `batchSize`, averaged weighted by the batches' sizes.
    public func evaluate(_ feeds: [String: Tensor], targets: [String: Tensor], batchSize: Int = 32) throws -> Double {
        try evaluateWithMetrics(feeds, targets: targets, batchSize: batchSize).loss
    }

    /// `evaluate` with the compiled metrics on the inference predictions, by name.
    public func evaluateWithMetrics(_ feeds: [String: Tensor], targets: [String: Tensor], batchSize: Int = 32) throws
        -> (loss: Double, metrics: [String: Double]) {
        guard let loss = compilation?.loss else {
            throw LabError("the model is not compiled with a loss", suggestion: "compile it first, for example 'compile optimizer=sgd loss=mse'")
        }
        let (values, rows) = try checkedFeeds(feeds)
        guard rows > 0 else { throw LabError("there are no samples to evaluate") }
        let weightPenalty = try weightPenalties().reduce(0) { $0 + $1.value }
        var metrics = try self.metrics(for: targets)
        var weighted = 0.0
        for start in stride(from: 0, to: rows, by: max(1, batchSize)) {
            try Interrupt.check()
            let picked = Array(start..<min(rows, start + max(1, batchSize)))
            var random = RandomGenerator(seed: seed)
            var total = weightPenalty
            let byName = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) })
            let outputs = try forward(try values.mapValues { try $0.gatheringRows(picked) }, training: false, random: &random,
                                      inChunks: false) { node, y, _ in
                if let p = try Model.activityPenalty(byName[node.name] ?? node, output: y) { total += p.value }
            }
            for (name, yPred) in outputs {
                guard let yTrue = targets[name] else { throw LabError("no target given for output '\(name)'") }
                let batchTrue = try yTrue.gatheringRows(picked)
                total += try loss.evaluate(yTrue: batchTrue, yPred: yPred).value
                if name == outputNames.first { for i in metrics.indices { try metrics[i].add(yTrue: batchTrue, yPred: yPred) } }
            }
            weighted += total * Double(picked.count)
        }
        return (weighted / Double(rows), Dictionary(metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }))
    }
}
