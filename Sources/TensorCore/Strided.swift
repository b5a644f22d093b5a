extension Tensor {
    /// Row-major strides of a shape: `(2, 3, 4)` → `[12, 4, 1]`. The arithmetic wraps
    /// instead of trapping: only shapes too large to allocate (seen in shape-only
    /// evaluation, which never uses the strides) can overflow.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step = step &* shape[axis]
        }
        return strides
    }

    /// A copy of a strided view: element `i` of the result (of `shape`) reads
    /// `scalars[offset + Σₖ iₖ·strides[k]]`. Transposes, broadcasts (stride 0) and
    /// NumPy slices (start offset, negative steps) are all such views.
    func strided(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        let total = Tensor.elementCount(shape) ?? 0
        var out = [Float](repeating: 0, count: total)
        guard total > 0 else { return Tensor(unchecked: shape, out, dtype: dtype) }
        let rank = shape.count
        guard rank > 0 else { return Tensor(unchecked: shape, [scalars[offset]], dtype: dtype) }
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Tensor.forEachStridedRow(shape: shape, strides: strides, offset: offset) { o, p in
                    for j in 0..<inner { dst[o + j] = src[p + j * innerStride] }
                }
            }
        }
        return Tensor(unchecked: shape, out, dtype: dtype)
    }

    /// Walks the innermost rows of a `shape` window laid out with `strides` from `offset`:
    /// `row(o, p)` gets each row's start in row-major order (o) and in the strided layout (p).
    /// The one loop behind every strided gather and scatter.
    @inline(__always)
    static func forEachStridedRow(shape: [Int], strides: [Int], offset: Int, _ row: (Int, Int) -> Void) {
        let rank = shape.count
        guard rank > 0, let total = Tensor.elementCount(shape), total > 0 else { return }
        let inner = shape[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var base = offset, o = 0
        while o < total {
            row(o, base)
            o += inner
            // Advance the outer index (all axes but the last), updating the base offset.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                base += strides[axis]
                if index[axis] < shape[axis] { break }
                base -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// NumPy's `transpose(axes)`: output axis `i` is input axis `axes[i]`.
    public func transposed(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, axes.sorted() == Array(0..<rank) else {
            throw LabError("(\(axes.map(String.init).joined(separator: ", "))) is not a permutation of the \(rank) axes of \(Tensor.describe(shape))")
        }
        let inStrides = Tensor.strides(shape)
        return strided(shape: axes.map { shape[$0] }, strides: axes.map { inStrides[$0] }, offset: 0)
    }

    /// An axis given Python-style (negative counts from the end), checked against `rank`.
    public static func normalizedAxis(_ axis: Int, rank: Int) throws -> Int {
        guard axis >= -rank, axis < rank else {
            throw LabError("axis \(axis) is out of range for a tensor with \(rank) axes")
        }
        return axis < 0 ? axis + rank : axis
    }
}
