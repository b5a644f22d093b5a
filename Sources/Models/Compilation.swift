import Layers
import TensorCore

/// What `compile` set (Keras's model.compile): kept with the model, so `undo`, `history`
/// and the journal cover it like any other change.
public struct Compilation: Sendable, Equatable {
    public var optimizer: Optimizer
    /// The loss (nil: compiled without one, as Keras allows) and how it was written.
    public var loss: Loss?
    public var lossText: String
    /// Metric names as given (`accuracy`, `mae`, …).
    public var metrics: [String]
    /// The optimizer's variables (iterations, slots): a new compile starts them afresh, as
    /// Keras's compile makes a new optimizer.
    public var state = OptimizerState()
    /// The last fit as Keras Python (`model.fit(x, y, epochs=3, batch_size=16)`), for `export python`.
    public var fitCall: String?
    /// What the fits since this compile recorded, epoch by epoch (see `TrainingLog`).
    public var trainingLog: TrainingLog?

    public init(optimizer: Optimizer, loss: Loss?, lossText: String, metrics: [String]) {
        self.optimizer = optimizer
        self.loss = loss
        self.lossText = lossText
        self.metrics = metrics
    }

    /// `optimizer=Adam(learning_rate=0.01) loss='sparse_categorical_crossentropy' metrics=['accuracy']`.
    public var description: String {
        "optimizer=\(optimizer.python) loss=\(lossText)"
            + (metrics.isEmpty ? "" : " metrics=[" + metrics.map { "'\($0)'" }.joined(separator: ", ") + "]")
    }
}

extension Compilation {
    /// What `compile` and Python's `model.compile` take: the optimizer (default Keras's
    /// 'rmsprop'), the loss (None allowed) and metrics, each checked as Keras checks it.
    public static func make(optimizer: Value, loss: Value, metrics: Value) throws -> Compilation {
        Compilation(optimizer: try OptimizerType.make(optimizer == .null ? .string("rmsprop") : optimizer),
                    loss: loss == .null ? nil : try LossType.make(loss), lossText: loss.python, metrics: try metricNames(metrics))
    }

    /// The metrics compile takes by name: accuracy in its forms, and the losses' names.
    static func metricNames(_ value: Value) throws -> [String] {
        let items: [Value]
        switch value {
        case .null: return []
        case .list(let l), .tuple(let l): items = l
        default: items = [value]
        }
        let accuracies = ["accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"]
        return try items.map { item in
            guard case .string(let name) = item else {
                throw LabError("metrics are names such as 'accuracy' or 'mae', got \(item.python)")
            }
            if accuracies.contains(name) || LossType.registry.lookup(name) != nil { return name }
            throw LabError.unknown("metric", name, among: accuracies + LossType.registry.names)
        }
    }
}
