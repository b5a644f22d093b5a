import Layers
import TensorCore

/// A metric compile was given, resolved as Keras resolves it for an output: `accuracy` (or
/// `acc`) becomes binary accuracy when the output's last size is 1, sparse categorical
/// accuracy when the targets have no class axis (or a last size of 1 against several
/// classes), categorical accuracy otherwise; a loss's name is that loss's mean.
/// Like Keras's metrics it is a running mean: `add` accumulates a batch, `value` is the
/// mean over everything added (over samples, each sample's value the mean over its last axis).
public struct Metric: Sendable {
    public enum Kind: Sendable, Equatable { case binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, loss(Loss) }
    /// The name Keras logs it under: the name given (`accuracy`, `acc`, `mae`).
    public var name: String
    public var kind: Kind
    var sum = 0.0, count = 0.0

    public var value: Double { count > 0 ? sum / count : 0 }

    /// The metric `name` for an output of shape `output` whose targets have shape `target`.
    public static func resolve(_ name: String, output: [Int], target: [Int]) throws -> Metric {
        switch name {
        case "accuracy", "acc":
            if output.last == 1 { return Metric(name: name, kind: .binaryAccuracy) }
            if target.count < output.count || (target.last == 1 && (output.last ?? 1) > 1) {
                return Metric(name: name, kind: .sparseCategoricalAccuracy)
            }
            return Metric(name: name, kind: .categoricalAccuracy)
        case "binary_accuracy": return Metric(name: name, kind: .binaryAccuracy)
        case "categorical_accuracy": return Metric(name: name, kind: .categoricalAccuracy)
        case "sparse_categorical_accuracy": return Metric(name: name, kind: .sparseCategoricalAccuracy)
        default:
            // A loss's name: the loss with Keras's defaults, as a mean over samples.
            return Metric(name: name, kind: .loss(try LossType.make(.string(name), role: "metric")))
        }
    }

    /// Adds one batch of targets and predictions.
    public mutating func add(yTrue: Tensor, yPred: Tensor) throws {
        let classes = yPred.shape.last ?? 1
        let rows = classes == 0 ? 0 : yPred.count / classes
        switch kind {
        case .loss(let loss):
            let value = try loss.evaluate(yTrue: yTrue, yPred: yPred).value
            // The loss is the mean over its per-sample values; a sample counts once.
            let samples = Double(Loss.workingShape(yTrue.shape, yPred.shape).map { $0.count <= 1 ? 1 : $0.dropLast().reduce(1, *) } ?? rows)
            sum += value * samples
            count += samples
        case .binaryAccuracy:
            guard yTrue.count == yPred.count else { throw mismatch(yTrue, yPred) }
            // Per sample, the mean over its last axis of (y_pred > 0.5) == y_true.
            for r in 0..<rows {
                var hits = 0.0
                for j in 0..<classes where (yPred.scalars[r * classes + j] > 0.5 ? 1 : 0) == yTrue.scalars[r * classes + j] { hits += 1 }
                sum += hits / Double(classes)
            }
            count += Double(rows)
        case .categoricalAccuracy, .sparseCategoricalAccuracy:
            let sparse = kind == .sparseCategoricalAccuracy
            guard sparse ? yTrue.count == rows : yTrue.count == yPred.count else { throw mismatch(yTrue, yPred) }
            for r in 0..<rows {
                let predicted = argmax(yPred.scalars[r * classes ..< (r + 1) * classes])
                let truth = sparse ? Int(yTrue.scalars[r]) : argmax(yTrue.scalars[r * classes ..< (r + 1) * classes])
                if predicted == truth { sum += 1 }
            }
            count += Double(rows)
        }
    }

    /// The first index of the largest value (NumPy's argmax).
    private func argmax(_ values: ArraySlice<Float>) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best - values.startIndex
    }

    private func mismatch(_ yTrue: Tensor, _ yPred: Tensor) -> LabError {
        LabError("\(name): targets of shape \(Tensor.describe(yTrue.shape)) do not fit predictions of shape \(Tensor.describe(yPred.shape))")
    }
}

extension Model {
    /// The compiled metrics, resolved for the first output and these targets.
    func metrics(for targets: [String: Tensor]) throws -> [Metric] {
        guard let names = compilation?.metrics, let output = outputNames.first,
              let sample = shape(of: output)?.sample, let target = targets[output] else { return [] }
        return try names.map { try Metric.resolve($0, output: [1] + sample, target: target.shape.isEmpty ? [] : [1] + target.shape.dropFirst()) }
    }
}
