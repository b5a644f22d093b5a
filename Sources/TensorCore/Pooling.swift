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
