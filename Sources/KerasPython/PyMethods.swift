import Foundation
import Layers
import Models
import TensorCore
import Text

extension PyEvaluator {
    static let modelAttributes = ["add", "summary", "get_weights", "predict", "save", "compile", "layers", "inputs", "outputs", "input",
                                  "output", "input_shape", "output_shape", "name", "count_params", "get_layer",
                                  "fit", "evaluate", "train_on_batch", "test_on_batch", "predict_on_batch"]
    /// Real Keras model methods LayerLab does not have: they are named in the error.
    static let trainingMethods = ["save_weights", "load_weights", "to_json", "get_config", "set_weights",
                                  "pop", "build", "call", "fit_generator", "export", "quantize", "optimizer", "loss"]
    static let layerAttributes = ["get_weights", "count_params", "name", "output", "input", "weights", "kernel", "bias",
                                  "trainable", "built", "output_shape"]

    mutating func attribute(_ base: PyObject, _ name: String) throws -> PyObject {
        switch base {
        case .module(let m):
            let object = try KerasModules.resolve(m, name)
            if let note = KerasModules.note(m, name) { session.note(note) }
            return object
        case .model(let serial):
            let m = try currentModel(serial)
            let cls = m.kerasClass ?? "Model"
            switch name {
            case "layers": return .list(try modelLayers())
            case "name": return .string(m.name)
            case "inputs": return .list(try m.inputs.map { try tensorObject(named: $0.name) })
            case "outputs": return .list(try m.outputNames.map { try tensorObject(named: $0) })
            case "input":
                guard m.inputs.count == 1, let only = m.inputs.first else {
                    throw LabError(m.inputs.isEmpty ? "the model has no input yet" : "the model has several inputs; use model.inputs")
                }
                return try tensorObject(named: only.name)
            case "output":
                guard m.outputNames.count == 1, let only = m.outputNames.first else { throw LabError("the model has several outputs; use model.outputs") }
                return try tensorObject(named: only)
            case "input_shape":
                guard !m.inputs.isEmpty else { throw LabError("the model has no input yet") }
                let shapes = m.inputs.map { PyObject.shapeTuple($0.outputShape) }
                return shapes.count == 1 ? shapes[0] : .list(shapes)
            case "output_shape":
                let shapes = try m.outputNames.map { name -> PyObject in
                    guard let s = m.shape(of: name) else { throw LabError("the model is not built yet: give it an input") }
                    return PyObject.shapeTuple(s)
                }
                return shapes.count == 1 ? shapes[0] : .list(shapes)
            case "add":
                guard m.kerasClass != "Functional" else { throw LabError("'Functional' object has no attribute 'add'") }
                return .method(base, name)
            case "summary", "get_weights", "predict", "count_params", "get_layer", "save", "compile",
                 "fit", "evaluate", "train_on_batch", "test_on_batch", "predict_on_batch": return .method(base, name)
            default:
                if Self.trainingMethods.contains(name) { throw Self.missingMethod(name) }
                throw LabError("'\(cls)' object has no attribute '\(name)'",
                               suggestion: nearest(to: name, in: Self.modelAttributes).map { "did you mean '\($0)'?" })
            }
        case .layer(let id):
            guard let object = state.layers[id] else { throw LabError("this layer no longer exists") }
            let node = try attachedNode(object)
            switch name {
            case "name": return .string(node?.name ?? object.layer.name)
            case "trainable": return .bool(object.layer.trainable)
            case "built": return .bool(node?.outputShape != nil)
            case "get_weights", "count_params": return .method(base, name)
            case "adapt" where object.layer is Normalization: return .method(base, name)
            case "weights": return .list((node?.layer.weights ?? object.layer.weights).map { .array($0) })
            case "kernel", "bias":
                guard let node else { throw LabError("\(object.layer.name) is not built yet: add it to a model with an input") }
                let specs = try model.weightSpecs(of: node)
                guard let i = specs.firstIndex(where: { $0.name == name }), i < node.layer.weights.count else {
                    throw LabError("'\(object.layer.className)' object has no attribute '\(name)'")
                }
                return .array(node.layer.weights[i])
            case "output", "output_shape":
                guard let node else { throw LabError("\(object.layer.name) has no output yet: it is not in a model") }
                if name == "output_shape" {
                    guard let s = node.outputShape else { throw LabError("\(node.name) is not built yet") }
                    return PyObject.shapeTuple(s)
                }
                return try tensorObject(named: node.name)
            case "input":
                guard let node, node.inbound.count == 1, let source = node.inbound.first else {
                    throw LabError("\(object.layer.name) has \(node == nil ? "no input yet" : "several inputs")")
                }
                return try tensorObject(named: source)
            default:
                throw LabError("'\(object.layer.className)' object has no attribute '\(name)'",
                               suggestion: nearest(to: name, in: Self.layerAttributes).map { "did you mean '\($0)'?" })
            }
        case .tensor(let id):
            guard let t = state.tensors[id] else { throw LabError("this tensor no longer exists") }
            switch name {
            case "shape":
                if t.serial == nil { return PyObject.shapeTuple(Shape(batchOf: t.shape)) }
                guard let s = model.shape(of: t.name) else { throw LabError("'\(t.name)' is not built yet") }
                return PyObject.shapeTuple(s)
            case "dtype": return .string(t.dtype.rawValue)
            case "name": return .string(t.name)
            default: throw LabError("'KerasTensor' object has no attribute '\(name)'",
                                    suggestion: nearest(to: name, in: ["shape", "dtype", "name"]).map { "did you mean '\($0)'?" })
            }
        case .array(let t):
            switch name {
            case "shape": return .tuple(t.shape.map { .int($0) })
            case "ndim": return .int(t.rank)
            case "size": return .int(t.count)
            case "dtype": return .string(t.dtype.rawValue)
            default: throw LabError("LayerLab's arrays have shape, ndim, size and dtype, not '\(name)'")
            }
        case .history(let logs, let params):
            switch name {
            case "history": return .dict(logs.map { ($0.0, .list($0.1.map { .float($0) })) })
            case "epoch": return .list((0..<(logs.first?.1.count ?? 0)).map { .int($0) })
            case "params": return .dict(params)
            default: throw LabError("'History' object has no attribute '\(name)'",
                                    suggestion: nearest(to: name, in: ["history", "epoch", "params"]).map { "did you mean '\($0)'?" })
            }
        case .dict(let entries):
            switch name {
            case "keys", "values", "items": return .method(base, name)
            default: throw LabError("'dict' object has no attribute '\(name)'")
            }
        default:
            throw LabError("'\(base.typeName)' object has no attribute '\(name)'")
        }
    }

