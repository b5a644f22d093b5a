import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import KerasPython
@testable import Layers
@testable import Models
@testable import TensorCore

/// keras.applications built by Keras with weights=None, and the Keras tutorials' models
/// (`generate.py applications`): every
/// architecture whose layer classes LayerLab has opens from Keras's model.to_json() with
/// Keras's summary (byte for byte) and parameter counts; the small ones also open from
/// .keras with Keras's weights and give Keras's predictions. An architecture using a class
/// LayerLab lacks, or a keras.ops call in its graph (MobileNetV3's `x + 3.0`), is refused
/// with one line naming it.
@Suite struct ApplicationsTests {
    static let folder = "keras/applications"
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: fixture(folder).path)) ?? []).sorted()

    struct Case {
        var params: Int, trainable: Int, nonTrainable: Int, classes: [String], weightsKept: Bool
        init(_ name: String) throws {
            let c = try loadJSON("\(ApplicationsTests.folder)/\(name)/case.json") as? [String: Any] ?? [:]
            func f<T>(_ key: String) throws -> T {
                guard let v = c[key] as? T else { throw LabError("\(name)/case.json: no \(key)") }
                return v
            }
            params = try f("params"); trainable = try f("trainable_params"); nonTrainable = try f("non_trainable_params")
            classes = try f("classes"); weightsKept = try f("weights_kept")
            let json = try JSON.parse(try String(contentsOf: fixture("\(ApplicationsTests.folder)/\(name)/model.json"), encoding: .utf8))
            operations = Array(Set((json["config"]?["layers"]?.array ?? []).compactMap { layer -> String? in
                guard layer["module"]?.string?.hasPrefix("keras.src.ops") == true else { return nil }
                return layer["class_name"]?.string
            })).sorted()
        }
        /// keras.ops calls in the graph (`x + 3.0`), which LayerLab does not open yet.
        var operations: [String] = []
        /// The classes LayerLab has no layer for, and the operations.
        var missing: [String] { classes.filter { $0 != "InputLayer" && LayerType.registry.lookup($0) == nil } + operations }
    }

    @Test func fixturesArePresent() throws {
        #expect(Self.names.filter { !$0.hasPrefix("tutorial_") }.count == 13, "\(Self.names)")
        #expect(Self.names.filter { $0.hasPrefix("tutorial_") }.count == 6, "\(Self.names)")
        // These must open today; each layer added since makes more of them open.
        let opening = try Self.names.filter { try Case($0).missing.isEmpty }
        #expect(Set(["DenseNet121", "EfficientNetB0", "EfficientNetV2B0", "InceptionV3", "MobileNet", "MobileNetV2",
                     "NASNetMobile", "ResNet50", "ResNet50V2", "VGG16", "Xception", "tutorial_batchnorm", "tutorial_conv1d_text",
                     "tutorial_conv_autoencoder", "tutorial_mnist_convnet", "tutorial_mnist_mlp", "tutorial_unet"]).isSubset(of: opening),
                "\(opening)")
    }

    @Test(arguments: names)
    func opensAsKerasBuiltIt(_ name: String) throws {
        let c = try Case(name)
        let text = try String(contentsOf: fixture("\(Self.folder)/\(name)/model.json"), encoding: .utf8)
        guard c.missing.isEmpty else {
            do {
                _ = try KerasModel.model(from: try JSON.parse(text), seed: 1)
                Issue.record("\(name) opened although LayerLab lacks \(c.missing)")
            } catch let e as LabError {
                #expect(c.missing.contains { e.description.contains($0) }, "\(e.description)")
            }
            return
        }
        let model = try KerasModel.model(from: try JSON.parse(text), seed: 1)
        #expect(model.parameterCount == c.params)
        #expect(model.trainableParameterCount == c.trainable)
        #expect(model.parameterCount - model.trainableParameterCount == c.nonTrainable)
        let keras = try String(contentsOf: fixture("\(Self.folder)/\(name)/summary.txt"), encoding: .utf8)
        let ours = try KerasSummary.render(model, terminalColumns: 80) + "\n"
        if ours != keras {
            let a = ours.split(separator: "\n", omittingEmptySubsequences: false), b = keras.split(separator: "\n", omittingEmptySubsequences: false)
            let i = Array(zip(a, b)).firstIndex { $0.0 != $0.1 } ?? min(a.count, b.count)
            Issue.record("\(name): the summary differs from line \(i + 1):\nours:  \(i < a.count ? a[i] : "(end)")\nKeras: \(i < b.count ? b[i] : "(end)")")
        }
        guard c.weightsKept else { return }
        let trained = try KerasArchive.load(path: fixture("\(Self.folder)/\(name)/model.keras").path, seed: 1)
        let x = try loadFixture("\(Self.folder)/\(name)/input.npy")
        let y = try #require(try trained.forward([trained.inputs[0].name: x]).first?.value)
        let (ok, worst) = closeness(y, try loadFixture("\(Self.folder)/\(name)/output.npy"), rtol: 1e-4, atol: 1e-5)
        #expect(ok, "\(name): \(worst)")
    }
}
