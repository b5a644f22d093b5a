import Layers
import Models
import TensorCore

/// What the interpreter needs of the shell that runs it — all it sees of it. The shell
/// (Shell's `Session`) runs each statement through `Python.run`, on copies of its
/// model and of the interpreter's state, and keeps them only if the statement succeeds.
public protocol PythonHost: AnyObject {
    /// The model statements start from (the interpreter changes a copy).
    var model: Model { get }
    /// The session's seed (fresh layers draw their weights from it).
    var seed: UInt64 { get }
    /// The terminal's width, for `model.summary()`.
    var width: Int { get }
    /// The session's stream for random data (`np.random…`, `predict` inputs).
    var dataGenerator: RandomGenerator { get set }
    /// The names of the shell's commands: a statement that starts with one is a command.
    var commandNames: [String] { get }
    /// Prints a line; `note` lines are dimmed at a terminal.
    func say(_ text: String)
    func note(_ text: String)
    /// A tensor's values as the shell previews them.
    func preview(_ t: Tensor) -> String
    /// `model.save('m.keras')`: what the `save` command does; returns its message.
    func saveModel(_ model: Model, to path: String, force: Bool) throws -> String
    /// `keras.utils.plot_model(model, …)`: what the `plot` command does, with its arguments.
    func plot(_ arguments: Arguments, of model: Model) throws
    /// `model.fit(x, y, …)`: what the `fit` command does (the shell's one training path:
    /// progress lines, Ctrl-C, a stop at a step that cannot be taken), on the statement's
    /// model, which the shell then records as one change (`undo`). Returns Keras's
    /// `History.history`: `loss` (and `val_loss`) per epoch completed.
    func fit(_ model: inout Model, feeds: [String: Tensor], targets: [String: Tensor], epochs: Int, batchSize: Int,
             shuffle: Bool, validationSplit: Double?) throws -> [(String, [Double])]
    /// Runs `body` with the output silenced (`verbose=0`).
    func quietly<T>(_ body: () throws -> T) rethrows -> T
}
