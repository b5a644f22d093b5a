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

    /// OpenBLAS gets its thread count back after a parallel loop.
    @Test func blasThreadsAreRestored() {
        let before = BLAS.threadCount
        Parallel.ranges(1000, minimum: 1) { _ in }
        #expect(BLAS.threadCount == before)
    }
}
