/// Zero padding, cropping and resampling along axes: the copies behind Keras's
/// ZeroPadding, Cropping and UpSampling layers, each with its adjoint (the backward pass).
extension Tensor {
    /// `np.pad` with zeros: `pads[k]` cells before and after axis k (one pair per axis).
    public func zeroPadded(_ pads: [(before: Int, after: Int)]) throws -> Tensor {
        guard pads.count == rank, pads.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw LabError("padding needs one non-negative (before, after) pair per axis of \(Tensor.describe(shape))")
        }
        let outShape = zip(shape, pads).map { $0 + $1.before + $1.after }
        var out = try Tensor(zeros: outShape, dtype: dtype)
        guard rank > 0, count > 0 else { return rank == 0 ? self : out }
        let outStrides = Tensor.strides(outShape)
        let offset = zip(outStrides, pads).reduce(0) { $0 + $1.0 * $1.1.before }
        // The input is the strided window of the output that starts at `offset`.
        Tensor.copyRows(from: scalars, shape: shape, into: &out.scalars, strides: outStrides, offset: offset)
        return out
    }

    /// The inverse of `zeroPadded`: drops `crops[k]` cells before and after axis k.
    public func cropped(_ crops: [(before: Int, after: Int)]) throws -> Tensor {
        guard crops.count == rank, zip(shape, crops).allSatisfy({ $1.before >= 0 && $1.after >= 0 && $1.before + $1.after <= $0 }) else {
            throw LabError("cropping needs one (before, after) pair per axis of \(Tensor.describe(shape)), within each axis")
        }
        let outShape = zip(shape, crops).map { $0 - $1.before - $1.after }
        let inStrides = Tensor.strides(shape)
        let offset = zip(inStrides, crops).reduce(0) { $0 + $1.0 * $1.1.before }
        return strided(shape: outShape, strides: inStrides, offset: offset)
    }

    /// `np.repeat` along every axis: each element repeated `factors[k]` times along axis k
    /// (nearest-neighbour upsampling). One pass per repeated axis, innermost first, each a
    /// run of block copies.
    public func repeated(_ factors: [Int]) throws -> Tensor {
        guard factors.count == rank, factors.allSatisfy({ $0 > 0 }) else {
            throw LabError("repeat needs one positive factor per axis of \(Tensor.describe(shape))")
        }
        var t = self
        for axis in (0..<rank).reversed() where factors[axis] > 1 { t = t.repeated(axis: axis, factors[axis]) }
        return t
    }

    /// The adjoint of `repeated`: each block of `factors` cells summed into one (outermost
    /// axis first, so the long contiguous runs are added first).
    public func blockSummed(_ factors: [Int]) throws -> Tensor {
        guard factors.count == rank, factors.allSatisfy({ $0 > 0 }), zip(shape, factors).allSatisfy({ $0 % $1 == 0 }) else {
            throw LabError("block sums need one factor per axis dividing \(Tensor.describe(shape))")
        }
        var t = self
        for axis in 0..<rank where factors[axis] > 1 { t = t.blockSummed(axis: axis, factors[axis]) }
        return t
    }

    /// Each slice along `axis` written `f` times in a row.
    private func repeated(axis: Int, _ f: Int) -> Tensor {
        let rows = shape[...axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] *= f
        let total = count * f
        let out = [Float](unsafeUninitializedCapacity: total) { buffer, written in
            scalars.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = buffer.baseAddress else { return }
                for r in 0..<rows {
                    var to = d + r * f * inner
                    for _ in 0..<f { to.initialize(from: s + r * inner, count: inner); to += inner }
                }
                written = total
            }
        }
        return Tensor(unchecked: outShape, out, dtype: dtype)
    }

    /// Each run of `f` consecutive slices along `axis` summed into one.
    private func blockSummed(axis: Int, _ f: Int) -> Tensor {
        let blocks = shape[...axis].reduce(1, *) / f, inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] /= f
        let total = count / f
        let out = [Float](unsafeUninitializedCapacity: total) { buffer, written in
            scalars.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = buffer.baseAddress else { return }
                for b in 0..<blocks {
                    let to = d + b * inner, from = s + b * f * inner
                    to.initialize(from: from, count: inner)
                    for r in 1..<f {
                        let next = from + r * inner
                        for c in 0..<inner { to[c] += next[c] }
                    }
                }
                written = total
            }
        }
        return Tensor(unchecked: outShape, out, dtype: dtype)
    }

    /// Copies a row-major block of `shape` into the strided window of `target` (the scatter
    /// that undoes `strided`), one innermost row at a time.
    static func copyRows(from source: [Float], shape: [Int], into target: inout [Float], strides: [Int], offset: Int) {
        guard let inner = shape.last else { return }
        let innerStride = strides[shape.count - 1]
        source.withUnsafeBufferPointer { src in
            target.withUnsafeMutableBufferPointer { dst in
                Tensor.forEachStridedRow(shape: shape, strides: strides, offset: offset) { o, p in
                    for j in 0..<inner { dst[p + j * innerStride] = src[o + j] }
                }
            }
        }
    }
}

