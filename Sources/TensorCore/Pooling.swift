/// Max and average pooling over 1–3 spatial axes, channels-last. The inner loops run
/// over the channels of one position, which are contiguous in memory.
public enum PoolMode: Sendable {
    case max, average
}

extension Tensor {
    /// Pools a channels-last batch (B, n…, C) over the windows of `g` (`g.kernel` is the
    /// pool size; dilation is ignored). Cells in the padding never count: max ignores
    /// them (as padding with −∞ would) and average divides by the number of real cells.
    public func pooled(_ g: ConvGeometry, mode: PoolMode) throws -> Tensor {
        guard shape == [g.batch] + g.input + [g.channels] else {
            throw LabError("pooling: input \(Tensor.describe(shape)) does not match the geometry \(Tensor.describe([g.batch] + g.input + [g.channels]))")
        }
        let (n, k, s, _, p, o) = g.lifted
        let c = g.channels
        let sampleSize = n[0] * n[1] * n[2] * c
        var out = [Float](repeating: 0, count: g.rows * c)
        scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { yb in
                guard let x = xb.baseAddress, var y = yb.baseAddress else { return }
                for b in 0..<g.batch {
                    let sample = x + b * sampleSize
                    for o0 in 0..<o[0] {
                        let r0 = ConvGeometry.validRange(base: o0 * s[0] - p[0], d: 1, n: n[0], k: k[0])
                        for o1 in 0..<o[1] {
                            let r1 = ConvGeometry.validRange(base: o1 * s[1] - p[1], d: 1, n: n[1], k: k[1])
                            for o2 in 0..<o[2] {
                                let r2 = ConvGeometry.validRange(base: o2 * s[2] - p[2], d: 1, n: n[2], k: k[2])
                                y.update(repeating: mode == .max ? -.infinity : 0, count: c)
                                for a0 in r0.lo..<r0.hi {
                                    let plane = sample + (o0 * s[0] - p[0] + a0) * n[1] * n[2] * c
                                    for a1 in r1.lo..<r1.hi {
                                        let line = plane + (o1 * s[1] - p[1] + a1) * n[2] * c
                                        for a2 in r2.lo..<r2.hi {
                                            let src = line + (o2 * s[2] - p[2] + a2) * c
                                            Tensor.accumulate(mode, y, src, c)
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
            }
        }
        return Tensor(unchecked: [g.batch] + g.output + [c], out)
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
                for sample in 0..<b {
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
        return Tensor(unchecked: [b, c], out)
    }
}
