import KerasPython
import Layers
import Models
import TensorCore

extension Commands {
    static let keras = Command(
        name: "keras", usage: "keras",
        summary: "the model so far as the Keras Python that builds it (same names, arguments and shapes)",
        examples: ["keras"],
        details: """
        Prints a script for Keras 3: imports, the model (keras.Sequential for a chain, the
        functional API for a graph) with every argument that differs from Keras's default,
        and model.summary(). Keras Python can also be typed at the prompt: docs/python.md.
        """
    ) { inv, session in
        try inv.noArguments()
        guard !session.model.isEmpty else {
            throw LabError("the model is empty", suggestion: "build one first: 'input 16', 'add dense 8 relu' (or type Keras Python)")
        }
        session.say(try KerasCode.generate(session.model))
    }
}
