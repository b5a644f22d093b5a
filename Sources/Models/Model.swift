import Layers
import TensorCore

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
    public var name: String = "sequential"
    public private(set) var inputs: [InputNode] = []
    public private(set) var nodes: [LayerNode] = []
    /// The seed the session set (`seed N`), and the stream fresh initializers draw from.
    public private(set) var seed: UInt64
    public var seeds: SeedSource
    /// Keras's per-prefix auto-name counters (`dense`, `dense_1`, …).
    public private(set) var nameCounters: [String: Int] = [:]

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

    /// Defines the model's input (`input 16`, `input 28 28 1`). Layers added before
    /// it are connected to it and built.
    public mutating func setInput(shape: [Int], name: String? = nil, dtype: DType = .float32) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw LabError("an input shape needs one or more positive sizes, got \(Tensor.describe(shape))")
        }
        guard Tensor.elementCount(shape) != nil else {
            throw LabError("an input of shape \(Tensor.describe(shape)) holds more values per sample than can be counted")
        }
        if let existing = inputs.first {
            throw LabError("the model already has an input '\(existing.name)' of shape \(existing.outputShape)",
                           suggestion: "'reset' starts a new model")
        }
        var m = self
        let inputName = try name.map { try m.checkedNewName($0) } ?? m.autoName("input_layer")
        m.inputs.append(InputNode(name: inputName, shape: shape, dtype: dtype))
        for i in m.nodes.indices where m.nodes[i].inbound.isEmpty { m.nodes[i].inbound = [inputName] }
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
            for source in from where m.node(named: source) == nil && m.input(named: source) == nil {
                throw m.layerNotFound(source)
            }
            inbound = from
        } else if let last = m.nodes.last {
            inbound = [last.name]
        } else {
            inbound = m.inputs.last.map { [$0.name] } ?? []
        }
        m.nodes.append(LayerNode(layer: layer, inbound: inbound))
        try m.rebuild()
        self = m
        return m.nodes[m.nodes.count - 1]
    }

    /// Removes a layer; in a chain, the next layer is reconnected to its input.
    public mutating func remove(_ name: String) throws {
        guard let index = nodes.firstIndex(where: { $0.name == name }) else {
            if input(named: name) != nil {
                throw LabError("'\(name)' is the model's input; it cannot be removed", suggestion: "'reset' starts a new model")
            }
            throw layerNotFound(name)
        }
        var m = self
        let removed = m.nodes.remove(at: index)
        for i in m.nodes.indices where m.nodes[i].inbound.contains(name) {
            m.nodes[i].inbound = m.nodes[i].inbound.flatMap { $0 == name ? removed.inbound : [$0] }
        }
        try m.rebuild()
        self = m
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
            } catch let error as LabError {
                throw error.message.hasPrefix("\(node.name):") ? error : error.at(node.name)
            }
        }
    }

    // MARK: - Reading

    /// The layers nothing else reads: the model's outputs.
    public var outputNames: [String] {
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
    public var trainableParameterCount: Int {
        nodes.filter { $0.layer.trainable }.reduce(0) { $0 + $1.layer.parameterCount }
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
