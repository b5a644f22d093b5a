/// LayerLab's seeded random generator: xoshiro256** seeded through SplitMix64.
///
/// Pure integer arithmetic, so the same seed gives bit-identical streams on every
/// machine. Normals use the Box–Muller transform; uniforms take the top 24 bits.
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

    /// Fills `out` with uniform values in [low, high).
    public mutating func fillUniform(_ out: inout [Float], low: Float, high: Float) {
        let span = high - low
        out.withUnsafeMutableBufferPointer { buf in
            for i in buf.indices { buf[i] = low + span * nextUniform() }
        }
    }

    /// Fills `out` with N(mean, stddev²) values (Box–Muller, computed in Double).
    public mutating func fillNormal(_ out: inout [Float], mean: Float = 0, stddev: Float = 1) {
        let m = Double(mean), s = Double(stddev)
        out.withUnsafeMutableBufferPointer { buf in
            var i = 0
            while i < buf.count {
                let (a, b) = nextNormalPair()
                buf[i] = Float(m + s * a)
                if i + 1 < buf.count { buf[i + 1] = Float(m + s * b) }
                i += 2
            }
        }
    }

    /// Fills `out` with mean + stddev·z where z ~ N(0,1) truncated to [-2, 2] (rejection).
    public mutating func fillTruncatedNormal(_ out: inout [Float], mean: Float = 0, stddev: Float = 1) {
        let m = Double(mean), s = Double(stddev)
        out.withUnsafeMutableBufferPointer { buf in
            var i = 0
            while i < buf.count {
                let (a, b) = nextNormalPair()
                if abs(a) <= 2 { buf[i] = Float(m + s * a); i += 1 }
                if i < buf.count, abs(b) <= 2 { buf[i] = Float(m + s * b); i += 1 }
            }
        }
    }

    @inline(__always)
    private mutating func nextNormalPair() -> (Double, Double) {
        // u1 in (0, 1] so the log is finite.
        let u1 = 1.0 - nextDouble()
        let u2 = nextDouble()
        let r = (-2.0 * _log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        return (r * _cos(theta), r * _sin(theta))
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
#else
import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Foundation.sin(x) }
#endif
