/// Undo and redo over whole-model snapshots, each labelled with the command that
/// made the change. Snapshots are cheap: `Model` is a value type whose weight
/// buffers are shared until one copy changes them.
public struct History: Sendable {
    public struct Entry: Sendable {
        public var model: Model
        public var label: String
    }
    public private(set) var past: [Entry] = []
    public private(set) var future: [Entry] = []
    public init() {}

    /// Records the model as it was before the change `label`.
    public mutating func record(_ before: Model, label: String) {
        past.append(Entry(model: before, label: label))
        future.removeAll()
    }

    /// The model before the last change, and that change's label.
    public mutating func undo(_ current: Model) -> Entry? {
        guard let previous = past.popLast() else { return nil }
        future.append(Entry(model: current, label: previous.label))
        return previous
    }

    public mutating func redo(_ current: Model) -> Entry? {
        guard let next = future.popLast() else { return nil }
        past.append(Entry(model: current, label: next.label))
        return next
    }
}