    /// A Keras model method LayerLab lacks: what it has instead.
    static func missingMethod(_ name: String) -> LabError {
        switch name {
        case "fit_generator":
            return LabError("'\(name)' was removed in Keras 3", suggestion: "model.fit(x, y) trains on arrays")
        case "optimizer", "loss":
            return LabError("LayerLab does not have model.\(name)", suggestion: "model.compile(optimizer=…, loss=…) sets it; 'summary' shows it")
        case "save_weights", "load_weights":
            return LabError("LayerLab does not have model.\(name)",
                            suggestion: "'\(name == "save_weights" ? "save" : "load") FILE.npz' \(name == "save_weights" ? "writes" : "reads") every weight; model.save('m.keras') saves the whole model")
        case "to_json", "get_config":
            return LabError("LayerLab does not have model.\(name)", suggestion: "'export json FILE.json' writes the model's to_json(); 'show' prints each layer's config")
        case "set_weights":
            return LabError("LayerLab does not have model.set_weights", suggestion: "'weights LAYER/WEIGHT --load FILE.npy' or 'load FILE.npz' set weights")
        default:
            return LabError("LayerLab does not have model.\(name)", suggestion: "docs/python.md lists what it runs")
        }
    }

    /// The node a layer object stands for in the current model (nil: not attached yet).
    func attachedNode(_ object: PyLayerObject) throws -> LayerNode? {
        guard let at = object.attached else { return nil }
        guard at.serial == model.serial, let node = model.node(named: at.name) else {
            throw LabError("the layer '\(at.name)' is in a model that is no longer the current one",
                           suggestion: "LayerLab keeps one model at a time; 'undo' brings earlier ones back")
        }
        return node
    }

