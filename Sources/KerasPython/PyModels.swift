import Layers
import Models
import TensorCore

/// `keras.Input`, `Sequential`, `Model`: the Python calls that make and change models.
extension PyEvaluator {
    /// `keras.Input(shape=(784,), name='x')`: a tensor, placed in a model when first used.
    mutating func makeInput(_ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let a = try bind("Input", [("shape", PyObject.none), ("batch_size", PyObject.none), ("dtype", PyObject.none), ("sparse", PyObject.none),
                                   ("batch_shape", PyObject.none), ("name", PyObject.none), ("tensor", PyObject.none), ("optional", .bool(false))], args, kwargs)
        for key in ["batch_size", "sparse", "batch_shape", "tensor"] {
            if case .none? = a[key] { continue }
            throw LabError("LayerLab does not support Input(\(key)=…)", suggestion: "give shape= (the sizes of one sample, without the batch)")
        }
        if case .bool(true)? = a["optional"] { throw LabError("LayerLab does not support Input(optional=True)") }
        guard let shapeValue = a["shape"] else { throw LabError("Input() needs shape=, a tuple such as (784,)") }
        if case .none = shapeValue { throw LabError("Input() needs shape=, a tuple such as (784,)") }
        return try makeInput(shape: shape(shapeValue, "Input shape"), a)
    }

