/// Summary statistics of a set of values, computed in Double for accuracy.
public struct Statistics: Equatable, Sendable {
    public var count: Int
    public var mean: Double
    public var std: Double
    public var min: Float
    public var max: Float
    public var zeros: Int
    public var nonFinite: Int

    public init(_ values: [Float]) {
        var sum = 0.0
        var lo = Float.infinity, hi = -Float.infinity
        var zeros = 0, nonFinite = 0
        values.withUnsafeBufferPointer { buf in
            // In pieces of 2^20 values, so Ctrl-C stops a large one early (the command that
            // asked then throws `Interrupt.check()`) without a test in the inner loop.
            var start = 0
            while start < buf.count, !Interrupt.isRequested {
                let end = Swift.min(buf.count, start + (1 << 20))
                for v in buf[start..<end] {
                    if !v.isFinite { nonFinite += 1; continue }
                    let d = Double(v)
                    sum += d
                    if v < lo { lo = v }
                    if v > hi { hi = v }
                    if v == 0 { zeros += 1 }
                }
                start = end
            }
        }
        let n = values.count - nonFinite
        count = values.count
        mean = n > 0 ? sum / Double(n) : .nan
        var squares = 0.0
        if n > 0 {
            let m = mean
            values.withUnsafeBufferPointer { buf in
                for v in buf where v.isFinite { let d = Double(v) - m; squares += d * d }
            }
        }
        std = n > 0 ? (squares / Double(n)).squareRoot() : .nan
        min = n > 0 ? lo : .nan
        max = n > 0 ? hi : .nan
        self.zeros = zeros
        self.nonFinite = nonFinite
    }
}
