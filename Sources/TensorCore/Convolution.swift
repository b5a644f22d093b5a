/// Convolutions, transposed convolutions and pooling on oneDNN (`DNNL`), described by a
/// `ConvGeometry`; and im2col (gather every receptive field into a row of a contiguous
/// matrix), which the locally connected layers multiply with one gemm per position.
///
/// Everything here is channels-last and works for 1, 2 or 3 spatial axes: im2col lifts
/// a geometry of lower rank to three axes by putting size-1 axes in front, so a single
/// loop nest serves every rank.

/// Where each output position of a convolution (or pooling window) reads its input:
/// input position = output · stride + kernel offset · dilation − padBefore, per axis.
/// Sizes are explicit, so the same geometry also describes the scatter of a
/// transposed convolution (where "output" is the smaller, scattered-from side).
public struct ConvGeometry: Equatable, Sendable {
    public var batch: Int
    /// Spatial sizes of the (channels-last) input, one per axis.
    public var input: [Int]
    public var channels: Int
    public var kernel: [Int]
    public var strides: [Int]
    public var dilation: [Int]
    public var padBefore: [Int]
    /// Spatial sizes of the output.
    public var output: [Int]

    public init(batch: Int, input: [Int], channels: Int, kernel: [Int], strides: [Int], dilation: [Int],
                padBefore: [Int], output: [Int]) throws {
        let rank = input.count
        guard (1...3).contains(rank) else { throw LabError("convolution supports 1 to 3 spatial axes, got \(rank)") }
        guard [kernel, strides, dilation, padBefore, output].allSatisfy({ $0.count == rank }) else {
            throw LabError("convolution geometry: every list needs \(rank) entries")
        }
        guard batch >= 0, channels > 0, input.allSatisfy({ $0 > 0 }), output.allSatisfy({ $0 > 0 }),
              kernel.allSatisfy({ $0 > 0 }), strides.allSatisfy({ $0 > 0 }), dilation.allSatisfy({ $0 > 0 }) else {
            throw LabError("convolution geometry needs positive sizes, got input \(Tensor.describe(input)), kernel \(Tensor.describe(kernel)), output \(Tensor.describe(output))")
        }
        self.batch = batch
        self.input = input
        self.channels = channels
        self.kernel = kernel
        self.strides = strides
        self.dilation = dilation
        self.padBefore = padBefore
        self.output = output
    }

    public var rank: Int { input.count }
    /// Output positions per sample.
    public var positions: Int { output.reduce(1, *) }
    /// Kernel offsets per window.
    public var kernelCount: Int { kernel.reduce(1, *) }
    /// Rows of the im2col matrix: one per output position of every sample.
    public var rows: Int { batch * positions }
    /// Columns of the im2col matrix: every kernel offset times every channel.
    public var width: Int { kernelCount * channels }

    /// Three sizes, one per lifted axis, kept inline (no heap allocation per call).
    typealias Axes = InlineArray<3, Int>

    /// The geometry on exactly three axes (size-1 axes in front).
    var lifted: (n: Axes, k: Axes, s: Axes, d: Axes, p: Axes, o: Axes) {
        func lift(_ a: [Int], _ fill: Int) -> Axes {
            let front = 3 - a.count
            return Axes { i in i < front ? fill : a[i - front] }
        }
        return (lift(input, 1), lift(kernel, 1), lift(strides, 1), lift(dilation, 1), lift(padBefore, 0), lift(output, 1))
    }

    /// Kernel offsets a in [lo, hi) keep base + a·d inside [0, n). Undilated windows
    /// (the common case) need no division.
    @inline(__always)
    static func validRange(base: Int, d: Int, n: Int, k: Int) -> (lo: Int, hi: Int) {
        let lo: Int, hi: Int
        if d == 1 {
            lo = min(max(0, -base), k)
            hi = max(lo, min(k, n - base))
        } else {
            lo = min(base >= 0 ? 0 : (-base + d - 1) / d, k)
            hi = max(lo, base >= n ? 0 : min(k, (n - base + d - 1) / d))
        }
        return (lo, hi)
    }

