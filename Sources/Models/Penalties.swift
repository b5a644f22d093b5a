import Layers
import TensorCore

/// One regularization penalty, as Keras's `model.losses` lists it.
public struct Penalty: Sendable {
    public var layer: String
    /// `activity`, or the weight's name (`kernel`, `bias`).
    public var source: String
    public var regularizer: any Regularizer
    public var value: Double
}

extension Model {
    /// The weight penalties on the current weights, in Keras's order: layer by layer,
    /// each layer's weights in order. Like Keras, only trainable layers count.
    public func weightPenalties() throws -> [Penalty] {
        var result: [Penalty] = []
        for node in nodes where node.layer.trainable {
            for (spec, value) in zip(try weightSpecs(of: node), node.layer.weights) {
                guard let r = spec.regularizer else { continue }
                do {
                    result.append(Penalty(layer: node.name, source: spec.name, regularizer: r, value: try r.penalty(value)))
                } catch let e as LabError { throw e.at("\(node.name)/\(spec.name)") }
            }
        }
        return result
    }

    /// An activity penalty on a layer's output: regularizer(y) / batch size, as Keras adds it.
    public static func activityPenalty(_ node: LayerNode, output y: Tensor) throws -> Penalty? {
        guard let r = node.layer.activityRegularizer else { return nil }
        let batch = y.rank > 0 ? max(1, y.shape[0]) : 1
        return Penalty(layer: node.name, source: "activity", regularizer: r, value: try r.penalty(y) / Double(batch))
    }
}
