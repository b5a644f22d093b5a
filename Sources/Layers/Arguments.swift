import TensorCore

/// A stored property of a layer that one argument reads and writes.
public typealias Field<L, T> = WritableKeyPath<L, T> & Sendable

/// The initializer, regularizer and constraint of one weight: Keras's `<prefix>_initializer`,
/// `<prefix>_regularizer` and `<prefix>_constraint` (kernel, bias, embeddings, depthwise, pointwise, …).
public struct WeightSlot: Sendable {
    public var initializer: any Initializer
    public var regularizer: (any Regularizer)?
    public var constraint: (any Constraint)?

    /// Before the arguments are read.
    static let unset = WeightSlot(initializer: Fill(className: "Zeros", value: 0))

    public init(initializer: any Initializer, regularizer: (any Regularizer)? = nil, constraint: (any Constraint)? = nil) {
        self.initializer = initializer
        self.regularizer = regularizer
        self.constraint = constraint
    }

    /// The weight this slot makes: `kernel` of shape (in, units), with this initializer,
    /// regularizer and constraint.
    public func spec(_ name: String, _ shape: [Int]) -> WeightSpec {
        WeightSpec(name, shape, initializer, regularizer: regularizer, constraint: constraint)
    }
}

extension Activation {
    /// Before the arguments are read.
    static var unset: Activation { registry.lookup("linear") ?? registry.entries[0] }
}

/// One Keras constructor argument of a layer type `L`: its Keras name, its default,
/// how it is read into the layer and how it is written into the config.
public struct Argument<L>: Sendable {
    public let name: String
    /// Keras's default; nil: required.
    public let defaultValue: Value?
    /// False for a config entry Keras's constructor does not take (`quantization_config`).
    public let inSignature: Bool
    /// Reads the bound value into the layer; nil when another argument reads it too
    /// (`strides` is read with `kernel_size` by `SpatialArguments`).
    let read: (@Sendable (inout L, BoundArguments, inout SeedSource) throws -> Void)?
    /// The config value; nil leaves the key out of the config.
    let write: @Sendable (L) -> Value?
    /// Where the config puts it when Keras's config order differs from its constructor's:
    /// after the named key, or first for "".
    var configAfter: String?

    public init(_ name: String, _ defaultValue: Value?, inSignature: Bool = true,
                read: (@Sendable (inout L, BoundArguments, inout SeedSource) throws -> Void)?,
                write: @escaping @Sendable (L) -> Value?) {
        self.name = name
        self.defaultValue = defaultValue
        self.inSignature = inSignature
        self.read = read
        self.write = write
    }

    /// The same argument at another place in the config: after `key`, or first for "".
    public func inConfig(after key: String) -> Argument {
        var moved = self
        moved.configAfter = key
        return moved
    }

    /// An argument read by a function of the bound value, stored in `field`.
    public static func field<T>(_ name: String, _ defaultValue: Value?, _ field: Field<L, T>,
                                read: @escaping @Sendable (BoundArguments, String) throws -> T,
                                write: @escaping @Sendable (T) -> Value?) -> Argument {
        Argument(name, defaultValue, read: { layer, a, _ in layer[keyPath: field] = try read(a, name) },
                 write: { write($0[keyPath: field]) })
    }

    public static func int(_ name: String, _ defaultValue: Value?, _ field: Field<L, Int>, positive: Bool = false) -> Argument {
        .field(name, defaultValue, field, read: { try positive ? $0.positiveInt($1) : $0.int($1) }, write: { .int($0) })
    }

    public static func bool(_ name: String, _ defaultValue: Value?, _ field: Field<L, Bool>) -> Argument {
        .field(name, defaultValue, field, read: { try $0.bool($1) }, write: { .bool($0) })
    }

    /// Keras's `activation`: a name, None meaning linear; the config holds its name.
    /// glu halves the last axis: only the Activation layer (`shapeChanging`) takes it.
    public static func activation(_ defaultValue: Value?, _ field: Field<L, Activation>, shapeChanging: Bool = false) -> Argument {
        .field("activation", defaultValue, field, read: { a, key in
            let activation = try Activation.make(a[key])
            if activation.halvesLastAxis && !shapeChanging {
                throw LabError("\(a.owner): activation '\(activation.name)' halves the last axis (a · sigmoid(b) of its two halves); "
                               + "Keras's \(a.owner) would still declare the full size and then output half of it",
                               suggestion: "put it in its own layer after this one: add activation \(activation.name)")
            }
            return activation
        }, write: { .string($0.name) })
    }

