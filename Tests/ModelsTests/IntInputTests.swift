import Testing
import TestSupport
@testable import Layers
@testable import Models
@testable import TensorCore

@Suite struct IntInputTests {
    func embedding(_ inputDim: Int) throws -> any Layer {
        var seeds = SeedSource(seed: 1)
        return try LayerType.registry.get("embedding").build(Arguments([.int(inputDim), .int(2)]), seeds: &seeds).layer
    }

    @Test func idRangeIsTheSmallestEmbeddingDownstream() throws {
        var model = Model(seed: 1)
        try model.setInput(shape: [4], dtype: .int32)
        #expect(model.idRange(for: "input_layer") == nil)
        try model.add(embedding(10))
        try model.add(embedding(5), from: ["input_layer"])
        #expect(model.idRange(for: "input_layer")?.bound == 5)
        #expect(model.idRange(for: "input_layer")?.layer == "embedding_1")
    }

    @Test func intInputsKeepTheirTypeAndRefuseFractions() throws {
        var model = Model(seed: 1)
        try model.setInput(shape: [2], dtype: .int32)
        try model.add(embedding(4))
        let ok = try model.forward(["input_layer": Tensor(shape: [1, 2], scalars: [3, 0])])
        #expect(ok.first?.value.shape == [1, 2, 2])
        #expect(throws: LabError.self) { try model.forward(["input_layer": Tensor(shape: [1, 2], scalars: [0.5, 1])]) }
    }
}
