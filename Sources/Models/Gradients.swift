import Layers
import TensorCore

/// One trainable weight's gradient of the total loss.
public struct WeightGradient: Sendable {
    public var layer: String
    public var weight: String
    public var value: Tensor
    public var gradient: Tensor
    /// `dense/kernel`, as `hist` and `.npz` keys name it.
    public var path: String { "\(layer)/\(weight)" }
}

/// What `Model.gradients` computes for one batch.
public struct ModelGradients: Sendable {
    /// The compiled loss (summed over the outputs, each output's loss as Keras reduces it).
    public var loss: Double
    /// The weight penalties (on trainable layers) and this batch's activity penalties.
    public var penalties: [Penalty]
    /// What is differentiated and what Keras's fit prints as `loss`: the loss plus the penalties.
    public var total: Double { loss + penalties.reduce(0) { $0 + $1.value } }
    /// Every trainable weight's gradient, layer by layer, each layer's weights in order
    /// (non-trainable weights, such as moving statistics, have none).
    public var weights: [WeightGradient]
    /// ∂total/∂input for each float input (when asked for).
    public var inputs: [String: Tensor]
    /// The model's outputs (the predictions the loss was taken on), by output name.
    public var outputs: [String: Tensor] = [:]
    /// With `keepingLayers`: every layer's output and ∂total/∂output, by layer name.
    public var layerOutputs: [String: Tensor]
    public var layerGradients: [String: Tensor]
    /// In training: the new weights of layers whose call moves their non-trainable state
    /// (BatchNormalization's moving statistics), by layer — what fit sets after the step.
    public var states: [String: [Tensor]] = [:]
}