    /// `activity_regularizer=None`; `omittedWhenNone` for layers whose config has it only when set (Dense).
    public static func activityRegularizer(_ field: Field<L, (any Regularizer)?>, omittedWhenNone: Bool = false) -> Argument {
        .field("activity_regularizer", .null, field, read: { try RegularizerType.make($0[$1], role: $1) },
               write: { r in r.map { .object($0.object) } ?? (omittedWhenNone ? nil : .null) })
    }

    /// A config entry Keras writes but LayerLab's constructor does not take.
    public static func constant(_ name: String, _ value: Value) -> Argument {
        Argument(name, value, inSignature: false, read: nil, write: { _ in value })
    }

    /// An argument Keras takes and LayerLab accepts, without effect and not in the config
    /// (Embedding's deprecated `input_length`).
    public static func accepted(_ name: String, _ defaultValue: Value?) -> Argument {
        Argument(name, defaultValue, read: nil, write: { _ in nil })
    }

    /// An argument read together with another one (`read` is nil), written from the layer.
    public static func readElsewhere(_ name: String, _ defaultValue: Value?, write: @escaping @Sendable (L) -> Value?) -> Argument {
        Argument(name, defaultValue, read: nil, write: write)
    }

    // MARK: - Weight slots

    public static func initializer(_ prefix: String, _ defaultName: String, _ slot: Field<L, WeightSlot>) -> Argument {
        let key = "\(prefix)_initializer"
        return Argument(key, .string(defaultName), read: { layer, a, seeds in
            layer[keyPath: slot].initializer = try InitializerType.make(a[key], role: key, seeds: &seeds)
        }, write: { .object($0[keyPath: slot].initializer.object) })
    }

    public static func regularizer(_ prefix: String, _ slot: Field<L, WeightSlot>) -> Argument {
        let key = "\(prefix)_regularizer"
        return Argument(key, .null, read: { layer, a, _ in
            layer[keyPath: slot].regularizer = try RegularizerType.make(a[key], role: key)
        }, write: { $0[keyPath: slot].regularizer.map { .object($0.object) } ?? .null })
    }

    public static func constraint(_ prefix: String, _ slot: Field<L, WeightSlot>) -> Argument {
        let key = "\(prefix)_constraint"
        return Argument(key, .null, read: { layer, a, _ in
            layer[keyPath: slot].constraint = try ConstraintType.make(a[key], role: key)
        }, write: { $0[keyPath: slot].constraint.map { .object($0.object) } ?? .null })
    }

    /// The weight arguments in Keras's usual order: every `*_initializer`, every
    /// `*_regularizer`, `activity_regularizer`, every `*_constraint`.
    public static func weights(_ slots: [(prefix: String, initializer: String, slot: Field<L, WeightSlot>)],
                               activity: Argument) -> [Argument] {
        slots.map { initializer($0.prefix, $0.initializer, $0.slot) } + slots.map { regularizer($0.prefix, $0.slot) }
            + [activity] + slots.map { constraint($0.prefix, $0.slot) }
    }
}

/// A layer's arguments, declared once in Keras's constructor order: the signature,
/// the reading of bound arguments, the config (in Keras's config order) and so help
/// and the Python export all come from it.
public struct ArgumentTable<L>: Sendable {
    public let rows: [Argument<L>]

    public init(_ rows: [Argument<L>]) { self.rows = rows }

    /// Keras's constructor parameters, in its positional order.
    public var parameters: [Signature.Parameter] {
        rows.filter(\.inSignature).map { Signature.Parameter($0.name, $0.defaultValue) }
    }

    /// Reads every argument into `layer`, in constructor order (initializers draw their
    /// seeds in that order).
    public func read(into layer: inout L, _ a: BoundArguments, seeds: inout SeedSource) throws {
        for row in rows { try row.read?(&layer, a, &seeds) }
    }

    /// The config entries after name, trainable and dtype, in Keras's order.
    public func config(_ layer: L) -> [Keyword] {
        var ordered = rows.filter { $0.configAfter == nil }
        for row in rows where row.configAfter != nil {
            let at = row.configAfter == "" ? 0 : (ordered.firstIndex { $0.name == row.configAfter }.map { $0 + 1 } ?? ordered.count)
            ordered.insert(row, at: at)
        }
        return ordered.compactMap { row in row.write(layer).map { Keyword(row.name, $0) } }
    }
}

/// A layer whose config is its argument table's.
public protocol DeclaredLayer: Layer {
    var argumentTable: ArgumentTable<Self> { get }
}

extension DeclaredLayer {
    public var config: [Keyword] { argumentTable.config(self) }
}
