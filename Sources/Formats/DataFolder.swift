import Foundation

/// LayerLab's own files — the line history, lesson progress, session journals — in
/// `$XDG_DATA_HOME/layerlab` (by default `~/.local/share/layerlab`). The one place
/// that knows where they live.
public enum DataFolder {
    /// The folder, or nil when neither XDG_DATA_HOME nor HOME is set.
    public static func url(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("layerlab") }
        if let home = environment["HOME"], !home.isEmpty { return URL(fileURLWithPath: home).appendingPathComponent(".local/share/layerlab") }
        return nil
    }

    /// The path of `name` inside the folder, creating the folder (nil when there is no
    /// folder or it cannot be made: LayerLab then keeps nothing between sessions).
    public static func file(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let dir = url(environment: environment),
              (try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)) != nil else { return nil }
        return dir.appendingPathComponent(name).path
    }

    /// A small text file of ours, or nil when it is missing or unreadable.
    public static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Replaces a small text file of ours atomically (a crash never leaves half of it).
    public static func write(_ text: String, to path: String) {
        try? Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
