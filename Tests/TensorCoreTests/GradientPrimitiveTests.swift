import Testing
@testable import TensorCore

/// oneDNN's backward-data and backward-weights primitives (for the gradient issue),
/// checked by what a gradient is: every operation here is linear in its input and in its
/// kernel, so for L = ⟨y, dy⟩ the gradients satisfy ⟨x', ∂L/∂x⟩ = ⟨op(x', w), dy⟩ and
/// ⟨w', ∂L/∂w⟩ = ⟨op(x, w'), dy⟩ for any x', w' — exact up to rounding, on every geometry.
@Suite struct GradientPrimitiveTests {
    func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        var v = [Float](repeating: 0, count: shape.reduce(1, *))
        rng.fillNormal(&v)
        return try Tensor(shape: shape, scalars: v)
    }

    func dot(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// ⟨a, b⟩ = ⟨c, d⟩ within float rounding of sums of `n` terms.
    func expectSame(_ lhs: Double, _ rhs: Double, terms n: Int, _ what: String) {
        #expect(abs(lhs - rhs) <= 1e-5 * Double(n).squareRoot() * max(1, abs(lhs)), "\(what): \(lhs) vs \(rhs)")
        #expect(lhs != 0, "\(what) is zero: the check would hold for anything")
    }

    /// Checks the three gradients of `op` (input, kernel, bias) by linearity.
    func check(_ op: ConvOperation, input: [Int], kernel: [Int], label: String) throws {
        let x = try random(input, seed: 1), w = try random(kernel, seed: 2)
        let y = try op.run(x, kernel: w, bias: nil)
        let dy = try random(y.shape, seed: 3)
        let (dx, dw, db) = try op.gradients(x, kernel: w, hasBias: true, outputGradient: dy)
        #expect(dx.shape == x.shape && dw.shape == w.shape)
        let x2 = try random(input, seed: 4), w2 = try random(kernel, seed: 5)
        expectSame(dot(x2, dx), dot(try op.run(x2, kernel: w, bias: nil), dy), terms: y.count, "\(label) input")
        expectSame(dot(w2, dw), dot(try op.run(x, kernel: w2, bias: nil), dy), terms: y.count, "\(label) kernel")
        // ∂L/∂bias: dy summed over every sample and position, per channel.
        let channels = y.shape.last ?? 1
        var sums = [Double](repeating: 0, count: channels)
        for (i, v) in dy.scalars.enumerated() { sums[i % channels] += Double(v) }
        #expect(zip(db?.scalars ?? [], sums).allSatisfy { abs(Double($0) - $1) <= 1e-4 * max(1, abs($1)) }, "\(label) bias")
        #expect(db?.count == channels)
    }

    @Test(arguments: Im2ColTests.cases)
    func convolutionGradients(_ c: Im2ColTests.Case) throws {
        let g = try c.geometry(batch: 2), filters = 2 * c.groups
        let kernel = c.kernel + [c.channels / c.groups, filters]
        try check(.convolution(g, kernel: kernel, groups: c.groups), input: [2] + c.input + [c.channels], kernel: kernel,
                  label: "convolution \(c.testDescription)")
        try check(.depthwise(g, kernel: c.kernel + [c.channels, 2]), input: [2] + c.input + [c.channels],
                  kernel: c.kernel + [c.channels, 2], label: "depthwise \(c.testDescription)")
    }

    @Test(arguments: Im2ColTests.cases.filter { $0.groups == 1 })
    func transposedGradients(_ c: Im2ColTests.Case) throws {
        // The case's geometry seen from the output side: 3 input channels spread into c.channels.
        let g = try c.geometry(batch: 2)
        let kernel = c.kernel + [c.channels, 3]
        try check(.transposed(g, kernel: kernel, inChannels: 3), input: [2] + c.output + [3], kernel: kernel,
                  label: "transposed \(c.testDescription)")
    }

    /// In one piece, and in blocks of rows (a large batch, so Ctrl-C is noticed between them).
    @Test(arguments: [nil, 2] as [Int?])
    func innerProductGradientsAreTheProducts(blockRows: Int?) throws {
        let x = try random([5, 7], seed: 1), w = try random([7, 3], seed: 2), dy = try random([5, 3], seed: 3)
        let (dx, dw, db) = try x.innerProductGradients(w, hasBias: true, outputGradient: dy, blockRows: blockRows)
        for i in 0..<5 {
            for j in 0..<7 {
                let want = (0..<3).reduce(0.0) { $0 + Double(dy.scalars[i * 3 + $1]) * Double(w.scalars[j * 3 + $1]) }
                #expect(abs(Double(dx.scalars[i * 7 + j]) - want) <= 1e-5 * max(1, abs(want)))
            }
        }
        for j in 0..<7 {
            for o in 0..<3 {
                let want = (0..<5).reduce(0.0) { $0 + Double(x.scalars[$1 * 7 + j]) * Double(dy.scalars[$1 * 3 + o]) }
                #expect(abs(Double(dw.scalars[j * 3 + o]) - want) <= 1e-5 * max(1, abs(want)))
            }
        }
        #expect(db?.scalars.enumerated().allSatisfy { o, v in
            abs(Double(v) - (0..<5).reduce(0.0) { $0 + Double(dy.scalars[$1 * 3 + o]) }) <= 1e-5
        } == true)
    }

    /// Given the caller's plain kernel layout, oneDNN's primitives (the backward ones
    /// above all) fall back to a slow reference kernel; with `any` (as made here) they
    /// get a JIT one — forward (with the fused relu) and backward alike.
    @Test func kernelsAreNotTheReference() throws {
        let g = try ConvGeometry(batch: 64, input: [13, 13], channels: 32, kernel: [3, 3], strides: [1, 1], dilation: [1, 1],
                                 padBefore: [0, 0], output: [11, 11])
        let op = try ConvOperation.convolution(g, kernel: [3, 3, 32, 64])
        let forward = try DNNL.implementation(op.key(samples: 64, bias: true, relu: true))
        #expect(!forward.hasPrefix("ref"), "\(forward)")
        let dense = try DNNL.implementation(Tensor.innerProductKey(rows: 64, k: 784, n: 512, bias: true, relu: true))
        #expect(!dense.hasPrefix("ref"), "\(dense)")
        let names = try DNNL.backwardImplementations(op.key(samples: 64, bias: true, relu: false))
        #expect(!names.data.hasPrefix("ref"), "\(names.data)")
        #expect(!names.weights.hasPrefix("ref"), "\(names.weights)")
    }
}
