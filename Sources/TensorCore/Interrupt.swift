import Synchronization

/// Ctrl-C during a command: the signal handler raises a flag that long loops check,
/// so the command stops within a fraction of a second and the model stays intact.
public enum Interrupt {
    private static let requested = Atomic<Int32>(0)
    private static let running = Atomic<Int32>(0)

    /// From the SIGINT handler (async-signal-safe: lock-free atomics only).
    public static func raise() { requested.store(1, ordering: .relaxed) }

    /// True while a command runs (the handler then interrupts it rather than the prompt).
    public static var commandRunning: Bool { running.load(ordering: .relaxed) != 0 }

    public static func begin() {
        requested.store(0, ordering: .relaxed)
        running.store(1, ordering: .relaxed)
    }

    public static func end() {
        running.store(0, ordering: .relaxed)
        requested.store(0, ordering: .relaxed)
    }

    public static var isRequested: Bool { requested.load(ordering: .relaxed) != 0 }

    /// What an interrupted command throws; code that adds context to errors passes it on as it is.
    public static let error = LabError("interrupted (Ctrl-C); the model is as it was before the command")

    /// Throws when Ctrl-C was pressed since the command began.
    public static func check() throws {
        if requested.load(ordering: .relaxed) != 0 { throw error }
    }
}