    /// The output position (sample, o0, o1, o2) of im2col row `row`, on the lifted axes.
    @inline(__always)
    static func position(of row: Int, _ o: Axes) -> (b: Int, o0: Int, o1: Int, o2: Int) {
        let positions = o[0] * o[1] * o[2]
        let q = row % positions
        return (row / positions, q / (o[2] * o[1]), (q / o[2]) % o[1], q % o[2])
    }

    /// The lifted output sizes as scalars, for `advance`.
    @inline(__always)
    static func sizes(_ o: Axes) -> (Int, Int, Int) { (o[0], o[1], o[2]) }

    /// Steps an output position to the next row (no division in the loop).
    @inline(__always)
    static func advance(_ p: inout (b: Int, o0: Int, o1: Int, o2: Int), _ o: (Int, Int, Int)) {
        p.o2 &+= 1
        guard p.o2 == o.2 else { return }
        p.o2 = 0; p.o1 &+= 1
        guard p.o1 == o.1 else { return }
        p.o1 = 0; p.o0 &+= 1
        guard p.o0 == o.0 else { return }
        p.o0 = 0; p.b &+= 1
    }
}

/// The lowering itself, on raw buffers (no bounds-checked arrays in the loops).
public enum Im2Col {
    /// Fills `col` (rows.count × geometry.width, row-major) with the receptive fields of
    /// im2col rows `rows` (row = sample · positions + output position), zero where the
    /// window reaches into padding. Columns are ordered (group, kernel offsets…, channel
    /// within the group), so for `groups == 1` a row is the patch flattened as (k…, C)
    /// — the order of a Keras kernel (k…, in, out) — and for more groups each group's
    /// columns form one contiguous block.
    public static func gather(_ x: UnsafePointer<Float>, _ g: ConvGeometry, groups: Int = 1,
                              rows: Range<Int>, into col: UnsafeMutablePointer<Float>) {
        let (n, k, s, d, p, o) = g.lifted
        // Scalars, not arrays, in the loop: no bounds checks, no reloads.
        let (n0, n1, n2) = (n[0], n[1], n[2]), (k0, k1, k2) = (k[0], k[1], k[2])
        let (s0, s1, s2) = (s[0], s[1], s[2]), (d0, d1, d2) = (d[0], d[1], d[2]), (p0, p1, p2) = (p[0], p[1], p[2])
        let c = g.channels, cg = c / max(groups, 1)
        let sampleSize = n0 * n1 * n2 * c, planeSize = n1 * n2 * c, lineSize = n2 * c
        let contiguousRun = groups == 1 && d2 == 1
        let run = k2 &* c
        // Short runs (a first layer's 1–3 channels) are copied as one 8-float vector,
        // whose spill past the run the next run overwrites; these bounds keep the spill
        // inside both buffers.
        let shortRuns = contiguousRun && run <= 8
        let inputEnd = x + g.batch &* sampleSize, columnsEnd = col + rows.count &* g.width
        // The last output position along the last axis whose window ends inside the input.
        let lastInside2 = d2 == 1 ? min(o[2] - 1, (n2 - k2 + p2) / s2) : -1
        var dst = col
        var at = ConvGeometry.position(of: rows.lowerBound, o)
        let outputSizes = ConvGeometry.sizes(o)
        var row = rows.lowerBound, skip = 0
        for _ in rows {
            let (b, o0, o1, o2) = at
            ConvGeometry.advance(&at, outputSizes)
            row &+= 1
            if skip > 0 { skip &-= 1; continue }
            let base0 = o0 &* s0 &- p0, base1 = o1 &* s1 &- p1, base2 = o2 &* s2 &- p2
            let r0 = ConvGeometry.validRange(base: base0, d: d0, n: n0, k: k0)
            let r1 = ConvGeometry.validRange(base: base1, d: d1, n: n1, k: k1)
            let r2 = ConvGeometry.validRange(base: base2, d: d2, n: n2, k: k2)
            let sample = x + b &* sampleSize
            let inside0 = r0.lo == 0 && r0.hi == k0, inside1 = r1.lo == 0 && r1.hi == k1, inside2 = r2.lo == 0 && r2.hi == k2
            if shortRuns && inside0 && inside1 && inside2 {
                // This window and the next ones along the last axis lie inside the input:
                // k0·k1 runs of k2·C floats each, in a loop of their own.
                let count = min(lastInside2 &- o2 &+ 1, rows.upperBound &- row &+ 1)
                let start = sample + (base0 &* planeSize &+ base1 &* lineSize &+ base2 &* c)
                copyWindows(start, step: s2 &* c, count: count, k0: k0, k1: k1, planeStep: d0 &* planeSize,
                            lineStep: d1 &* lineSize, run: run, into: &dst, inputEnd: inputEnd, columnsEnd: columnsEnd)
                skip = count &- 1
                continue
            }
            for group in 0..<groups {
                let channel0 = group &* cg
                for a0 in 0..<k0 {
                    guard a0 >= r0.lo, a0 < r0.hi else {
                        dst.update(repeating: 0, count: k1 &* k2 &* cg); dst += k1 &* k2 &* cg; continue
                    }
                    let plane = sample + (base0 &+ a0 &* d0) &* planeSize
                    for a1 in 0..<k1 {
                        guard a1 >= r1.lo, a1 < r1.hi else {
                            dst.update(repeating: 0, count: k2 &* cg); dst += k2 &* cg; continue
                        }
                        let line = plane + ((base1 &+ a1 &* d1) &* lineSize &+ channel0)
                        // Offsets before the input's start and after its end are padding.
                        if r2.lo > 0 { dst.update(repeating: 0, count: r2.lo &* cg); dst += r2.lo &* cg }
                        if contiguousRun {
                            let count = (r2.hi &- r2.lo) &* c
                            copyFloats(dst, line + (base2 &+ r2.lo) &* c, count)
                            dst += count
                        } else {
                            for a2 in r2.lo..<r2.hi {
                                copyFloats(dst, line + (base2 &+ a2 &* d2) &* c, cg)
                                dst += cg
                            }
                        }
                        let after = k2 &- r2.hi
                        if after > 0 { dst.update(repeating: 0, count: after &* cg); dst += after &* cg }
                    }
                }
            }
        }
    }

