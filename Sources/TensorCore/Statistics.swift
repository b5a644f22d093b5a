/// Summary statistics of a set of values, computed in Double for accuracy. Non-finite
/// values (NaN, ±Inf) are counted and left out of everything else.
///
/// One pass over the values, vectorised and split over the cores: every printed
/// `forward` computes this for each layer's output, so it must cost little beside the
/// layer itself.
public struct Statistics: Equatable, Sendable {
    public var count: Int
    public var mean: Double
    public var std: Double
    public var min: Float
    public var max: Float
    public var zeros: Int
    public var nonFinite: Int

    public init(_ values: [Float]) {
        self.init(count: values.count, values.withUnsafeBufferPointer { values in
            Parallel.reduce(values.count, into: Moments()) { Moments(UnsafeBufferPointer(rebasing: values[$0])) }
                combine: { $0.merge($1) }
        })
    }

    init(count: Int, _ m: Moments) {
        let finite = m.n > 0
        self.count = count
        mean = finite ? m.mean : .nan
        std = finite ? (m.m2 / Double(m.n)).squareRoot() : .nan
        min = finite ? m.lo : .nan
        max = finite ? m.hi : .nan
        zeros = m.zeros
        nonFinite = m.nonFinite
    }
}

extension Statistics {
    /// The statistics of both sets of values together (Chan's merge of their moments): a
    /// forward run in chunks of samples merges each layer's statistics chunk by chunk.
    public func merged(with other: Statistics) -> Statistics {
        func moments(_ s: Statistics) -> Moments {
            var m = Moments()
            m.n = s.count - s.nonFinite
            if m.n > 0 {
                m.mean = s.mean
                m.m2 = s.std * s.std * Double(m.n)
                m.lo = s.min
                m.hi = s.max
            }
            m.zeros = s.zeros
            m.nonFinite = s.nonFinite
            return m
        }
        var m = moments(self)
        m.merge(moments(other))
        return Statistics(count: count + other.count, m)
    }

    /// The statistics and every `step`-th value from index `first`, in one pass: each piece's
    /// values are taken while it is in cache (a printed `forward` keeps such a sample of
    /// every layer's output for `hist`, beside its statistics).
    public static func sampling(_ values: [Float], every step: Int, from first: Int = 0) -> (statistics: Statistics, sample: [Float]) {
        guard step > 1 || first > 0 else { return (Statistics(values), values) }
        var m = Moments()
        let kept = first < values.count ? (values.count - first + step - 1) / step : 0
        let sample = [Float](unsafeUninitializedCapacity: kept) { sample, initialized in
            m = values.withUnsafeBufferPointer { values in
                Parallel.reduce(values.count, into: Moments()) { range in
                    let piece = Moments(UnsafeBufferPointer(rebasing: values[range]))
                    copy(every: step, from: first, of: values, in: range, into: sample)
                    return piece
                } combine: { $0.merge($1) }
            }
            initialized = sample.count
        }
        return (Statistics(count: values.count, m), sample)
    }

    /// Every `step`-th value from the first, split over the cores (each value taken is a
    /// cache line of its own).
    public static func sample(_ values: [Float], every step: Int) -> [Float] {
        guard step > 1 else { return values }
        return values.withUnsafeBufferPointer { values in
            [Float](unsafeUninitializedCapacity: (values.count + step - 1) / step) { sample, initialized in
                Parallel.ranges(values.count, minimum: step << 14) { copy(every: step, of: values, in: $0, into: sample) }
                initialized = sample.count
            }
        }
    }

    /// Copies the values at `first` + multiples of `step` in `range` to `sample[(index − first) / step]`.
    static func copy(every step: Int, from first: Int = 0, of values: UnsafeBufferPointer<Float>, in range: Range<Int>,
                     into sample: UnsafeMutableBufferPointer<Float>) {
        var kept = range.lowerBound <= first ? 0 : (range.lowerBound - first + step - 1) / step
        for i in stride(from: first + kept * step, to: range.upperBound, by: step) {
            sample[kept] = values[i]
            kept += 1
        }
    }

    /// How many of `values` pass `test`, which sees eight at a time (lanes past the end
    /// never count): one pass, split over the cores.
    public static func count(_ values: [Float], where test: (SIMD8<Float>) -> SIMDMask<SIMD8<Int32>>) -> Int {
        values.withUnsafeBufferPointer { values in
            Parallel.reduce(values.count, into: 0) { range in
                let piece = UnsafeBufferPointer(rebasing: values[range])
                guard let base = piece.baseAddress else { return 0 }
                let one = SIMD8<Int32>(repeating: 1), none = SIMD8<Int32>()
                var counts = none
                let whole = piece.count / 8 * 8
                for i in stride(from: 0, to: whole, by: 8) {
                    counts &+= none.replacing(with: one, where: test(UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)))
                }
                if whole < piece.count {
                    var x = SIMD8<Float>()
                    for j in whole..<piece.count { x[j - whole] = piece[j] }
                    let valid = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< Int32(piece.count - whole)
                    counts &+= none.replacing(with: one, where: test(x) .& valid)
                }
                return Int(counts.wrappedSum())
            } combine: { $0 += $1 }
        }
    }
}

