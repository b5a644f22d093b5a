import Testing
@testable import TensorCore

/// Zero padding, cropping, repeats and linear resizes (the reshaping layers' copies),
/// against values worked out by hand and jax.image.resize, and each against its adjoint.
@Suite struct ResamplingTests {
    func iota(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float($0 + 1) })
    }

    /// ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for a forward map A and its claimed adjoint.
    func expectAdjoint(_ x: Tensor, _ forward: (Tensor) throws -> Tensor, _ adjoint: (Tensor) throws -> Tensor) throws {
        let ax = try forward(x)
        let y = try Tensor(shape: ax.shape, scalars: (0..<ax.count).map { Float(($0 * 7) % 11) - 5 })
        let aty = try adjoint(y)
        #expect(aty.shape == x.shape)
        let left = zip(ax.scalars, y.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        let right = zip(x.scalars, aty.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(left - right) <= 1e-3 * max(1, abs(left)), "\(left) vs \(right)")
    }

    @Test func padAndCropAreEachOthersAdjoint() throws {
        let x = try iota([1, 2, 2])
        let padded = try x.zeroPadded([(0, 0), (1, 0), (0, 2)])
        #expect(padded.shape == [1, 3, 4])
        #expect(padded.scalars == [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0])
        #expect(try padded.cropped([(0, 0), (1, 0), (0, 2)]) == x)
        #expect(throws: LabError.self) { try x.zeroPadded([(0, 0), (-1, 0), (0, 0)]) }
        #expect(throws: LabError.self) { try x.cropped([(0, 0), (2, 1), (0, 0)]) }
        let y = try iota([2, 3, 4, 2])
        let pads = [(0, 0), (2, 1), (0, 3), (1, 0)]
        try expectAdjoint(y, { try $0.zeroPadded(pads) }, { try $0.cropped(pads) })
        try expectAdjoint(y, { try $0.cropped(pads.map { ($0.0, min($0.1, 0)) }) }, { try $0.zeroPadded(pads.map { ($0.0, min($0.1, 0)) }) })
        #expect(try Tensor(zeros: [0, 3]).zeroPadded([(0, 0), (1, 1)]).shape == [0, 5])
    }

    @Test func repeatIsNumPysRepeatAndBlockSumsItsAdjoint() throws {
        let x = try iota([2, 2])
        let r = try x.repeated([2, 3])
        #expect(r.shape == [4, 6])
        #expect(r.scalars[0..<12] == [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
        #expect(try r.blockSummed([2, 3]).scalars == [6, 12, 18, 24])
        #expect(throws: LabError.self) { try r.blockSummed([4, 4]) }
        let y = try iota([2, 3, 2, 3])
        try expectAdjoint(y, { try $0.repeated([1, 2, 3, 1]) }, { try $0.blockSummed([1, 2, 3, 1]) })
        try expectAdjoint(y, { try $0.repeated([3, 1, 2, 2]) }, { try $0.blockSummed([3, 1, 2, 2]) })
        // Against the definition: out[i, j, k] = x[i / 2, j, k / 3].
        let z = try iota([2, 2, 3]), big = try z.repeated([2, 1, 3])
        #expect(big.shape == [4, 2, 9])
        for i in 0..<4 { for j in 0..<2 { for k in 0..<9 {
            #expect(big.scalars[(i * 2 + j) * 9 + k] == z.scalars[((i / 2) * 2 + j) * 3 + k / 3])
        } } }
        #expect(try Tensor(zeros: [0, 2]).repeated([2, 2]).shape == [0, 4])
    }

    /// jax.image.resize(jnp.arange(3.), (9,), "bilinear", antialias=False):
    /// [0, 0, 1/3, 2/3, 1, 4/3, 5/3, 2, 2] — half-pixel centres, the edges clamped.
    @Test func linearResizeIsJaxs() throws {
        let r = LinearResize(from: 3, to: 9)
        let y = try Tensor(shape: [3], scalars: [0, 1, 2]).resized(axis: 0, r)
        let expected: [Float] = [0, 0, 1.0 / 3, 2.0 / 3, 1, 4.0 / 3, 5.0 / 3, 2, 2]
        for (a, b) in zip(y.scalars, expected) { #expect(abs(a - b) < 1e-6) }
        #expect(r.taps.allSatisfy { $0.count <= 2 && abs($0.reduce(0) { $0 + $1.weight } - 1) < 1e-6 })
        #expect(LinearResize(from: 4, to: 4).taps.map { $0.map(\.index) } == [[0], [1], [2], [3]])
        // Downsampling with antialias widens the triangle (more taps), still summing to 1.
        let down = LinearResize(from: 8, to: 3, antialias: true)
        #expect(down.taps.allSatisfy { $0.count > 2 && abs($0.reduce(0) { $0 + $1.weight } - 1) < 1e-5 })
        let x = try iota([2, 3, 5, 2])
        try expectAdjoint(x, { try $0.resized(axis: 1, r) }, { try $0.resizedTranspose(axis: 1, r) })
        let w = LinearResize(from: 5, to: 15)
        try expectAdjoint(x, { try $0.resized(axis: 2, w) }, { try $0.resizedTranspose(axis: 2, w) })
        #expect(throws: LabError.self) { try x.resized(axis: 2, r) }
    }
}
