import Layers
import Models
import TensorCore

extension PyEvaluator {
    /// Binds a call's arguments to a Python signature, with Python's messages.
    func bind(_ owner: String, _ parameters: [(String, PyObject?)], _ args: [PyObject],
              _ kwargs: [(String, PyObject)]) throws -> [String: PyObject] {
        let names = parameters.map(\.0)
        guard args.count <= parameters.count else {
            throw LabError("\(owner)() takes at most \(parameters.count) positional arguments but \(args.count) were given")
        }
        var bound: [String: PyObject] = [:]
        for (p, a) in zip(parameters, args) { bound[p.0] = a }
        for (k, v) in kwargs {
            guard names.contains(k) else {
                throw LabError("\(owner)() got an unexpected keyword argument '\(k)'",
                               suggestion: nearest(to: k, in: names).map { "did you mean '\($0)'?" } ?? "valid arguments: \(names.joined(separator: ", "))")
            }
            guard bound[k] == nil else { throw LabError("\(owner)() got multiple values for argument '\(k)'") }
            bound[k] = v
        }
        for (name, d) in parameters where bound[name] == nil {
            guard let d else { throw LabError("\(owner)() missing required argument '\(name)'") }
            bound[name] = d
        }
        return bound
    }

    mutating func call(_ f: PyObject, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        switch f {
        case .function(let q): return try callFunction(q, args, kwargs)
        case .method(let receiver, let name): return try callMethod(receiver, name, args, kwargs)
        case .layer(let id): return try callLayer(id, args, kwargs)
        case .model(let serial):
            _ = try currentModel(serial)
            return try predict(args, kwargs, owner: "Model")
        case .activation(let n):
            throw LabError("LayerLab does not apply activations to values at the prompt",
                           suggestion: "use it in a layer: activation='\(n)', or Activation('\(n)')")
        default:
            throw LabError("'\(f.typeName)' object is not callable")
        }
    }

    mutating func callFunction(_ q: String, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        switch q {
        case "print":
            guard kwargs.isEmpty else { throw LabError("print(): keyword arguments are not supported") }
            session.say(try args.map { try text($0) }.joined(separator: " "))
            return .none
        case "len":
            let a = try bind("len", [("obj", nil)], args, kwargs)
            switch a["obj"] {
            case .list(let l)?, .tuple(let l)?: return .int(l.count)
            case .string(let s)?: return .int(s.count)
            case .array(let t)?: return .int(t.shape.first ?? 0)
            case let v?: throw LabError("object of type '\(v.typeName)' has no len()")
            case nil: return .none
            }
        case "keras.Sequential": return try makeSequential(args, kwargs)
        case "keras.Model": return try makeFunctional(args, kwargs)
        case "keras.Input": return try makeInput(args, kwargs)
        case "keras.backend.clear_session":
            _ = try bind("clear_session", [], args, kwargs)
            state.counters = [:]
            return .none
        default: break
        }
        if q.hasPrefix("numpy.") { return try numpy(q, args, kwargs) }
        let parts = q.split(separator: ".").map(String.init)
        guard parts.count == 3, let name = parts.last else { throw LabError("LayerLab cannot call \(q)") }
        switch parts[1] {
        case "layers":
            if name.first?.isLowercase == true { return try mergeHelper(name, args, kwargs) }
            return try constructLayer(name, args, kwargs)
        case "initializers", "regularizers", "constraints":
            var positional: [Value] = []
            for a in args { positional.append(try value(a, for: name)) }
            var keywords: [Keyword] = []
            for (k, v) in kwargs { keywords.append(Keyword(k, try value(v, for: k))) }
            let made = Value.call(name, Arguments(positional, keywords))
            let family = String(parts[1].dropLast())
            try PyEvaluator.check(made, family: family)
            return .kerasObject(family: family, made)
        default:
            throw LabError("LayerLab cannot call \(q)")
        }
    }

    /// Makes the object once, so that a bad argument is reported where it is written.
    static func check(_ v: Value, family: String) throws {
        switch family {
        case "initializer":
            var seeds = SeedSource(seed: 0)
            _ = try InitializerType.make(v, seeds: &seeds)
        case "regularizer": _ = try RegularizerType.make(v, role: "regularizer")
        default: _ = try ConstraintType.make(v, role: "constraint")
        }
    }

    /// The Keras object's config, as `show` prints it: `RandomNormal(seed=None, mean=0.0, stddev=0.05)`.
    static func kerasObjectText(_ v: Value, family: String) -> String {
        var seeds = SeedSource(seed: 0)
        switch family {
        case "initializer": if let i = try? InitializerType.make(v, seeds: &seeds) { return Value.object(i.object).python }
        case "regularizer": if let r = try? RegularizerType.make(v, role: "regularizer") { return Value.object(r.object).python }
        default: if let c = try? ConstraintType.make(v, role: "constraint") { return Value.object(c.object).python }
        }
        return v.python
    }

    // MARK: - Layers

