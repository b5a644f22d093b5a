import CBLAS

/// Matrix products on OpenBLAS. Every matrix product in LayerLab goes through here.
public enum BLAS {
    /// The kernel OpenBLAS chose for this CPU (for example `Haswell`, `SkylakeX`).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The threads a forward pass uses (`Parallel.workers`); OpenBLAS itself runs one.
    public static var threadCount: Int { Parallel.workers }

    /// The threads OpenBLAS started with, before `useOneThread`.
    static let ownThreads: Int32 = {
        let threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        return threads
    }()

    /// OpenBLAS runs each call on the calling thread from the first product on
    /// (`Parallel` explains why).
    @inline(__always)
    static func useOneThread() { _ = ownThreads }

    /// Runs `body` with OpenBLAS's own threads: LAPACK's QR, and the raw sgemm that
    /// `layerlab-bench` compares against.
    public static func withOwnThreads<T>(_ body: () throws -> T) rethrows -> T {
        openblas_set_num_threads(ownThreads)
        defer { openblas_set_num_threads(1) }
        return try body()
    }

    /// C[m×n] = A[m×k] · B[k×n] (+ C when `accumulate`), all row-major, on raw buffers.
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n, accumulate: accumulate)
    }

    /// The general row-major form: op(A)[m×k] · op(B)[k×n] into C[m×n], where each
    /// matrix may be a block of a larger one (leading dimensions `lda`, `ldb`, `ldc`)
    /// and `transposeB` reads B stored as n×k. The locally connected layer uses it to multiply
    /// one position's block of the column matrix by that position's kernel in place.
    @inline(__always)
    public static func gemm(transposeB: Bool = false, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        // One row (sgemv) is bound by reading B and over in tens of microseconds: less
        // than waking a thread of our own takes here. From 1 MB of B on, OpenBLAS's
        // spinning workers share it; below, one core streams it fastest.
        if m == 1 {
            if n * k >= 1 << 18, !Parallel.isRunning {
                withOwnThreads {
                    onThread(transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
                }
            } else {
                BLAS.useOneThread()
                onThread(transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
            }
            return
        }
        // Big enough to share: rows per core when there are many, else columns.
        if m * n * k >= 1 << 20 {
            if m >= 128 {
                Parallel.ranges(m, minimum: 64) { rows in
                    onThread(transposeB: transposeB, m: rows.count, n: n, k: k, a: a + rows.lowerBound * lda, lda: lda,
                             b: b, ldb: ldb, c: c + rows.lowerBound * ldc, ldc: ldc, accumulate: accumulate)
                }
            } else {
                Parallel.ranges(n, minimum: 64) { cols in
                    onThread(transposeB: transposeB, m: m, n: cols.count, k: k, a: a, lda: lda,
                             b: b + cols.lowerBound * (transposeB ? ldb : 1), ldb: ldb, c: c + cols.lowerBound, ldc: ldc,
                             accumulate: accumulate)
                }
            }
            return
        }
        BLAS.useOneThread()
        onThread(transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// One OpenBLAS call on the calling thread.
    @inline(__always)
    static func onThread(transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        if m == 1 {
            // One row: a matrix-vector product. sgemm would pack all of B first (the whole
            // weight matrix of a Dense layer at batch 1); sgemv streams it once.
            // c[1×n] = a[1×k]·B[k×n] is cᵀ = Bᵀ·aᵀ; with transposeB (B stored n×k) it is B·aᵀ.
            cblas_sgemv(CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans,
                        Int32(transposeB ? n : k), Int32(transposeB ? k : n),
                        1, b, Int32(ldb), a, 1, accumulate ? 1 : 0, c, 1)
            return
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda), b, Int32(ldb),
                    accumulate ? 1 : 0, c, Int32(ldc))
    }
}

extension BLAS {
    /// Plain `cblas_sgemm` on row-major C[m×n] = A[m×k]·B[k×n], with no special case
    /// and OpenBLAS's own threads: the reference rate `layerlab-bench --sgemm` measures.
    public static func rawSgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        guard m > 0, n > 0, k > 0 else { return }
        withOwnThreads {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                        1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
        }
    }
}

extension Tensor {
    /// Matrix product over the last axis of `self` and the first axis of a 2-D `rhs`:
    /// (…, k) · (k, n) → (…, n). This is how Dense applies its kernel to N-D input.
    public func matmul(_ rhs: Tensor) throws -> Tensor {
        guard rhs.rank == 2 else {
            throw LabError("matmul needs a 2-D right-hand side, got \(Tensor.describe(rhs.shape))")
        }
        guard let k = shape.last, k == rhs.shape[0] else {
            throw LabError("cannot multiply \(Tensor.describe(shape)) by \(Tensor.describe(rhs.shape)): inner sizes differ")
        }
        let n = rhs.shape[1]
        let m = k == 0 ? (Tensor.elementCount(Array(shape.dropLast())) ?? 0) : count / k
        var out = [Float](repeating: 0, count: m * n)
        // Large products run in row blocks of about 2 GFLOP, so Ctrl-C is noticed between them.
        let block = max(1, min(m, 1_000_000_000 / max(1, n * k)))
        try scalars.withUnsafeBufferPointer { a in
            try rhs.scalars.withUnsafeBufferPointer { b in
                try out.withUnsafeMutableBufferPointer { c in
                    guard let ap = a.baseAddress, let bp = b.baseAddress, let cp = c.baseAddress else { return }
                    var row = 0
                    while row < m {
                        let rows = min(block, m - row)
                        BLAS.gemm(m: rows, n: n, k: k, a: ap + row * k, b: bp, c: cp + row * n)
                        row += rows
                        if row < m { try Interrupt.check() }
                    }
                }
            }
        }
        return Tensor(unchecked: Array(shape.dropLast()) + [n], out)
    }

    /// Dense's product on oneDNN's inner product: (m × k) · kernel (k × n) + bias, with
    /// max(·, 0) fused when `relu`; the rows are the leading axes flattened. oneDNN
    /// measured faster than OpenBLAS's sgemm + a bias pass on the benchmark's shapes
    /// (docs/performance.md). Very large products run in blocks of rows, so Ctrl-C is
    /// noticed between them.
    public func innerProduct(_ kernel: Tensor, bias: Tensor?, relu: Bool) throws -> Tensor {
        guard kernel.rank == 2, let k = shape.last, k == kernel.shape[0], k > 0 else {
            throw LabError("cannot multiply \(Tensor.describe(shape)) by \(Tensor.describe(kernel.shape)): inner sizes differ")
        }
        let n = kernel.shape[1], m = count / k
        if let bias, bias.count != n { throw LabError("inner product: bias \(Tensor.describe(bias.shape)) does not fit \(n) units") }
        var out = [Float](unsafeUninitializedCapacity: m * n) { _, count in count = m * n }
        guard m > 0, n > 0 else { return Tensor(unchecked: Array(shape.dropLast()) + [n], out) }
        let block = max(1, min(m, (1 << 31) / max(1, n * k)))
        try scalars.withUnsafeBufferPointer { x in
            try (bias?.scalars ?? []).withUnsafeBufferPointer { b in
                try out.withUnsafeMutableBufferPointer { y in
                    guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
                    var row = 0
                    while row < m {
                        let rows = min(block, m - row)
                        try DNNL.run(Tensor.innerProductKey(rows: rows, k: k, n: n, bias: bias != nil, relu: relu), src: xp + row * k, kernel: kernel.scalars, bias: bias == nil ? nil : b.baseAddress,
                                     dst: yp + row * n)
                        row += rows
                        if row < m { try Interrupt.check() }
                    }
                }
            }
        }
        return Tensor(unchecked: Array(shape.dropLast()) + [n], out)
    }

    /// oneDNN's description of Dense's product for `rows` rows: the Keras kernel (k, n)
    /// is oneDNN's (n, k) weights read with strides (1, n).
    static func innerProductKey(rows: Int, k: Int, n: Int, bias: Bool, relu: Bool) -> DNNL.Key {
        DNNL.Key(kind: .innerProduct, src: DNNL.Layout(dims: [rows, k], strides: [k, 1]),
                 weights: DNNL.Layout(dims: [n, k], strides: [1, n]), dst: DNNL.Layout(dims: [rows, n], strides: [n, 1]),
                 strides: [], dilation: [], window: [], padBefore: [], padAfter: [], bias: bias, relu: relu,
                 threads: rows * n * k < DNNL.oneThreadMACs ? 1 : 0)
    }

    /// The gradients of `innerProduct` (without relu) for ∂L/∂output `dy` (m × n):
    /// ∂L/∂x = dy · kernelᵀ, ∂L/∂kernel = xᵀ · dy and ∂L/∂bias = Σ rows of dy, on oneDNN's
    /// backward primitives.
    public func innerProductGradients(_ kernel: Tensor, hasBias: Bool, outputGradient dy: Tensor, inputGradient: Bool = true,
                                      blockRows: Int? = nil) throws
        -> (input: Tensor?, kernel: Tensor, bias: Tensor?) {
        guard kernel.rank == 2, let k = shape.last, k == kernel.shape[0], k > 0 else {
            throw LabError("cannot multiply \(Tensor.describe(shape)) by \(Tensor.describe(kernel.shape)): inner sizes differ")
        }
        let n = kernel.shape[1], m = count / k
        guard dy.shape == Array(shape.dropLast()) + [n] else {
            throw LabError("inner product: the output's gradient \(Tensor.describe(dy.shape)) does not match the output")
        }
        var dx = [Float](repeating: 0, count: inputGradient ? count : 0), dw = [Float](repeating: 0, count: kernel.count)
        var db = [Float](repeating: 0, count: hasBias ? n : 0)
        // Blocks of rows of about 2³¹ multiply-adds, so Ctrl-C is noticed between them; the
        // kernel's and bias's gradients add up over the blocks.
        let block = max(1, min(m, blockRows ?? (1 << 31) / max(1, n * k)))
        if block == m, m > 0 {
            try DNNL.backward(Tensor.innerProductKey(rows: m, k: k, n: n, bias: hasBias, relu: false), src: scalars,
                              kernel: kernel.scalars, diffDst: dy.scalars, diffSrc: &dx, diffKernel: &dw, diffBias: &db,
                              data: inputGradient)
        } else {
            var row = 0
            while row < m {
                try Interrupt.check()
                let rows = min(block, m - row)
                var dxBlock = [Float](repeating: 0, count: inputGradient ? rows * k : 0), dwBlock = dw, dbBlock = db
                try DNNL.backward(Tensor.innerProductKey(rows: rows, k: k, n: n, bias: hasBias, relu: false),
                                  src: Array(scalars[row * k ..< (row + rows) * k]), kernel: kernel.scalars,
                                  diffDst: Array(dy.scalars[row * n ..< (row + rows) * n]),
                                  diffSrc: &dxBlock, diffKernel: &dwBlock, diffBias: &dbBlock, data: inputGradient)
                if inputGradient { dx.replaceSubrange(row * k ..< (row + rows) * k, with: dxBlock) }
                if row == 0 { dw = dwBlock; db = dbBlock } else {
                    for i in dw.indices { dw[i] += dwBlock[i] }
                    for i in db.indices { db[i] += dbBlock[i] }
                }
                row += rows
            }
        }
        return (inputGradient ? Tensor(unchecked: shape, dx) : nil, Tensor(unchecked: kernel.shape, dw), hasBias ? Tensor(unchecked: [n], db) : nil)
    }
}
