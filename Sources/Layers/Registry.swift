import TensorCore

/// Something a registry can find by Keras class name, snake_case name or alias.
public protocol Registered: Sendable {
    var className: String { get }
    var aliases: [String] { get }
}

extension Registered {
    /// Keras's `to_snake_case` of the class name: `HeUniform` → `he_uniform`.
    public var snakeName: String { snakeCase(className) }
}

/// One registry per family (activations, initializers, regularizers, constraints,
/// layers). Names match case-insensitively in Keras's class, snake_case and alias
/// spellings; an unknown name throws with the nearest valid one.
public struct Registry<Entry: Registered>: Sendable {
    public let kind: String
    public let entries: [Entry]
    private let index: [String: Int]
    /// false where Keras matches the class name alone, in any case (optimizers: `'adam'`,
    /// `'RMSprop'`, while `'rm_sprop'` is unknown).
    private let snakeNames: Bool

    public init(kind: String, _ entries: [Entry], snakeNames: Bool = true) {
        self.kind = kind
        self.entries = entries
        self.snakeNames = snakeNames
        var index: [String: Int] = [:]
        for (i, e) in entries.enumerated() {
            for name in [e.className] + (snakeNames ? [e.snakeName] : []) + e.aliases { index[name.lowercased()] = i }
        }
        self.index = index
    }

    public func lookup(_ name: String) -> Entry? {
        index[name.lowercased()].map { entries[$0] }
    }

    public func get(_ name: String) throws -> Entry {
        guard let e = lookup(name) else {
            throw LabError.unknown(kind, name, among: spellings, listing: names)
        }
        return e
    }

    /// The snake_case names (or the lower-cased class names), for help and completion.
    public var names: [String] { entries.map { snakeNames ? $0.snakeName : $0.className.lowercased() } }

    /// Every accepted spelling (for suggestions).
    public var spellings: [String] { entries.flatMap { [snakeNames ? $0.snakeName : $0.className.lowercased(), $0.className] + $0.aliases } }
}

/// Keras's `to_snake_case`: `Conv2DTranspose` → `conv2d_transpose`, `LeakyReLU` → `leaky_re_lu`.
public func snakeCase(_ name: String) -> String {
    let chars = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
    // Pass 1: "(.)([A-Z][a-z]+)" → "\1_\2"
    var pass1: [Character] = []
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if i > 0, c.isUppercase, i + 1 < chars.count, chars[i + 1].isLowercase, !pass1.isEmpty {
            pass1.append("_")
        }
        pass1.append(c)
        i += 1
    }
    // Pass 2: "([a-z])([A-Z])" → "\1_\2"
    var pass2: [Character] = []
    for c in pass1 {
        if let last = pass2.last, last.isLowercase, c.isUppercase { pass2.append("_") }
        pass2.append(c)
    }
    return String(pass2).lowercased()
}
