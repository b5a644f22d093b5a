import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// What the Keras fixtures of the reshaping layers do not reach: unknown (None) sizes,
/// which Keras passes through, and the layers' fixed facts.
/// A Keras refusal of `layers/errors.json`: the words typed after `add`, one sample's shape,
/// and Keras's message (at construction, build or call).
struct LayerErrorCase: Sendable, CustomTestStringConvertible {
    let command: String, inputShape: [Int], kerasError: String
    var testDescription: String { "\(command) on \(inputShape)" }
    static let file = FixtureCases("keras/layers/errors.json") { c in
        func f<T>(_ k: String) throws -> T { try FixtureCases<LayerErrorCase>.field(c, k) }
        return LayerErrorCase(command: ([try f("class")] + (try f("tokens") as [String])).joined(separator: " "),
                              inputShape: try f("input_shape"), kerasError: try f("keras_error"))
    }
}

@Suite struct ReshapingLayerTests {
    @Test func errorFixturesArePresent() { LayerErrorCase.file.expectComplete() }

    /// What Keras refuses, LayerLab refuses with Keras's words, when the layer is made or
    /// when it meets its input.
    @Test(arguments: LayerErrorCase.file.cases)
    func kerasRefusalsAreKerasMessages(_ c: LayerErrorCase) throws {
        do {
            let layer = try buildLayer(command: c.command)
            _ = try layer.outputShape(for: [Shape(batchOf: c.inputShape)])
            _ = try layer.call([Tensor(zeros: [1] + c.inputShape)], training: false)
            Issue.record("accepted; Keras: \(c.kerasError)")
        } catch let error as LabError {
            #expect(error.message.contains(c.kerasError), "ours: \(error.message)")
        }
    }

    func shape(_ command: String, _ dims: [Int?]) throws -> String {
        try buildLayer(command: command).outputShape(for: [Shape(dims)]).description
    }

    @Test func unknownSizesStayUnknown() throws {
        #expect(try shape("zeropadding2d ((1, 2), (3, 4))", [nil, nil, 5, 3]) == "(None, None, 12, 3)")
        #expect(try shape("zeropadding1d 2 data_format=channels_first", [nil, 3, nil]) == "(None, 3, None)")
        #expect(try shape("cropping2d ((1, 1), (2, 2))", [nil, nil, 5, 3]) == "(None, None, 1, 3)")
        // Keras checks a crop only against the sizes it knows.
        #expect(try shape("cropping3d 5", [nil, nil, nil, nil, 2]) == "(None, None, None, None, 2)")
        #expect(throws: LabError.self) { try shape("cropping3d 5", [nil, nil, 10, 3, 2]) }
        #expect(try shape("upsampling3d (1, 2, 3) data_format=channels_first", [nil, 4, 2, nil, 3]) == "(None, 4, 2, None, 9)")
        #expect(try shape("upsampling1d 3", [nil, nil, 2]) == "(None, None, 2)")
    }

    @Test func noWeightsNoMACsAndKerasDefaults() throws {
        for (command, config) in [
            ("zeropadding1d", "padding=(1, 1) data_format='channels_last'"),
            ("zeropadding3d", "padding=((1, 1), (1, 1), (1, 1)) data_format='channels_last'"),
            ("cropping1d", "cropping=(1, 1)"),
            ("cropping2d", "cropping=((0, 0), (0, 0)) data_format='channels_last'"),
            ("upsampling1d", "size=2"),
            ("upsampling2d", "size=(2, 2) data_format='channels_last' interpolation='nearest'"),
            ("upsampling3d", "size=(2, 2, 2) data_format='channels_last'"),
        ] {
            let layer = try buildLayer(command: command)
            #expect(layer.config.map { "\($0.key)=\($0.value.python)" }.joined(separator: " ") == config, "\(command)")
            let input = [Shape(batchOf: Array(repeating: 4, count: layer.className.contains("1D") ? 2 : layer.className.contains("2D") ? 3 : 4))]
            #expect(try layer.weightSpecs(for: input).isEmpty)
            #expect(layer.macs(for: input) == 0)
        }
    }

    @Test func aCallOnTheWrongRankIsAnError() throws {
        let layer = try buildLayer(command: "upsampling2d 2 interpolation=bilinear")
        #expect(throws: LabError.self) { try layer.call([Tensor(zeros: [2, 3, 4])], training: false) }
    }
}