/// One axis of `jax.image.resize(…, method="linear")` as `jax.image.scale_and_translate`
/// computes it: output cell o samples the input at (o + ½)·n/m − ½ with the triangle
/// kernel (scaled by n/m when antialiasing a downsampling), the weights normalised to
/// sum to 1 (so an edge clamps) and zero for a sample outside [−½, n − ½]. Held as each
/// output cell's nonzero taps (two when upsampling).
public struct LinearResize: Sendable, Equatable {
    public let input: Int
    public let output: Int
    /// taps[o]: (input index, weight).
    public let taps: [[(index: Int, weight: Float)]]

    public static func == (a: LinearResize, b: LinearResize) -> Bool {
        a.input == b.input && a.output == b.output
            && zip(a.taps, b.taps).allSatisfy { $0.count == $1.count && zip($0, $1).allSatisfy { $0.index == $1.index && $0.weight == $1.weight } }
    }

    public init(from n: Int, to m: Int, antialias: Bool = false) {
        input = n
        output = m
        // JAX divides Python floats (doubles) and then computes in float32.
        let inverse = Float(1.0 / (Double(m) / Double(n)))
        let kernelScale: Float = antialias ? max(inverse, 1) : 1
        taps = (0..<m).map { o in
            let sample = (Float(o) + 0.5) * inverse - 0.5
            guard sample >= -0.5, sample <= Float(n) - 0.5 else { return [] }
            var row: [(index: Int, weight: Float)] = []
            var total: Float = 0
            for i in 0..<n {
                let w = max(0, 1 - abs(sample - Float(i)) / kernelScale)
                if w > 0 { row.append((i, w)); total += w }
            }
            guard abs(total) > 1000 * Float.ulpOfOne else { return [] }
            return row.map { ($0.index, $0.weight / total) }
        }
    }
}

extension Tensor {
    /// Resamples `axis` by `r` (out[…, o, …] = Σ w·x[…, i, …] over o's taps).
    public func resized(axis: Int, _ r: LinearResize) throws -> Tensor { try linearMap(axis: axis, r, transposed: false) }

    /// The adjoint of `resized`: each output cell's gradient spread back over its taps.
    public func resizedTranspose(axis: Int, _ r: LinearResize) throws -> Tensor { try linearMap(axis: axis, r, transposed: true) }

    /// y[outer, j, inner] = Σ w·x[outer, i, inner] over the taps (o, i, w) of `r`, with
    /// (j, i) = (o, i); for the transpose (j, i) = (i, o), accumulated into zeros.
    private func linearMap(axis: Int, _ r: LinearResize, transposed: Bool) throws -> Tensor {
        let (n, m) = transposed ? (r.output, r.input) : (r.input, r.output)
        guard axis >= 0, axis < rank, shape[axis] == n else {
            throw LabError("resize: axis \(axis) of \(Tensor.describe(shape)) should hold \(n) cells")
        }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = m
        var out = try Tensor(zeros: outShape, dtype: dtype)
        scalars.withUnsafeBufferPointer { x in
            out.scalars.withUnsafeMutableBufferPointer { y in
                for b in 0..<outer {
                    for (o, taps) in r.taps.enumerated() {
                        for (k, t) in taps.enumerated() {
                            let (j, i) = transposed ? (t.index, o) : (o, t.index)
                            let yr = (b * m + j) * inner, xr = (b * n + i) * inner, w = t.weight
                            if k == 0 && !transposed {
                                for c in 0..<inner { y[yr + c] = w * x[xr + c] }
                            } else {
                                for c in 0..<inner { y[yr + c] += w * x[xr + c] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