    /// A tensor object for an input or layer output of the current model.
    mutating func tensorObject(named name: String) throws -> PyObject {
        if let (id, _) = state.tensors.first(where: { $0.value.name == name && $0.value.serial == model.serial }) {
            return .tensor(id)
        }
        let id = state.newID()
        let isInput = model.input(named: name) != nil
        state.tensors[id] = PyTensorObject(name: name, serial: model.serial, shape: model.shape(of: name)?.sample ?? [],
                                           dtype: model.input(named: name)?.dtype ?? .float32, isInput: isInput)
        return .tensor(id)
    }

    /// `model.layers`: a Sequential's layers; a functional model's inputs and layers.
    mutating func modelLayers() throws -> [PyObject] {
        var result: [PyObject] = []
        if model.kerasClass == "Functional" || (model.kerasClass == nil && !model.isChain) {
            for input in model.inputs { result.append(try tensorObject(named: input.name)) }
        }
        for node in model.nodes { result.append(layerObject(for: node)) }
        return result
    }

    mutating func layerObject(for node: LayerNode) -> PyObject {
        if let (id, _) = state.layers.first(where: { $0.value.attached?.serial == model.serial && $0.value.attached?.name == node.name }) {
            return .layer(id)
        }
        let id = state.newID()
        state.layers[id] = PyLayerObject(layer: node.layer, inputShape: nil, attached: (model.serial, node.name))
        return .layer(id)
    }

    // MARK: - Methods