    /// `count` windows wholly inside the input, `step` floats apart, each k0·k1 runs of
    /// `run` ≤ 8 floats: every run is one 8-float vector copy whose spill the next run
    /// overwrites (a scalar copy where the vector would pass an end).
    @inline(never)
    static func copyWindows(_ start: UnsafePointer<Float>, step: Int, count: Int, k0: Int, k1: Int, planeStep: Int, lineStep: Int,
                            run: Int, into dst: inout UnsafeMutablePointer<Float>,
                            inputEnd: UnsafePointer<Float>, columnsEnd: UnsafeMutablePointer<Float>) {
        var out = dst
        var window = start
        for _ in 0..<count {
            var plane = window
            for _ in 0..<k0 {
                var src = plane
                for _ in 0..<k1 {
                    if src + 8 <= inputEnd && out + 8 <= columnsEnd {
                        UnsafeMutableRawPointer(out).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                    } else {
                        for i in 0..<run { out[i] = src[i] }
                    }
                    out += run
                    src += lineStep
                }
                plane += planeStep
            }
            window += step
        }
        dst = out
    }

    /// Copies a short run of floats with vector loads and stores; `memmove` costs more
    /// than the copy for the few channels of one kernel row.
    @inline(__always)
    static func copyFloats(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ count: Int) {
        var i = 0
        let to = UnsafeMutableRawPointer(dst), from = UnsafeRawPointer(src)
        while i &+ 8 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self), toByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count { dst[i] = src[i]; i &+= 1 }
    }

    /// How many im2col rows to lower at once: bounded so a block's columns and output
    /// (`width` floats a row) stay within a core's cache, whatever the batch size.
    public static func chunkRows(width: Int, total: Int, budget: Int = 1 << 18) -> Int {
        max(1, min(total, budget / max(width, 1)))
    }
}

/// One oneDNN operation over a channels-last batch, as a layer describes it: its kind,
/// its geometry (for a deconvolution, `geometry.input` is its input and
/// `geometry.output` the larger output), output channels, and the kernel's layout.
/// The forward pass and the gradients are made from the same description.
public struct ConvOperation: Sendable {
    var kind: DNNL.Kind
    public var geometry: ConvGeometry
    var outChannels: Int
    var kernelLayout: DNNL.Layout?
    var kernelShape: [Int]

