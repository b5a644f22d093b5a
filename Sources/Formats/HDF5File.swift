import CHDF5
import Foundation
import TensorCore

/// An HDF5 file through the real C library (libhdf5), with just what Keras's
/// `model.weights.h5` needs: groups, string attributes and float datasets.
/// This is the only Swift code that touches HDF5.
final class HDF5File {
    let id: Int64

    private init(id: Int64) { self.id = id }

    /// The serial libhdf5 is not thread-safe, and it takes two in-memory files of the
    /// same name for one: all HDF5 work runs inside `exclusively`, one caller at a time
    /// (the shell has one thread, the tests many).
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0

    /// Runs `body` — opening, using and releasing HDF5 objects — holding the library.
    static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Files are named only to tell open in-memory files apart (called under `lock`).
    private static func uniqueName() -> String {
        counter &+= 1
        return "layerlab-\(getpid())-\(counter).h5"
    }

    /// An empty file in memory; `bytes()` gives its contents. Inside `exclusively`.
    static func create() throws -> HDF5File {
        ll_h5_quiet()
        let id = ll_h5_create_in_memory(uniqueName())
        guard id >= 0 else { throw LabError("cannot create an HDF5 file in memory") }
        return HDF5File(id: id)
    }

    /// Opens the bytes of an HDF5 file (a copy is kept in memory), read-only. Inside
    /// `exclusively`.
    static func open(_ image: Data) throws -> HDF5File {
        ll_h5_quiet()
        let id = image.withUnsafeBytes { ll_h5_open_image(uniqueName(), $0.baseAddress, $0.count) }
        guard id >= 0 else { throw LabError("not a readable HDF5 file") }
        return HDF5File(id: id)
    }

    /// The file's bytes as they would be written to disk.
    func bytes() throws -> Data {
        let size = ll_h5_image(id, nil, 0)
        guard size > 0 else { throw LabError("cannot serialise the HDF5 file") }
        var data = Data(count: Int(size))
        let copied = data.withUnsafeMutableBytes { ll_h5_image(id, $0.baseAddress, $0.count) }
        guard copied == size else { throw LabError("cannot serialise the HDF5 file") }
        return data
    }

    deinit { _ = ll_h5_close_file(id) }

    var root: HDF5Group { HDF5Group(id: id, path: "/", owned: false) }
}

/// A group in an HDF5 file; closed when released.
final class HDF5Group {
    let id: Int64
    let path: String
    private let owned: Bool

    init(id: Int64, path: String, owned: Bool = true) {
        self.id = id
        self.path = path
        self.owned = owned
    }

    deinit { if owned { _ = ll_h5_close_group(id) } }

    private func child(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

    func createGroup(_ name: String) throws -> HDF5Group {
        let g = ll_h5_create_group(id, name)
        guard g >= 0 else { throw LabError("cannot create the HDF5 group \(child(name))") }
        return HDF5Group(id: g, path: child(name))
    }

    /// The group `name`, or nil when there is none.
    func group(_ name: String) throws -> HDF5Group? {
        switch ll_h5_kind(id, name) {
        case 0: return nil
        case 1:
            let g = ll_h5_open_group(id, name)
            guard g >= 0 else { throw LabError("cannot open the HDF5 group \(child(name))") }
            return HDF5Group(id: g, path: child(name))
        default: throw LabError("\(child(name)) in the HDF5 file is not a group")
        }
    }

    func hasDataset(_ name: String) -> Bool { ll_h5_kind(id, name) == 2 }

    /// The names of the group's members, in name order.
    func childNames() throws -> [String] {
        var count: UInt64 = 0
        guard ll_h5_child_count(id, &count) == 0 else { throw LabError("cannot list the HDF5 group \(path)") }
        guard count < 1_000_000 else { throw LabError("the HDF5 group \(path) claims \(count) members") }
        var buffer = [CChar](repeating: 0, count: 4096)
        return try (0..<count).map { i in
            guard ll_h5_child_name(id, i, &buffer, buffer.count) >= 0 else { throw LabError("cannot read a name in the HDF5 group \(path)") }
            return cText(buffer)
        }
    }

    func setAttribute(_ name: String, _ value: String) throws {
        guard ll_h5_write_string_attribute(id, name, value) == 0 else {
            throw LabError("cannot write the attribute \(name) of \(path)")
        }
    }

    func attribute(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 65536)
        guard ll_h5_read_string_attribute(id, name, &buffer, buffer.count) >= 0 else { return nil }
        return cText(buffer)
    }

