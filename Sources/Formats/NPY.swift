import Foundation
import TensorCore

/// NumPy's .npy format (versions 1–3): little/big-endian float, int, uint and bool
/// arrays in C or Fortran order are read; float32 or int32 C-order arrays are written.
///
/// Every size and offset is checked against the bytes actually present before
/// anything is allocated, so a short file that claims a huge shape is a clear error.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    public static func read(contentsOf url: URL) throws -> Tensor { try read(path: url.path) }

    /// The array in the file at `path` (as the user typed it; errors name it so). Little-endian
    /// float32 values are read straight into the tensor's buffer, in one read; other element
    /// types are converted from the file's bytes.
    public static func read(path: String) throws -> Tensor {
        let file = try FileAccess.open(path, example: "x.npy")
        func named<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as LabError { throw e.at((path as NSString).lastPathComponent) }
        }
        let prefix = try file.bytes(at: 0, count: Swift.min(file.size, 12))
        let end = try named { try Layout.headerEnd(prefix, size: file.size) }
        let header = try file.bytes(at: 0, count: end)
        let layout = try named { try Layout(header, size: file.size) }
        guard layout.type.isFloat32 else {
            let bytes = try file.bytes(at: 0, count: file.size)
            return try named { try decode(bytes) }
        }
        var values = try [Float](unsafeUninitializedCapacity: layout.count) { buffer, initialized in
            try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: layout.start)
            initialized = layout.count
        }
        return try named { try layout.tensor(&values) }
    }

    public static func decode(_ data: Data) throws -> Tensor { try decode([UInt8](data)) }

    static func decode(_ bytes: [UInt8]) throws -> Tensor {
        let layout = try Layout(bytes, size: bytes.count)
        var values = [Float](repeating: 0, count: layout.count)
        let start = layout.start
        if layout.type.isFloat32 {
            // The common case, little-endian float32: one copy.
            values.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    if let d = dst.baseAddress, let s = src.baseAddress { d.copyMemory(from: s + start, byteCount: layout.count * 4) }
                }
            }
        } else {
            for i in 0..<layout.count { values[i] = layout.type.value(bytes, at: start + i * layout.type.size) }
        }
        return try layout.tensor(&values)
    }

    /// What a file's header says, checked against the file's size before anything is allocated.
    struct Layout {
        var type: ElementType
        var fortran: Bool
        var shape: [Int]
        var count: Int
        /// Where the values start.
        var start: Int

        /// Where the header ends, from the file's first 12 bytes (fewer in a shorter file).
        static func headerEnd(_ bytes: [UInt8], size: Int) throws -> Int {
            guard size >= 10, bytes.count >= 10, Array(bytes[0..<6]) == magic else {
                throw LabError("not a NumPy .npy file (the magic string \\x93NUMPY is missing)")
            }
            let major = bytes[6]
            let headerLength: Int, headerStart: Int
            switch major {
            case 1:
                headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
                headerStart = 10
            case 2, 3:
                guard size >= 12, bytes.count >= 12 else { throw LabError("truncated .npy header") }
                headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
                headerStart = 12
            default:
                throw LabError(".npy format version \(major) is not supported (1, 2 and 3 are)")
            }
            guard headerStart + headerLength <= size else {
                throw LabError("truncated .npy header: it claims \(headerLength) bytes, the file has \(size - headerStart)")
            }
            return headerStart + headerLength
        }

        /// `bytes`: the file's first bytes, at least its whole header; `size`: the file's length.
        init(_ bytes: [UInt8], size: Int) throws {
            let end = try Layout.headerEnd(bytes, size: size)
            let headerStart = bytes[6] == 1 ? 10 : 12
            // ASCII (what NumPy writes) reads the same in Latin-1 and UTF-8, without Foundation's slow path.
            let text = bytes[headerStart..<end]
            let ascii = text.allSatisfy { $0 < 0x80 } ? String(decoding: text, as: UTF8.self) : nil
            guard let header = ascii ?? String(bytes: text, encoding: bytes[6] == 3 ? .utf8 : .isoLatin1) else {
                throw LabError("the .npy header is not text")
            }
            let (descr, fortran, shape) = try parseHeader(header)
            guard let count = Tensor.elementCount(shape) else { throw LabError("the shape \(Tensor.describe(shape)) is too large") }
            let type = try ElementType(descr)
            let payload = size - end
            let (needed, overflow) = count.multipliedReportingOverflow(by: type.size)
            guard !overflow, needed <= payload else {
                throw LabError("the header promises \(Tensor.describe(shape)) \(descr) (\(needed) bytes) but only \(payload) bytes of data follow")
            }
            (self.type, self.fortran, self.shape, self.count, start) = (type, fortran, shape, count, end)
        }

        /// The tensor of the values read in the file's order.
        func tensor(_ values: inout [Float]) throws -> Tensor {
            // (With no values there is nothing to reorder; and strides of such a shape may not fit an Int.)
            if fortran, shape.count > 1, count > 0 { values = fortranToC(values, shape: shape) }
            return try Tensor(shape: shape, scalars: values, dtype: type.isInteger ? .int32 : .float32)
        }
    }

    public static func encode(_ t: Tensor) -> Data {
        let descr = t.dtype == .int32 ? "<i4" : "<f4"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(Tensor.describe(t.shape)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data(magic + [1, 0])
        let n = header.utf8.count
        out.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
        out.append(contentsOf: Array(header.utf8))
        var raw = [UInt8](repeating: 0, count: t.count * 4)
        for (i, v) in t.scalars.enumerated() {
            let bits = t.dtype == .int32 ? UInt32(bitPattern: Int32(exactly: v.rounded()) ?? 0) : v.bitPattern
            raw[i * 4] = UInt8(bits & 0xFF); raw[i * 4 + 1] = UInt8((bits >> 8) & 0xFF)
            raw[i * 4 + 2] = UInt8((bits >> 16) & 0xFF); raw[i * 4 + 3] = UInt8(bits >> 24)
        }
        out.append(contentsOf: raw)
        return out
    }

    public static func write(_ t: Tensor, to url: URL) throws { try write(t, to: url.path) }

    public static func write(_ t: Tensor, to path: String) throws {
        try FileAccess.write(encode(t), to: path, example: "x.npy")
    }

    // MARK: - Header

    static func parseHeader(_ header: String) throws -> (descr: String, fortran: Bool, shape: [Int]) {
        func value(of key: String) throws -> Substring {
            guard let r = header.firstRange(of: "'\(key)'") else { throw LabError("the .npy header has no '\(key)'") }
            var rest = header[r.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { throw LabError("malformed .npy header near '\(key)'") }
            rest = rest.dropFirst().drop { $0 == " " }
            return rest
        }
        let d = try value(of: "descr")
        guard let q = d.first, q == "'" || q == "\"", let end = d.dropFirst().firstIndex(of: q) else {
            throw LabError("malformed .npy header: descr is not a string")
        }
        let descr = String(d[d.index(after: d.startIndex)..<end])
        let f = try value(of: "fortran_order")
        let fortran: Bool
        if f.hasPrefix("True") { fortran = true } else if f.hasPrefix("False") { fortran = false } else {
            throw LabError("malformed .npy header: fortran_order is not True or False")
        }
        let s = try value(of: "shape")
        guard s.first == "(", let close = s.firstIndex(of: ")") else { throw LabError("malformed .npy header: shape is not a tuple") }
        let inner = s[s.index(after: s.startIndex)..<close]
        let shape = try inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { part -> Int in
            guard let n = Int(part), n >= 0 else { throw LabError("malformed .npy header: bad size '\(part)' in shape") }
            return n
        }
        return (descr, fortran, shape)
    }

    struct ElementType {
        var kind: Character  // f, i, u, b
        var size: Int
        var bigEndian: Bool
        var isInteger: Bool { kind != "f" }
        /// Little-endian float32: the bytes are the values.
        var isFloat32: Bool { kind == "f" && size == 4 && !bigEndian }

        init(_ descr: String) throws {
            let chars = Array(descr)
            guard chars.count >= 3, let size = Int(String(chars[2...])), "<>|=".contains(chars[0]) else {
                throw LabError("unsupported .npy dtype '\(descr)'")
            }
            kind = chars[1]
            self.size = size
            bigEndian = chars[0] == ">"
            let ok: Bool
            switch kind {
            case "f": ok = size == 4 || size == 8
            case "i", "u": ok = [1, 2, 4, 8].contains(size)
            case "b": ok = size == 1
            default: ok = false
            }
            guard ok else {
                throw LabError("unsupported .npy dtype '\(descr)'", suggestion: "save float32, float64 or integer arrays")
            }
        }

        func value(_ b: [UInt8], at offset: Int) -> Float {
            var bits: UInt64 = 0
            for k in 0..<size {
                let byte = UInt64(b[offset + (bigEndian ? size - 1 - k : k)])
                bits |= byte << (8 * UInt64(k))
            }
            switch (kind, size) {
            case ("f", 4): return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            case ("f", 8): return Float(Double(bitPattern: bits))
            case ("i", _):
                let shift = UInt64(64 - 8 * size)
                return Float(Int64(bitPattern: bits << shift) >> Int64(shift))
            default: return Float(bits)
            }
        }
    }

    static func fortranToC(_ values: [Float], shape: [Int]) -> [Float] {
        var out = values
        var cStrides = [Int](repeating: 1, count: shape.count)
        var fStrides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { cStrides[i] = cStrides[i + 1] * shape[i + 1] }
        for i in 1..<shape.count { fStrides[i] = fStrides[i - 1] * shape[i - 1] }
        for c in 0..<values.count {
            var f = 0, rem = c
            for axis in 0..<shape.count { f += (rem / cStrides[axis]) * fStrides[axis]; rem %= cStrides[axis] }
            out[c] = values[f]
        }
        return out
    }
}
