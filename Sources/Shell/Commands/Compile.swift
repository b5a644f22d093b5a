import Layers
import Models
import TensorCore

extension Commands {
    static let compile = Command(
        name: "compile", usage: "compile [optimizer=OPT] [loss=LOSS] [metrics=NAME | [NAME, …]]",
        summary: "choose the optimizer, loss and metrics training will use, with Keras's names and objects (model.compile)",
        examples: ["compile optimizer=sgd loss=mse",
                   "compile optimizer=Adam(learning_rate=0.01) loss=sparse_categorical_crossentropy metrics=accuracy",
                   "compile optimizer=SGD(learning_rate=0.1, momentum=0.9) loss=CategoricalCrossentropy(label_smoothing=0.1)",
                   "compile optimizer=RMSprop(learning_rate=ExponentialDecay(0.01, 1000, 0.9)) loss=BinaryCrossentropy(from_logits=True)"],
        details: "As in Keras, the optimizer defaults to 'rmsprop' and the loss may be left out. Optimizers, losses and "
            + "learning-rate schedules take Keras's arguments and defaults and are refused where Keras refuses them. "
            + "The choice is kept with the model ('summary' shows it; 'undo' takes it back); 'grads' differentiates the "
            + "loss and 'fit' trains with the optimizer."
    ) { inv, session in
        // Keras's positional order: compile(optimizer, loss, loss_weights, metrics, …).
        guard inv.values.count <= 2 else {
            throw LabError("compile takes optimizer and loss by position, the rest by name", suggestion: "usage: \(inv.command.usage)")
        }
        var given: [String: Value] = [:]
        for (key, value) in zip(["optimizer", "loss"], inv.values) { given[key] = value }
        for keyword in inv.keywords {
            guard ["optimizer", "loss", "metrics"].contains(keyword.key) else {
                throw LabError.unknown("compile argument", keyword.key, among: ["optimizer", "loss", "metrics"])
            }
            guard given[keyword.key] == nil else { throw LabError("compile got two values for \(keyword.key)") }
            given[keyword.key] = keyword.value
        }
        let compilation = try Compilation.make(optimizer: given["optimizer"] ?? .null, loss: given["loss"] ?? .null,
                                               metrics: given["metrics"] ?? .null)
        try session.change { $0.compilation = compilation }
        session.say("compiled: " + compilation.description)
    }
}
