import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import TensorCore

@Suite struct NPYTests {
    let expected: [Float] = (0..<24).map { Float($0) / 8 - 1 }

    @Test(arguments: ["float64", "float32", "fortran", "bigendian", "version2"])
    func readsNumPyLayouts(_ name: String) throws {
        let t = try NPY.read(contentsOf: fixture("npy/\(name).npy"))
        #expect(t.shape == [2, 3, 4])
        #expect(t.scalars == expected)
        #expect(t.dtype == .float32)
    }

    @Test func readsIntegersAndBooleans() throws {
        let ints = try NPY.read(contentsOf: fixture("npy/int64.npy"))
        #expect(ints.shape == [3, 4] && ints.dtype == .int32 && ints.scalars == (-5..<7).map(Float.init))
        #expect(try NPY.read(contentsOf: fixture("npy/uint8.npy")).scalars == [250, 251, 252, 253, 254, 255])
        #expect(try NPY.read(contentsOf: fixture("npy/bool.npy")).scalars == [1, 0, 1])
        let scalar = try NPY.read(contentsOf: fixture("npy/scalar.npy"))
        #expect(scalar.shape == [] && scalar.scalars == [2.5])
    }

    @Test func roundTrips() throws {
        let t = try Tensor(shape: [3, 1, 2], scalars: [1.5, -2, .infinity, 0, 3e-8, 7])
        let back = try NPY.decode(NPY.encode(t))
        #expect(back == t)
        let data = NPY.encode(t)
        // The header is padded so the data starts on a 64-byte boundary, as NumPy writes it.
        #expect((data.count - t.count * 4) % 64 == 0)
    }

    @Test func writesAtomicallyAndNamesMissingFolders() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("k.npy")
        try NPY.write(try Tensor(zeros: [2, 2], value: 1), to: url)
        #expect(try NPY.read(contentsOf: url).scalars == [1, 1, 1, 1])
        #expect(throws: LabError.self) { try NPY.write(try Tensor(zeros: [1]), to: dir.appendingPathComponent("no/such/x.npy")) }
    }

    /// Hostile and broken files are clear errors, never an allocation or a crash.
    @Test func rejectsBrokenFiles() throws {
        func header(_ text: String, version: UInt8 = 1) -> Data {
            var h = text
            h += String(repeating: " ", count: (64 - (10 + h.utf8.count + 1) % 64) % 64) + "\n"
            return Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0, UInt8(h.utf8.count & 0xFF), UInt8(h.utf8.count >> 8)] + Array(h.utf8))
        }
        let cases: [(Data, String)] = [
            (Data(), "magic"),
            (Data("hello world, not numpy".utf8), "magic"),
            (Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0xFF, 0xFF]), "truncated"),
            (header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }"), "bytes of data"),
            (header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999999), }"), "too large"),
            (header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }") + Data(count: 8), "unsupported"),
            (header("{'descr': '<f4', 'shape': (1,), }") + Data(count: 4), "fortran_order"),
            (header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), "bad size"),
            (header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", version: 9), "version"),
        ]
        for (data, fragment) in cases {
            do {
                _ = try NPY.decode(data)
                Issue.record("accepted a broken file (\(fragment))")
            } catch let e as LabError {
                #expect(e.description.contains(fragment), "\(e.description)")
            }
        }
    }
}

/// `NPY.read(path:)` reads a little-endian float32 file's values straight into the tensor;
/// it must give what decoding the whole file gives, and the same errors.
@Suite struct NPYReadInPlaceTests {
    @Test func readsWhatDecodingGives() throws {
        let dir = try temporaryDirectory()
        for shape in [[0], [1], [7], [3, 5], [2, 3, 4, 5], [1000, 333]] {
            let count = shape.reduce(1, *)
            let t = try Tensor(shape: shape, scalars: (0..<count).map { Float($0) * 0.37 - 11 })
            let path = dir.appendingPathComponent("t\(count).npy").path
            try NPY.write(t, to: path)
            #expect(try NPY.read(path: path) == t, "\(shape)")
        }
        // Bytes after the values are ignored, as when decoding.
        let url = dir.appendingPathComponent("trailing.npy")
        let t = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        try (NPY.encode(t) + Data([1, 2, 3])).write(to: url)
        #expect(try NPY.read(path: url.path) == t)
    }

    @Test(arguments: ["float64", "float32", "fortran", "bigendian", "version2", "int64", "uint8", "bool", "scalar"])
    func fixturesReadAsDecoded(_ name: String) throws {
        let url = fixture("npy/\(name).npy")
        #expect(try NPY.read(path: url.path) == NPY.decode(Data(contentsOf: url)))
    }

    /// Each broken file gives decode's message, named by the file.
    @Test func brokenFilesGiveTheSameErrors() throws {
        func header(_ text: String, version: UInt8 = 1) -> Data {
            var h = text
            h += String(repeating: " ", count: (64 - (10 + h.utf8.count + 1) % 64) % 64) + "\n"
            return Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0, UInt8(h.utf8.count & 0xFF), UInt8(h.utf8.count >> 8)] + Array(h.utf8))
        }
        let cases: [Data] = [
            Data(), Data([0x93, 0x4E]), Data("hello world, not numpy".utf8),
            Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0xFF, 0xFF]),
            Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, 0xFF, 0xFF]),
            header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }"),
            header("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }") + Data(count: 23),
            header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }") + Data(count: 23),
            header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }") + Data(count: 8),
            header("{'descr': '<f4', 'shape': (1,), }") + Data(count: 4),
            header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", version: 9),
        ]
        let dir = try temporaryDirectory()
        for (i, data) in cases.enumerated() {
            let url = dir.appendingPathComponent("broken\(i).npy")
            try data.write(to: url)
            var decoded: LabError?, read: LabError?
            do { _ = try NPY.decode(data) } catch let e as LabError { decoded = e }
            do { _ = try NPY.read(path: url.path) } catch let e as LabError { read = e }
            #expect(decoded != nil, "case \(i) decoded")
            #expect(read?.description == decoded?.at("broken\(i).npy").description, "case \(i): \(String(describing: read))")
        }
        #expect(throws: LabError("cannot read 'no/such.npy': no such file", suggestion: "the folder 'no' does not exist either")) {
            try NPY.read(path: "no/such.npy")
        }
    }
}
