import Layers
import TensorCore
import Text

/// A model input: Keras's `InputLayer`.
public struct InputNode: Sendable {
    public var name: String
    /// Sizes after the batch dimension.
    public var shape: [Int]
    public var dtype: DType
    public var outputShape: Shape { Shape(batchOf: shape) }
}

/// A layer in the graph and where its inputs come from.
public struct LayerNode: Sendable {
    public var layer: any Layer
    /// Names of the inputs or layers it reads, in order. Empty: the model's input,
    /// which is not defined yet (an unbuilt layer, as in Keras).
    public var inbound: [String]
    /// Known once its input shapes are.
    public var outputShape: Shape?
    public var name: String { layer.name }
}

/// A model: inputs and layers forming a graph. A Sequential model is a graph with
/// one path; `add` connects each new layer to the previous one.
///
/// A value type: every change happens on a copy that replaces the model only when
/// it succeeds, so a failing command never leaves the model half-changed.
public struct Model: Sendable {
    /// Set by the user; otherwise `sequential` for a chain and `functional` for a graph, as Keras names them.
    public var customName: String?
    public var name: String { customName ?? (isChain ? "sequential" : "functional") }
    public private(set) var inputs: [InputNode] = []
    public private(set) var nodes: [LayerNode] = []
    /// The seed the session set (`seed N`), and the stream fresh initializers draw from.
    public private(set) var seed: UInt64
    public var seeds: SeedSource
    /// Keras's per-prefix auto-name counters (`dense`, `dense_1`, …).
    public private(set) var nameCounters: [String: Int] = [:]
    /// The input or layer added last: where `add` connects by default.
    public private(set) var lastAdded: String?
    /// Outputs the user chose (`outputs a,b`); nil means the layers nothing else reads.
    public private(set) var chosenOutputs: [String]?
    /// Which Python model object this is (the Keras-Python interpreter numbers the models
    /// it makes; 0 for a model built with commands).
    public var serial = 0
    /// `Sequential` or `Functional` when made by Keras Python (`Sequential()`, `Model(…)`);
    /// nil for a model built with commands, which is still open to functional calls.
    public var kerasClass: String?
    /// What `compile` chose for training (optimizer, loss, metrics); nil before it.
    public var compilation: Compilation?

    public init(seed: UInt64) {
        self.seed = seed
        seeds = SeedSource(seed: seed)
    }

    /// Restarts the seed stream from `seed`.
    public mutating func reseed(_ seed: UInt64) {
        self.seed = seed
        seeds = SeedSource(seed: seed)
    }

    public var isEmpty: Bool { inputs.isEmpty && nodes.isEmpty }

    /// Every name in the model: inputs, then layers.
    public var allNames: [String] { inputs.map(\.name) + nodes.map(\.name) }

    public func node(named name: String) -> LayerNode? { nodes.first { $0.name == name } }
    public func input(named name: String) -> InputNode? { inputs.first { $0.name == name } }

    public func layerNotFound(_ name: String) -> LabError {
        LabError.unknown("layer", name, among: allNames)
    }

    /// The next Keras auto name for a prefix, skipping names already in the model.
    mutating func autoName(_ prefix: String) -> String {
        while true {
            let n = nameCounters[prefix, default: 0]
            nameCounters[prefix] = n + 1
            let candidate = n == 0 ? prefix : "\(prefix)_\(n)"
            if !allNames.contains(candidate) { return candidate }
        }
    }

    // MARK: - Changing the model

