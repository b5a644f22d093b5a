import Layers
import Models
import TensorCore
import Text

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
            case .dict(let d)?: return .int(d.count)
            case .array(let t)?: return .int(t.shape.first ?? 0)
            case let v?: throw LabError("object of type '\(v.typeName)' has no len()")
            case nil: return .none
            }
        case "keras.Sequential": return try makeSequential(args, kwargs)
        case "keras.Model": return try makeFunctional(args, kwargs)
        case "keras.Input": return try makeInput(args, kwargs)
        case "keras.utils.plot_model":
            // plot_model(model, to_file='model.png', show_shapes=False, …), as the `plot` command draws it.
            guard case .model(let serial)? = args.first ?? kwargs.first(where: { $0.0 == "model" })?.1 else {
                throw LabError("plot_model() needs the model first", suggestion: "plot_model(model, to_file='model.png', show_shapes=True)")
            }
            let drawn = try currentModel(serial)
            var positional: [Value] = []
            for a in args.dropFirst() { positional.append(try value(a, for: "to_file")) }
            var keywords: [Keyword] = []
            for (k, v) in kwargs where k != "model" { keywords.append(Keyword(k, try value(v, for: k))) }
            try session.plot(Arguments(positional, keywords), of: drawn)
            return .none
        case "keras.backend.clear_session":
            _ = try bind("clear_session", [], args, kwargs)
            state.counters = [:]
            return .none
        default: break
        }
        if q.hasPrefix("numpy.") { return try numpy(q, args, kwargs) }
        // An optimizer, loss or learning-rate schedule object: the call itself, as compile takes it.
        if q.hasPrefix("keras.optimizers.") || q.hasPrefix("keras.losses.") {
            let name = String(q.split(separator: ".").last ?? "")
            var positional: [Value] = []
            for a in args { positional.append(try value(a, for: name)) }
            var keywords: [Keyword] = []
            for (k, v) in kwargs { keywords.append(Keyword(k, try value(v, for: k))) }
            let made = Value.call(name, Arguments(positional, keywords))
            let family = q.hasPrefix("keras.losses.") ? "loss" : q.hasPrefix("keras.optimizers.schedules.") ? "schedule" : "optimizer"
            try PyEvaluator.check(made, family: family)
            return .kerasObject(family: family, made)
        }
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
        case "optimizer": _ = try OptimizerType.make(v)
        case "loss": _ = try LossType.make(v)
        case "schedule": _ = try OptimizerType.make(.call("SGD", Arguments([], [Keyword("learning_rate", v)])))
        default: _ = try ConstraintType.make(v, role: "constraint")
        }
    }

    /// The Keras object's config, as `show` prints it: `RandomNormal(seed=None, mean=0.0, stddev=0.05)`.
    static func kerasObjectText(_ v: Value, family: String) -> String {
        var seeds = SeedSource(seed: 0)
        switch family {
        case "initializer": if let i = try? InitializerType.make(v, seeds: &seeds) { return Value.object(i.object).python }
        case "regularizer": if let r = try? RegularizerType.make(v, role: "regularizer") { return Value.object(r.object).python }
        case "optimizer": if let o = try? OptimizerType.make(v) { return o.python }
        case "loss", "schedule": return v.python
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
}
