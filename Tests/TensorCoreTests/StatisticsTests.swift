import Testing
@testable import TensorCore

/// The one-pass statistics (vector loop, pieces merged, parts over the cores) against
/// the plain definition: two passes in Double over the finite values.
@Suite struct OnePassStatisticsTests {
    struct Reference {
        var count = 0, zeros = 0, nonFinite = 0
        var mean = Double.nan, std = Double.nan
        var min = Float.nan, max = Float.nan

        init(_ values: [Float]) {
            count = values.count
            let finite = values.filter(\.isFinite)
            nonFinite = count - finite.count
            zeros = finite.filter { $0 == 0 }.count
            guard !finite.isEmpty else { return }
            let n = Double(finite.count)
            let m = finite.reduce(0.0) { $0 + Double($1) } / n
            mean = m
            std = (finite.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / n).squareRoot()
            min = finite.min() ?? .nan
            max = finite.max() ?? .nan
        }
    }

    func expectMatches(_ values: [Float], _ label: String) {
        let s = Statistics(values), r = Reference(values)
        #expect(s.count == r.count && s.zeros == r.zeros && s.nonFinite == r.nonFinite, "\(label)")
        guard r.count > r.nonFinite else {
            #expect(s.mean.isNaN && s.std.isNaN && s.min.isNaN && s.max.isNaN, "\(label)")
            return
        }
        #expect(s.min == r.min && s.max == r.max, "\(label): \(s.min)…\(s.max) against \(r.min)…\(r.max)")
        let scale = Swift.max(abs(r.mean), r.std, 1e-30)
        #expect(abs(s.mean - r.mean) <= 1e-12 * scale, "\(label): mean \(s.mean) against \(r.mean)")
        #expect(abs(s.std - r.std) <= 1e-9 * Swift.max(r.std, 1e-30), "\(label): std \(s.std) against \(r.std)")
    }

    func normals(_ count: Int, seed: UInt64, mean: Float = 0, std: Float = 1) -> [Float] {
        var g = RandomGenerator(seed: seed)
        var v = [Float](repeating: 0, count: count)
        g.fillNormal(&v, mean: mean, stddev: std)
        return v
    }

    /// Lengths around the vector width, the piece and a split over the cores.
    @Test(arguments: [0, 1, 2, 7, 8, 9, 15, 17, Parallel.piece - 1, Parallel.piece, Parallel.piece + 1,
                      3 * Parallel.piece + 5, 9 * Parallel.piece + 3, 300_001])
    func awkwardLengths(_ count: Int) {
        expectMatches(normals(count, seed: UInt64(count) + 1, mean: 0.5, std: 2), "length \(count)")
    }

    /// NaN and ±Inf in the vector part, in the tail, first (the shift is the first finite
    /// value), in one piece of many and everywhere.
    @Test func nonFiniteValuesAreCountedAndLeftOut() {
        var v = normals(4 * Parallel.piece + 11, seed: 9)
        for i in [0, 1, 5, 8, 100, Parallel.piece + 3, 3 * Parallel.piece, v.count - 1] { v[i] = .nan }
        v[17] = .infinity
        v[2 * Parallel.piece + 9] = -.infinity
        v[v.count - 3] = .infinity
        expectMatches(v, "mixed")
        expectMatches([.nan, 1, 2, .infinity, 0, -.infinity, 4, 5, 6, 7, 8, 9, 3], "short, mixed")
        expectMatches([.nan, 0, 0, 0, 0, 0, 0, 0, 0, .nan], "zeros beside NaN")
        expectMatches([Float](repeating: .nan, count: 2 * Parallel.piece + 3), "all NaN")
        expectMatches((0..<(Parallel.piece + 9)).map { $0 % 2 == 0 ? Float.infinity : -.infinity }, "all infinite")
        expectMatches([Float](repeating: .nan, count: 5), "a few NaN")
    }

    @Test func constantValuesHaveNoSpread() {
        for count in [1, 8, 13, 2 * Parallel.piece + 7, 300_000] {
            let s = Statistics([Float](repeating: 3.25, count: count))
            #expect(s.mean == 3.25 && s.std == 0 && s.min == 3.25 && s.max == 3.25 && s.zeros == 0, "\(count)")
            let z = Statistics([Float](repeating: 0, count: count))
            #expect(z.mean == 0 && z.std == 0 && z.zeros == count, "zeros, \(count)")
        }
    }

    /// A large common offset must not swamp a small spread: 1e4 + noise of 0.01, where a
    /// plain Σx² − (Σx)²/n in Double keeps only a few digits (and in Float none).
    @Test func largeOffsetKeepsTheSpread() {
        let v = normals(500_003, seed: 5, mean: 1e4, std: 0.01)
        expectMatches(v, "1e4 + noise")
        let s = Statistics(v)
        #expect(abs(s.std - 0.01) < 2e-4, "\(s.std)")
        // Pieces whose means differ widely (a step in the middle): the merge's own term.
        let step = normals(200_000, seed: 6, mean: -5e3, std: 0.5) + normals(200_001, seed: 7, mean: 5e3, std: 0.5)
        expectMatches(step, "two levels")
    }

    /// The sample taken in the statistics' pass (and by `sample` alone) is every step-th
    /// value, and the statistics are the same as without it.
    @Test(arguments: [(0, 3), (5, 1), (9, 2), (100, 7), (3 * Parallel.piece + 5, 55), (300_001, 3), (1_000_003, 11)])
    func samplingKeepsEveryStepthValue(_ size: (count: Int, step: Int)) {
        let v = normals(size.count, seed: UInt64(size.count) + 40)
        let expected = stride(from: 0, to: size.count, by: size.step).map { v[$0] }
        let (s, sample) = Statistics.sampling(v, every: size.step)
        #expect(sample == expected, "\(size)")
        #expect(Statistics.sample(v, every: size.step) == expected, "\(size)")
        if size.count > 0 { #expect(s == Statistics(v), "\(size)") } else { #expect(s.count == 0 && s.mean.isNaN) }
    }

    @Test func countsLanesThatPass() {
        for count in [0, 1, 7, 8, 9, 23, Parallel.piece + 1, 5 * Parallel.piece + 6] {
            var v = normals(count, seed: UInt64(count) + 20)
            if count > 3 { v[1] = .nan; v[count - 1] = .infinity }
            let counted = Statistics.count(v) { $0 .> 0.5 }
            #expect(counted == v.filter { $0 > 0.5 }.count, "\(count)")
            // Lanes past the end never count, even for a test every padding lane passes.
            #expect(Statistics.count(v) { $0 .== $0 .| $0 .!= $0 } == count, "\(count)")
        }
    }
}
