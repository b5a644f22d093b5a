import Synchronization
import Testing
@testable import TensorCore

@Suite struct ParallelTests {
    /// Every index is visited exactly once, in contiguous ranges, whatever the split.
    @Test(arguments: [0, 1, 63, 64, 129, 10_000])
    func rangesCoverEveryIndexOnce(_ count: Int) {
        let seen = Mutex<[Range<Int>]>([])
        Parallel.ranges(count, minimum: 64) { range in seen.withLock { $0.append(range) } }
        let ranges = seen.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        #expect(ranges.count == (count == 0 ? 0 : max(1, min(Parallel.workers, count / 64))))
    }

    /// A large product split over the cores equals the same product in one OpenBLAS
    /// call: by rows (many rows), by columns (a few rows), and one row (sgemv, on
    /// OpenBLAS's own threads).
    @Test(arguments: [(300, 256, 40), (1, 2048, 600), (20, 1000, 100)])
    func splitProductsMatchOneCall(_ size: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = size
        var rng = RandomGenerator(seed: 11)
        var a = [Float](repeating: 0, count: m * k), b = [Float](repeating: 0, count: k * n)
        rng.fillNormal(&a)
        rng.fillNormal(&b)
        var split = [Float](repeating: 0, count: m * n), whole = split
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                split.withUnsafeMutableBufferPointer { BLAS.gemm(m: m, n: n, k: k, a: ap.baseAddress!, b: bp.baseAddress!, c: $0.baseAddress!) }
                whole.withUnsafeMutableBufferPointer { BLAS.rawSgemm(m: m, n: n, k: k, a: ap.baseAddress!, b: bp.baseAddress!, c: $0.baseAddress!) }
            }
        }
        #expect(m * n * k >= 1 << 20)
        // Sums of k products of unit normals (size ≈ √k): only rounding may differ
        // (sgemv and sgemm add in different orders); a wrong offset would differ by ≈ √k.
        let worst = zip(split, whole).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-6 * Float(k))
    }
}
