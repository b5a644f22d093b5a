import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How many bytes one command may allocate: half of physical memory by default.
/// Commands estimate what they need and refuse before allocating beyond it.
public enum MemoryBudget {
    public static let physicalBytes: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : 8 << 30
    }()

    /// Half of physical memory unless changed (`--max-memory`, `set max_memory`).
    public static var defaultLimit: Int { current.load(ordering: .relaxed) }
    private static let current = Atomic<Int>(physicalBytes / 2)

    public static func setLimit(_ bytes: Int) { current.store(bytes, ordering: .relaxed) }

    /// `12GiB`, `512 MiB`, `4G`, `1e9` → bytes.
    public static func parse(_ text: String) -> Int? {
        let t = String(text.filter { $0 != " " }).lowercased()
        let kib = 1024.0, mib = kib * 1024, gib = mib * 1024, tib = gib * 1024
        let units: [(String, Double)] = [("tib", tib), ("gib", gib), ("mib", mib), ("kib", kib),
                                         ("tb", 1e12), ("gb", 1e9), ("mb", 1e6), ("kb", 1e3),
                                         ("t", tib), ("g", gib), ("m", mib), ("k", kib), ("b", 1)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let n = Double(t.dropLast(suffix.count)), n > 0, (n * scale).isFinite, n * scale < 9e18 else { return nil }
            return Int(n * scale)
        }
        guard let n = Double(t), n > 0, n < 9e18 else { return nil }
        return Int(n)
    }

    /// `3.6 TiB`, `12 GiB`, `512 MiB`.
    public static func describe(_ bytes: Double) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = bytes, u = 0
        while v >= 1024, u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(Int(v)) bytes" }
        let tenths = (v * 10).rounded() / 10
        return (tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)) + " " + units[u]
    }

    /// Throws when `count` float32 values exceed `limit` bytes; `what` names them.
    public static func check(elements count: Double, limit: Int = defaultLimit, _ what: @autoclosure () -> String) throws {
        let bytes = count * 4
        guard bytes <= Double(limit) else {
            throw LabError("\(what()) needs \(describe(bytes)); the limit is \(describe(Double(limit)))")
        }
    }
}

/// How the C allocator treats the large buffers of a forward pass.
public enum Allocator {
    /// glibc hands out blocks above 32 MB as fresh mmaps, so every forward pass would
    /// fault in a large layer output page by page (an image batch through a conv layer
    /// easily exceeds 32 MB; the faults cost more than the convolution). Raising the
    /// threshold to 256 MB lets such blocks be reused from the heap, and up to 512 MB
    /// of freed memory stays with the process instead of going back to the system.
    /// Called once by the executables; it changes no result.
    public static func keepLargeBuffers() {
        #if os(Linux)
        _ = glibcMallopt(-3, 256 << 20)  // M_MMAP_THRESHOLD (malloc.h, not in the Glibc module)
        _ = glibcMallopt(-1, 512 << 20)  // M_TRIM_THRESHOLD
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
