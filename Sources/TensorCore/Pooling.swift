/// Max and average pooling over 1–3 spatial axes, channels-last. The inner loops run
/// over the channels of one position, which are contiguous in memory.
public enum PoolMode: Sendable {
    case max, average
}

extension Tensor {
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
