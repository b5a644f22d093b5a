import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Models
@testable import TensorCore

/// A .keras file Keras wrote (`generate.py normalization`: Normalization adapted on data, then
/// Dense) opens with Normalization's weights mean, variance and count (an int32 scalar in the
/// file, a float in LayerLab), gives Keras's output, and is written back with count as int32.
@Suite struct NormalizationFileTests {
    static let file = "keras/normalization/adapted.keras"

    @Test func adaptedNormalizationRoundTrips() throws {
        let model = try KerasArchive.load(path: fixture(Self.file).path, seed: 1)
        #expect(model.parameterCount == 3 + 3 + 1 + 3 * 2 + 2)
        #expect(model.trainableParameterCount == 3 * 2 + 2)
        let count = try model.weight("normalization/count")
        #expect(count.spec.kerasInteger && count.value.shape == [] && count.value.scalars == [40])
        let mean = try model.weight("normalization/mean").value
        #expect(mean.shape == [3] && abs(mean.scalars[0] - 1.9424948) < 1e-5)

        let x = try loadFixture("keras/normalization/adapted_input.npy")
        let expected = try loadFixture("keras/normalization/adapted_output.npy")
        let y = try #require(try model.forward([model.inputs[0].name: x]).first?.value)
        let (ok, worst) = closeness(y, expected, rtol: 1e-5, atol: 1e-5)
        #expect(ok, "\(worst)")

        let saved = try KerasArchive.encode(model)
        let back = try KerasArchive.decode(saved, seed: 2)
        #expect(back.nodes.flatMap(\.layer.weights) == model.nodes.flatMap(\.layer.weights))
        let yBack = try #require(try back.forward([back.inputs[0].name: x]).first?.value)
        #expect(yBack == y)

        // count is stored as Keras stores it: a scalar int32 dataset, the others float32.
        let h5 = try KerasArchive.weightsFile(model)
        try HDF5File.exclusively {
            let file = try HDF5File.open(h5)
            let vars = try #require(try file.root.group("layers")?.group("normalization")?.group("vars"))
            #expect(vars.integerSize("2") == 4)
            #expect(try vars.datasetShape("2") == [])
            #expect(try vars.readIntScalar("2") == 40)
            #expect(vars.integerSize("0") == 0 && vars.integerSize("1") == 0)
        }
    }
}