    mutating func callMethod(_ receiver: PyObject, _ name: String, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        switch receiver {
        case .model(let serial):
            let m = try currentModel(serial)
            switch name {
            case "add":
                let a = try bind("add", [("layer", nil), ("rebuild", .bool(true))], args, kwargs)
                try sequentialAdd(a["layer"] ?? .none)
                return .none
            case "summary":
                let a = try bind("summary", [("line_length", PyObject.none), ("positions", PyObject.none), ("print_fn", PyObject.none),
                                             ("expand_nested", .bool(false)), ("show_trainable", .bool(false)),
                                             ("layer_range", PyObject.none)], args, kwargs)
                var lineLength: Int?
                if let v = a["line_length"], case .int(let n) = v { lineLength = n }
                for key in ["positions", "print_fn", "layer_range"] {
                    if case .none? = a[key] { continue }
                    throw LabError("LayerLab's model.summary() does not support \(key)=", suggestion: "it takes line_length=")
                }
                for key in ["expand_nested", "show_trainable"] {
                    if case .bool(false)? = a[key] { continue }
                    throw LabError("LayerLab's model.summary() does not support \(key)=", suggestion: "it takes line_length=")
                }
                session.say(try KerasSummary.render(m, terminalColumns: session.width, lineLength: lineLength))
                return .none
            case "get_weights":
                _ = try bind("get_weights", [], args, kwargs)
                return .list(m.nodes.flatMap { $0.layer.weights.map { PyObject.array($0) } })
            case "count_params":
                _ = try bind("count_params", [], args, kwargs)
                return .int(m.parameterCount)
            case "get_layer":
                let a = try bind("get_layer", [("name", PyObject.none), ("index", PyObject.none)], args, kwargs)
                if case .string(let n)? = a["name"] {
                    guard let node = m.node(named: n) else {
                        if m.input(named: n) != nil { return try tensorObject(named: n) }
                        throw LabError("No such layer: \(n)", suggestion: nearest(to: n, in: m.allNames).map { "did you mean '\($0)'?" })
                    }
                    return layerObject(for: node)
                }
                if case .int(let i)? = a["index"] { return try subscriptValue(.list(try modelLayers()), .int(i)) }
                throw LabError("get_layer() needs name= or index=")
            case "predict", "predict_on_batch": return try predict(args, kwargs, owner: name)
            case "fit": return try fit(args, kwargs)
            case "evaluate", "test_on_batch": return try evaluate(name, args, kwargs)
            case "train_on_batch": return try trainOnBatch(args, kwargs)
            case "compile":
                // Keras 3: compile(optimizer='rmsprop', loss=None, loss_weights=None, metrics=None, …), as the
                // `compile` command takes it; kept with the model (undo, journal).
                let a = try bind("compile", [("optimizer", .string("rmsprop")), ("loss", PyObject.none), ("loss_weights", PyObject.none),
                                             ("metrics", PyObject.none), ("weighted_metrics", PyObject.none), ("run_eagerly", .bool(false)),
                                             ("steps_per_execution", .int(1)), ("jit_compile", .string("auto")),
                                             ("auto_scale_loss", .bool(true))], args, kwargs)
                for key in ["loss_weights", "weighted_metrics"] {
                    if case PyObject.none? = a[key] { continue }
                    throw LabError("LayerLab's model.compile does not take \(key)= yet", suggestion: "leave it out")
                }
                let compilation = try Compilation.make(optimizer: value(a["optimizer"] ?? .none, for: "optimizer"),
                                                       loss: value(a["loss"] ?? .none, for: "loss"),
                                                       metrics: value(a["metrics"] ?? .none, for: "metrics"))
                model.compilation = compilation
                changed = true
                session.note("compiled: " + compilation.description)
                return .none
            case "save":
                // Keras 3: save(filepath, overwrite=True, zipped=None); LayerLab writes what the `save` command writes.
                let a = try bind("save", [("filepath", nil), ("overwrite", .bool(true)), ("zipped", PyObject.none)], args, kwargs)
                guard case .string(let path)? = a["filepath"] else {
                    throw LabError("model.save() takes a file name such as 'model.keras'")
                }
                if case .bool(false)? = a["zipped"] { throw LabError("LayerLab writes zipped .keras files only", suggestion: "leave zipped= out") }
                guard (path as NSString).pathExtension.lowercased() == "keras" else {
                    throw LabError("model.save writes a .keras file, not '\(path)'",
                                   suggestion: "model.save('\(((path as NSString).lastPathComponent as NSString).deletingPathExtension).keras'); 'save FILE.npz' writes the weights")
                }
                var overwrite = true
                if case .bool(let b)? = a["overwrite"] { overwrite = b }
                session.say(try session.saveModel(m, to: path, force: overwrite))
                return .none
            default: throw LabError("'\(m.kerasClass ?? "Model")' object has no attribute '\(name)'")
            }
        case .layer(let id):
            guard let object = state.layers[id] else { throw LabError("this layer no longer exists") }
            let node = try attachedNode(object)
            switch name {
            case "get_weights":
                _ = try bind("get_weights", [], args, kwargs)
                return .list((node?.layer.weights ?? []).map { .array($0) })
            case "count_params":
                _ = try bind("count_params", [], args, kwargs)
                guard let node, node.outputShape != nil else {
                    throw LabError("You tried to call `count_params` on layer '\(object.layer.name)', but the layer isn't built.")
                }
                return .int(node.layer.parameterCount)
            case "adapt":
                // Normalization.adapt(data) on one NumPy array: mean and variance over the reduced axes.
                let a = try bind("adapt", [("data", nil), ("batch_size", PyObject.none), ("steps", PyObject.none)], args, kwargs)
                guard case .array(let data)? = a["data"] else {
                    throw LabError("LayerLab's adapt(data) takes one NumPy array", suggestion: "datasets and lists of batches are not supported")
                }
                guard var layer = (node?.layer ?? object.layer) as? Normalization else {
                    throw LabError("'\(object.layer.className)' object has no attribute 'adapt'")
                }
                let values = try layer.adaptedWeights(data)
                if let node {
                    for (weight, value) in zip(["mean", "variance", "count"], values) {
                        try model.setWeight(layer: node.name, weight: weight, to: value)
                    }
                    changed = true
                } else {
                    layer.weights = values
                    state.layers[id]?.layer = layer
                }
                return .none
            default: throw LabError("'\(object.layer.className)' object has no attribute '\(name)'")
            }
        case .dict(let entries):
            _ = try bind(name, [], args, kwargs)
            switch name {
            case "keys": return .list(entries.map { .string($0.0) })
            case "values": return .list(entries.map(\.1))
            default: return .list(entries.map { .tuple([.string($0.0), $0.1]) })
            }
        default:
            throw LabError("'\(receiver.typeName)' object has no method '\(name)'")
        }
    }

