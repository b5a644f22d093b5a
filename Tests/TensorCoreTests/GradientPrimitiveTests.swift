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
        let (input, dw, db) = try x.innerProductGradients(w, hasBias: true, outputGradient: dy, blockRows: blockRows)
        let dx = try #require(input)
        // Without the input's gradient: the same kernel and bias gradients, and no product for ∂x.
        let (skipped, dw2, db2) = try x.innerProductGradients(w, hasBias: true, outputGradient: dy, inputGradient: false, blockRows: blockRows)
        #expect(skipped == nil && dw2.scalars == dw.scalars && db2?.scalars == db?.scalars)
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

    // MARK: - col2im and pooling

    /// `Im2Col.scatterAdd` (col2im, the locally connected layer's ∂x) is the adjoint of
    /// `gather`: ⟨gather(x), C⟩ = ⟨x, scatterAdd(C)⟩ for any x and C, padding included.
    @Test(arguments: Im2ColTests.cases.filter { $0.groups == 1 })
    func col2imIsTheAdjointOfIm2col(_ c: Im2ColTests.Case) throws {
        let g = try c.geometry(batch: 2)
        let x = try random([2] + c.input + [c.channels], seed: 6), col = try random([g.rows, g.width], seed: 7)
        var gathered = [Float](repeating: 0, count: g.rows * g.width), scattered = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { xb in
            gathered.withUnsafeMutableBufferPointer { Im2Col.gather(xb.baseAddress!, g, rows: 0..<g.rows, into: $0.baseAddress!) }
        }
        col.scalars.withUnsafeBufferPointer { cb in
            scattered.withUnsafeMutableBufferPointer { Im2Col.scatterAdd(cb.baseAddress!, g, rows: 0..<g.rows, into: $0.baseAddress!) }
        }
        expectSame(dot(col, Tensor(unchecked: col.shape, gathered)), dot(x, Tensor(unchecked: x.shape, scattered)),
                   terms: col.count, "col2im \(c.testDescription)")
    }

    /// Pooling geometries as Keras makes them (padBefore ⌊total/2⌋ for 'same'): windows
    /// that overlap, touch and skip cells, with and without padding, on 1 to 3 axes.
    static let poolCases: [Im2ColTests.Case] = [
        .init(input: [10], channels: 3, kernel: [2], strides: [1], dilation: [1], pad: [0], output: [9], groups: 1),
        .init(input: [10], channels: 3, kernel: [3], strides: [2], dilation: [1], pad: [0], output: [5], groups: 1),
        .init(input: [7], channels: 2, kernel: [2], strides: [3], dilation: [1], pad: [0], output: [2], groups: 1),
        .init(input: [5], channels: 1, kernel: [3], strides: [1], dilation: [1], pad: [1], output: [5], groups: 1),
        .init(input: [7, 7], channels: 2, kernel: [2, 2], strides: [2, 2], dilation: [1, 1], pad: [0, 0], output: [4, 4], groups: 1),
        .init(input: [7, 7], channels: 2, kernel: [3, 3], strides: [2, 2], dilation: [1, 1], pad: [1, 1], output: [4, 4], groups: 1),
        .init(input: [7, 6], channels: 5, kernel: [3, 2], strides: [2, 2], dilation: [1, 1], pad: [1, 0], output: [4, 3], groups: 1),
        .init(input: [6, 5, 5], channels: 2, kernel: [2, 2, 2], strides: [1, 1, 1], dilation: [1, 1, 1], pad: [0, 0, 0], output: [5, 4, 4], groups: 1),
        .init(input: [6, 5, 5], channels: 2, kernel: [3, 3, 3], strides: [2, 2, 2], dilation: [1, 1, 1], pad: [0, 1, 1], output: [3, 3, 3], groups: 1),
    ]

    /// Average pooling is linear: its gradient satisfies ⟨x', ∂x⟩ = ⟨pool(x'), dy⟩.
    @Test(arguments: poolCases)
    func averagePoolingGradient(_ c: Im2ColTests.Case) throws {
        let g = try c.geometry(batch: 2), op = ConvOperation.pooling(g, mode: .average)
        let x = try random([2] + c.input + [c.channels], seed: 1), dy = try random([2] + c.output + [c.channels], seed: 3)
        let dx = try op.poolingGradient(x, outputGradient: dy)
        let x2 = try random(x.shape, seed: 4)
        expectSame(dot(x2, dx), dot(try x2.pooled(g, mode: .average), dy), terms: dy.count, "average \(c.testDescription)")
    }

    /// oneDNN's max-pooling workspace gives each window's gradient to its first maximum in
    /// row-major order — XLA's rule, which `maxPoolGradientInWindowOrder` spells out — on
    /// values with many ties (integers 0…2, and all-zero windows) and on distinct ones.
    @Test(arguments: poolCases)
    func maxPoolingGradientGoesToTheFirstMaximum(_ c: Im2ColTests.Case) throws {
        let g = try c.geometry(batch: 2), op = ConvOperation.pooling(g, mode: .max)
        let normal = try random([2] + c.input + [c.channels], seed: 1)
        let ties = Tensor(unchecked: normal.shape, normal.scalars.map { (abs($0) * 1.5).rounded(.down) })
        let zeros = try Tensor(zeros: normal.shape)
        let dy = try random([2] + c.output + [c.channels], seed: 3)
        for (x, what) in [(normal, "distinct"), (ties, "ties"), (zeros, "all zero")] {
            #expect(!x.containsNaNOrNegativeInfinity)
            let ours = try op.poolingGradient(x, outputGradient: dy)
            let xla = try x.maxPoolGradientInWindowOrder(g, outputGradient: dy)
            // Equal up to the order in which overlapping windows add onto a cell; a cell
            // chosen differently would be off by a whole dy.
            let worst = zip(ours.scalars, xla.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(what) \(c.testDescription): differs by \(worst)")
            // Every window hands on all of its gradient (no padding cell can win here).
            expectSame(ours.scalars.reduce(0.0) { $0 + Double($1) }, dy.scalars.reduce(0.0) { $0 + Double($1) }, terms: dy.count, "sum")
        }
    }

    /// JIT kernels, not `ref:`, for the backward pooling primitives (and max's forward-training one).
    @Test func poolingKernelsAreNotTheReference() throws {
        let g = try ConvGeometry(batch: 16, input: [24, 24], channels: 32, kernel: [2, 2], strides: [2, 2], dilation: [1, 1],
                                 padBefore: [0, 0], output: [12, 12])
        for mode in [PoolMode.max, .average] {
            let names = try DNNL.backwardImplementations(ConvOperation.pooling(g, mode: mode).key(samples: 16, bias: false, relu: false))
            #expect(!names.data.hasPrefix("ref"), "\(mode) backward: \(names.data)")
            #expect(!names.weights.hasPrefix("ref"), "\(mode) forward for training: \(names.weights)")
        }
    }
}