    /// Conv*D: a kernel (k…, C/groups, F); input channel block g feeds filter block g.
    public static func convolution(_ g: ConvGeometry, kernel: [Int], groups: Int = 1) throws -> ConvOperation {
        let rank = g.rank
        guard groups > 0, g.channels % groups == 0, kernel.count == rank + 2, Array(kernel.prefix(rank)) == g.kernel,
              kernel[rank] * groups == g.channels, kernel[rank + 1] % groups == 0 else {
            throw LabError("convolution: kernel \(Tensor.describe(kernel)) does not fit \(g.channels) channels in \(groups) group(s)")
        }
        let filters = kernel[rank + 1], fg = filters / groups, cg = g.channels / groups
        // Keras's (k…, C/groups, F) as oneDNN's ([G,] O, I, k…): output channel f = group·fg + o lies at stride 1.
        let layout = groups == 1
            ? DNNL.Layout.of(storage: kernel, order: [rank + 1, rank] + Array(0..<rank))
            : DNNL.Layout(dims: [groups, fg, cg] + g.kernel,
                          strides: [fg, 1, filters] + DNNL.Layout.of(storage: kernel, order: Array(0..<rank)).strides)
        return ConvOperation(kind: .convolution, geometry: g, outChannels: filters, kernelLayout: layout, kernelShape: kernel)
    }

    /// DepthwiseConv*D: a kernel (k…, C, dm); output channel c·dm + m sums x[…, c]·w[a, c, m]
    /// over the window — a grouped convolution with one input channel per group.
    public static func depthwise(_ g: ConvGeometry, kernel: [Int]) throws -> ConvOperation {
        let rank = g.rank, c = g.channels
        guard kernel.count == rank + 2, Array(kernel.prefix(rank + 1)) == g.kernel + [c] else {
            throw LabError("depthwise convolution: kernel \(Tensor.describe(kernel)) does not fit \(c) channels")
        }
        let dm = kernel[rank + 1]
        let layout = DNNL.Layout(dims: [c, dm, 1] + g.kernel,
                                 strides: [dm, 1, c * dm] + DNNL.Layout.of(storage: kernel, order: Array(0..<rank)).strides)
        return ConvOperation(kind: .convolution, geometry: g, outChannels: c * dm, kernelLayout: layout, kernelShape: kernel)
    }

    /// Conv*DTranspose: a Keras transposed kernel (k…, F, C); every input position spreads
    /// x·Wᵀ over its window (oneDNN's deconvolution). `g` describes it as the convolution
    /// it is the adjoint of, seen from the output side: its `input` is the output's
    /// spatial size (F channels), its `output` the input's, its `padBefore` how many
    /// leading output positions are cropped away; `inChannels` is C.
    public static func transposed(_ g: ConvGeometry, kernel: [Int], inChannels: Int) throws -> ConvOperation {
        let rank = g.rank
        guard kernel == g.kernel + [g.channels, inChannels] else {
            throw LabError("transposed convolution: kernel \(Tensor.describe(kernel)) does not fit")
        }
        let forward = try ConvGeometry(batch: g.batch, input: g.output, channels: inChannels, kernel: g.kernel, strides: g.strides,
                                       dilation: g.dilation, padBefore: g.padBefore, output: g.input)
        return ConvOperation(kind: .deconvolution, geometry: forward, outChannels: g.channels,
                             kernelLayout: DNNL.Layout.of(storage: kernel, order: [rank, rank + 1] + Array(0..<rank)), kernelShape: kernel)
    }

    /// Max or average pooling over `g.kernel` windows. Cells in the padding never count:
    /// max ignores them and average divides by the number of real cells (oneDNN's
    /// `pooling_avg_exclude_padding`), as Keras does.
    public static func pooling(_ g: ConvGeometry, mode: PoolMode) -> ConvOperation {
        ConvOperation(kind: mode == .max ? .maxPool : .averagePool, geometry: g, outChannels: g.channels, kernelLayout: nil, kernelShape: [])
    }

    var inSample: Int { geometry.input.reduce(1, *) * geometry.channels }
    var outSample: Int { geometry.output.reduce(1, *) * outChannels }
    var outputShape: [Int] { [geometry.batch] + geometry.output + [outChannels] }
    var pooling: Bool { kind == .maxPool || kind == .averagePool }