    /// `model.predict(x)`: the model's forward pass on one array per input.
    mutating func predict(_ args: [PyObject], _ kwargs: [(String, PyObject)], owner: String) throws -> PyObject {
        let a = try bind(owner, [("x", nil), ("batch_size", PyObject.none), ("verbose", .string("auto")), ("training", .bool(false))], args, kwargs)
        var training = false
        if case .bool(let b)? = a["training"] { training = b }
        var arrays: [Tensor] = []
        switch a["x"] {
        case .array(let t)?: arrays = [t]
        case .list(let items)?, .tuple(let items)?:
            arrays = try items.map {
                guard case .array(let t) = $0 else { throw LabError("\(owner)(x=…) takes NumPy arrays, got \(article($0.typeName))") }
                return t
            }
        case let v?: throw LabError("\(owner)(x=…) takes a NumPy array (np.zeros, np.random.rand, …), got \(article(v.typeName))")
        case nil: break
        }
        let feeds = try feedsFor(arrays, owner: owner)
        let outputs = try model.forward(feeds, training: training, random: &session.dataGenerator)
        let values = outputs.map { PyObject.array($0.value) }
        return values.count == 1 ? values[0] : .list(values)
    }

    /// One array per model input as the forward pass's feeds. Keras builds a Sequential
    /// without an input on its first call, from the data (the model then changes).
    mutating func feedsFor(_ arrays: [Tensor], owner: String) throws -> [String: Tensor] {
        // Keras builds a Sequential without an input on its first call, from the data:
        // the input is one sample's shape (the array's shape without the batch axis).
        if model.inputs.isEmpty, model.kerasClass == "Sequential", model.nodes.isEmpty {
            throw LabError("Sequential model \(model.name) cannot be built because it has no layers. Call `model.add(layer)`.")
        }
        if model.inputs.isEmpty, !model.nodes.isEmpty, model.isChain, arrays.count == 1, let t = arrays.first {
            guard t.rank >= 2 else {
                throw LabError("\(owner): the model has no input yet, and a \(t.rank)-d array has no sample shape to build it from",
                               suggestion: "give a batch: an array whose first axis is the batch, such as np.zeros((1, 16))")
            }
            try model.setInput(shape: Array(t.shape.dropFirst()), name: state.autoName("input_layer", avoiding: Set(model.allNames)),
                               dtype: t.dtype)
            changed = true
        }
        guard arrays.count == model.inputs.count else {
            throw LabError("the model has \(model.inputs.count) input\(model.inputs.count == 1 ? "" : "s"), \(owner) got \(arrays.count) array\(arrays.count == 1 ? "" : "s")")
        }
        var feeds: [String: Tensor] = [:]
        for (input, t) in zip(model.inputs, arrays) {
            if input.shape.count + 1 != t.rank, input.shape == t.shape {
                throw LabError("\(input.name): expected a batch of shape \(input.outputShape), got \(Tensor.describe(t.shape))",
                               suggestion: "add the batch axis: np.zeros((1, \(input.shape.map(String.init).joined(separator: ", "))\(input.shape.count == 1 ? "," : "")))")
            }
            feeds[input.name] = t
        }
        return feeds
    }
}

extension PyObject {
    /// `(None, 784)` as a Python tuple.
    static func shapeTuple(_ s: Shape) -> PyObject {
        .tuple(s.dims.map { $0.map { PyObject.int($0) } ?? .none })
    }
}