/// The statistics of a piece of values: the count `n`, mean and `m2` (the sum of squared
/// deviations from the mean) of its finite values, their extremes, and its counts of zeros
/// and of non-finite values. Pieces merge by Chan, Golub and LeVeque's pairwise update,
/// which holds no sum of large offsets, so a mean of 1e4 does not swamp a std of 1e-3.
struct Moments: Sendable {
    var n = 0
    var mean = 0.0
    var m2 = 0.0
    var lo = Float.infinity
    var hi = -Float.infinity
    var zeros = 0
    var nonFinite = 0

    mutating func merge(_ other: Moments) {
        let total = n + other.n
        if other.n > 0 {
            let delta = other.mean - mean
            let share = Double(other.n) / Double(total)
            mean += delta * share
            m2 += other.m2 + delta * delta * Double(n) * share
        }
        n = total
        lo = Swift.min(lo, other.lo)
        hi = Swift.max(hi, other.hi)
        zeros += other.zeros
        nonFinite += other.nonFinite
    }
}

extension Moments {
    /// One piece. Its sums of d = x − c and d² are kept in Double, shifted by c, the piece's
    /// first finite value: the data's own scale, so that m2 = Σd² − (Σd)²/n cancels nothing
    /// large. Whole vectors of eight go through the vector loop; a piece with NaN or Inf in
    /// it (rare: `forward` warns about them) and the last few values go value by value.
    init(_ piece: UnsafeBufferPointer<Float>) {
        guard let c = piece.first(where: \.isFinite) else {
            nonFinite = piece.count
            return
        }
        let whole = piece.count / 8 * 8
        let vectors = UnsafeBufferPointer(rebasing: piece[..<whole])
        self = Moments(vectors: vectors, shift: c) ?? Moments(values: vectors, shift: c)
        merge(Moments(values: UnsafeBufferPointer(rebasing: piece[whole...]), shift: c))
    }

    /// `values.count` a multiple of 8; nil when a value is not finite (a sum then is not).
    init?(vectors values: UnsafeBufferPointer<Float>, shift c: Float) {
        guard let base = values.baseAddress else { return nil }
        let shift = SIMD8<Float>(repeating: c), shiftD = SIMD4<Double>(repeating: Double(c))
        var s1 = SIMD4<Double>(), s2 = SIMD4<Double>()
        var lo = shift, hi = shift
        var zeros = SIMD8<Int32>()
        let one = SIMD8<Int32>(repeating: 1), none = SIMD8<Int32>()
        // (`replacing` rather than `pointwiseMin`/`Max`, which the compiler leaves as calls.)
        for i in stride(from: 0, to: values.count, by: 8) {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
            zeros &+= none.replacing(with: one, where: v .== SIMD8<Float>())
            lo = lo.replacing(with: v, where: v .< lo)
            hi = hi.replacing(with: v, where: v .> hi)
            let low = SIMD4<Double>(v.lowHalf) - shiftD, high = SIMD4<Double>(v.highHalf) - shiftD
            s1 += low + high
            s2 += low * low + high * high
        }
        let sum = s1.sum(), squares = s2.sum()
        guard sum.isFinite, squares.isFinite else { return nil }
        self.init(n: values.count, sum: sum, squares: squares, shift: c, lo: lo.min(), hi: hi.max(),
                  zeros: Int(zeros.wrappedSum()), nonFinite: 0)
    }

    /// Value by value, non-finite values counted and skipped.
    init(values: UnsafeBufferPointer<Float>, shift c: Float) {
        var n = 0, zeros = 0, nonFinite = 0
        var sum = 0.0, squares = 0.0
        var lo = Float.infinity, hi = -Float.infinity
        for v in values {
            guard v.isFinite else { nonFinite += 1; continue }
            let d = Double(v) - Double(c)
            sum += d
            squares += d * d
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            if v == 0 { zeros += 1 }
            n += 1
        }
        self.init(n: n, sum: sum, squares: squares, shift: c, lo: lo, hi: hi, zeros: zeros, nonFinite: nonFinite)
    }

    /// From the shifted sums of `n` finite values.
    init(n: Int, sum: Double, squares: Double, shift c: Float, lo: Float, hi: Float, zeros: Int, nonFinite: Int) {
        self.n = n
        if n > 0 {
            mean = Double(c) + sum / Double(n)
            m2 = Swift.max(0, squares - sum * sum / Double(n))
        }
        (self.lo, self.hi, self.zeros, self.nonFinite) = (lo, hi, zeros, nonFinite)
    }
}
