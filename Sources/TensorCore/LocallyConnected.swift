import CBLAS

extension Im2Col {
    /// The adjoint of `gather` (groups 1): adds each row of `col` (rows.count ×
    /// geometry.width, the receptive field of im2col row `row`) back onto the cells of
    /// `x` it was read from; columns that were padding are dropped. Rows of one sample
    /// overlap where windows do, so callers split work by whole samples.
    public static func scatterAdd(_ col: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
                                  into x: UnsafeMutablePointer<Float>) {
        let (n, k, s, d, p, o) = g.lifted
        let (n0, n1, n2) = (n[0], n[1], n[2]), (k0, k1, k2) = (k[0], k[1], k[2])
        let (s0, s1, s2) = (s[0], s[1], s[2]), (d0, d1, d2) = (d[0], d[1], d[2]), (p0, p1, p2) = (p[0], p[1], p[2])
        let c = g.channels
        let sampleSize = n0 * n1 * n2 * c, planeSize = n1 * n2 * c, lineSize = n2 * c
        var src = col
        var at = ConvGeometry.position(of: rows.lowerBound, o)
        let outputSizes = ConvGeometry.sizes(o)
        for _ in rows {
            let (b, o0, o1, o2) = at
            ConvGeometry.advance(&at, outputSizes)
            let base0 = o0 &* s0 &- p0, base1 = o1 &* s1 &- p1, base2 = o2 &* s2 &- p2
            let r0 = ConvGeometry.validRange(base: base0, d: d0, n: n0, k: k0)
            let r1 = ConvGeometry.validRange(base: base1, d: d1, n: n1, k: k1)
            let r2 = ConvGeometry.validRange(base: base2, d: d2, n: n2, k: k2)
            let sample = x + b &* sampleSize
            for a0 in 0..<k0 {
                guard a0 >= r0.lo, a0 < r0.hi else { src += k1 &* k2 &* c; continue }
                let plane = sample + (base0 &+ a0 &* d0) &* planeSize
                for a1 in 0..<k1 {
                    guard a1 >= r1.lo, a1 < r1.hi else { src += k2 &* c; continue }
                    let line = plane + (base1 &+ a1 &* d1) &* lineSize
                    src += r2.lo &* c
                    if d2 == 1 {
                        // The window's run along the last axis is contiguous in x: one loop.
                        let count = (r2.hi &- r2.lo) &* c
                        let to = line + (base2 &+ r2.lo) &* c
                        for i in 0..<count { to[i] += src[i] }
                        src += count
                    } else {
                        for a2 in r2.lo..<r2.hi {
                            let to = line + (base2 &+ a2 &* d2) &* c
                            for i in 0..<c { to[i] += src[i] }
                            src += c
                        }
                    }
                    src += (k2 &- r2.hi) &* c
                }
            }
        }
    }
}

extension Tensor {
    /// The gradients of `locallyConnected` for ∂L/∂output `dy` (B, o…, F), with the same
    /// products the forward pass makes, one pair per position q over a chunk of samples:
    /// ∂kernel[q] = cols_qᵀ · dy_q and ∂cols_q = dy_q · kernel[q]ᵀ, the latter added back
    /// onto the input's cells by `Im2Col.scatterAdd` (col2im); ∂bias (positions…, F) is
    /// dy summed over the batch.
    public func locallyConnectedGradients(_ kernel: Tensor, _ g: ConvGeometry, hasBias: Bool, outputGradient dy: Tensor) throws
        -> (input: Tensor, kernel: Tensor, bias: Tensor?) {
        guard shape == [g.batch] + g.input + [g.channels] else {
            throw LabError("locally connected: input \(Tensor.describe(shape)) does not match the geometry")
        }
        guard kernel.rank == 3, kernel.shape[0] == g.positions, kernel.shape[1] == g.width else {
            throw LabError("locally connected: kernel \(Tensor.describe(kernel.shape)) does not fit \(g.positions) positions of \(g.width) inputs")
        }
        let filters = kernel.shape[2], positions = g.positions, width = g.width
        guard dy.shape == [g.batch] + g.output + [filters] else {
            throw LabError("locally connected: the output's gradient \(Tensor.describe(dy.shape)) does not match the output \(Tensor.describe([g.batch] + g.output + [filters]))")
        }
        var dx = [Float](repeating: 0, count: count), dw = [Float](repeating: 0, count: kernel.count)
        var db = [Float](repeating: 0, count: hasBias ? positions * filters : 0)
        let samplesPerChunk = max(1, Im2Col.chunkRows(width: width * positions, total: g.batch))
        let chunkValues = min(g.batch, samplesPerChunk) * positions * width
        var col = [Float](repeating: 0, count: chunkValues), dcol = [Float](repeating: 0, count: chunkValues)
        scalars.withUnsafeBufferPointer { xb in
            kernel.scalars.withUnsafeBufferPointer { wb in
                dy.scalars.withUnsafeBufferPointer { yb in
                    dx.withUnsafeMutableBufferPointer { dxb in
                        dw.withUnsafeMutableBufferPointer { dwb in
                            col.withUnsafeMutableBufferPointer { cb in
                                dcol.withUnsafeMutableBufferPointer { dcb in
                                    guard let x = xb.baseAddress, let w = wb.baseAddress, let dyp = yb.baseAddress, let dxp = dxb.baseAddress,
                                          let dwp = dwb.baseAddress, let c = cb.baseAddress, let dc = dcb.baseAddress else { return }
                                    var first = 0
                                    while first < g.batch {
                                        let last = min(g.batch, first + samplesPerChunk), m = last - first
                                        Im2Col.gather(x, g, rows: first * positions..<last * positions, into: c)
                                        let dyChunk = dyp + first * positions * filters
                                        // Each position's two products touch only its own blocks.
                                        Parallel.ranges(positions, minimum: max(1, 16384 / max(1, m * width * filters))) { qs in
                                            for q in qs {
                                                // ∂kernel[q] (width × F) += cols_qᵀ (width × m) · dy_q (m × F)
                                                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(width), Int32(filters), Int32(m),
                                                            1, c + q * width, Int32(positions * width), dyChunk + q * filters, Int32(positions * filters),
                                                            1, dwp + q * width * filters, Int32(filters))
                                                // ∂cols_q (m × width) = dy_q (m × F) · kernel[q]ᵀ (F × width)
                                                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(width), Int32(filters),
                                                            1, dyChunk + q * filters, Int32(positions * filters), w + q * width * filters, Int32(filters),
                                                            0, dc + q * width, Int32(positions * width))
                                            }
                                        }
                                        // col2im, split by whole samples (their cells are disjoint).
                                        Parallel.ranges(m) { samples in
                                            Im2Col.scatterAdd(dc + samples.lowerBound * positions * width, g,
                                                              rows: (first + samples.lowerBound) * positions..<(first + samples.upperBound) * positions,
                                                              into: dxp)
                                        }
                                        first = last
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if hasBias {
            let perSample = positions * filters
            dy.scalars.withUnsafeBufferPointer { yb in
                for b in 0..<g.batch {
                    let row = b * perSample
                    for i in 0..<perSample { db[i] += yb[row + i] }
                }
            }
        }
        return (Tensor(unchecked: shape, dx), Tensor(unchecked: kernel.shape, dw),
                hasBias ? Tensor(unchecked: g.output + [filters], db) : nil)
    }
}
