import Foundation
import TensorCore
import Text
#if canImport(Glibc)
import Glibc
#endif

/// Every file LayerLab reads or writes for the user goes through here, so that each
/// failure is one plain line naming the path as the user typed it and what is wrong:
/// no such file, is a folder, not readable, the folder does not exist, the disk is full.
/// System texts ("NSCocoaErrorDomain error 256") never reach the user.
public enum FileAccess {
    /// The whole file at `path` (as typed: relative paths are relative to the current folder).
    public static func read(_ path: String, example: String = "model.keras") throws -> Data {
        try checkReadable(path, example: example)
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LabError("cannot read '\(path)': \(reason(error, writing: false))")
        }
    }

    /// The file at `path` opened for reads into place (`NPY.read` reads its values straight
    /// into a tensor's buffer); the same checks and messages as `read`.
    public static func open(_ path: String, example: String = "model.keras") throws -> ReadableFile {
        try checkReadable(path, example: example)
        return try ReadableFile(path)
    }

    /// A file that exists, is not a folder and may be read.
    static func checkReadable(_ path: String, example: String) throws {
        guard !path.isEmpty else { throw LabError("no file name given", suggestion: "for example \(example)") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LabError("cannot read '\(path)': no such file", suggestion: missingFileHint(path))
        }
        if isDir.boolValue {
            throw LabError("cannot read '\(path)': it is a folder, not a file",
                           suggestion: "give the name of a file inside it, such as \(inside(path, example))")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw LabError("cannot read '\(path)': the file is not readable (permission denied)",
                           suggestion: "check its permissions (ls -l \(path))")
        }
    }

    /// Whether `path` can be written, checked before any work is done: not a folder, and
    /// in a folder that exists.
    public static func checkWritable(_ path: String, example: String = "model.keras") throws {
        guard !path.isEmpty else { throw LabError("no file name given", suggestion: "for example \(example)") }
        var isDir: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue) {
            throw LabError("cannot write '\(path)': it is a folder, not a file",
                           suggestion: "give a file name inside it, such as \(inside(path, example))")
        }
        let dir = folder(of: path)
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
            throw LabError("cannot write '\(path)': the folder '\(dir)' does not exist", suggestion: "create it first, or write into an existing folder")
        }
        guard isDir.boolValue else {
            throw LabError("cannot write '\(path)': '\(dir)' is a file, not a folder", suggestion: "write into a folder")
        }
        guard FileManager.default.isWritableFile(atPath: dir) else {
            throw LabError("cannot write '\(path)': the folder '\(dir)' is not writable (permission denied)", suggestion: "write into another folder")
        }
    }

    /// Writes atomically: to a temporary file beside the target, then renamed into
    /// place, so an interrupted write never leaves a broken file.
    public static func write(_ data: Data, to path: String, example: String = "model.keras") throws {
        try checkWritable(path, example: example)
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw LabError("cannot write '\(path)': \(reason(error, writing: true))")
        }
    }

    /// Makes a folder (and its parents) for files written into it.
    public static func makeFolder(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw LabError("cannot make the folder '\(path)': \(reason(error, writing: true))")
        }
    }

    /// Plain words for a Foundation or POSIX file error.
    public static func reason(_ error: Error, writing: Bool) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain, let text = posix(Int32(ns.code)) { return text }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let text = posix(Int32(underlying.code)) { return text }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            case NSFileWriteOutOfSpaceError: return "the disk is full"
            case NSFileWriteVolumeReadOnlyError: return "the disk is read-only"
            case NSFileReadTooLargeError: return "the file is too large to read"
            case NSFileReadCorruptFileError, NSFileReadInapplicableStringEncodingError: return "the file cannot be decoded"
            default: break
            }
        }
        return writing ? "the file cannot be written" : "the file cannot be read"
    }

    static func posix(_ code: Int32) -> String? {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a folder, not a file"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case ENOSPC: return "the disk is full"
        case EDQUOT: return "the disk quota is used up"
        case EROFS: return "the disk is read-only"
        case ENAMETOOLONG: return "the name is too long"
        case EIO: return "the disk reported an input/output error"
        case EFBIG: return "the file is too large"
        default: return nil
        }
    }

    /// The folder a path is in, as the user would write it ("." for a bare name).
    static func folder(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    static func inside(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// A file of a similar name in the same folder, or which folder relative paths start from.
    static func missingFileHint(_ path: String) -> String {
        let dir = folder(of: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            return "the folder '\(dir)' does not exist either"
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let base = (path as NSString).lastPathComponent
        if let near = nearest(to: base, in: names) {
            return "did you mean '\(dir == "." && !path.hasPrefix("./") ? near : inside(dir, near))'?"
        }
        return path.hasPrefix("/") ? "check the name" : "relative names start from the folder LayerLab runs in (\(FileManager.default.currentDirectoryPath))"
    }
}

/// An open file read at given offsets (POSIX `pread`), closed when it is released.
public final class ReadableFile {
    let descriptor: Int32
    let path: String
    /// Its length in bytes when it was opened.
    public let size: Int

    init(_ path: String) throws {
        self.path = path
        descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LabError("cannot read '\(path)': \(FileAccess.posix(errno) ?? "the file cannot be read")") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = FileAccess.posix(errno) ?? "the file cannot be read"
            Glibc.close(descriptor)
            throw LabError("cannot read '\(path)': \(reason)")
        }
        size = Int(info.st_size)
    }

    deinit { Glibc.close(descriptor) }

    /// Fills `buffer` from `offset` on: the kernel copies straight into it (no Data in
    /// between). A large read is split over the cores, since that copy is its whole cost.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var failures = [LabError?](repeating: nil, count: Parallel.workers)
        failures.withUnsafeMutableBufferPointer { failures in
            Parallel.parts(buffer.count, minimum: 1 << 20) { part, range in
                do { try readPart(UnsafeMutableRawBufferPointer(rebasing: buffer[range]), at: offset + range.lowerBound) } catch {
                    failures[part] = error as? LabError ?? LabError("cannot read '\(path)': the file cannot be read")
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }

    private func readPart(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < buffer.count, let base = buffer.baseAddress {
            let n = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw LabError("cannot read '\(path)': " + (n == 0 ? "the file became shorter while it was read" : FileAccess.posix(errno) ?? "the file cannot be read"))
            }
            done += n
        }
    }

    /// `count` bytes from `offset` on.
    public func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            initialized = count
        }
    }
}

/// Atomic writes to a URL (the formats' own `write(to:)`); the same checks and messages.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        try FileAccess.write(data, to: url.path)
    }
}