    /// Multiply-adds per sample (for pooling, the cells read).
    var macsPerSample: Int {
        (kernelShape.isEmpty ? geometry.kernelCount * geometry.channels : kernelShape.reduce(1, *))
            * max(geometry.output.reduce(1, *), geometry.input.reduce(1, *))
    }

    /// oneDNN's description for `samples` samples.
    func key(samples: Int, bias: Bool, relu: Bool) -> DNNL.Key {
        let g = geometry
        // Padding after each axis that gives oneDNN the output size Keras computes.
        let padAfter = (0..<g.rank).map { i in
            kind == .deconvolution
                ? DNNL.padAfter(input: g.output[i], output: g.input[i], kernel: g.kernel[i], stride: g.strides[i],
                                dilation: g.dilation[i], before: g.padBefore[i])
                : DNNL.padAfter(input: g.input[i], output: g.output[i], kernel: g.kernel[i], stride: g.strides[i],
                                dilation: pooling ? 1 : g.dilation[i], before: g.padBefore[i])
        }
        return DNNL.Key(kind: kind, src: .channelsLast(batch: samples, spatial: g.input, channels: g.channels), weights: kernelLayout,
                        dst: .channelsLast(batch: samples, spatial: g.output, channels: outChannels),
                        strides: g.strides, dilation: pooling ? Array(repeating: 1, count: g.rank) : g.dilation,
                        window: pooling ? g.kernel : [], padBefore: g.padBefore, padAfter: padAfter, bias: bias, relu: relu,
                        threads: samples * macsPerSample < DNNL.oneThreadMACs ? 1 : 0)
    }

    /// Samples per oneDNN call: about 2³¹ multiply-adds (tens of milliseconds), so that
    /// Ctrl-C is looked at between calls of a large batch.
    public var samplesPerCall: Int { max(1, min(geometry.batch, (1 << 31) / max(1, macsPerSample))) }

    func check(input x: Tensor, kernel: Tensor?, bias: Tensor?) throws {
        guard x.shape == [geometry.batch] + geometry.input + [geometry.channels] else {
            throw LabError("\(kind): input \(Tensor.describe(x.shape)) does not match the geometry \(Tensor.describe([geometry.batch] + geometry.input + [geometry.channels]))")
        }
        if let kernel, kernel.shape != kernelShape {
            throw LabError("\(kind): kernel \(Tensor.describe(kernel.shape)) is not the \(Tensor.describe(kernelShape)) it was described with")
        }
        if let bias, bias.count != outChannels {
            throw LabError("\(kind): bias \(Tensor.describe(bias.shape)) does not fit \(outChannels) output channels")
        }
    }

    /// The forward pass over the batch, a few samples per call; the bias and (`relu`)
    /// max(·, 0) fused into the kernel's epilogue.
    public func run(_ x: Tensor, kernel: Tensor?, bias: Tensor?, relu: Bool = false) throws -> Tensor {
        try check(input: x, kernel: kernel, bias: bias)
        guard geometry.batch > 0, outSample > 0 else { return Tensor(unchecked: outputShape, []) }
        let inSample = inSample, outSample = outSample, batch = geometry.batch, chunk = samplesPerCall
        // Not initialised: oneDNN writes every output value.
        var out = [Float](unsafeUninitializedCapacity: batch * outSample) { _, count in count = batch * outSample }
        let kernelValues = kernel?.scalars
        try x.scalars.withUnsafeBufferPointer { xb in
            try (bias?.scalars ?? []).withUnsafeBufferPointer { bb in
                try out.withUnsafeMutableBufferPointer { yb in
                    guard let xp = xb.baseAddress, let yp = yb.baseAddress else { return }
                    var first = 0
                    while first < batch {
                        try Interrupt.check()
                        let samples = min(chunk, batch - first)
                        try DNNL.run(key(samples: samples, bias: bias != nil, relu: relu), src: xp + first * inSample, kernel: kernelValues,
                                     bias: bias == nil ? nil : bb.baseAddress, dst: yp + first * outSample)
                        first += samples
                    }
                }
            }
        }
        return Tensor(unchecked: outputShape, out)
    }

