extension Model {
    /// The order Keras gives `model.layers`: for a chain, the order of construction; for
    /// a graph, Keras's `map_graph`: deepest first (inputs deepest), ties broken by the
    /// order a depth-first walk from the outputs meets them. Keras names the weight groups
    /// of a saved file by this order, so files must follow it.
    public var kerasOrder: [String] {
        if isChain { return inputs.map(\.name) + nodes.map(\.name) }
        let inbound = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.inbound) } + inputs.map { ($0.name, [String]()) })
        var index: [String: Int] = [:]
        var finished = Set<String>()
        var decreasing: [String] = []
        func visit(_ name: String) {
            if finished.contains(name) { return }
            if index[name] == nil { index[name] = index.count }
            for source in inbound[name] ?? [] { visit(source) }
            finished.insert(name)
            decreasing.append(name)
        }
        for output in outputNames { visit(output) }
        var depth: [String: Int] = [:]
        for name in decreasing.reversed() {
            let d = depth[name, default: 0]
            for source in inbound[name] ?? [] { depth[source] = max(depth[source, default: 0], d + 1) }
        }
        // Inputs the outputs do not use still count, at depth 0 and first in their depth.
        for input in inputs where index[input.name] == nil { index[input.name] = -1; depth[input.name] = 0 }
        let names = Array(index.keys)
        return names.sorted { a, b in
            let (da, db) = (depth[a, default: 0], depth[b, default: 0])
            return da != db ? da > db : index[a, default: 0] < index[b, default: 0]
        }
    }
}
