import Models

/// The interpreter's entry point: one statement at a time, on copies.
public enum Python {
    /// What a statement did.
    public struct Outcome {
        /// The model after it (the host's own when `changedModel` is false).
        public var model: Model
        /// The statement changed the model: the host records it for `undo` and `history`.
        public var changedModel: Bool
        /// The statement changed the interpreter's names, objects or Keras's name
        /// counters: replaying a journal needs it even when the model is the same.
        public var changedState: Bool
    }

    /// Runs one statement (which may span several lines) of the Keras-Python subset.
    /// `state` is changed only when the statement succeeds; nil: the text was empty.
    public static func run(_ text: String, firstLine: Int = 1, state: inout PythonState, host: any PythonHost) throws -> Outcome? {
        guard let statement = try PyParser.parse(text, firstLine: firstLine) else { return nil }
        var evaluator = PyEvaluator(host, state: state)
        try evaluator.execute(statement)
        let old = state
        state = evaluator.state
        var changedState = true
        if case .expression = statement {
            changedState = state.nextID != old.nextID || state.nextSerial != old.nextSerial || state.counters != old.counters
        }
        return Outcome(model: evaluator.model, changedModel: evaluator.changed, changedState: changedState)
    }

    /// Parses a statement without running it (the fuzz target); throws what `run` would.
    public static func parse(_ text: String) throws { _ = try PyParser.parse(text) }

    /// Whether a statement is Python rather than one of the host's commands.
    public static func isPython(_ text: String, state: PythonState, commands: [String]) -> Bool {
        PythonLine.isPython(text, variables: state.variables, commands: commands)
    }
}