    /// The gradients of `run` (without relu) for ∂L/∂output `dy`: ∂L/∂input, ∂L/∂kernel (in
    /// the kernel's own shape) and, with a bias, ∂L/∂bias — on oneDNN's backward-data and
    /// backward-weights primitives.
    public func gradients(_ x: Tensor, kernel: Tensor, hasBias: Bool, outputGradient dy: Tensor) throws
        -> (input: Tensor, kernel: Tensor, bias: Tensor?) {
        try check(input: x, kernel: kernel, bias: nil)
        guard dy.shape == outputShape else {
            throw LabError("\(kind): the output's gradient \(Tensor.describe(dy.shape)) does not match the output \(Tensor.describe(outputShape))")
        }
        let key = key(samples: geometry.batch, bias: hasBias, relu: false)
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: kernel.count)
        var db = [Float](repeating: 0, count: hasBias ? outChannels : 0)
        if geometry.batch > 0 {
            try DNNL.backward(key, src: x.scalars, kernel: kernel.scalars, diffDst: dy.scalars, diffSrc: &dx, diffKernel: &dw,
                              diffBias: &db)
        }
        return (Tensor(unchecked: x.shape, dx), Tensor(unchecked: kernel.shape, dw),
                hasBias ? Tensor(unchecked: [outChannels], db) : nil)
    }

    /// The gradient of pooling for ∂L/∂output `dy`: ∂L/∂input, on oneDNN's backward
    /// pooling primitive. Average pooling spreads each window's gradient over its real
    /// cells (divided by their number). Max pooling gives it to one cell of the window,
    /// as JAX's `select_and_scatter` (select `≥`) does: the first maximum in row-major
    /// window order — which is also what oneDNN's workspace records (it replaces its
    /// maximum only on a strictly greater value). Where the two part (a NaN, or −∞, for
    /// which XLA may select a NaN or a padding cell) the Swift scan of
    /// `maxPoolGradientInWindowOrder` runs XLA's rule.
    public func poolingGradient(_ x: Tensor, outputGradient dy: Tensor) throws -> Tensor {
        guard pooling else { throw LabError("\(kind): not a pooling operation") }
        try check(input: x, kernel: nil, bias: nil)
        guard dy.shape == outputShape else {
            throw LabError("\(kind): the output's gradient \(Tensor.describe(dy.shape)) does not match the output \(Tensor.describe(outputShape))")
        }
        if kind == .maxPool, x.containsNaNOrNegativeInfinity { return try x.maxPoolGradientInWindowOrder(geometry, outputGradient: dy) }
        var dx = [Float](repeating: 0, count: x.count)
        if geometry.batch > 0 {
            try DNNL.poolBackward(key(samples: geometry.batch, bias: false, relu: false), src: x.scalars, diffDst: dy.scalars, diffSrc: &dx)
        }
        return Tensor(unchecked: x.shape, dx)
    }
}

extension Tensor {
    /// Convolution (cross-correlation, no kernel flip) of a channels-last batch
    /// (B, n…, C) with a kernel (k…, C/groups, F): output (B, o…, F).
    public func convolved(with kernel: Tensor, _ g: ConvGeometry, groups: Int = 1, bias: Tensor? = nil,
                          relu: Bool = false) throws -> Tensor {
        try ConvOperation.convolution(g, kernel: kernel.shape, groups: groups).run(self, kernel: kernel, bias: bias, relu: relu)
    }

    /// Depthwise convolution with a kernel (k…, C, dm): output channels C·dm.
    public func depthwiseConvolved(with kernel: Tensor, _ g: ConvGeometry, bias: Tensor? = nil, relu: Bool = false) throws -> Tensor {
        try ConvOperation.depthwise(g, kernel: kernel.shape).run(self, kernel: kernel, bias: bias, relu: relu)
    }

    /// Transposed convolution with a Keras transposed kernel (k…, F, C); `g` as
    /// `ConvOperation.transposed` takes it.
    public func transposeConvolved(with kernel: Tensor, _ g: ConvGeometry, bias: Tensor? = nil, relu: Bool = false) throws -> Tensor {
        guard rank == g.rank + 2, let c = shape.last else {
            throw LabError("transposed convolution: input \(Tensor.describe(shape)) does not match the geometry")
        }
        return try ConvOperation.transposed(g, kernel: kernel.shape, inChannels: c).run(self, kernel: kernel, bias: bias, relu: relu)
    }

