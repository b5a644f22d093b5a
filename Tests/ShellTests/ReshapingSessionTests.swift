import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Models
@testable import Shell
@testable import TensorCore

/// ZeroPadding, Cropping and UpSampling at the prompt: the commands, their errors, explain,
/// Python and .keras round trips. (Shapes, configs, forward and gradients against Keras are
/// the `layers/cases` fixtures of KerasParityTests.)
@Suite struct ReshapingSessionTests {
    @Test func commandsBuildKerasShapes() {
        let run = ShellRun("""
        input 5 6 2
        add zero_padding2d 1
        add zeropadding2d ((1,2),(3,4))
        add cropping2d ((1, 0), (2, 3))
        add upsampling2d (2, 3) interpolation=bilinear
        add upsampling2d 2 data_format=channels_first
        summary
        """)
        #expect(run.ok, "\(run.errors)")
        let shapes = run.session.model.nodes.map { $0.outputShape?.description ?? "?" }
        #expect(shapes == ["(None, 7, 8, 2)", "(None, 10, 15, 2)", "(None, 9, 10, 2)", "(None, 18, 30, 2)", "(None, 18, 60, 4)"])
        #expect(run.session.model.nodes.map(\.name) == ["zero_padding2d", "zero_padding2d_1", "cropping2d", "up_sampling2d", "up_sampling2d_1"])
        #expect(run.session.model.parameterCount == 0)
        let oneD = ShellRun("input 4 3; add zeropadding1d (2, 0); add cropping1d 1; add upsampling1d 3")
        #expect(oneD.session.model.nodes.map { $0.outputShape?.description ?? "?" } == ["(None, 6, 3)", "(None, 4, 3)", "(None, 12, 3)"])
        let threeD = ShellRun("input 2 3 4 1; add zeropadding3d 1; add cropping3d ((0, 1), (1, 1), (2, 0)); add upsampling3d (1, 2, 3)")
        #expect(threeD.session.model.nodes.map { $0.outputShape?.description ?? "?" } == ["(None, 4, 5, 6, 1)", "(None, 3, 3, 4, 1)", "(None, 3, 6, 12, 1)"])
    }

    @Test func badArgumentsAreOneLineAndLeaveTheModelUnchanged() {
        let run = ShellRun("input 4 5 2")
        let bad = [
            "add cropping2d ((2, 2), (0, 0))", "add cropping2d 3", "add cropping2d -1", "add cropping1d 1",
            "add zeropadding2d (1, 2, 3)", "add zeropadding2d ((1, -2), 3)", "add zeropadding3d 1", "add zeropadding2d 1 data_format=nchw",
            "add upsampling2d 0", "add upsampling2d interpolation=cubic", "add upsampling2d interpolation=bicubic",
            "add upsampling1d (2,)", "add cropping1d 1 data_format=channels_first", "add cropping3d ((1, 1), (1, 1))",
        ]
        for line in bad { #expect(!run.run(line), "\(line)") }
        #expect(run.session.model.nodes.isEmpty)
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == bad.count, "\(lines)")
        #expect(run.errors.contains("cropping2d: Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=(None, 4, 5, 2), cropping=((2, 2), (0, 0))"))
        #expect(run.errors.contains("ZeroPadding2D: `padding` should have two elements. Received: padding=(1, 2, 3)."))
        #expect(run.errors.contains("The `1st entry of padding` argument must be a tuple of 2 integers. Received 1st entry of padding=(1, -2), including values {-2} that do not satisfy `value >= 0`"))
        #expect(run.errors.contains("UpSampling2D: The `size` argument must be a tuple of 2 integers. Received size=0, including values {0} that do not satisfy `value > 0`"))
        #expect(run.errors.contains("Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', 'lanczos3', 'lanczos5', 'bicubic'). Received: interpolation=cubic"))
        #expect(run.errors.contains("UpSampling1D: Expected an integer value for `size`, got <class 'tuple'>."))
        #expect(run.errors.contains("The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=nchw"))
        #expect(run.errors.contains("`cropping` should have 3 elements. Received: ((1, 1), (1, 1))."))
        #expect(run.errors.contains("expected ndim=3 (batch, length, channels), found ndim=4: input (None, 4, 5, 2)"))
        #expect(run.errors.contains("Cropping1D() got an unexpected keyword argument 'data_format'"))
    }

    @Test func explainShowsTheRuleWithTheNumbers() {
        let run = ShellRun("""
        input 5 6 2
        add zeropadding2d ((1,2),(3,4))
        add cropping2d ((1, 0), (2, 3))
        add upsampling2d (2, 3) interpolation=bilinear
        explain zero_padding2d
        explain cropping2d
        explain up_sampling2d
        """)
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("rows: out = 1 + 5 + 2 = 8"))
        #expect(run.text.contains("cols: out = 3 + 6 + 4 = 13"))
        #expect(run.text.contains("rows: out = 8 − 1 − 0 = 7"))
        #expect(run.text.contains("cols: out = 13 − 2 − 3 = 8"))
        #expect(run.text.contains("cols: out = 3 × 8 = 24"))
        #expect(run.text.contains("half-pixel centres"))
        #expect(run.text.contains("no weights: params = 0"))
    }

    @Test func pythonBuildsThemThroughTheGenericPath() {
        let run = ShellRun("""
        import keras
        model = keras.Sequential([keras.Input(shape=(5, 6, 2))])
        model.add(keras.layers.ZeroPadding2D(((1, 2), (3, 4))))
        model.add(keras.layers.Cropping2D(cropping=((1, 0), (2, 3)), data_format='channels_last'))
        model.add(keras.layers.UpSampling2D(size=(2, 1), interpolation='BILINEAR'))
        print(model.output_shape)
        """)
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("(None, 14, 8, 2)"))
        let up = run.session.model.nodes.last?.layer.config.map { "\($0.key)=\($0.value.python)" }
        #expect(up == ["size=(2, 1)", "data_format='channels_last'", "interpolation='bilinear'"])
        let bad = ShellRun("import keras\nlayer = keras.layers.ZeroPadding3D((1, 2))")
        #expect(bad.errors.contains("`padding` should have 3 elements. Received: (1, 2)."))
    }

    @Test func aModelWithEveryReshapingLayerSavesAndLoads() throws {
        let dir = try temporaryDirectory()
        let run = ShellRun("""
        input 4 5 3
        add zeropadding2d ((1,2),(0,1)) data_format=channels_first
        add cropping2d 1
        add upsampling2d (1, 2) interpolation=bilinear
        add reshape (2, 6, 8, 1)
        add zeropadding3d (1, 0, 2)
        add cropping3d ((0, 1), (1, 1), (2, 0))
        add upsampling3d (1, 2, 1)
        add reshape (-1, 2)
        add zeropadding1d 1
        add cropping1d (0, 2)
        add upsampling1d 2
        forward --batch 2
        """)
        #expect(run.ok, "\(run.errors)")
        let before = run.session.model
        #expect(run.run("save \(dir.path)/m.keras\nreset\nload \(dir.path)/m.keras"), "\(run.errors)")
        let after = run.session.model
        #expect(after.nodes.map(\.name) == before.nodes.map(\.name))
        #expect(after.nodes.map(\.outputShape) == before.nodes.map(\.outputShape))
        #expect(try KerasModel.json(after).text == KerasModel.json(before).text)
        let json = try KerasModel.json(after).text
        #expect(json.contains("\"padding\": [[1, 2], [0, 1]]"))
        #expect(json.contains("\"interpolation\": \"bilinear\""))
    }
}
