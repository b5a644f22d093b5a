/// LayerLab's seeded random generator: xoshiro256** seeded through SplitMix64.
///
/// Pure integer arithmetic, so the same seed gives bit-identical streams on every
/// machine. Normals use a 256-layer ziggurat in Float (Marsaglia & Tsang, with the
/// 23-bit layout NumPy uses for float32); uniforms take the top 24 bits.
public struct RandomGenerator: Sendable, Equatable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits (every float32 step in that range).
    @inline(__always)
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in 0..<bound (bound > 0), without modulo bias.
    public mutating func nextInt(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let r = next()
            if r < limit { return Int(r % b) }
        }
    }

    /// The fills below stop early when Ctrl-C was pressed (they look every 2^20 values,
    /// a few milliseconds); the caller then throws `Interrupt.check()`.
    static let piece = 1 << 20

    /// Fills `out` with uniform values in [low, high).
    public mutating func fillUniform(_ out: inout [Float], low: Float, high: Float) {
        let span = high - low
        out.withUnsafeMutableBufferPointer { buf in
            var start = 0
            while start < buf.count, !Interrupt.isRequested {
                let end = min(buf.count, start + Self.piece)
                for i in start..<end { buf[i] = low + span * nextUniform() }
                start = end
            }
        }
    }

    /// Fills `out` with N(mean, stddev²) values (the ziggurat method, in Float).
    public mutating func fillNormal(_ out: inout [Float], mean: Float = 0, stddev: Float = 1) {
        fillZiggurat(&out, mean: mean, stddev: stddev, truncated: false)
    }

    /// Fills `out` with mean + stddev·z where z ~ N(0,1) truncated to [-2, 2] (rejection).
    public mutating func fillTruncatedNormal(_ out: inout [Float], mean: Float = 0, stddev: Float = 1) {
        fillZiggurat(&out, mean: mean, stddev: stddev, truncated: true)
    }

    private mutating func fillZiggurat(_ out: inout [Float], mean: Float, stddev: Float, truncated: Bool) {
        var g = self
        out.withUnsafeMutableBufferPointer { buf in
            guard let p = buf.baseAddress else { return }
            Ziggurat.fill(p, buf.count, mean: mean, stddev: stddev, truncated: truncated, &g)
        }
        self = g
    }

    /// One N(0, 1) value (ziggurat).
    public mutating func nextNormal() -> Float {
        let r = UInt32(truncatingIfNeeded: next())
        let (x, ok) = Ziggurat.withTables { Ziggurat.fast(r, $0, $1) }
        return ok ? x : Ziggurat.slow(r, &self)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The tables of a 256-layer ziggurat for N(0, 1) (Marsaglia & Tsang 2000), computed
/// once on first use. A 32-bit draw: 8 bits pick the layer, 1 bit the sign, 23 bits the
/// position; 99 % of draws land inside their layer's rectangle and return at once.
enum Ziggurat {
    static let r: Double = 3.6541528853610088
    static let tables: (k: [UInt32], w: [Float], f: [Float]) = {
        let v = 0.00492867323399, m1 = 8388608.0  // 2^23
        var k = [UInt32](repeating: 0, count: 256), w = [Float](repeating: 0, count: 256), f = [Float](repeating: 0, count: 256)
        var dn = r, tn = r
        let q = v / exp(-0.5 * dn * dn)
        k[0] = UInt32((dn / q) * m1)
        k[1] = 0
        w[0] = Float(q / m1)
        w[255] = Float(dn / m1)
        f[0] = 1
        f[255] = Float(exp(-0.5 * dn * dn))
        for i in stride(from: 254, through: 1, by: -1) {
            dn = (-2 * log(v / dn + exp(-0.5 * dn * dn))).squareRoot()
            k[i + 1] = UInt32((dn / tn) * m1)
            tn = dn
            f[i] = Float(exp(-0.5 * dn * dn))
            w[i] = Float(dn / m1)
        }
        return (k, w, f)
    }()
    static let k = tables.k, w = tables.w, f = tables.f

    /// The common case: (value, true) when the draw falls inside its rectangle.
    @inline(__always)
    static func fast(_ bits: UInt32, _ k: UnsafePointer<UInt32>, _ w: UnsafePointer<Float>) -> (Float, Bool) {
        let idx = Int(bits & 0xFF)
        let rabs = (bits >> 9) & 0x007F_FFFF
        let x = Float(rabs) * w[idx]
        let signed = bits & 0x100 != 0 ? -x : x
        return (signed, rabs < k[idx])
    }

    /// The tables as raw pointers, allocated once and kept (no bounds checks per value).
    nonisolated(unsafe) static let kTable: UnsafeMutablePointer<UInt32> = {
        let p = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        p.initialize(from: k, count: 256)
        return p
    }()
    nonisolated(unsafe) static let wTable: UnsafeMutablePointer<Float> = {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: 256)
        p.initialize(from: w, count: 256)
        return p
    }()

    @inline(__always)
    static func withTables<R>(_ body: (UnsafePointer<UInt32>, UnsafePointer<Float>) -> R) -> R {
        body(kTable, wTable)
    }

    /// The fill loop, on a local copy of the generator so its state stays in registers.
    /// Each 64-bit draw gives two 32-bit halves, used in order (low, then high).
    static func fill(_ p: UnsafeMutablePointer<Float>, _ n: Int, mean: Float, stddev: Float, truncated: Bool,
                     _ generator: inout RandomGenerator) {
        var g = generator
        let kt = UnsafePointer(kTable), wt = UnsafePointer(wTable)
        var i = 0
        @inline(__always) func take(_ bits: UInt32, _ g: inout RandomGenerator) -> Float {
            let (x, ok) = fast(bits, kt, wt)
            return ok ? x : slow(bits, &g)
        }
        // Ctrl-C is looked at every 2^20 draws (the values drawn do not depend on it).
        var draws = 0
        if truncated {
            while i < n {
                draws &+= 1
                if draws & 0xFFFFF == 0, Interrupt.isRequested { break }
                let r = g.next()
                let a = take(UInt32(truncatingIfNeeded: r), &g)
                if abs(a) <= 2 { p[i] = mean + stddev * a; i += 1 }
                guard i < n else { break }
                let b = take(UInt32(truncatingIfNeeded: r >> 32), &g)
                if abs(b) <= 2 { p[i] = mean + stddev * b; i += 1 }
            }
        } else {
            while i < n {
                draws &+= 1
                if draws & 0xFFFFF == 0, Interrupt.isRequested { break }
                let r = g.next()
                p[i] = mean + stddev * take(UInt32(truncatingIfNeeded: r), &g)
                i += 1
                guard i < n else { break }
                p[i] = mean + stddev * take(UInt32(truncatingIfNeeded: r >> 32), &g)
                i += 1
            }
        }
        generator = g
    }

    /// The rest: the wedges and the tail, drawing more from the generator as needed.
    @inline(never)
    static func slow(_ first: UInt32, _ rng: inout RandomGenerator) -> Float {
        var bits = first
        while true {
            let idx = Int(bits & 0xFF)
            let rabs = (bits >> 9) & 0x007F_FFFF
            var x = Float(rabs) * w[idx]
            if bits & 0x100 != 0 { x = -x }
            if rabs < k[idx] { return x }
            if idx == 0 {
                // The tail beyond r (Marsaglia's method).
                while true {
                    let xx = -Float(1 / r) * log1pf(-rng.nextUniform())
                    let yy = -log1pf(-rng.nextUniform())
                    if yy + yy > xx * xx { return (rabs >> 8) & 1 != 0 ? -(Float(r) + xx) : Float(r) + xx }
                }
            } else if (f[idx - 1] - f[idx]) * rng.nextUniform() + f[idx] < expf(-0.5 * x * x) {
                return x
            }
            bits = UInt32(truncatingIfNeeded: rng.next())
        }
    }
}