    /// Max or average pooling; a NaN wins a max, as in Keras (oneDNN's vector max lets it
    /// lose to its neighbour, so a batch holding NaN runs the Swift loops).
    public func pooled(_ g: ConvGeometry, mode: PoolMode) throws -> Tensor {
        if mode == .max, containsNaN { return try pooledKeepingNaN(g, mode: mode) }
        return try ConvOperation.pooling(g, mode: mode).run(self, kernel: nil, bias: nil)
    }

    /// A locally connected layer (unshared weights, Keras 2's implementation 1): a
    /// kernel (positions, k·C, F) holds one filter bank per output position. One gemm
    /// per position over the whole batch: (B × k·C) · (k·C × F).
    public func locallyConnected(with kernel: Tensor, _ g: ConvGeometry) throws -> Tensor {
        guard shape == [g.batch] + g.input + [g.channels] else {
            throw LabError("locally connected: input \(Tensor.describe(shape)) does not match the geometry")
        }
        guard kernel.rank == 3, kernel.shape[0] == g.positions, kernel.shape[1] == g.width else {
            throw LabError("locally connected: kernel \(Tensor.describe(kernel.shape)) does not fit \(g.positions) positions of \(g.width) inputs")
        }
        let filters = kernel.shape[2], positions = g.positions, width = g.width
        var out = [Float](repeating: 0, count: g.rows * filters)
        // Whole samples per chunk, so each position's gemm covers the chunk's samples.
        let samplesPerChunk = max(1, Im2Col.chunkRows(width: width * positions, total: g.batch))
        var col = [Float](repeating: 0, count: min(g.batch, samplesPerChunk) * positions * width)
        scalars.withUnsafeBufferPointer { xb in
            kernel.scalars.withUnsafeBufferPointer { wb in
                out.withUnsafeMutableBufferPointer { yb in
                    col.withUnsafeMutableBufferPointer { cb in
                        guard let x = xb.baseAddress, let w = wb.baseAddress, let y = yb.baseAddress,
                              let c = cb.baseAddress else { return }
                        var first = 0
                        while first < g.batch {
                            let last = min(g.batch, first + samplesPerChunk)
                            Im2Col.gather(x, g, rows: first * positions..<last * positions, into: c)
                            for q in 0..<positions {
                                BLAS.gemm(m: last - first, n: filters, k: width,
                                          a: c + q * width, lda: positions * width,
                                          b: w + q * width * filters, ldb: filters,
                                          c: y + (first * positions + q) * filters, ldc: positions * filters)
                            }
                            first = last
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: [g.batch] + g.output + [filters], out)
    }

    /// (B, C, s…) → (B, s…, C): Keras's channels_first moved to channels-last.
    public func channelsMovedLast() -> Tensor {
        guard rank >= 3 else { return self }
        let b = shape[0], c = shape[1], s = shape.dropFirst(2).reduce(1, *)
        return Tensor(unchecked: [b] + shape.dropFirst(2) + [c], Tensor.transposeBlocks(scalars, blocks: b, rows: c, cols: s))
    }

    /// (B, s…, C) → (B, C, s…).
    public func channelsMovedFirst() -> Tensor {
        guard rank >= 3, let c = shape.last else { return self }
        let b = shape[0], s = shape.dropFirst().dropLast().reduce(1, *)
        return Tensor(unchecked: [b, c] + shape.dropFirst().dropLast(), Tensor.transposeBlocks(scalars, blocks: b, rows: s, cols: c))
    }

    /// Transposes each of `blocks` consecutive rows×cols matrices.
    static func transposeBlocks(_ values: [Float], blocks: Int, rows: Int, cols: Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                let size = rows * cols
                for b in 0..<blocks {
                    let sb = s + b * size, db = d + b * size
                    for i in 0..<rows {
                        let row = sb + i * cols
                        for j in 0..<cols { db[j * rows + i] = row[j] }
                    }
                }
            }
        }
        return out
    }
}
