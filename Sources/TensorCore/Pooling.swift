/// Max and average pooling over 1–3 spatial axes, channels-last. The inner loops run
/// over the channels of one position, which are contiguous in memory.
public enum PoolMode: Sendable {
    case max, average
}

extension Tensor {
    /// Pooling in Swift loops, for a batch holding NaN: oneDNN's max lets a NaN lose to
    /// its neighbour (its vector max keeps the other operand), Keras's lets it win.
    func pooledKeepingNaN(_ g: ConvGeometry, mode: PoolMode) throws -> Tensor {
        guard shape == [g.batch] + g.input + [g.channels] else {
            throw LabError("pooling: input \(Tensor.describe(shape)) does not match the geometry \(Tensor.describe([g.batch] + g.input + [g.channels]))")
        }
        let (n, k, s, _, p, o) = g.lifted
        let (n0, n1, n2) = (n[0], n[1], n[2]), (k0, k1, k2) = (k[0], k[1], k[2])
        let (s0, s1, s2) = (s[0], s[1], s[2]), (p0, p1, p2) = (p[0], p[1], p[2])
        let c = g.channels
        let sampleSize = n0 * n1 * n2 * c, planeSize = n1 * n2 * c, lineSize = n2 * c
        // Not initialised: each output position is set before its window is read in.
        var out = [Float](unsafeUninitializedCapacity: g.rows * c) { _, count in count = g.rows * c }
        let outputSizes = ConvGeometry.sizes(o)
        scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { yb in
                guard let x = xb.baseAddress, let yBase = yb.baseAddress else { return }
                // Output positions split over the cores (the pooled input is a conv output,
                // the largest tensor of a typical CNN).
                Parallel.ranges(g.rows, minimum: 256) { part in
                    var y = yBase + part.lowerBound * c
                    var at = ConvGeometry.position(of: part.lowerBound, o)
                    for _ in part {
                        let (b, o0, o1, o2) = at
                        ConvGeometry.advance(&at, outputSizes)
                        let r0 = ConvGeometry.validRange(base: o0 &* s0 &- p0, d: 1, n: n0, k: k0)
                        let r1 = ConvGeometry.validRange(base: o1 &* s1 &- p1, d: 1, n: n1, k: k1)
                        let r2 = ConvGeometry.validRange(base: o2 &* s2 &- p2, d: 1, n: n2, k: k2)
                        let sample = x + b &* sampleSize
                        y.update(repeating: mode == .max ? -.infinity : 0, count: c)
                        for a0 in r0.lo..<r0.hi {
                            let plane = sample + (o0 &* s0 &- p0 &+ a0) &* planeSize
                            for a1 in r1.lo..<r1.hi {
                                let line = plane + (o1 &* s1 &- p1 &+ a1) &* lineSize
                                for a2 in r2.lo..<r2.hi {
                                    Tensor.accumulate(mode, y, line + (o2 &* s2 &- p2 &+ a2) &* c, c)
                                }
                            }
                        }
                        if mode == .average {
                            let cells = (r0.hi - r0.lo) * (r1.hi - r1.lo) * (r2.hi - r2.lo)
                            let scale = 1 / Float(max(cells, 1))
                            for i in 0..<c { y[i] *= scale }
                        }
                        y += c
                    }
                }
            }
        }
        return Tensor(unchecked: [g.batch] + g.output + [c], out)
    }

    /// Whether any value is NaN, looked at 8 lanes at a time.
    public var containsNaN: Bool {
        scalars.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return false }
            let raw = UnsafeRawPointer(p), n = b.count
            var i = 0
            while i + 32 <= n {
                var seen = SIMDMask<SIMD8<Int32>>()
                for j in stride(from: i, to: i + 32, by: 8) {
                    let v = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                    seen .|= v .!= v
                }
                if any(seen) { return true }
                i += 32
            }
            while i < n { if p[i].isNaN { return true }; i += 1 }
            return false
        }
    }

    /// y = max(y, x) (NaN wins, as in Keras) or y += x over one position's channels.
    @inline(__always)
    static func accumulate(_ mode: PoolMode, _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ c: Int) {
        switch mode {
        case .max:
            for i in 0..<c {
                let v = x[i], m = y[i]
                y[i] = v > m || v != v ? v : m
            }
        case .average:
            for i in 0..<c { y[i] += x[i] }
        }
    }

    /// Max or mean over every axis between the first (batch) and the last (channels):
    /// (B, s…, C) → (B, C).
    public func globalPooled(_ mode: PoolMode) throws -> Tensor {
        guard rank >= 3, let c = shape.last else {
            throw LabError("global pooling needs a batch with spatial axes and channels, got \(Tensor.describe(shape))")
        }
        let b = shape[0], positions = shape.dropFirst().dropLast().reduce(1, *)
        var out = [Float](repeating: mode == .max ? -.infinity : 0, count: b * c)
        scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { yb in
                guard let x = xb.baseAddress, let yBase = yb.baseAddress else { return }
                Parallel.ranges(b, minimum: max(1, 65536 / max(1, positions * c))) { samples in
                    for sample in samples {
                        let y = yBase + sample * c
                        var src = x + sample * positions * c
                        for _ in 0..<positions {
                            Tensor.accumulate(mode, y, src, c)
                            src += c
                        }
                        if mode == .average, positions > 0 {
                            let scale = 1 / Float(positions)
                            for i in 0..<c { y[i] *= scale }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: [b, c], out)
    }
}

// MARK: - Gradients

extension Tensor {
    /// Whether any value is NaN or −∞ (where oneDNN's choice of a max window's cell and
    /// XLA's may part), looked at 8 lanes at a time.
    public var containsNaNOrNegativeInfinity: Bool {
        scalars.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return false }
            let raw = UnsafeRawPointer(p), n = b.count
            let floor = SIMD8<Float>(repeating: -.infinity)
            var i = 0
            while i + 32 <= n {
                var fine = SIMDMask<SIMD8<Int32>>(repeating: true)
                for j in stride(from: i, to: i + 32, by: 8) {
                    fine .&= raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) .> floor
                }
                if !all(fine) { return true }
                i += 32
            }
            while i < n { if !(p[i] > -.infinity) { return true }; i += 1 }
            return false
        }
    }

    /// Max pooling's gradient by XLA's rule (JAX's `select_and_scatter_add` with select
    /// `≥`), for inputs oneDNN's workspace would not follow: each window is scanned in
    /// row-major order, padding cells included as −∞; the first cell is selected and a
    /// later cell replaces the selection unless selection ≥ cell. So the first maximum
    /// wins a tie; a NaN is taken when met and the next cell replaces it (NaN ≥ v is
    /// false); a window whose real cells are all −∞ selects its first cell, a padding
    /// cell when there is one in front — its gradient is then dropped, as in XLA.
    /// Samples split over the cores (windows of one sample overlap, so they add up there).
    func maxPoolGradientInWindowOrder(_ g: ConvGeometry, outputGradient dy: Tensor) throws -> Tensor {
        guard shape == [g.batch] + g.input + [g.channels], dy.shape == [g.batch] + g.output + [g.channels] else {
            throw LabError("max pooling's gradient: input \(Tensor.describe(shape)) or gradient \(Tensor.describe(dy.shape)) does not match the geometry")
        }
        let (n, k, s, _, p, o) = g.lifted
        let (n0, n1, n2) = (n[0], n[1], n[2]), (k0, k1, k2) = (k[0], k[1], k[2])
        let (s0, s1, s2) = (s[0], s[1], s[2]), (p0, p1, p2) = (p[0], p[1], p[2])
        let c = g.channels, positions = g.positions
        let sampleSize = n0 * n1 * n2 * c
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { xb in
            dy.scalars.withUnsafeBufferPointer { gb in
                out.withUnsafeMutableBufferPointer { db in
                    guard let xBase = xb.baseAddress, let gBase = gb.baseAddress, let dBase = db.baseAddress else { return }
                    Parallel.ranges(g.batch) { samples in
                        // The selection of each channel: its value and its cell (−1: padding).
                        let chosen = UnsafeMutablePointer<Float>.allocate(capacity: c)
                        let at = UnsafeMutablePointer<Int>.allocate(capacity: c)
                        defer { chosen.deallocate(); at.deallocate() }
                        for b in samples {
                            let x = xBase + b * sampleSize, dx = dBase + b * sampleSize
                            var grad = gBase + b * positions * c
                            for o0 in 0..<o[0] { for o1 in 0..<o[1] { for o2 in 0..<o[2] {
                                var first = true
                                for a0 in 0..<k0 { for a1 in 0..<k1 { for a2 in 0..<k2 {
                                    let i0 = o0 * s0 - p0 + a0, i1 = o1 * s1 - p1 + a1, i2 = o2 * s2 - p2 + a2
                                    let inside = i0 >= 0 && i0 < n0 && i1 >= 0 && i1 < n1 && i2 >= 0 && i2 < n2
                                    let cell = inside ? ((i0 * n1 + i1) * n2 + i2) * c : -1
                                    for ch in 0..<c {
                                        let v = inside ? x[cell + ch] : -Float.infinity
                                        if first || !(chosen[ch] >= v) { chosen[ch] = v; at[ch] = cell }
                                    }
                                    first = false
                                } } }
                                for ch in 0..<c where at[ch] >= 0 { dx[at[ch] + ch] += grad[ch] }
                                grad += c
                            } } }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, out)
    }

    /// The gradient of `globalPooled` (self the channels-last input (B, s…, C)) for
    /// ∂L/∂output `dy` (B, C), as JAX differentiates `jnp.mean` and `jnp.max`: the mean
    /// spreads dy/positions over every position; the max splits dy equally among the
    /// positions equal to the maximum (dy/count to each), and where the maximum is NaN
    /// (no position equals it: dy/0·0) every position of that channel gets NaN.
    public func globalPoolingGradient(_ mode: PoolMode, outputGradient dy: Tensor) throws -> Tensor {
        guard rank >= 3, let c = shape.last, dy.shape == [shape[0], c] else {
            throw LabError("global pooling's gradient: \(Tensor.describe(dy.shape)) does not match the input \(Tensor.describe(shape))")
        }
        let b = shape[0], positions = shape.dropFirst().dropLast().reduce(1, *)
        let maxima = mode == .max ? try globalPooled(.max) : dy
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { xb in
            dy.scalars.withUnsafeBufferPointer { gb in
                maxima.scalars.withUnsafeBufferPointer { mb in
                    out.withUnsafeMutableBufferPointer { db in
                        guard let xBase = xb.baseAddress, let g = gb.baseAddress, let m = mb.baseAddress, let dBase = db.baseAddress else { return }
                        Parallel.ranges(b, minimum: max(1, 65536 / max(1, positions * c))) { samples in
                            let share = UnsafeMutablePointer<Float>.allocate(capacity: c)
                            defer { share.deallocate() }
                            for sample in samples {
                                let x = xBase + sample * positions * c, dx = dBase + sample * positions * c
                                let gs = g + sample * c, ms = m + sample * c
                                switch mode {
                                case .average:
                                    let scale = 1 / Float(max(positions, 1))
                                    for ch in 0..<c { share[ch] = gs[ch] * scale }
                                    for q in 0..<positions { (dx + q * c).update(from: share, count: c) }
                                case .max:
                                    // How many positions hold each channel's maximum, then dy/count to each.
                                    share.update(repeating: 0, count: c)
                                    for q in 0..<positions {
                                        let row = x + q * c
                                        for ch in 0..<c where row[ch] == ms[ch] { share[ch] += 1 }
                                    }
                                    for ch in 0..<c { share[ch] = gs[ch] / share[ch] }
                                    for q in 0..<positions {
                                        let row = x + q * c, to = dx + q * c
                                        for ch in 0..<c { to[ch] = row[ch] == ms[ch] ? share[ch] : (ms[ch].isNaN ? .nan : 0) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, out)
    }
}
