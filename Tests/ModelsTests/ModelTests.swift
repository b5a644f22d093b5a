import Testing
import TestSupport
@testable import Layers
@testable import Models
@testable import TensorCore

func dense(_ units: Int, _ words: [Value] = [], name: String? = nil) throws -> any Layer {
    var seeds = SeedSource(seed: UInt64(units))
    var args = Arguments([.int(units)] + words)
    if let name { args.keywords.append(Keyword("name", .string(name))) }
    return try LayerType.registry.get("dense").build(args, seeds: &seeds).layer
}

@Suite struct ModelTests {
    @Test func namesFollowKerasCounters() throws {
        var m = Model(seed: 1)
        try m.setInput(shape: [4])
        try m.add(dense(3))
        try m.add(dense(3, name: "dense_5"))
        try m.add(dense(3))
        try m.add(dense(3))
        #expect(m.nodes.map(\.name) == ["dense", "dense_5", "dense_1", "dense_2"])
        #expect(m.inputs.map(\.name) == ["input_layer"])
        #expect(throws: LabError.self) { try m.add(dense(3, name: "dense_1")) }
        #expect(m.nodes.count == 4)
    }

    @Test func layersAddedBeforeTheInputAreBuiltByIt() throws {
        var m = Model(seed: 1)
        try m.add(dense(8))
        try m.add(dense(2))
        #expect(m.nodes.allSatisfy { $0.outputShape == nil && $0.layer.weights.isEmpty })
        #expect(m.parameterCount == 0)
        try m.setInput(shape: [16])
        #expect(m.nodes.map(\.outputShape) == [Shape([nil, 8]), Shape([nil, 2])])
        #expect(m.parameterCount == 16 * 8 + 8 + 8 * 2 + 2)
    }

    @Test func removeReconnectsAndRedrawsOnlyWhatChanged() throws {
        var m = Model(seed: 1)
        try m.setInput(shape: [16])
        try m.add(dense(32))
        try m.add(dense(16))
        try m.add(dense(8))
        let firstKernel = m.nodes[0].layer.weights[0]
        try m.remove("dense_1")
        #expect(m.nodes.map(\.name) == ["dense", "dense_2"])
        #expect(m.nodes[1].inbound == ["dense"])
        #expect(m.nodes[1].layer.weights[0].shape == [32, 8])
        #expect(m.nodes[0].layer.weights[0] == firstKernel)
        #expect(throws: LabError.self) { try m.remove("nope") }
        #expect(throws: LabError.self) { try m.remove("input_layer") }
    }

    @Test func failingChangesLeaveTheModelUnchanged() throws {
        var m = Model(seed: 1)
        try m.setInput(shape: [16])
        try m.add(dense(4))
        let before = m.nodes.map(\.name)
        #expect(throws: LabError.self) { try m.setInput(shape: [3], name: "dense") }
        #expect(throws: LabError.self) { try m.setInput(shape: [0]) }
        #expect(throws: LabError.self) { try m.setWeight(layer: "dense", weight: "kernel", to: try Tensor(zeros: [3, 4])) }
        #expect(m.nodes.map(\.name) == before)
        #expect(m.inputs.count == 1 && m.inputs[0].shape == [16])
    }

    @Test func historyUndoesAndRedoes() throws {
        var h = History()
        var m = Model(seed: 1)
        h.record(m, label: "input 4")
        try m.setInput(shape: [4])
        let undoneEntry = h.undo(m)
        let undone = try #require(undoneEntry)
        #expect(undone.label == "input 4" && undone.model.inputs.isEmpty)
        let redoneEntry = h.redo(undone.model)
        let redone = try #require(redoneEntry)
        #expect(redone.model.inputs.count == 1)
        let nothing = h.redo(redone.model)
        #expect(nothing == nil)
    }

    @Test func weightPathsAndLookups() throws {
        var m = Model(seed: 1)
        try m.setInput(shape: [3])
        try m.add(dense(2))
        #expect(m.weightPaths == ["dense/kernel", "dense/bias"])
        #expect(try m.weight("dense/bias").value.shape == [2])
        #expect(throws: LabError.self) { try m.weight("dense/kernal") }
        #expect(throws: LabError.self) { try m.weight("dense") }
    }
}

/// Keras's own models, weights, inputs and outputs (scripts/keras-fixtures/generate.py).
@Suite struct ForwardParityTests {
    @Test(arguments: ["mlp", "nd", "activations"])
    func matchesKeras(_ name: String) throws {
        let facts = try #require((try loadJSON("keras/dense/models.json") as? [String: Any])?[name] as? [String: Any])
        let inputShape = try #require(facts["input_shape"] as? [Int])
        let layers = try #require(facts["layers"] as? [[String: Any]])
        var m = Model(seed: 1)
        try m.setInput(shape: inputShape)
        for spec in layers {
            let units = try #require(spec["units"] as? Int), activation = try #require(spec["activation"] as? String)
            try m.add(dense(units, [.string(activation)]))
        }
        #expect(m.nodes.map(\.name) == layers.compactMap { $0["name"] as? String })
        #expect(m.parameterCount == facts["total_params"] as? Int)
        for (node, spec) in zip(m.nodes, layers) {
            #expect(node.outputShape == Shape((spec["output_shape"] as? [Any] ?? []).map { $0 as? Int }))
            try m.setWeight(layer: node.name, weight: "kernel", to: loadFixture("keras/dense/\(name)/\(node.name).kernel.npy"))
            try m.setWeight(layer: node.name, weight: "bias", to: loadFixture("keras/dense/\(name)/\(node.name).bias.npy"))
        }
        let x = try loadFixture("keras/dense/\(name)/input.npy")
        let y = try #require(try m.forward(["input_layer": x]).first?.value)
        let (ok, worst) = closeness(y, try loadFixture("keras/dense/\(name)/output.npy"), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(worst)")
    }

    @Test func wrongInputShapeIsAClearError() throws {
        var m = Model(seed: 1)
        try m.setInput(shape: [16])
        try m.add(dense(4))
        #expect(throws: LabError("input_layer: expected a batch of shape (None, 16), got (2, 32)")) {
            try m.forward(["input_layer": try Tensor(zeros: [2, 32])])
        }
        #expect(throws: LabError.self) { try Model(seed: 1).forward([:]) }
    }

    @Test func everyLayerIsObserved() throws {
        var m = Model(seed: 1)
        try m.setInput(shape: [3])
        try m.add(dense(4, [.string("relu")]))
        try m.add(dense(2))
        var seen: [String] = []
        _ = try m.forward(["input_layer": try Tensor(zeros: [5, 3], value: 1)]) { node, y in seen.append("\(node.name)\(y.shape)") }
        #expect(seen == ["dense[5, 4]", "dense_1[5, 2]"])
    }
}
