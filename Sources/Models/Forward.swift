import Layers
import TensorCore

extension Model {
    /// Runs the model on one batch per input, in graph order, calling `observe`
    /// with every layer's output. Each intermediate tensor is released as soon as
    /// its last reader has run. Returns the outputs by layer name.
    public func forward(_ feeds: [String: Tensor], training: Bool = false,
                        observe: (LayerNode, Tensor) throws -> Void = { _, _ in }) throws -> [(name: String, value: Tensor)] {
        guard !inputs.isEmpty else {
            throw LabError("the model has no input yet", suggestion: "define one with 'input 16' (the sizes of one sample)")
        }
        if let unbuilt = nodes.first(where: { $0.outputShape == nil }) {
            throw LabError("\(unbuilt.name) is not connected to an input")
        }
        var batch: Int?
        var values: [String: Tensor] = [:]
        for input in inputs {
            guard let x = feeds[input.name] else { throw LabError("no batch given for input '\(input.name)'") }
            guard x.rank == input.shape.count + 1, Array(x.shape.dropFirst()) == input.shape else {
                throw LabError("\(input.name): expected a batch of shape \(input.outputShape), got \(Tensor.describe(x.shape))")
            }
            if let b = batch, b != x.shape[0] {
                throw LabError("inputs have different batch sizes (\(b) and \(x.shape[0]))")
            }
            batch = x.shape[0]
            values[input.name] = x
        }
        // Only what the outputs depend on runs; each tensor is released after its last reader.
        let outputs = Set(outputNames)
        var needed = outputs
        for node in nodes.reversed() where needed.contains(node.name) { needed.formUnion(node.inbound) }
        var remaining: [String: Int] = [:]
        for node in nodes where needed.contains(node.name) { for source in node.inbound { remaining[source, default: 0] += 1 } }
        for node in nodes where needed.contains(node.name) {
            let args = try node.inbound.map { source -> Tensor in
                guard let v = values[source] else { throw LabError("\(node.name): its input '\(source)' was not computed") }
                return v
            }
            let y: Tensor
            do { y = try node.layer.call(args, training: training) } catch let e as LabError {
                throw e.message.hasPrefix("\(node.name):") ? e : e.at(node.name)
            }
            try observe(node, y)
            values[node.name] = y
            for source in node.inbound {
                remaining[source, default: 1] -= 1
                if remaining[source] == 0, !outputs.contains(source) { values[source] = nil }
            }
        }
        return outputNames.compactMap { name in values[name].map { (name, $0) } }
    }
}
