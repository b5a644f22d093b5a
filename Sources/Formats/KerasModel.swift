import Layers
import Models
import TensorCore

/// Keras 3's model config (`model.to_json()`), written and read.
public enum KerasModel {
    static let dtypePolicy = JSON.kerasObject(module: "keras", className: "DTypePolicy", config: .object([("name", .string("float32"))]))

    /// Layers Keras 3 does not have: saving them would give a file Keras cannot open.
    static func checkSavable(_ model: Model) throws {
        for node in model.nodes {
            if let (reason, suggestion) = node.layer.layerType?.unsavable {
                throw LabError("\(node.name) (\(node.layer.className)) \(reason)", suggestion: suggestion)
            }
        }
    }

    static func shapeJSON(_ s: Shape) -> JSON { .array(s.dims.map { $0.map(JSON.int) ?? .null }) }

    static func layerConfig(_ layer: any Layer) -> JSON {
        let type = layer.layerType
        let early = Set(type?.configBeforeTrainable ?? []), first = Set(type?.configBeforeName ?? [])
        let entries = layer.config.map { ($0.key, JSON($0.value)) }
        let rest = entries.filter { !early.contains($0.0) && !first.contains($0.0) }
        guard type?.configHasTrainable ?? true else {
            // A hand-written get_config (SpatialDropout): no trainable, dtype a plain string.
            return .object(entries.filter { first.contains($0.0) } + [("name", .string(layer.name)), ("dtype", .string("float32"))] + rest)
        }
        return .object(entries.filter { first.contains($0.0) } + [("name", .string(layer.name))] + entries.filter { early.contains($0.0) }
                       + [("trainable", .bool(layer.trainable)), ("dtype", dtypePolicy)] + rest)
    }

    static func inputLayer(_ input: InputNode, functional: Bool) -> JSON {
        var entry: [(String, JSON)] = [
            ("module", .string("keras.layers")), ("class_name", .string("InputLayer")),
            ("config", .object([("batch_shape", shapeJSON(input.outputShape)), ("dtype", .string(input.dtype.rawValue)),
                                ("sparse", .bool(false)), ("ragged", .bool(false)), ("name", .string(input.name)),
                                ("optional", .bool(false))])),
            ("registered_name", .null),
        ]
        if functional { entry += [("name", .string(input.name)), ("inbound_nodes", .array([]))] }
        return .object(entry)
    }

    /// `model.to_json()` of the model, as Keras 3 writes it.
    public static func json(_ model: Model) throws -> JSON {
        try checkSavable(model)
        if let unbuilt = model.nodes.first(where: { $0.outputShape == nil }) {
            throw LabError("\(unbuilt.name) is not built: give the model an input first")
        }
        let functional = !model.isChain
        let compileConfig = model.compilation.map(KerasTraining.compileConfig) ?? .object([])
        var layers: [JSON] = []
        for name in model.kerasOrder {
            if let input = model.input(named: name) {
                layers.append(inputLayer(input, functional: functional))
                continue
            }
            guard let node = model.node(named: name), let shapes = model.inputShapes(of: node) else { continue }
            var entry: [(String, JSON)] = [("module", .string("keras.layers")), ("class_name", .string(node.layer.className)),
                                           ("config", layerConfig(node.layer)), ("registered_name", .null)]
            if node.layer.layerType?.recordsBuildShape ?? true {
                let shapeJSON: JSON = shapes.count == 1 ? shapeJSON(shapes[0]) : .array(shapes.map(shapeJSON))
                entry.append(("build_config", .object([("input_shape", shapeJSON)])))
            }
            if functional {
                let tensors = node.inbound.compactMap { source -> JSON? in
                    guard let shape = model.shape(of: source) else { return nil }
                    let dtype = model.input(named: source)?.dtype.rawValue ?? "float32"
                    return .object([("class_name", .string("__keras_tensor__")),
                                    ("config", .object([("shape", self.shapeJSON(shape)), ("dtype", .string(dtype)),
                                                        ("keras_history", .array([.string(source), .int(0), .int(0)]))]))])
                }
                let args: JSON = tensors.count == 1 ? tensors[0] : .array(tensors)
                entry += [("name", .string(node.name)), ("inbound_nodes", .array([.object([("args", .array([args])), ("kwargs", .object([]))])]))]
            }
            layers.append(.object(entry))
        }
        if !functional {
            let input = model.inputs.first.map { shapeJSON($0.outputShape) } ?? .null
            return .object([
                ("module", .string("keras")), ("class_name", .string("Sequential")),
                ("config", .object([("name", .string(model.name)), ("trainable", .bool(true)), ("dtype", dtypePolicy),
                                    ("layers", .array(layers)), ("build_input_shape", input)])),
                ("registered_name", .null), ("build_config", .object([("input_shape", input)])), ("compile_config", compileConfig),
            ])
        }
        func refs(_ names: [String]) -> JSON {
            let items = names.map { JSON.array([.string($0), .int(0), .int(0)]) }
            return items.count == 1 ? items[0] : .array(items)
        }
        return .object([
            ("module", .string("keras.src.models.functional")), ("class_name", .string("Functional")),
            ("config", .object([("name", .string(model.name)), ("trainable", .bool(true)), ("layers", .array(layers)),
                                ("input_layers", refs(model.inputs.map(\.name))), ("output_layers", refs(model.outputNames))])),
            ("registered_name", .string("Functional")), ("build_config", .object([("input_shape", .null)])), ("compile_config", compileConfig),
        ])
    }

