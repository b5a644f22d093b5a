import Foundation
import TensorCore

/// Checks a zip archive's layout before ZIPFoundation reads it from memory.
///
/// ZIPFoundation's in-memory archive traps when a damaged archive makes it seek past
/// the end of the data (found by fuzzing: Tests/Fixtures/fuzz/regressions/keras/).
/// This walks the same structures in the same order — the end record, each
/// central-directory entry, its local header, data and data descriptor — and checks
/// that every offset it would seek to lies inside the data. ZIP64 archives (members
/// over 2 GiB, as Python's zipfile writes them) are refused: their 64-bit sizes are
/// beyond what ZIPFoundation reads safely, and beyond a teaching shell's models.
enum ZipCheck {
    static func validate(_ data: Data) throws {
        let zip64 = LabError("the archive uses ZIP64 (a member over 2 GiB), which LayerLab does not read")
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
            func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
            func fits(_ at: Int, _ length: Int) -> Bool { at >= 0 && length >= 0 && at <= count - length }

            // The end record, searched from the end as ZIPFoundation does.
            var end = -1
            var at = count - 22
            while at >= 0 {
                if u32(at) == 0x0605_4B50 { end = at; break }
                at -= 1
            }
            guard end >= 0 else { throw LabError("the zip archive is damaged: it has no end-of-directory record") }
            if end >= 20, u32(end - 20) == 0x0706_4B50 { throw zip64 }
            let entries = u16(end + 10)
            var entry = u32(end + 16)
            for index in 0..<entries {
                guard fits(entry, 46), u32(entry) == 0x0201_4B50 else {
                    throw LabError("the zip archive is damaged: directory entry \(index + 1) of \(entries) is missing")
                }
                let flags = u16(entry + 8), method = u16(entry + 10)
                let packed = u32(entry + 20), size = u32(entry + 24), local = u32(entry + 42)
                if packed == 0xFFFF_FFFF || size == 0xFFFF_FFFF || local == 0xFFFF_FFFF || u16(entry + 6) & 0xFF >= 45 { throw zip64 }
                guard fits(local, 30), u32(local) == 0x0403_4B50 else {
                    throw LabError("the zip archive is damaged: entry \(index + 1) points past the end of the file")
                }
                let dataStart = local + 30 + u16(local + 26) + u16(local + 28)
                let stored = method == 0 ? max(packed, size) : packed
                guard fits(dataStart, stored), !(flags & 8 != 0 && !fits(dataStart + stored, 0)) else {
                    throw LabError("the zip archive is damaged: the data of entry \(index + 1) runs past the end of the file")
                }
                entry += 46 + u16(entry + 28) + u16(entry + 30) + u16(entry + 32)
            }
        }
    }
}
