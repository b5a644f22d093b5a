import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Shell
import TensorCore

/// Every file error is one plain line: the path as typed and what is wrong (issue 16, defect 5).
@Suite struct FileErrorTests {
    /// Runs `commands` with `D/` standing for the test's folder (the current folder is
    /// not changed: other tests run at the same time), and returns the errors with the
    /// folder written as `D/` again, so each message shows the path as it was typed.
    func errors(_ commands: String, in dir: URL) -> String {
        let run = ShellRun(commands.replacingOccurrences(of: "D/", with: dir.path + "/"))
        return run.errors.replacingOccurrences(of: dir.path + "/", with: "D/")
    }

    func folder() throws -> URL {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.keras"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        return dir
    }

    static let model = "input 4\nadd dense 2\n"

    @Test func readingAFolderSaysItIsAFolder() throws {
        let dir = try folder()
        for command in ["load D/folder.keras", "import json D/folder.keras", "weights dense/kernel --load D/folder.keras",
                        "forward --input D/folder.keras"] {
            let e = errors(Self.model + command, in: dir)
            #expect(e.hasPrefix("error: line 3: cannot read 'D/folder.keras': it is a folder, not a file — give the name of a file inside it"), "\(command): \(e)")
            #expect(!e.contains("NSCocoaErrorDomain") && !e.contains("error 256"))
            #expect(e.split(separator: "\n").count == 1)
        }
        // `load D/.` names 'D/.' as typed, not the folder it stands for.
        #expect(errors("load D/.", in: dir) == "error: line 1: cannot read 'D/.': it is a folder, not a file — give the name of a file inside it, such as D/./model.keras\n")
        #expect(ShellRun("load .").errors == "error: line 1: cannot read '.': it is a folder, not a file — give the name of a file inside it, such as ./model.keras\n")
    }

    @Test func aMissingFileSaysNoSuchFile() throws {
        let dir = try folder()
        try Data().write(to: dir.appendingPathComponent("model.json"))
        let e = errors("import json D/nope.json", in: dir)
        #expect(e.hasPrefix("error: line 1: cannot read 'D/nope.json': no such file — "), "\(e)")
        #expect(!e.contains("operation could not be completed"))
        #expect(errors("import json D/modle.json", in: dir) == "error: line 1: cannot read 'D/modle.json': no such file — did you mean 'D/model.json'?\n")
        #expect(errors("load D/nowhere/m.keras", in: dir) == "error: line 1: cannot read 'D/nowhere/m.keras': no such file — the folder 'D/nowhere' does not exist either\n")
        #expect(errors(Self.model + "load D/w.npz", in: dir).contains("cannot read 'D/w.npz': no such file"))
    }

    @Test func writingToAFolderOrIntoAMissingFolder() throws {
        let dir = try folder()
        #expect(errors(Self.model + "save D/.", in: dir) == "error: line 3: cannot write 'D/.': it is a folder, not a file — give a file name inside it, such as D/./model.keras\n")
        #expect(ShellRun(Self.model + "save .").errors == "error: line 3: cannot write '.': it is a folder, not a file — give a file name inside it, such as ./model.keras\n")
        #expect(errors(Self.model + "save D/out", in: dir).contains("cannot write 'D/out': it is a folder, not a file — give a file name inside it, such as D/out/model.keras"))
        #expect(errors(Self.model + "save D/folder.keras", in: dir).contains("cannot write 'D/folder.keras': it is a folder"))
        #expect(errors(Self.model + "save D/nodir/m.keras", in: dir) == "error: line 3: cannot write 'D/nodir/m.keras': the folder 'D/nodir' does not exist — create it first, or write into an existing folder\n")
        #expect(errors(Self.model + "export json D/out", in: dir).contains("cannot write 'D/out': it is a folder, not a file — give a file name inside it, such as D/out/model.json"))
        #expect(errors(Self.model + "weights dense/kernel --output D/nodir/k.npy", in: dir).contains("cannot write 'D/nodir/k.npy': the folder 'D/nodir' does not exist"))
        #expect(errors(Self.model + "hist dense/kernel --png D/out", in: dir).contains("cannot write 'D/out': it is a folder"))
        try Data().write(to: dir.appendingPathComponent("plain"))
        #expect(errors(Self.model + "save D/plain/m.keras", in: dir).contains("cannot write 'D/plain/m.keras': 'D/plain' is a file, not a folder"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nodir").path))
    }

    /// Unreadable files and full disks cannot be made here (the tests run as root, which
    /// reads a chmod 000 file, and no full disk is at hand): the mapping from the
    /// system's error codes to words is checked instead, for the codes those cases give.
    @Test func systemErrorCodesBecomePlainWords() {
        func words(_ e: Error, writing: Bool = true) -> String { FileAccess.reason(e, writing: writing) }
        #expect(words(POSIXError(.ENOSPC)) == "the disk is full")
        #expect(words(POSIXError(.EACCES)) == "permission denied")
        #expect(words(POSIXError(.EROFS)) == "the disk is read-only")
        #expect(words(POSIXError(.EISDIR)) == "it is a folder, not a file")
        #expect(words(CocoaError(.fileWriteOutOfSpace)) == "the disk is full")
        #expect(words(CocoaError(.fileReadNoPermission), writing: false) == "permission denied")
        #expect(words(NSError(domain: NSCocoaErrorDomain, code: 256, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])) == "the disk is full")
        // An unknown code: plain words, never "NSCocoaErrorDomain error 256".
        #expect(words(NSError(domain: NSCocoaErrorDomain, code: 256), writing: false) == "the file cannot be read")
        #expect(words(NSError(domain: NSCocoaErrorDomain, code: 256)) == "the file cannot be written")
    }

    @Test func aWriteInAFolderThatIsNotWritable() throws {
        // As root every folder is writable, so this runs only for other users.
        guard geteuid() != 0 else { return }
        let dir = try folder()
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: locked.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked.path) }
        #expect(errors(Self.model + "save D/locked/m.keras", in: dir).contains("the folder 'D/locked' is not writable (permission denied)"))
    }
}
