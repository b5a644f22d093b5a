import Foundation
import Testing
import ZIPFoundation
@testable import Formats
@testable import TensorCore

/// Damaged zip archives are clear errors: `ZipCheck` walks the layout before
/// ZIPFoundation reads the archive from memory.
@Suite struct ZipTests {
    /// A one-member archive and the offset of its central directory.
    func archive(_ member: Data, name: String = "w.npy", method: CompressionMethod = .none) throws -> (Data, Int) {
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(member.count), compressionMethod: method) { p, s in
            member.subdata(in: Int(p)..<Int(p) + s)
        }
        let data = try #require(archive.data)
        let end = data.count - 22
        #expect(data[end..<end + 4] == Data([0x50, 0x4B, 0x05, 0x06]))
        let directory = Int(data[end + 16]) | Int(data[end + 17]) << 8 | Int(data[end + 18]) << 16 | Int(data[end + 19]) << 24
        return (data, directory)
    }

    func put32(_ value: UInt32, at offset: Int, in data: inout Data) {
        for i in 0..<4 { data[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    func error(_ data: Data) -> String {
        do { _ = try NPZ.decode(data); return "no error" } catch { return "\(error)" }
    }

    let npy = NPY.encode(try! Tensor(zeros: [4, 4], value: 1))

    @Test func intactArchivesRead() throws {
        let (data, _) = try archive(npy)
        let arrays = try NPZ.decode(data)
        #expect(arrays.count == 1 && arrays[0].0 == "w" && arrays[0].1.shape == [4, 4])
    }

    @Test func offsetsPastTheEndAreNamed() throws {
        var (data, directory) = try archive(npy)
        put32(0x7FFF_0000, at: directory + 42, in: &data)
        #expect(error(data).contains("entry 1 points past the end of the file"))
        var (short, _) = try archive(npy)
        put32(UInt32(short.count + 100), at: short.count - 22 + 16, in: &short)
        #expect(error(short).contains("directory entry 1 of 1 is missing"))
        var (long, directory2) = try archive(npy)
        put32(0x00FF_FFFF, at: directory2 + 20, in: &long)
        put32(0x00FF_FFFF, at: directory2 + 24, in: &long)
        #expect(error(long).contains("runs past the end of the file"))
        #expect(error(Data("PK\u{3}\u{4} not really a zip".utf8)).contains("no end-of-directory record"))
    }

    @Test func zip64IsRefusedClearly() throws {
        var (data, directory) = try archive(npy)
        data[directory + 6] = 45
        #expect(error(data).contains("ZIP64"))
    }

    @Test func membersLargerThanDeclaredAreRefused() throws {
        let zeros = Data(count: 1 << 20)
        var (data, directory) = try archive(zeros, method: .deflate)
        #expect(data.count < 10_000)
        put32(100, at: directory + 24, in: &data)
        #expect(error(data).contains("holds more than the 100 bytes it declares"))
    }
}
