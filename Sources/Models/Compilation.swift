import Layers

/// What `compile` set (Keras's model.compile): kept with the model, so `undo`, `history`
/// and the journal cover it like any other change.
public struct Compilation: Sendable, Equatable {
    public var optimizer: Optimizer
    /// The loss (nil: compiled without one, as Keras allows) and how it was written.
    public var loss: Loss?
    public var lossText: String
    /// Metric names as given (`accuracy`, `mae`, …).
    public var metrics: [String]

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
