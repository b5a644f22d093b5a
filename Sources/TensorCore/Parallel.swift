import CBLAS
import Dispatch
import Foundation

/// Loops split over the cores. OpenBLAS parallelises one large product by itself, but
/// the loops around a convolution (im2col, bias, activation, pooling) are LayerLab's:
/// they run here, one contiguous range of rows per core, each range doing its own
/// products with OpenBLAS single-threaded — no hand-over between a Swift loop on one
/// core and an OpenBLAS thread on the other.
public enum Parallel {
    /// The cores to split over.
    public static let workers = max(1, min(16, ProcessInfo.processInfo.activeProcessorCount))

    /// Splits `0..<count` into at most `workers` contiguous ranges of at least `minimum`
    /// items and runs `body` on each at once (on the calling thread alone when there is
    /// only one). OpenBLAS runs one thread per call while they do.
    public static func ranges(_ count: Int, minimum: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(workers, count / max(minimum, 1)))
        guard parts > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        let threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(threads) }
        // The ranges are disjoint and `body` returns before this function does, so
        // sharing it (and the buffers it writes) across the threads is safe.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let run = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                run(count * part / parts..<count * (part + 1) / parts)
            }
        }
    }
}