    private mutating func makeInput(shape: [Int], _ a: [String: PyObject]) throws -> PyObject {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw LabError("Input shape must hold positive sizes, got \(Tensor.describe(shape))")
        }
        var dtype = DType.float32
        switch a["dtype"] {
        case .none?, nil: break
        case .string(let d)?:
            guard let t = DType(rawValue: d) else { throw LabError("Input: dtype '\(d)' is not supported", suggestion: "use 'float32' or 'int32'") }
            dtype = t
        case let v?: throw LabError("Input: dtype must be a string such as 'float32', got \(article(v.typeName))")
        }
        var name: String
        switch a["name"] {
        case .string(let n)?:
            guard isValidName(n) else { throw LabError("Input: name '\(n)' must be letters, digits, '_', '-' or '.'") }
            name = n
        case .none?, nil: name = state.autoName("input_layer", avoiding: Set(model.allNames))
        case let v?: throw LabError("Input: name must be a string, got \(article(v.typeName))")
        }
        if state.reservedNames.contains(name) { name = state.autoName(name, avoiding: Set(model.allNames)) }
        let id = state.newID()
        state.tensors[id] = PyTensorObject(name: name, serial: nil, shape: shape, dtype: dtype, isInput: true)
        return .tensor(id)
    }

    /// `Sequential()` or `Sequential([Input, Dense, …], name=…)`: a new current model.
    mutating func makeSequential(_ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let a = try bind("Sequential", [("layers", PyObject.none), ("trainable", .bool(true)), ("name", PyObject.none)], args, kwargs)
        if case .bool(false)? = a["trainable"] { throw LabError("LayerLab does not support Sequential(trainable=False)") }
        model = Model(seed: session.seed)
        model.kerasClass = "Sequential"
        model.serial = state.nextSerial
        state.nextSerial += 1
        model.customName = try modelName(a["name"], prefix: "sequential")
        changed = true
        switch a["layers"] {
        case .none?, nil: break
        case .list(let items)?, .tuple(let items)?:
            for item in items { try sequentialAdd(item) }
        case let v?: throw LabError("Sequential(layers=…) takes a list of layers, got \(article(v.typeName))")
        }
        return .model(model.serial)
    }

    mutating func modelName(_ v: PyObject?, prefix: String) throws -> String {
        switch v {
        case .string(let n)?:
            guard isValidName(n) else { throw LabError("a model name must be letters, digits, '_', '-' or '.', got '\(n)'") }
            return n
        case .none?, nil: return state.autoName(prefix, avoiding: [])
        case let v?: throw LabError("name must be a string, got \(article(v.typeName))")
        }
    }

    /// `model.add(layer)` on a Sequential model.
    mutating func sequentialAdd(_ item: PyObject) throws {
        switch item {
        case .tensor(let id):
            guard let t = state.tensors[id], t.isInput, t.serial == nil else {
                throw LabError("Sequential models take layers and keras.Input; this tensor is already in a model",
                               suggestion: "use the functional API: Model(inputs=…, outputs=…)")
            }
            guard model.isEmpty else {
                throw LabError(model.inputs.isEmpty ? "an Input must come first in a Sequential model" : "the Sequential model already has an input",
                               suggestion: "a Sequential model has one input, before its layers")
            }
            try model.setInput(shape: t.shape, name: t.name, dtype: t.dtype)
            state.tensors[id]?.serial = model.serial
        case .layer(let id):
            guard let object = state.layers[id] else { throw LabError("this layer no longer exists") }
            if let at = object.attached {
                throw LabError("LayerLab cannot add a layer twice: '\(at.name)' is already in a model", suggestion: "make a new layer")
            }
            if let shape = object.inputShape {
                if let existing = model.inputs.first {
                    guard existing.shape == shape else {
                        throw LabError("\(object.layer.name): input_shape \(Tensor.describe(shape)) differs from the model's input \(existing.outputShape)")
                    }
                } else {
                    guard model.nodes.isEmpty else { throw LabError("\(object.layer.name): input_shape is only for the first layer") }
                    try model.setInput(shape: shape, name: state.autoName("input_layer", avoiding: Set(model.allNames)))
                }
            }
            let node = try model.add(object.layer)
            state.layers[id]?.attached = (model.serial, node.name)
        default:
            throw LabError("The added layer must be an instance of class Layer. Received: \(article(item.typeName))")
        }
        changed = true
    }

    /// `Model(inputs=…, outputs=…, name=…)`: the current model becomes the graph between them.
    mutating func makeFunctional(_ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let a = try bind("Model", [("inputs", nil), ("outputs", nil), ("name", PyObject.none), ("trainable", .bool(true))], args, kwargs)
        if case .bool(false)? = a["trainable"] { throw LabError("LayerLab does not support Model(trainable=False)") }
        func tensors(_ v: PyObject?, _ what: String) throws -> [Int] {
            switch v {
            case .tensor(let id)?: return [id]
            case .list(let items)?, .tuple(let items)?:
                return try items.map {
                    guard case .tensor(let id) = $0 else { throw LabError("Model(\(what)=…) takes KerasTensors, got \(article($0.typeName))") }
                    return id
                }
            case let other?: throw LabError("Model(\(what)=…) takes a KerasTensor or a list of them, got \(article(other.typeName))")
            case nil: throw LabError("Model() missing required argument '\(what)'")
            }
        }
        let inputIDs = try tensors(a["inputs"], "inputs")
        let outputIDs = try tensors(a["outputs"], "outputs")
        try openWorkspace(for: inputIDs + outputIDs)
        let tensorTable = state.tensors
        let names = { (ids: [Int]) in ids.compactMap { tensorTable[$0]?.name } }
        var m = try model.subgraph(inputs: names(inputIDs), outputs: names(outputIDs))
        let old = model.serial
        m.kerasClass = "Functional"
        m.serial = state.nextSerial
        state.nextSerial += 1
        m.customName = try modelName(a["name"], prefix: "functional")
        for (k, t) in state.tensors where t.serial == old { state.tensors[k]?.serial = m.serial }
        for (k, l) in state.layers where l.attached?.serial == old { state.layers[k]?.attached?.serial = m.serial }
        model = m
        changed = true
        return .model(m.serial)
    }

    /// The model a `model` value refers to, if it is still the current one.
    func currentModel(_ serial: Int) throws -> Model {
        guard serial == model.serial else {
            throw LabError("this model is no longer the session's current model",
                           suggestion: "LayerLab keeps one model at a time; 'undo' brings earlier ones back")
        }
        return model
    }
}
