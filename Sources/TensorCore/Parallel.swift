import CBLAS
import Dispatch
import Foundation
import Synchronization

/// Loops split over the cores. LayerLab owns its threads: OpenBLAS runs its calls on
/// the calling thread (all but a large single row's product: see `BLAS.gemm`), and
/// products, convolution blocks, pooling and gathers are split here, one contiguous
/// range of rows (or columns) per core.
///
/// Why not OpenBLAS's own threads: after each threaded call its worker spins for
/// about a tenth of a second (`sched_yield`) waiting for more work, taking a core from
/// the Swift loops between the products (im2col, pooling, the activations) — half
/// the samples of a batch-1 CNN pass were that spinning.
public enum Parallel {
    /// The cores to split over.
    public static let workers = max(1, min(16, ProcessInfo.processInfo.activeProcessorCount))

    /// Nonzero while a split loop runs; a loop inside one runs on its caller's thread.
    private static let depth = Atomic<Int>(0)

    /// True while a split loop runs: OpenBLAS's own threads must then stay unused.
    public static var isRunning: Bool { depth.load(ordering: .relaxed) != 0 }

    /// Splits `0..<count` into at most `workers` contiguous ranges of at least `minimum`
    /// items and runs `body` on each at once (on the calling thread alone when there is
    /// only one, or when called from inside another split loop).
    public static func ranges(_ count: Int, minimum: Int = 1, _ body: (Range<Int>) -> Void) {
        parts(count, minimum: minimum) { _, range in body(range) }
    }

    /// `ranges`, telling `body` which part (0 ..< `workers`) it runs, so that scratch
    /// buffers allocated beforehand on the calling thread can be handed out by part.
    public static func parts(_ count: Int, minimum: Int = 1, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
        BLAS.useOneThread()
        let parts = max(1, min(workers, count / max(minimum, 1)))
        guard parts > 1, depth.load(ordering: .relaxed) == 0 else {
            if count > 0 { body(0, 0..<count) }
            return
        }
        depth.add(1, ordering: .relaxed)
        defer { depth.subtract(1, ordering: .relaxed) }
        // The ranges are disjoint and `body` returns before this function does, so
        // sharing it (and the buffers it writes) across the threads is safe.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let run = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                run(part, count * part / parts..<count * (part + 1) / parts)
            }
        }
    }
}

extension Parallel {
    /// Values per piece of a `reduce`: 64 KB, a few microseconds of work, so looking at
    /// Ctrl-C between pieces costs nothing and still stops a large pass at once.
    public static let piece = 1 << 14

    /// Reduces `0..<count` piece by piece, split over the cores (a part takes at least
    /// `minimumPieces` pieces: waking a thread costs tens of microseconds). `body` gives
    /// a piece's partial result; `combine` folds them in order, piece by piece. Between pieces Ctrl-C
    /// is looked at: once it is pressed the rest is skipped (the command that asked then
    /// throws `Interrupt.check()`).
    public static func reduce<Partial>(_ count: Int, minimumPieces: Int = 4, into initial: Partial,
                                       _ body: (Range<Int>) -> Partial,
                                       combine: (inout Partial, Partial) -> Void) -> Partial {
        let pieces = (count + piece - 1) / piece
        // One partial per piece, folded in order afterwards: the result is the same however
        // the pieces were split over the threads (and whether another split loop was running,
        // which makes this one run on one thread) — the same bits on every run.
        var results = [Partial?](repeating: nil, count: pieces)
        results.withUnsafeMutableBufferPointer { results in
            parts(pieces, minimum: minimumPieces) { _, range in
                for k in range {
                    if Interrupt.isRequested { break }
                    results[k] = body(k * piece..<Swift.min(count, (k + 1) * piece))
                }
            }
        }
        return results.reduce(into: initial) { total, partial in
            if let partial { combine(&total, partial) }
        }
    }
}
