import Foundation
import Formats

/// The session journal: a plain text file of the commands that changed the model,
/// appended and flushed as each succeeds, so `layerlab --resume` can rebuild a session
/// after a crash, a kill or a closed terminal.
public final class Journal {
    public let url: URL
    private let handle: FileHandle

    /// `$XDG_DATA_HOME/layerlab/journals` (default `~/.local/share/layerlab/journals`).
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        DataFolder.url(environment: environment)?.appendingPathComponent("journals")
    }

    /// Starts a new journal file for a session that begins with `seed`.
    public init(directory: URL, seed: UInt64) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        url = directory.appendingPathComponent("session-\(stamp)-\(getpid()).txt")
        let header = "# LayerLab session journal: the commands that changed the model, in order.\n# seed \(seed)\n"
        guard FileManager.default.createFile(atPath: url.path, contents: Data(header.utf8)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        Journal.prune(directory, keep: 50)
    }

    deinit { try? handle.close() }

    /// Appends one command and flushes it to the disk. A statement of several lines
    /// (Python with open brackets) keeps its lines, the later ones behind `... `, as the
    /// prompt showed them.
    public func append(_ command: String) {
        handle.write(Data((command.replacingOccurrences(of: "\n", with: "\n" + Self.continuation) + "\n").utf8))
        try? handle.synchronize()
    }

    /// The most recent journal other than `excluding`, with its seed and commands.
    public static func latest(in directory: URL, excluding: URL? = nil) -> (url: URL, seed: UInt64, commands: [String])? {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        let candidates = files.filter { $0.lastPathComponent.hasPrefix("session-") && $0.pathExtension == "txt"
            && $0.standardizedFileURL != excluding?.standardizedFileURL }
        let dated = candidates.compactMap { url -> (URL, Date)? in
            guard let d = (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate else { return nil }
            return (url, d)
        }
        guard let newest = dated.max(by: { $0.1 < $1.1 })?.0,
              let text = try? String(contentsOf: newest, encoding: .utf8) else { return nil }
        var seed: UInt64 = 1337
        var commands: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# seed "), let s = UInt64(line.dropFirst(7)) { seed = s }
            else if line.hasPrefix(continuation), !commands.isEmpty { commands[commands.count - 1] += "\n" + line.dropFirst(continuation.count) }
            else if !line.hasPrefix("#") { commands.append(String(line)) }
        }
        return (newest, seed, commands)
    }

    static let continuation = "... "

    /// Keeps the newest `keep` journals; an older journal goes with its fits' checkpoints.
    static func prune(_ directory: URL, keep: Int) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let journals = files.filter { $0.hasPrefix("session-") && $0.hasSuffix(".txt") }.sorted()
        for old in journals.dropLast(keep) {
            let stem = String(old.dropLast(4))
            for file in files where file == old || file.hasPrefix(stem + ".") {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(file))
            }
        }
    }

    /// Where this session's fit number `k` keeps the weights of its last finished epoch
    /// (`session-….fit1.npz` beside the journal): the journal says `load` it, so a resumed
    /// session gets the trained weights without training again.
    public func checkpoint(_ k: Int) -> URL { url.deletingPathExtension().appendingPathExtension("fit\(k).npz") }
}