    func writeDataset(_ name: String, _ t: Tensor) throws {
        try Interrupt.check()
        let dims = t.shape.map { UInt64($0) }
        let status = t.scalars.withUnsafeBufferPointer { values in
            dims.withUnsafeBufferPointer { d in ll_h5_write_float_dataset(id, name, Int32(dims.count), d.baseAddress, values.baseAddress) }
        }
        guard status == 0 else { throw LabError("cannot write the HDF5 dataset \(child(name))") }
    }

    /// The dataset's shape, checked before anything is read.
    func datasetShape(_ name: String) throws -> [Int] {
        var rank: Int32 = 0
        var dims = [UInt64](repeating: 0, count: 32)
        guard ll_h5_dataset_shape(id, name, &rank, &dims, 32) == 0 else {
            throw LabError("cannot read the shape of the HDF5 dataset \(child(name))")
        }
        return try dims.prefix(Int(rank)).map {
            guard $0 < UInt64(Int32.max) else { throw LabError("the HDF5 dataset \(child(name)) claims a size of \($0)") }
            return Int($0)
        }
    }

    /// Reads a dataset as float32; its shape must be `expected` (so nothing unexpected is allocated).
    func readDataset(_ name: String, expecting expected: [Int]) throws -> Tensor {
        try Interrupt.check()
        let shape = try datasetShape(name)
        guard shape == expected else {
            throw LabError("\(child(name)) has shape \(Tensor.describe(shape)), expected \(Tensor.describe(expected))")
        }
        guard ll_h5_dataset_is_numeric(id, name) == 1 else { throw LabError("\(child(name)) does not hold numbers") }
        var t = try Tensor(zeros: shape)
        let status = t.scalars.withUnsafeMutableBufferPointer { ll_h5_read_float_dataset(id, name, $0.baseAddress, UInt64($0.count)) }
        guard status == 0 else { throw LabError("cannot read the HDF5 dataset \(child(name))") }
        return t
    }
}

extension HDF5Group {
    /// A scalar int32 dataset, as Keras stores its optimizer's `iteration`.
    func writeInt32Scalar(_ name: String, _ value: Int32) throws {
        guard ll_h5_write_int32_scalar(id, name, value) == 0 else { throw LabError("cannot write the HDF5 dataset \(path)/\(name)") }
    }

    /// The byte size of the dataset's integer elements (4: int32); 0 for floats.
    func integerSize(_ name: String) -> Int { Int(max(0, ll_h5_dataset_is_integer(id, name))) }

    /// A scalar dataset of numbers read as a whole number (a float is refused unless whole).
    func readIntScalar(_ name: String) throws -> Int {
        try Interrupt.check()
        let where_ = path == "/" ? "/" + name : path + "/" + name
        let shape = try datasetShape(name)
        guard shape.isEmpty || shape == [1] else { throw LabError("\(where_) has shape \(Tensor.describe(shape)), expected a single number") }
        guard ll_h5_dataset_is_numeric(id, name) == 1 else { throw LabError("\(where_) does not hold numbers") }
        var value: Int64 = 0
        guard ll_h5_read_int64_dataset(id, name, &value, 1) == 0 else { throw LabError("cannot read the HDF5 dataset \(where_)") }
        return Int(value)
    }
}

/// A NUL-terminated C buffer as text.
private func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