    /// Adds an input (`input 16`, `input 28 28 1 name=image`). Layers added before the
    /// first input are connected to it and built; later inputs start new branches.
    public mutating func setInput(shape: [Int], name: String? = nil, dtype: DType = .float32) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw LabError("an input shape needs one or more positive sizes, got \(Tensor.describe(shape))")
        }
        guard Tensor.elementCount(shape) != nil else {
            throw LabError("an input of shape \(Tensor.describe(shape)) holds more values per sample than can be counted")
        }
        var m = self
        let inputName = try name.map { try m.checkedNewName($0) } ?? m.autoName("input_layer")
        m.inputs.append(InputNode(name: inputName, shape: shape, dtype: dtype))
        for i in m.nodes.indices where m.nodes[i].inbound.isEmpty { m.nodes[i].inbound = [inputName] }
        if m.nodes.isEmpty || m.inputs.count > 1 { m.lastAdded = inputName }
        try m.rebuild()
        self = m
    }

    /// Adds a layer after the last one (or after `from`); builds it if its input shape is known.
    @discardableResult
    public mutating func add(_ layer: any Layer, from: [String]? = nil) throws -> LayerNode {
        var m = self
        var layer = layer
        layer.name = layer.name.isEmpty ? m.autoName(snakeCase(layer.className)) : try m.checkedNewName(layer.name)
        let inbound: [String]
        if let from {
            guard !from.isEmpty else { throw LabError("from= needs at least one layer or input name") }
            for source in from where m.node(named: source) == nil && m.input(named: source) == nil {
                throw m.layerNotFound(source)
            }
            inbound = from
        } else {
            inbound = m.lastAdded.map { [$0] } ?? []
        }
        m.nodes.append(LayerNode(layer: layer, inbound: inbound))
        m.lastAdded = layer.name
        try m.rebuild()
        self = m
        return m.nodes[m.nodes.count - 1]
    }

    /// Keras's `Model(inputs=…, outputs=…)`: only the inputs and layers the outputs depend
    /// on, the inputs in the order given. Every input the outputs need must be listed.
    public func subgraph(inputs wanted: [String], outputs: [String]) throws -> Model {
        for name in wanted where input(named: name) == nil {
            throw LabError(node(named: name) != nil ? "'\(name)' is a layer's output; a model's inputs must be keras.Input tensors"
                                                    : "'\(name)' is not in the model")
        }
        for name in outputs where node(named: name) == nil && input(named: name) == nil { throw layerNotFound(name) }
        var needed = Set(outputs)
        for node in nodes.reversed() where needed.contains(node.name) { needed.formUnion(node.inbound) }
        for i in inputs where needed.contains(i.name) && !wanted.contains(i.name) {
            throw LabError("Graph disconnected: the outputs need the input '\(i.name)', which is not in inputs=",
                           suggestion: "add it to the model's inputs")
        }
        var m = self
        m.inputs = wanted.compactMap { input(named: $0) }
        m.nodes = nodes.filter { needed.contains($0.name) }
        m.chosenOutputs = nil
        if outputs != m.outputNames { m.chosenOutputs = outputs }
        m.lastAdded = m.nodes.last?.name ?? m.inputs.last?.name
        try m.rebuild()
        return m
    }

    /// The layers that read `name`.
    public func consumers(of name: String) -> [String] {
        nodes.filter { $0.inbound.contains(name) }.map(\.name)
    }

    /// Removes a layer (and returns the names removed). In a chain the next layer is
    /// reconnected to its input, as in a Sequential model. In a graph a layer others
    /// read is refused, unless `cascade` removes them too.
    @discardableResult
    public mutating func remove(_ name: String, cascade: Bool = false) throws -> [String] {
        let readers = consumers(of: name)
        var m = self
        if let input = input(named: name) {
            if !readers.isEmpty && !cascade {
                throw LabError("'\(name)' is read by \(readers.joined(separator: ", "))",
                               suggestion: inputs.count == 1 ? "'reset' starts a new model" : "'remove \(name) --cascade' removes them too")
            }
            let removed = cascade ? m.downstream(of: name) : []
            m.nodes.removeAll { removed.contains($0.name) }
            m.inputs.removeAll { $0.name == input.name }
            m.forget([name] + removed)
            try m.rebuild()
            self = m
            return [name] + removed
        }
        guard let index = nodes.firstIndex(where: { $0.name == name }) else { throw layerNotFound(name) }
        if isChain || readers.isEmpty {
            let removed = m.nodes.remove(at: index)
            for i in m.nodes.indices where m.nodes[i].inbound.contains(name) {
                m.nodes[i].inbound = m.nodes[i].inbound.flatMap { $0 == name ? removed.inbound : [$0] }
            }
            if m.lastAdded == name { m.lastAdded = m.nodes.last?.name ?? m.inputs.last?.name }
            m.forget([name])
            try m.rebuild()
            self = m
            return [name]
        }
        guard cascade else {
            throw LabError("\(name) is read by \(readers.joined(separator: ", "))",
                           suggestion: "remove \(readers.count == 1 ? "it" : "them") first, or 'remove \(name) --cascade' removes everything downstream")
        }
        let removed = [name] + m.downstream(of: name)
        m.nodes.removeAll { removed.contains($0.name) }
        m.forget(removed)
        try m.rebuild()
        self = m
        return removed
    }

    /// Every layer that depends on `name`, directly or not, in model order.
    func downstream(of name: String) -> [String] {
        var reached: Set<String> = [name]
        var result: [String] = []
        for node in nodes where node.inbound.contains(where: reached.contains) {
            reached.insert(node.name)
            result.append(node.name)
        }
        return result
    }

    private mutating func forget(_ names: [String]) {
        if let last = lastAdded, names.contains(last) { lastAdded = nodes.last?.name ?? inputs.last?.name }
        chosenOutputs = chosenOutputs?.filter { !names.contains($0) }
        if chosenOutputs?.isEmpty == true { chosenOutputs = nil }
    }

    /// Sets the model's outputs (nil: the layers nothing else reads).
    public mutating func setOutputs(_ names: [String]?) throws {
        if let names {
            guard !names.isEmpty else { throw LabError("outputs needs at least one layer name") }
            for n in names where node(named: n) == nil && input(named: n) == nil { throw layerNotFound(n) }
            guard Set(names).count == names.count else { throw LabError("outputs lists a layer twice") }
        }
        chosenOutputs = names
    }

    /// Replaces one weight's values; the shape must match.
    public mutating func setWeight(layer layerName: String, weight weightName: String, to value: Tensor) throws {
        guard let i = nodes.firstIndex(where: { $0.name == layerName }) else { throw layerNotFound(layerName) }
        let specs = try weightSpecs(of: nodes[i])
        guard let j = specs.firstIndex(where: { $0.name == weightName }) else {
            throw Model.noSuchWeight(layerName, weightName, specs.map(\.name))
        }
        guard j < nodes[i].layer.weights.count else { throw LabError("\(layerName) is not built yet: give the model an input first") }
        let expected = nodes[i].layer.weights[j].shape
        guard value.shape == expected else {
            throw LabError("\(layerName)/\(weightName) has shape \(Tensor.describe(expected)), the new values have shape \(Tensor.describe(value.shape))")
        }
        var v = value
        v.dtype = .float32
        nodes[i].layer.weights[j] = v
    }

    /// Replaces a layer in place (same name), for example with new initializers.
    public mutating func replaceLayer(_ name: String, with layer: any Layer, redraw: Bool) throws {
        guard let i = nodes.firstIndex(where: { $0.name == name }) else { throw layerNotFound(name) }
        var m = self
        var layer = layer
        layer.name = name
        if !redraw { layer.weights = m.nodes[i].layer.weights } else { layer.weights = [] }
        m.nodes[i].layer = layer
        try m.rebuild()
        self = m
    }

    private func checkedNewName(_ name: String) throws -> String {
        guard !allNames.contains(name) else {
            throw LabError("the name '\(name)' is already used in the model", suggestion: "choose another name= or leave it out")
        }
        return name
    }

    // MARK: - Shapes and weights

    public func shape(of name: String) -> Shape? {
        if let i = input(named: name) { return i.outputShape }
        return node(named: name)?.outputShape
    }

    public func inputShapes(of node: LayerNode) -> [Shape]? {
        guard !node.inbound.isEmpty else { return nil }
        let shapes = node.inbound.compactMap { shape(of: $0) }
        return shapes.count == node.inbound.count ? shapes : nil
    }

    public func weightSpecs(of node: LayerNode) throws -> [WeightSpec] {
        guard let shapes = inputShapes(of: node) else { return [] }
        return try node.layer.weightSpecs(for: shapes)
    }

    /// Computes every output shape in order and creates missing weights (or redraws
    /// weights whose shape no longer fits). Errors name the layer.
    mutating func rebuild() throws {
        for i in nodes.indices {
            let node = nodes[i]
            guard let shapes = inputShapes(of: node) else {
                nodes[i].outputShape = nil
                nodes[i].layer.weights = []
                continue
            }
            do {
                nodes[i].outputShape = try node.layer.outputShape(for: shapes)
                let specs = try node.layer.weightSpecs(for: shapes)
                for spec in specs {
                    do { try spec.constraint?.check(rank: spec.shape.count) } catch let e as LabError { throw e.at(spec.name) }
                }
                let current = node.layer.weights
                let fits = current.count == specs.count && zip(current, specs).allSatisfy { $0.shape == $1.shape }
                if !fits {
                    for spec in specs {
                        let count = spec.shape.reduce(1.0) { $0 * Double($1) }
                        try MemoryBudget.check(elements: count, "\(spec.name) \(spec.shape.map(thousands).joined(separator: " × ")) float32")
                    }
                    nodes[i].layer.weights = try specs.map { try $0.initializer.sample($0.shape) }
                }
            } catch var error as LabError where error != Interrupt.error {
                // A layer with several inputs: name them and their shapes.
                if node.inbound.count > 1 {
                    error.message += " (from " + zip(node.inbound, shapes).map { "\($0) \($1)" }.joined(separator: " and ") + ")"
                }
                throw error.at(node.name)
            }
        }
    }

    // MARK: - Reading

    /// The model's outputs: the ones chosen with `outputs`, else the layers nothing else reads.
    public var outputNames: [String] {
        if let chosen = chosenOutputs { return chosen }
        let consumed = Set(nodes.flatMap(\.inbound))
        let outs = nodes.filter { !consumed.contains($0.name) }.map(\.name)
        return outs.isEmpty ? inputs.map(\.name) : outs
    }

    /// True when every layer reads exactly the one before it: Keras's "sequential-like".
    public var isChain: Bool {
        var previous = inputs.count == 1 ? inputs.first?.name : nil
        guard inputs.count <= 1 else { return false }
        for node in nodes {
            if let p = previous { guard node.inbound == [p] else { return false } } else { guard node.inbound.isEmpty else { return false } }
            previous = node.name
        }
        return true
    }

    public var parameterCount: Int { nodes.reduce(0) { $0 + $1.layer.parameterCount } }
    /// The values of trainable weights: of trainable layers, and not a layer's state
    /// (BatchNormalization's moving statistics), as Keras counts them.
    public var trainableParameterCount: Int {
        nodes.filter { $0.layer.trainable }.reduce(0) { total, node in
            let specs = (try? weightSpecs(of: node)) ?? []
            return total + zip(specs, node.layer.weights).reduce(0) { $0 + ($1.0.trainable ? $1.1.count : 0) }
        }
    }

    /// Looks up `layer/weight` (`dense/kernel`).
    public func weight(_ path: String) throws -> (node: LayerNode, spec: WeightSpec, value: Tensor) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw LabError("'\(path)' is not a weight path", suggestion: "write LAYER/WEIGHT, for example \(nodes.first.map { "\($0.name)/kernel" } ?? "dense/kernel")")
        }
        guard let node = node(named: parts[0]) else { throw layerNotFound(parts[0]) }
        let specs = try weightSpecs(of: node)
        guard !specs.isEmpty else {
            throw LabError(node.outputShape == nil ? "\(node.name) is not built yet: give the model an input first"
                                                   : "\(node.name) has no weights")
        }
        guard let j = specs.firstIndex(where: { $0.name == parts[1] }), j < node.layer.weights.count else {
            throw Model.noSuchWeight(node.name, parts[1], specs.map(\.name))
        }
        return (node, specs[j], node.layer.weights[j])
    }

    static func noSuchWeight(_ layer: String, _ weight: String, _ names: [String]) -> LabError {
        LabError("\(layer) has no weight '\(weight)'",
                 suggestion: nearest(to: weight, in: names).map { "did you mean '\(layer)/\($0)'?" }
                     ?? "its weights: " + names.map { "\(layer)/\($0)" }.joined(separator: ", "))
    }

    /// Every weight path in the model, in order.
    public var weightPaths: [String] {
        nodes.flatMap { node in ((try? weightSpecs(of: node)) ?? []).map { "\(node.name)/\($0.name)" } }
    }
}
