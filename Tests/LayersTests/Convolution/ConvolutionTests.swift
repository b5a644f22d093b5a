import Testing
import TestSupport
@testable import Layers
@testable import TensorCore
import Text

@Suite struct ConvolutionTests {
    func message(_ command: String, input: [Int]? = nil) -> String {
        do {
            let layer = try buildLayer(command: command)
            if let input { _ = try layer.outputShape(for: [Shape(batchOf: input)]) }
            return ""
        } catch { return "\(error)" }
    }

    @Test func shortFormPlacesFiltersKernelAndActivation() throws {
        let layer = try #require(try buildLayer(command: "conv2d 32 3 relu he_uniform") as? Convolution)
        #expect(layer.className == "Conv2D")
        #expect(layer.filters == 32)
        #expect(layer.spatial.kernel == [3, 3])
        #expect(layer.activation.name == "relu")
        #expect(layer.kernels[0].initializer.object.className == "HeUniform")
        let long = try #require(try buildLayer(command: "conv2d 32 (3,5) strides=2 padding=same") as? Convolution)
        #expect(long.className == "Conv2D")
        #expect(long.spatial.kernel == [3, 5])
        #expect(long.spatial.strides == [2, 2])
        #expect(long.spatial.padding == .same)
        #expect(try long.outputShape(for: [Shape(batchOf: [28, 28, 1])]) == Shape([nil, 14, 14, 32]))
        let pool = try #require(try buildLayer(command: "maxpooling2d 3") as? Pooling)
        #expect(pool.className == "MaxPooling2D")
        #expect(pool.spatial.kernel == [3, 3] && pool.spatial.strides == [3, 3])
        #expect(try buildLayer(command: "globalaveragepooling2d").className == "GlobalAveragePooling2D")
        #expect(try buildLayer(command: "depthwiseconv2d 3 relu").config.first { $0.key == "activation" }?.value == .string("relu"))
    }

    @Test func aliasesFindTheirClass() throws {
        for (alias, cls) in [("MaxPool2D", "MaxPooling2D"), ("avgpool1d 2", "AveragePooling1D"), ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
                             ("global_max_pool3d", "GlobalMaxPooling3D"), ("Convolution2D 4 3", "Conv2D"), ("conv2d_transpose 4 3", "Conv2DTranspose"),
                             ("separable_conv2d 4 3", "SeparableConv2D"), ("depthwise_conv1d 3", "DepthwiseConv1D"), ("max_pooling2d", "MaxPooling2D")] {
            #expect(try buildLayer(command: alias).className == cls, "\(alias)")
        }
    }

    @Test func impossibleConfigurationsSayWhatAndWithWhichNumbers() {
        let tooBig = message("conv2d 8 5", input: [3, 9, 2])
        #expect(tooBig.contains("Conv2D") || tooBig.contains("conv2d"))
        #expect(tooBig.contains("out = floor((3 − 5)/1) + 1 = -1"), "\(tooBig)")
        #expect(!tooBig.contains("\n"))
        #expect(message("conv1d 2 3 strides=2 dilation_rate=2").contains("strides > 1 is not supported together with dilation_rate > 1"))
        #expect(message("conv2d 3 3 groups=2").contains("filters (3) must be divisible by groups (2)"))
        #expect(message("conv2d 4 3 groups=2", input: [9, 9, 3]).contains("3 channels must be divisible by groups (2)"))
        #expect(message("conv2d 4 3 padding=causal").contains("'causal' exists for Conv1D only"))
        #expect(message("conv1dtranspose 2 3 strides=2 output_padding=2").contains("strictly less than strides"))
        #expect(message("averagepooling2d") == "AveragePooling2D() missing required argument 'pool_size'")
        #expect(message("maxpooling1d 4", input: [3, 2]).contains("out = floor((3 − 4)/4) + 1 = 0"))
        #expect(message("conv2d 4 3", input: [28, 28]).contains("expects input of rank 4 (batch, rows, cols, channels), got (None, 28, 28)"))
        #expect(message("conv2d 4 (3, 3, 3)").contains("kernel_size must be an integer or a tuple of 2 integers"))
        #expect(message("conv2d 4 0").contains("kernel_size must hold positive integers"))
        #expect(message("conv2d 4 3 padding=full").contains("padding must be one of 'valid', 'same'"))
        #expect(message("conv2d 4 3 data_format=nchw").contains("data_format must be"))
    }

