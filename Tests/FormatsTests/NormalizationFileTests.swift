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

    /// Python's layer.adapt(data) on a NumPy array, before and after the layer is in a model
    /// (the numbers of Keras's own docstring examples).
    @Test func pythonAdaptSetsMeanAndVariance() throws {
        let run = ShellRun("""
            import keras
            import numpy as np
            norm = keras.layers.Normalization()
            norm.adapt(np.array([[0., 7., 4.], [2., 9., 6.], [0., 7., 4.], [2., 9., 6.]]))
            model = keras.Sequential([keras.Input(shape=(3,)), norm])
            """)
        #expect(run.ok, "\(run.errors)")
        let weights = try #require(run.session.model.nodes.first?.layer.weights)
        #expect(weights.map(\.scalars) == [[1, 8, 5], [1, 1, 1], [0]])
        #expect(run.run("n2 = keras.layers.Normalization(axis=None)\nmodel2 = keras.Sequential([keras.Input(shape=(3,)), n2])\nn2.adapt(np.array([1., 2., 3., 4., 5.]))"))
        let y = try run.session.model.forward([run.session.model.inputs[0].name: try Tensor(shape: [1, 3], scalars: [1, 2, 3])])
        let out = try #require(y.first?.value.scalars)
        #expect(out.count == 3 && abs(out[0] + 1.4142135) < 1e-6 && abs(out[1] + 0.70710677) < 1e-6 && out[2] == 0)
        #expect(!run.run("keras.layers.Normalization(mean=1.0, variance=2.0).adapt(np.array([1., 2.]))"))
    }
}
