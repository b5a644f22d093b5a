import Layers
import Models
import TensorCore

/// Writes a model as the Keras 3 Python that builds it: the same layer names, arguments
/// and shapes. A chain becomes `keras.Sequential([...])`; a graph uses the functional API.
/// Only arguments that differ from Keras's defaults are written. Used by `keras` (and
/// meant for `export python`).
public enum KerasCode {
    public static func generate(_ model: Model) throws -> String {
        let sequential = model.kerasClass != "Functional" && model.isChain
        var body: [String] = []
        var imports: [String] = []
        func note(_ layer: any Layer) {
            imports += (layer.layerType?.pythonImports ?? []).filter { !imports.contains($0) }
        }
        if sequential {
            var items: [String] = []
            if let input = model.inputs.first { items.append(inputCall(input)) }
            for node in model.nodes {
                note(node.layer)
                items.append(try layerCall(node.layer))
            }
            body.append("model = keras.Sequential([")
            body += items.map { "    \($0)," }
            body.append("], name=\(Value.string(model.name).python))")
        } else {
            var variables: [String: String] = [:]
            var used: Set<String> = ["keras", "layers", "model", "np", "math", "x"]
            func variable(_ name: String) -> String {
                if let v = variables[name] { return v }
                var v = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
                if v.first?.isNumber == true { v = "_" + v }
                while used.contains(v) || PyParser.unsupportedStatements.contains(v) || PythonLine.keywords.contains(v)
                        || ["None", "True", "False", "in", "is", "not", "and", "or", "lambda", "as"].contains(v) { v += "_" }
                used.insert(v)
                variables[name] = v
                return v
            }
            for input in model.inputs { body.append("\(variable(input.name)) = \(inputCall(input))") }
            for node in model.nodes {
                note(node.layer)
                let sources = node.inbound.map(variable)
                guard !sources.isEmpty else { throw LabError("\(node.name) is not connected to an input, so it cannot be written as Keras code") }
                let argument = isMerge(node) ? "[" + sources.joined(separator: ", ") + "]" : sources.joined(separator: ", ")
                body.append("\(variable(node.name)) = \(try layerCall(node.layer))(\(argument))")
            }
            func list(_ names: [String]) -> String {
                names.count == 1 ? variable(names[0]) : "[" + names.map(variable).joined(separator: ", ") + "]"
            }
            body.append("model = keras.Model(inputs=\(list(model.inputs.map(\.name))), outputs=\(list(model.outputNames)), name=\(Value.string(model.name).python))")
        }
        var fit: [String] = []
        if let compilation = model.compilation {
            body.append(compileCall(compilation))
            // The session's last fit, for whoever continues in Keras with the same data.
            if let call = compilation.fitCall { fit = ["", "# x, y = ...  (the arrays LayerLab trained on)", "# " + call] }
        }
        return (["import keras"] + imports + ["", ""] + body + ["model.summary()"] + fit).joined(separator: "\n")
    }

    /// `model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mse', metrics=['accuracy'])`.
    static func compileCall(_ c: Compilation) -> String {
        var optimizer = "keras.optimizers." + c.optimizer.python
        for schedule in ["ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay", "PolynomialDecay", "InverseTimeDecay"] {
            optimizer = optimizer.replacingOccurrences(of: "=\(schedule)(", with: "=keras.optimizers.schedules.\(schedule)(")
        }
        var arguments = ["optimizer=\(optimizer)"]
        if c.loss != nil { arguments.append("loss=" + (c.lossText.hasSuffix(")") ? "keras.losses." + c.lossText : c.lossText)) }
        if !c.metrics.isEmpty { arguments.append("metrics=[" + c.metrics.map { Value.string($0).python }.joined(separator: ", ") + "]") }
        return "model.compile(" + arguments.joined(separator: ", ") + ")"
    }

    static func isMerge(_ node: LayerNode) -> Bool {
        node.inbound.count > 1 || node.layer.layerType?.takesInputList == true
    }

    static func inputCall(_ input: InputNode) -> String {
        let shape = Value.tuple(input.shape.map { .int($0) }).python
        return "keras.Input(shape=\(shape)" + (input.dtype == .float32 ? "" : ", dtype=\(Value.string(input.dtype.rawValue).python)")
            + ", name=\(Value.string(input.name).python))"
    }

    /// `keras.layers.Dense(512, activation='relu', name='dense')`.
    static func layerCall(_ layer: any Layer) throws -> String {
        let type = try LayerType.registry.get(layer.className)
        let parameters = type.signature.parameters
        let required = parameters.filter { $0.defaultValue == nil }.map(\.name)
        let config = layer.config
        // What Keras would have by default: the same layer made from its required arguments only.
        var seeds = SeedSource(seed: 0)
        let requiredArgs = config.filter { required.contains($0.key) }
        let baseline = (try? type.build(Arguments([], requiredArgs), seeds: &seeds).layer.config) ?? []
        var parts: [String] = []
        for p in parameters {
            guard let entry = config.first(where: { $0.key == p.name }) else { continue }
            if let source = type.pythonSource?(p.name, config) {
                parts.append(source)
                continue
            }
            if required.contains(p.name) {
                parts.append(python(entry.value))
                continue
            }
            if let b = baseline.first(where: { $0.key == p.name }), same(b.value, entry.value) { continue }
            if case .dict(let items) = entry.value, items.isEmpty { continue }
            parts.append("\(p.name)=\(python(entry.value))")
        }
        if !layer.trainable { parts.append("trainable=False") }
        parts.append("name=\(Value.string(layer.name).python)")
        return "keras.layers.\(type.className)(" + parts.joined(separator: ", ") + ")"
    }

    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        default: return a == b
        }
    }

    /// A config value as Python source: objects as constructor calls of their Keras module.
    static func python(_ v: Value) -> String {
        switch v {
        case .object(let o):
            let defaults = defaultsOf(o)
            let args = o.config.filter { k in
                guard let d = defaults[k.key] else { return k.value != .null }
                return !same(d, k.value)
            }
            return "\(o.module).\(o.className)(" + args.map { "\($0.key)=\(python($0.value))" }.joined(separator: ", ") + ")"
        case .tuple(let items):
            return items.count == 1 ? "(\(python(items[0])),)" : "(" + items.map(python).joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(python).joined(separator: ", ") + "]"
        case .dict(let items): return "{" + items.map { "\(Value.string($0.key).python): \(python($0.value))" }.joined(separator: ", ") + "}"
        default: return v.python
        }
    }

    /// The constructor defaults of an initializer, regularizer or constraint.
    static func defaultsOf(_ o: KerasObject) -> [String: Value] {
        let parameters: [Signature.Parameter]
        switch o.module {
        case "keras.initializers": parameters = InitializerType.registry.lookup(o.className)?.signature.parameters ?? []
        case "keras.regularizers": parameters = RegularizerType.registry.lookup(o.className)?.signature.parameters ?? []
        default: parameters = ConstraintType.registry.lookup(o.className)?.signature.parameters ?? []
        }
        var d: [String: Value] = [:]
        for p in parameters { if let v = p.defaultValue { d[p.name] = v } }
        return d
    }
}