    // MARK: - Reading

    /// Config keys Keras writes that do not change what LayerLab builds.
    static let ignoredKeys: Set<String> = ["name", "trainable", "dtype", "quantization_config", "lora_rank", "lora_alpha",
                                           "lora_enabled", "input_length", "shared_object_id"]

    /// A model from Keras's config; weights are drawn fresh from the named initializers.
    public static func model(from json: JSON, seed: UInt64) throws -> Model {
        guard let cls = json["class_name"]?.string, case .object? = json["config"], let config = json["config"] else {
            throw LabError("not a Keras model config: no class_name and config at the top")
        }
        guard let layers = config["layers"]?.array else { throw LabError("the \(cls) config has no layers list") }
        var m = Model(seed: seed)
        if let name = config["name"]?.string, name != "sequential", name != "functional" { m.customName = name }
        switch cls {
        case "Sequential":
            for entry in layers {
                if entry["class_name"]?.string == "InputLayer" {
                    try addInput(entry, to: &m)
                } else {
                    try addLayer(entry, from: nil, to: &m)
                }
            }
            if m.inputs.isEmpty {
                let shape = config["build_input_shape"] ?? json["build_config"]?["input_shape"]
                if let dims = shape?.array, dims.count >= 2 {
                    try m.setInput(shape: try dims.dropFirst().map { try size($0, "build_input_shape") })
                }
            }
        case "Functional", "Model":
            for entry in layers {
                if entry["class_name"]?.string == "InputLayer" { try addInput(entry, to: &m); continue }
                guard let nodes = entry["inbound_nodes"]?.array else { throw LabError("layer \(entry["name"]?.string ?? "?") has no inbound_nodes") }
                guard nodes.count == 1 else {
                    throw LabError("layer \(entry["name"]?.string ?? "?") is shared (called \(nodes.count) times); LayerLab has no shared layers")
                }
                try addLayer(entry, from: sources(nodes[0]), to: &m)
            }
            if let outputs = config["output_layers"] { try m.setOutputs(historyNames(outputs)) }
        default:
            throw LabError("LayerLab cannot open a Keras \(cls) model", suggestion: "it opens Sequential and functional models")
        }
        // Keras's class, for what depends on it (model.summary() lists a functional chain's input).
        m.kerasClass = cls == "Sequential" ? "Sequential" : "Functional"
        return m
    }

    static func size(_ v: JSON, _ what: String) throws -> Int {
        guard let n = v.int, n > 0 else { throw LabError("\(what) must hold positive sizes, got \(v.text)") }
        return n
    }

