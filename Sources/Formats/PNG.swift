import CZlib
import Foundation
import TensorCore

/// A minimal PNG writer: 8-bit RGB, no interlacing, rows deflated by zlib.
public enum PNG {
    public static func encode(width: Int, height: Int, rgb: [UInt8]) throws -> Data {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw LabError("a \(width)×\(height) image needs \(width * height * 3) RGB bytes, got \(rgb.count)")
        }
        // Each row starts with its filter type (0: none).
        var raw = [UInt8]()
        raw.reserveCapacity((width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0)
            raw += rgb[(y * width * 3)..<((y + 1) * width * 3)]
        }
        var compressedLength = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        let status = compress2(&compressed, &compressedLength, raw, uLong(raw.count), 9)
        guard status == Z_OK else { throw LabError("zlib could not compress the image (status \(status))") }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type RGB, deflate, no filter method, no interlace
        png += chunk("IHDR", header)
        png += chunk("IDAT", Array(compressed[0..<Int(compressedLength)]))
        png += chunk("IEND", [])
        return png
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> Data {
        let typeBytes = Array(type.utf8)
        let crc = (typeBytes + body).withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return Data(bigEndian(UInt32(body.count)) + typeBytes + body + bigEndian(UInt32(crc)))
    }
}