    @Test func explanationPutsInTheNumbers() throws {
        let layer = try buildLayer(command: "conv2d 32 3 relu")
        let lines = layer.explanation(for: [Shape(batchOf: [32, 32, 3])])
        #expect(lines.contains("spatial axis 1 (padding='valid'): out = floor((32 − 3)/1) + 1 = 30"))
        #expect(lines.contains("params = kh·kw·(in/groups)·filters + filters = 3·3·3·32 + 32 = 896"))
        #expect(lines.contains("MACs per sample = \(thousands(30 * 30 * 27 * 32))"))
        let same = try buildLayer(command: "conv1d 4 3 strides=2 padding=same").explanation(for: [Shape(batchOf: [9, 2])])
        #expect(same.contains("spatial axis 1 (padding='same'): out = ceil(9/2) = 5; padded with 1 before, 1 after"))
        let causal = try buildLayer(command: "conv1d 4 3 padding=causal dilation_rate=2").explanation(for: [Shape(batchOf: [10, 2])])
        #expect(causal.contains("spatial axis 1 (padding='causal'): out = ceil(10/1) = 10; padded with 4 before, 0 after"))
        let even = try buildLayer(command: "averagepooling1d 2 padding=same").explanation(for: [Shape(batchOf: [5, 1])])
        #expect(even.contains("spatial axis 1 (pool 2, stride 2, padding='same'): out = ceil(5/2) = 3; padded with 0 before, 1 after"))
        let dilated = try buildLayer(command: "conv1d 4 3 dilation_rate=2").explanation(for: [Shape(batchOf: [9, 2])])
        #expect(dilated.contains("spatial axis 1 (padding='valid'): out = floor((9 − ((3 − 1)·2 + 1))/1) + 1 = 5"))
        let t = try buildLayer(command: "conv2dtranspose 8 3 strides=2").explanation(for: [Shape(batchOf: [4, 4, 2])])
        #expect(t.contains("spatial axis 1 (padding='valid'): out = (4 − 1)·2 + max(3, 2) = 9"))
        #expect(t.contains("params = kh·kw·filters·in + filters = 3·3·8·2 + 8 = 152"))
        let sep = try buildLayer(command: "separableconv2d 8 3 depth_multiplier=2").explanation(for: [Shape(batchOf: [10, 10, 4])])
        #expect(sep.contains("params = kh·kw·in·dm + in·dm·filters + filters = 3·3·4·2 + 4·2·8 + 8 = 144"))
        let dw = try buildLayer(command: "depthwiseconv2d 3").explanation(for: [Shape(batchOf: [10, 10, 4])])
        #expect(dw.contains("params = kh·kw·in·depth_multiplier + in·depth_multiplier = 3·3·4·1 + 4 = 40"))
        let pool = try buildLayer(command: "maxpooling2d 2").explanation(for: [Shape(batchOf: [26, 26, 32])])
        #expect(pool.contains("spatial axis 1 (pool 2, stride 2, padding='valid'): out = floor((26 − 2)/2) + 1 = 13"))
    }

    @Test func macsPerSample() throws {
        #expect(try buildLayer(command: "conv2d 32 3").macs(for: [Shape(batchOf: [28, 28, 1])]) == 26 * 26 * 9 * 32)
        #expect(try buildLayer(command: "conv2d 8 3 groups=2").macs(for: [Shape(batchOf: [10, 10, 4])]) == 8 * 8 * 9 * 2 * 8)
        #expect(try buildLayer(command: "conv1dtranspose 4 3 strides=2").macs(for: [Shape(batchOf: [5, 2])]) == 5 * 3 * 2 * 4)
        #expect(try buildLayer(command: "depthwiseconv1d 3 depth_multiplier=2").macs(for: [Shape(batchOf: [7, 3])]) == 5 * 3 * 3 * 2)
        #expect(try buildLayer(command: "maxpooling2d").macs(for: [Shape(batchOf: [4, 4, 1])]) == 0)
    }

    @Test func channelsFirstGivesTheSameNumbersTransposed() throws {
        var last = try buildLayer(command: "conv2d 3 (2, 3) strides=(1, 2) padding=same")
        var first = try buildLayer(command: "conv2d 3 (2, 3) strides=(1, 2) padding=same data_format=channels_first")
        let specs = try last.weightSpecs(for: [Shape(batchOf: [5, 6, 2])])
        last.weights = try specs.map { try $0.initializer.sample($0.shape) }
        last.weights[1] = try Tensor(shape: [3], scalars: [0.5, -1, 2])
        first.weights = last.weights
        var x = try Tensor(zeros: [2, 5, 6, 2])
        var rng = RandomGenerator(seed: 3)
        rng.fillNormal(&x.scalars)
        let yLast = try last.call([x], training: false)
        let yFirst = try first.call([x.channelsMovedFirst()], training: false)
        #expect(yFirst.shape == [2, 3, 5, 3])
        #expect(closeness(yFirst.channelsMovedLast(), yLast).ok)
    }

    @Test func bigBatchesRunInSeveralCallsWithTheSameResult() throws {
        // A batch of 60 of these takes two oneDNN calls (56 samples, then 4), so that
        // Ctrl-C is looked at in between; the last sample alone gives the same rows.
        var layer = try buildLayer(command: "conv2d 64 3 padding=same")
        let specs = try layer.weightSpecs(for: [Shape(batchOf: [32, 32, 64])])
        layer.weights = try specs.map { try $0.initializer.sample($0.shape) }
        let sample = 32 * 32 * 64
        var x = try Tensor(zeros: [60, 32, 32, 64])
        var rng = RandomGenerator(seed: 5)
        rng.fillNormal(&x.scalars)
        let g = try ConvGeometry(batch: 60, input: [32, 32], channels: 64, kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padBefore: [1, 1], output: [32, 32])
        #expect(try ConvOperation.convolution(g, kernel: [3, 3, 64, 64]).samplesPerCall == 56)
        let y = try layer.call([x], training: false)
        let one = try layer.call([Tensor(shape: [1, 32, 32, 64], scalars: Array(x.scalars[(59 * sample)...]))], training: false)
        let check = closeness(Tensor(unchecked: [1, 32, 32, 64], Array(y.scalars[(59 * sample)...])), one)
        #expect(check.ok, "\(check.worst)")
    }
}