    static func addInput(_ entry: JSON, to m: inout Model) throws {
        let config = entry["config"]
        let shape: [Int]
        if let batch = config?["batch_shape"]?.array ?? config?["batch_input_shape"]?.array, batch.count >= 2 {
            shape = try batch.dropFirst().map { try size($0, "batch_shape") }
        } else if let s = config?["shape"]?.array {
            shape = try s.map { try size($0, "shape") }
        } else {
            throw LabError("an InputLayer has no batch_shape")
        }
        let dtype: DType
        switch config?["dtype"]?.string ?? "float32" {
        case "float32", "float16", "float64", "bfloat16": dtype = .float32
        case "int32", "int64", "int16", "int8", "uint8": dtype = .int32
        case let other: throw LabError("input dtype '\(other)' is not supported")
        }
        try m.setInput(shape: shape, name: config?["name"]?.string ?? entry["name"]?.string, dtype: dtype)
    }

    /// The layers a functional node reads: `keras_history[0]` of each input tensor.
    static func sources(_ node: JSON) throws -> [String] {
        guard let args = node["args"]?.array, let first = args.first else { throw LabError("an inbound node has no args") }
        let tensors = first.array ?? [first]
        return try tensors.map { t in
            guard let h = t["config"]?["keras_history"]?.array, let name = h.first?.string else {
                throw LabError("an inbound node's tensor has no keras_history")
            }
            return name
        }
    }

    static func historyNames(_ v: JSON) throws -> [String] {
        guard let items = v.array else { throw LabError("output_layers is not a list") }
        if let name = items.first?.string { return [name] }
        return try items.map {
            guard let name = $0.array?.first?.string else { throw LabError("output_layers holds \($0.text)") }
            return name
        }
    }

    static func addLayer(_ entry: JSON, from: [String]?, to m: inout Model) throws {
        var seeds = m.seeds
        let layer = try self.layer(entry, seeds: &seeds)
        m.seeds = seeds
        try m.add(layer, from: from)
    }

    /// A layer from its Keras entry (`{"class_name": "Dense", "config": {…}}`), unbuilt.
    public static func layer(_ entry: JSON, seeds: inout SeedSource) throws -> any Layer {
        guard let cls = entry["class_name"]?.string, let config = entry["config"], case .object(let items) = config else {
            throw LabError("a layer entry has no class_name or config")
        }
        let name = config["name"]?.string ?? entry["name"]?.string ?? snakeCase(cls)
        // A keras.ops call in a functional graph (MobileNetV3's `x + 3.0` is keras.src.ops.numpy.Add):
        // not the layer of the same class name, which would drop the constant.
        if let module = entry["module"]?.string, module.hasPrefix("keras.src.ops") {
            throw LabError("\(name): a \(module.split(separator: ".").last.map(String.init) ?? "keras.ops") operation (\(cls)) in the graph, not a layer — LayerLab does not open keras.ops calls yet",
                           suggestion: "build that step with a layer (Add, Multiply, Lambda) in Keras")
        }
        if let (reason, suggestion) = LayerType.registry.lookup(cls)?.unloadable {
            throw LabError("\(name) (\(cls)) \(reason)", suggestion: suggestion)
        }
        guard let type = LayerType.registry.lookup(cls) else {
            throw LabError("\(name): LayerLab has no \(cls) layer (yet)", suggestion: "'help layers' lists the \(LayerType.registry.entries.count) layer types it has")
        }
        if let dtype = config["dtype"], let policy = dtype["config"]?["name"]?.string ?? dtype.string, policy != "float32" {
            throw LabError("\(name): dtype policy '\(policy)' is not supported (LayerLab computes in float32)")
        }
        let names = Set(type.signature.names)
        var keywords: [Keyword] = []
        for (key, value) in items where !ignoredKeys.contains(key) {
            guard names.contains(key) else {
                if value == .null { continue }
                throw LabError("\(name) (\(cls)): config key '\(key)' is not supported by LayerLab")
            }
            keywords.append(Keyword(key, value.value))
        }
        do {
            var built = try type.build(Arguments([], keywords), seeds: &seeds).layer
            built.name = name
            built.trainable = config["trainable"].map { $0 != .bool(false) } ?? true
            return built
        } catch let e as LabError { throw e.at(name) }
    }
}
