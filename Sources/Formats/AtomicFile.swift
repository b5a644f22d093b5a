import Foundation
import TensorCore

/// Writes files atomically: to a temporary file beside the target, then renamed
/// into place, so an interrupted write never leaves a broken file.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw LabError("cannot write '\(url.path)': the folder '\(dir.path)' does not exist")
        }
        do { try data.write(to: url, options: .atomic) } catch {
            throw LabError("cannot write '\(url.path)': \(FileError.reason(error))")
        }
    }
}

enum FileError {
    /// A short reason from a Foundation file error ("no such file", "permission denied").
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return POSIXError(code).localizedDescription.lowercased()
        }
        switch ns.code {
        case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
        default: return ns.localizedDescription
        }
    }
}