    /// `Dense(8, activation='relu')`: positional arguments bind in Keras's order, then the
    /// layer is made through the registry, exactly as `add` makes it.
    mutating func constructLayer(_ name: String, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let type = try LayerType.registry.get(name)
        let parameters = type.signature.parameters
        guard args.count <= parameters.count else {
            throw LabError("\(type.className)() takes at most \(parameters.count) positional argument\(parameters.count == 1 ? "" : "s") but \(args.count) were given",
                           suggestion: "give the others as keyword arguments: \(parameters.map(\.name).joined(separator: ", "))")
        }
        var keywords: [Keyword] = []
        for (p, a) in zip(parameters, args) { keywords.append(Keyword(p.name, try value(a, for: p.name))) }
        for (k, v) in kwargs { keywords.append(Keyword(k, try value(v, for: k))) }
        var seeds = model.seeds
        var (layer, inputShape) = try type.build(Arguments([], keywords), seeds: &seeds)
        model.seeds = seeds
        if layer.name.isEmpty {
            layer.name = state.autoName(snakeCase(layer.className), avoiding: Set(model.allNames))
        }
        let id = state.newID()
        state.layers[id] = PyLayerObject(layer: layer, inputShape: inputShape, attached: nil)
        return .layer(id)
    }

    /// `layers.add([a, b])`, `layers.concatenate([a, b], axis=-1)`: the layer, called at once.
    mutating func mergeHelper(_ name: String, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        guard let inputs = args.first ?? kwargs.first(where: { $0.0 == "inputs" })?.1 else {
            throw LabError("\(name)() missing required argument 'inputs'")
        }
        let layer = try constructLayer(name, Array(args.dropFirst()), kwargs.filter { $0.0 != "inputs" })
        guard case .layer(let id) = layer else { return layer }
        return try callLayer(id, [inputs], [])
    }

    /// `Dense(8)(x)`, `Add()([a, b])`: adds the layer to the model, reading the tensors given.
    mutating func callLayer(_ id: Int, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        guard let object = state.layers[id] else { throw LabError("this layer no longer exists") }
        if let (k, _) = kwargs.first {
            throw LabError("LayerLab does not support calling a layer with \(k)=", suggestion: "call it on its input only: layer(x)")
        }
        guard args.count == 1, let input = args.first else {
            throw LabError("\(object.layer.className) must be called on one tensor or a list of tensors, got \(args.count) arguments")
        }
        var ids: [Int] = []
        switch input {
        case .tensor(let t): ids = [t]
        case .list(let items), .tuple(let items):
            for item in items {
                guard case .tensor(let t) = item else {
                    throw LabError("\(object.layer.name) can only be called on KerasTensors (from keras.Input or a layer), got \(article(item.typeName))")
                }
                ids.append(t)
            }
        case .array:
            throw LabError("LayerLab does not call layers on NumPy arrays",
                           suggestion: "build a model and use model.predict(x), or 'forward' to run it")
        default:
            throw LabError("\(object.layer.name) can only be called on a KerasTensor (from keras.Input or a layer), got \(article(input.typeName))")
        }
        if let at = object.attached {
            throw LabError("LayerLab cannot share a layer: '\(at.name)' is already used in the model",
                           suggestion: "make a new layer for each call")
        }
        try openWorkspace(for: ids)
        let from = ids.compactMap { state.tensors[$0]?.name }
        let node = try model.add(object.layer, from: from)
        changed = true
        state.layers[id]?.attached = (model.serial, node.name)
        let tid = state.newID()
        state.tensors[tid] = PyTensorObject(name: node.name, serial: model.serial, shape: node.outputShape?.sample ?? [],
                                            dtype: .float32, isInput: false)
        return .tensor(tid)
    }

    /// Functional calls build in the current model. A model made by `Sequential()` or
    /// `Model(…)` is finished: calls on its tensors continue in a copy (a new model),
    /// and calls on fresh inputs only start a new, empty one.
    mutating func openWorkspace(for ids: [Int]) throws {
        for id in ids {
            guard let t = state.tensors[id] else { throw LabError("this tensor no longer exists") }
            if let s = t.serial, s != model.serial || (model.input(named: t.name) == nil && model.node(named: t.name) == nil) {
                throw LabError("the tensor '\(t.name)' belongs to a model that is no longer the current one",
                               suggestion: "LayerLab keeps one model at a time; build the whole graph before calling Model(…)")
            }
        }
        if model.kerasClass != nil {
            let old = model.serial
            let placed = ids.contains { state.tensors[$0]?.serial != nil }
            if !placed { model = Model(seed: session.seed) }
            model.kerasClass = nil
            model.customName = nil
            model.serial = state.nextSerial
            state.nextSerial += 1
            for (k, t) in state.tensors where t.serial == old && placed { state.tensors[k]?.serial = model.serial }
            changed = true
        }
        for id in ids {
            guard let t = state.tensors[id], t.serial == nil else { continue }
            try model.setInput(shape: t.shape, name: t.name, dtype: t.dtype)
            state.tensors[id]?.serial = model.serial
            changed = true
        }
    }

    // MARK: - Inputs and models

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