extension Model {
    /// The gradients of the compiled loss plus the regularization penalties (Keras's fit:
    /// loss + Σ weight penalties + Σ activity penalty / batch) for one batch of inputs and
    /// targets (by output name), with respect to every trainable weight and every float input.
    /// `training` runs random layers (Dropout) as fit does, drawing from `random`.
    ///
    /// Every layer runs its `differentiableCall`, whose pullback keeps what its backward
    /// pass needs; then the pullbacks run in reverse order. A tensor read by several layers
    /// (or twice by one) gets the sum of their gradients. `trainable=False` layers pass the
    /// gradient on but get none themselves. The memory the kept values take is checked
    /// against `limit` first.
    public func gradients(_ feeds: [String: Tensor], targets: [String: Tensor], loss: Loss, training: Bool = true,
                          random: inout RandomGenerator, inputGradients: Bool = false, keepingLayers: Bool = false,
                          limit: Int = MemoryBudget.defaultLimit) throws -> ModelGradients {
        let (values, rows) = try checkedFeeds(feeds)
        let outputs = outputNames
        for name in outputs where targets[name] == nil {
            throw LabError("no target given for output '\(name)'", suggestion: outputs.count > 1 ? "give one per output: --target \(name)=FILE" : nil)
        }
        try checkMemory(batch: rows, limit: limit)
        var needed = Set(outputs)
        for node in nodes.reversed() where needed.contains(node.name) { needed.formUnion(node.inbound) }

        // Forward, keeping each layer's pullback.
        var forward = values
        var pullbacks: [String: Pullback] = [:]
        var penalties = try weightPenalties()
        var gradients: [String: Tensor] = [:]
        var states: [String: [Tensor]] = [:]
        for node in nodes where needed.contains(node.name) {
            try Interrupt.check()
            let args = try node.inbound.map { source -> Tensor in
                guard let v = forward[source] else { throw LabError("\(node.name): its input '\(source)' was not computed") }
                return v
            }
            guard let layer = node.layer as? any DifferentiableLayer else {
                throw LabError("\(node.name) (\(node.layer.className)) has no gradient in LayerLab yet")
            }
            do {
                // A layer that reads only the model's inputs skips ∂L/∂input unless it was asked for.
                let needsInput = inputGradients || node.inbound.contains { source in !inputs.contains { $0.name == source } }
                let (y, back) = try layer.differentiableCall(args, training: training, inputGradients: needsInput, random: &random)
                if training, node.layer.trainable, let stateful = node.layer as? any StatefulLayer {
                    states[node.name] = try stateful.updatedState(for: args)
                }
                forward[node.name] = y
                pullbacks[node.name] = back
                if let r = node.layer.activityRegularizer, let p = try Model.activityPenalty(node, output: y) {
                    penalties.append(p)
                    let batch = Float(max(1, y.shape.first ?? 1))
                    gradients[node.name] = try r.gradient(y).map { $0 / batch }
                }
            } catch let e as LabError { throw e.at(node.name) }
        }

        // The loss on each output, and its gradient.
        var lossValue = 0.0
        for name in outputs {
            guard let yPred = forward[name], let yTrue = targets[name] else { continue }
            do {
                let (value, g) = try loss.evaluate(yTrue: yTrue, yPred: yPred)
                lossValue += value
                try accumulate(&gradients, name, g)
            } catch let e as LabError { throw outputs.count > 1 ? e.at(name) : e }
        }
        let penaltySum = penalties.reduce(0) { $0 + $1.value }, total = lossValue + penaltySum
        guard total.isFinite else {
            // Name the first layer whose output is not finite: where the trouble starts.
            let first = nodes.first { node in forward[node.name]?.scalars.contains { !$0.isFinite } ?? false }
            throw LabError("the loss is \(total) (compiled loss \(lossValue), penalties \(penaltySum)): its gradient is not defined"
                           + (first.map { "; \($0.name) is the first layer whose output holds NaN or Inf" } ?? ""),
                           suggestion: first == nil ? "the outputs are finite: the loss itself overflows (a log of 0, or huge errors)"
                               : "its inputs or weights are too large (exploding activations — a smaller learning rate, or another initializer)")
        }

        // Backward, in reverse order.
        var weightGradients: [String: [Tensor]] = [:]
        var layerGradients: [String: Tensor] = [:]
        for node in nodes.reversed() where needed.contains(node.name) {
            try Interrupt.check()
            guard let back = pullbacks.removeValue(forKey: node.name) else { continue }
            let g = try gradients[node.name] ?? Tensor(zeros: forward[node.name]?.shape ?? [])
            if keepingLayers { layerGradients[node.name] = g } else { gradients[node.name] = nil }
            let result: LayerGradients
            do { result = try back(g) } catch let e as LabError { throw e.at(node.name) }
            for (source, dx) in zip(node.inbound, result.inputs) {
                guard let dx else { continue }
                try accumulate(&gradients, source, dx)
            }
            if node.layer.trainable { weightGradients[node.name] = result.weights }
            if !keepingLayers, !outputs.contains(node.name) { forward[node.name] = nil }
        }

        // Every trainable weight, with its regularizer's gradient added.
        var weights: [WeightGradient] = []
        for node in nodes where node.layer.trainable {
            let specs = try weightSpecs(of: node)
            for (i, (spec, value)) in zip(specs, node.layer.weights).enumerated() where spec.trainable {
                var g = try weightGradients[node.name].flatMap { i < $0.count ? $0[i] : nil } ?? Tensor(zeros: value.shape)
                if let r = spec.regularizer {
                    do { g = try Tensor.combine(g, try r.gradient(value), +) } catch let e as LabError { throw e.at("\(node.name)/\(spec.name)") }
                }
                weights.append(WeightGradient(layer: node.name, weight: spec.name, value: value, gradient: g))
            }
        }
        var inputGradientsByName: [String: Tensor] = [:]
        for input in inputs where input.dtype == .float32 && inputGradients {
            inputGradientsByName[input.name] = try gradients[input.name] ?? Tensor(zeros: [rows] + input.shape)
        }
        return ModelGradients(loss: lossValue, penalties: penalties, weights: weights, inputs: inputGradientsByName,
                              outputs: Dictionary(uniqueKeysWithValues: outputs.compactMap { name in forward[name].map { (name, $0) } }),
                              layerOutputs: keepingLayers ? forward : [:], layerGradients: layerGradients, states: states)
    }

    private func accumulate(_ gradients: inout [String: Tensor], _ name: String, _ g: Tensor) throws {
        if let old = gradients[name] {
            gradients[name] = try Tensor.combine(old, g, +)
        } else {
            gradients[name] = g
        }
    }

    /// The values a backward pass keeps, estimated before anything is allocated: every
    /// layer's output, about as much again for what the pullbacks keep (inputs,
    /// pre-activations, masks), the gradients flowing back, and a gradient per weight.
    func checkMemory(batch: Int, limit: Int) throws {
        let perSample = nodes.reduce(0.0) { $0 + Double($1.outputShape?.sample?.reduce(1, *) ?? 0) }
            + inputs.reduce(0.0) { $0 + Double($1.shape.reduce(1, *)) }
        let elements = 3 * perSample * Double(batch) + 2 * Double(parameterCount)
        try MemoryBudget.check(elements: elements, limit: limit,
                               "the backward pass of a batch of \(batch) (every layer's output kept, and its gradient)")
    }
}
