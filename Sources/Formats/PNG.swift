import Foundation
import TensorCore
import ZIPFoundation

/// A minimal PNG writer: 8-bit RGB, no interlacing, rows deflated by zlib (through ZIPFoundation).
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
        let compressed = try zlibStream(Data(raw))
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type RGB, deflate, no filter method, no interlace
        png += chunk("IHDR", header)
        png += chunk("IDAT", Array(compressed))
        png += chunk("IEND", [])
        return png
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> Data {
        let typeBytes = Array(type.utf8)
        let crc = Data(typeBytes + body).crc32(checksum: 0)
        return Data(bigEndian(UInt32(body.count)) + typeBytes + body + bigEndian(crc))
    }

    /// A zlib stream: header, raw deflate, Adler-32 of the uncompressed bytes.
    static func zlibStream(_ data: Data) throws -> Data {
        var deflated = Data()
        do {
            _ = try Data.compress(size: Int64(data.count), bufferSize: 1 << 16, provider: { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }, consumer: { deflated.append($0) })
        } catch {
            throw LabError("could not compress the image: \(error)")
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return Data([0x78, 0x9C]) + deflated + Data(bigEndian(b << 16 | a))
    }
}
