import Layers
import TensorCore

/// What fitting leaves to look at afterwards: Keras's History (each log per epoch) and, at
/// the start and after every epoch, a few numbers about each weight — mean, std, min, max
/// and the norms a constraint looks at — and each regularizer's penalty. Numbers, not copies
/// of the weights. Kept in the model's `Compilation`, so `undo` takes it back with the fit.
///
/// Fits that follow one another on the same weights continue one log (as TensorFlow
/// Playground's curve does); a fit that starts from other weights starts a new one.
public struct TrainingLog: Sendable, Equatable {
    public struct WeightStats: Sendable, Equatable {
        public var mean, std, min, max: Double
        /// One norm per slice over `normAxes` (a constraint's axes, else all but the last:
        /// for a Dense kernel, one per unit's column).
        public var norms: [Float]
    }

    /// Log names in Keras's order (`accuracy`, `loss`, `val_accuracy`, `val_loss`) and their
    /// values per epoch.
    public private(set) var names: [String] = []
    public private(set) var values: [String: [Double]] = [:]
    /// Per weight path (`dense/kernel`): the stats before the first epoch, then after each.
    public private(set) var weights: [String: [WeightStats]] = [:]
    public private(set) var weightOrder: [String] = []
    /// Per weight path with a regularizer: its penalty before the first epoch, then after each.
    public private(set) var penalties: [String: [Double]] = [:]
    /// The axes each weight's norms are taken over.
    public private(set) var normAxes: [String: [Int]] = [:]
    /// Epochs recorded.
    public var epochs: Int { values["loss"]?.count ?? 0 }

    /// A log holding `model`'s weights as they are before training.
    public init(start model: Model) throws {
        try record(model)
    }

    /// Whether `model`'s weights are the ones this log saw last (a following fit continues it).
    public func continues(_ model: Model) -> Bool {
        guard let now = try? TrainingLog(start: model), now.weightOrder == weightOrder else { return false }
        return weightOrder.allSatisfy { now.weights[$0]?.last == weights[$0]?.last }
    }

    /// Adds one finished epoch: its logs and the weights after it.
    public mutating func append(epoch logs: [(String, Double)], model: Model) throws {
        let before = epochs
        for (name, value) in logs {
            if values[name] == nil {
                names.append(name)
                names.sort()
                values[name] = [Double](repeating: .nan, count: before)
            }
            values[name]?.append(value)
        }
        for name in names where (values[name]?.count ?? 0) == before { values[name]?.append(.nan) }
        try record(model)
    }

    private mutating func record(_ model: Model) throws {
        for node in model.nodes {
            let specs = try model.weightSpecs(of: node)
            for (spec, w) in zip(specs, node.layer.weights) {
                let path = node.name + "/" + spec.name
                if weights[path] == nil { weightOrder.append(path) }
                let axes = spec.constraint?.normAxes(rank: w.rank) ?? Set(0..<max(1, w.rank - 1))
                normAxes[path] = axes.sorted()
                weights[path, default: []].append(Self.stats(w, axes: axes))
                if let r = spec.regularizer, node.layer.trainable {
                    penalties[path, default: []].append(try r.penalty(w))
                }
            }
        }
    }

    public static func stats(_ w: Tensor, axes: Set<Int>) -> WeightStats {
        var sum = 0.0, squares = 0.0, lo = Double.infinity, hi = -Double.infinity
        for v in w.scalars {
            let d = Double(v)
            sum += d; squares += d * d
            lo = Swift.min(lo, d); hi = Swift.max(hi, d)
        }
        let n = Double(Swift.max(1, w.count)), mean = sum / n
        return WeightStats(mean: mean, std: Swift.max(0, squares / n - mean * mean).squareRoot(), min: lo, max: hi,
                           norms: w.norms(reducing: axes).norms.map { Float($0) })
    }
}
