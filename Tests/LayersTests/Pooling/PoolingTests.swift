import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

@Suite struct PoolingTests {
    func run(_ command: String, _ x: Tensor) throws -> Tensor {
        let layer = try buildLayer(command: command)
        _ = try layer.outputShape(for: [Shape(batchOf: Array(x.shape.dropFirst()))])
        return try layer.call([x], training: false)
    }

    @Test func defaultsAreKeras() throws {
        let max = try #require(try buildLayer(command: "maxpooling2d") as? Pooling)
        #expect(max.className == "MaxPooling2D")
        #expect(max.spatial.kernel == [2, 2] && max.spatial.strides == [2, 2])
        #expect(max.config.map(\.key) == ["pool_size", "padding", "strides", "data_format"])
        let avg = try #require(try buildLayer(command: "avgpool1d 3") as? Pooling)
        #expect(avg.className == "AveragePooling1D")
        #expect(avg.config.first { $0.key == "strides" }?.value.python == "(3,)")
        #expect(throws: LabError.self) { try buildLayer(command: "averagepooling3d") }
        // Keras keeps pooling's padding as written.
        #expect(try buildLayer(command: "maxpooling1d 2 padding=SAME").config.first { $0.key == "padding" }?.value == .string("SAME"))
    }

    @Test func averageWithSamePaddingCountsOnlyRealCells() throws {
        // 2×3 grid, pool 2, stride 2, same: the second window has a padded column, so 2 real cells.
        let x = try Tensor(shape: [1, 2, 3, 1], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try run("averagepooling2d 2 padding=same", x).scalars == [3, 4.5])
        #expect(try run("maxpooling2d 2 padding=same", x).scalars == [5, 6])
        // The same numbers channels-first, with two channels.
        let two = try Tensor(shape: [1, 2, 2, 3], scalars: [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60])
        let y = try run("averagepooling2d 2 padding=same data_format=channels_first", two)
        #expect(y.shape == [1, 2, 1, 2])
        #expect(y.scalars == [3, 4.5, 30, 45])
    }

    @Test func globalPoolingKeepsDimsWhereKerasDoes() throws {
        let x = try Tensor(shape: [2, 2, 2, 3], scalars: (0..<24).map(Float.init))
        let flat = try run("globalaveragepooling2d", x)
        #expect(flat.shape == [2, 3])
        #expect(flat.scalars == [4.5, 5.5, 6.5, 16.5, 17.5, 18.5])
        let kept = try run("globalmaxpooling2d keepdims=True", x)
        #expect(kept.shape == [2, 1, 1, 3])
        #expect(kept.scalars == [9, 10, 11, 21, 22, 23])
        let first = try run("globalmaxpooling2d keepdims=True data_format=channels_first", x)
        #expect(first.shape == [2, 2, 1, 1])
        #expect(first.scalars == [5, 11, 17, 23])
        #expect(try buildLayer(command: "globalaveragepooling1d keepdims=True data_format=channels_first")
            .outputShape(for: [Shape(batchOf: [4, 9])]) == Shape([nil, 4, 1]))
    }

    @Test func poolingHasNoWeightsAndNoMACs() throws {
        let layer = try buildLayer(command: "maxpooling3d 2")
        let input = Shape(batchOf: [4, 4, 4, 2])
        #expect(try layer.weightSpecs(for: [input]).isEmpty)
        #expect(layer.macs(for: [input]) == 0)
        #expect(layer.explanation(for: [input]).contains("params = 0 (pooling has no weights)"))
    }
}
