import Layers
import Models
import TensorCore

/// What a Python name can hold. Layers and tensors live in tables of `PythonState`
/// (by id), so that copying the state copies them: a failed statement is rolled back.
indirect enum PyObject {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([PyObject])
    case list([PyObject])
    /// `keras`, `keras.layers`, `numpy`, `numpy.random`.
    case module(String)
    /// A callable by its qualified name: `keras.layers.Dense`, `numpy.zeros`, `keras.Model`.
    case function(String)
    /// An initializer, regularizer or constraint: the call that makes it (`RandomNormal(stddev=0.05)`).
    case kerasObject(family: String, Value)
    /// An activation function passed by name (`keras.activations.relu`).
    case activation(String)
    /// A layer object, attached to a model or not.
    case layer(Int)
    /// A symbolic tensor: an input, or a layer's output in a model.
    case tensor(Int)
    /// A model, by its serial number (the session keeps one current model).
    case model(Int)
    /// A NumPy array.
    case array(Tensor)
    /// A method bound to its receiver: `model.add`, `layer.get_weights`.
    case method(PyObject, String)
    /// A lambda's body in LayerLab's expression language.
    case lambda(String)
    /// A dict with string keys, in insertion order (`History.history`, `evaluate(return_dict=True)`).
    case dict([(String, PyObject)])
    /// What `model.fit` returns: Keras's `History` (`.history`, `.epoch`, `.params`).
    case history([(String, [Double])], params: [(String, PyObject)])

    var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .module: return "module"
        case .function, .activation: return "function"
        case .kerasObject(let f, _): return f
        case .layer: return "Layer"
        case .tensor: return "KerasTensor"
        case .model: return "Model"
        case .array: return "ndarray"
        case .method: return "method"
        case .lambda: return "function"
        case .dict: return "dict"
        case .history: return "History"
        }
    }
}

/// A layer object made by a call such as `Dense(8)`: built (its arguments checked) but
/// placed in a model only when it is added or called.
struct PyLayerObject {
    var layer: any Layer
    var inputShape: [Int]?
    /// The model (serial) and the name it has there, once attached.
    var attached: (serial: Int, name: String)?
}

/// A symbolic tensor: `keras.Input(...)` (placed in a model when first used) or a
/// layer's output in a model.
struct PyTensorObject {
    var name: String
    var serial: Int?
    /// For an input not yet placed: its shape and dtype.
    var shape: [Int]
    var dtype: DType
    var isInput: Bool
}

/// The interpreter's memory: variables, layer and tensor objects, and Keras's global
/// name counters (`dense`, `dense_1`, …, reset by `keras.backend.clear_session()`).
public struct PythonState {
    public init() {}

    /// `reset`: Keras's name counters start again.
    public mutating func resetNameCounters() { counters = [:] }

    var variables: [String: PyObject] = [:]
    var layers: [Int: PyLayerObject] = [:]
    var tensors: [Int: PyTensorObject] = [:]
    var counters: [String: Int] = [:]
    var nextID = 1
    var nextSerial = 1

    mutating func newID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// Names taken by objects not yet in a model.
    var reservedNames: Set<String> {
        Set(layers.values.filter { $0.attached == nil }.map(\.layer.name)
            + tensors.values.filter { $0.serial == nil }.map(\.name))
    }

    /// Keras's next auto name for a prefix (global counters), skipping names in use.
    mutating func autoName(_ prefix: String, avoiding used: Set<String>) -> String {
        let reserved = reservedNames
        while true {
            let n = counters[prefix, default: 0]
            counters[prefix] = n + 1
            let candidate = n == 0 ? prefix : "\(prefix)_\(n)"
            if !used.contains(candidate), !reserved.contains(candidate) { return candidate }
        }
    }
}
