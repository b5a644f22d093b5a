import Layers
import TensorCore

/// What one epoch of `fit` reports, as Keras's History holds it.
public struct EpochLog: Sendable, Equatable {
    /// Σ batch size · batch loss / Σ batch size: Keras's running mean over the epoch's steps,
    /// each batch's total loss (penalties included) taken before its update.
    public var loss: Double
    /// Steps taken in this epoch (fewer than planned when Ctrl-C stopped it).
    public var steps: Int
}

extension Model {
    /// One training step, as Keras's `train_on_batch`: the gradients of the total loss on the
    /// batch (training mode), then the compiled optimizer's update of every trainable weight
    /// (its constraints after). Returns the batch's total loss, taken before the update.
    /// Keras's optimizer state is kept in `compilation.state`.
    @discardableResult
    public mutating func trainStep(_ feeds: [String: Tensor], targets: [String: Tensor], random: inout RandomGenerator) throws -> Double {
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
        var values = result.weights.map(\.value)
        try compilation.optimizer.apply(result.weights.map(\.gradient), to: &values, state: &compilation.state, constraints: constraints)
        for (w, v) in zip(result.weights, values) { try setWeight(layer: w.layer, weight: w.weight, to: v) }
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
            for step in 0..<steps {
                if step > 0 || epoch > 0 {
                    do { try Interrupt.check() } catch {
                        logs.append(EpochLog(loss: seen > 0 ? weighted / Double(seen) : .nan, steps: done))
                        throw FitInterrupted(logs: logs)
                    }
                }
                let picked = Array(order[step * batchSize ..< min(rows, (step + 1) * batchSize)])
                let batchFeeds = try values.mapValues { try $0.gatheringRows(picked) }
                let batchTargets = try targets.mapValues { try $0.gatheringRows(picked) }
                let loss = try trainStep(batchFeeds, targets: batchTargets, random: &random)
                weighted += loss * Double(picked.count)
                seen += picked.count
                done += 1
                try onStep(epoch, step, steps, weighted / Double(seen))
            }
            logs.append(EpochLog(loss: weighted / Double(seen), steps: done))
        }
        return logs
    }
}

/// Ctrl-C during `fit`: the epochs (the last one partial) that ran before it.
public struct FitInterrupted: Error {
    public var logs: [EpochLog]
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
