import TensorCore

/// What ZeroPadding, Cropping and UpSampling share: Keras's (before, after) tuple
/// arguments with Keras's own messages, `data_format`, and where the spatial axes are.
public struct SpatialPad: Sendable, Equatable {
    public var before: Int
    public var after: Int
    public init(_ before: Int, _ after: Int) { self.before = before; self.after = after }
    var total: Int { before + after }
    var value: Value { .tuple([.int(before), .int(after)]) }
}

enum ReshapingArguments {
    static let ordinals = ["1st", "2nd", "3rd"]

    /// Keras's `argument_validation.standardize_tuple(value, n, name, allow_zero:)`.
    static func tuple(_ v: Value, _ n: Int, _ name: String, allowZero: Bool, owner: String) throws -> [Int] {
        var message = "The `\(name)` argument must be a tuple of \(n) integers. Received \(name)=\(pythonText(v))"
        let values: [Int]
        switch v {
        case .int(let i): values = Array(repeating: i, count: n)
        case .tuple, .list, .string:
            let items = elements(v)
            guard items.count == n else { throw LabError("\(owner): \(message)") }
            values = try items.map { item in
                switch item {
                case .int(let i): return i
                case .double:
                    // Keras's int() takes 1.5 here (and fails later); LayerLab refuses it now.
                    throw LabError("\(owner): \(message)", suggestion: "LayerLab takes whole numbers here; got \(item.python)")
                default:
                    throw LabError("\(owner): \(message)including element \(pythonText(item)) of type <class '\(pythonType(item))'>")
                }
            }
        default: throw LabError("\(owner): \(message)")
        }
        var bad: [Int] = []
        for i in values where (allowZero ? i < 0 : i <= 0) && !bad.contains(i) { bad.append(i) }
        guard bad.isEmpty else {
            message += ", including values {\(bad.map(String.init).joined(separator: ", "))} that do not satisfy `value \(allowZero ? ">= 0" : "> 0")`"
            throw LabError("\(owner): \(message)")
        }
        return values
    }

    /// ZeroPadding2D/3D's and Cropping2D/3D's argument: an int, a tuple of `rank` ints
    /// (symmetric per axis) or of `rank` (before, after) pairs; Cropping1D's and
    /// ZeroPadding1D's: an int or one pair.
    static func pads(_ v: Value, rank: Int, key: String, owner: String) throws -> [SpatialPad] {
        if rank == 1 {
            let t = try tuple(v, 2, key, allowZero: true, owner: owner)
            return [SpatialPad(t[0], t[1])]
        }
        switch v {
        case .int(let i) where i < 0:
            // Keras's ZeroPadding2D/3D accept a negative int and fail when called; Cropping refuses it.
            throw LabError("\(owner): `\(key)` cannot be negative. Received: \(key)=\(i).")
        case .int(let i):
            return Array(repeating: SpatialPad(i, i), count: rank)
        case .tuple, .list, .string:
            let items = elements(v)
            guard items.count == rank else {
                throw LabError("\(owner): " + (rank == 2 ? "`\(key)` should have two elements. Received: \(key)=\(pythonText(v))."
                                                          : "`\(key)` should have 3 elements. Received: \(pythonText(v))."))
            }
            return try items.enumerated().map { i, item in
                let t = try tuple(item, 2, "\(ordinals[i]) entry of \(key)", allowZero: true, owner: owner)
                return SpatialPad(t[0], t[1])
            }
        default:
            // Keras's own text, which speaks of crops for ZeroPadding2D too.
            let word = key == "padding" && rank == 3 ? "pad" : "crop"
            let forms = rank == 2
                ? "a tuple of 2 ints (symmetric_height_crop, symmetric_width_crop), or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), (left_crop, right_crop))"
                : "a tuple of 3 ints (symmetric_dim1_\(word), symmetric_dim2_\(word), symmetric_dim3_\(word)), or a tuple of 3 tuples of 2 ints "
                    + "((left_dim1_\(word), right_dim1_\(word)), (left_dim2_\(word), right_dim2_\(word)), (left_dim3_\(word), right_dim2_\(word)))"
            let received = rank == 3 && key == "cropping" ? pythonText(v) : "\(key)=\(pythonText(v))"
            throw LabError("\(owner): `\(key)` should be either an int, \(forms). Received: \(received).")
        }
    }

    /// What Python iterates: a tuple's or list's items, a string's characters.
    static func elements(_ v: Value) -> [Value] {
        switch v {
        case .tuple(let items), .list(let items): return items
        case .string(let s): return s.map { .string(String($0)) }
        default: return [v]
        }
    }

    /// Python's type name of a value, for Keras's messages.
    static func pythonType(_ v: Value) -> String {
        switch v {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .call, .object: return "object"
        }
    }

    /// The config value: `(1, 2)` for one axis, `((1, 2), (3, 4))` for more.
    static func value(_ pads: [SpatialPad]) -> Value {
        pads.count == 1 ? pads[0].value : .tuple(pads.map(\.value))
    }

    /// Keras's `backend.standardize_data_format` (None: channels_last).
    static func dataFormat(_ a: BoundArguments) throws -> DataFormat {
        guard !a.isNone("data_format") else { return .channelsLast }
        let text = try a.string("data_format").lowercased()
        guard let f = DataFormat(rawValue: text) else {
            throw LabError("\(a.owner): The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=\(text)")
        }
        return f
    }

    static func dataFormatArgument<L>(_ field: Field<L, DataFormat>) -> Argument<L> {
        .field("data_format", .null, field, read: { a, _ in try dataFormat(a) }, write: { .string($0.rawValue) })
    }

    /// Python's str() of a value (a string without quotes), as Keras's f-strings print it.
    static func pythonText(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return v.python
    }

    /// The axes of a (batch, …) input of `rank` spatial axes that are spatial.
    static func spatialAxes(rank: Int, _ format: DataFormat) -> [Int] {
        Array(format == .channelsLast ? 1...rank : 2...(rank + 1))
    }

    /// Keras's InputSpec(ndim=rank + 2) check, naming the layout.
    static func checkRank(_ input: Shape, rank: Int, _ format: DataFormat, who: String) throws {
        guard input.rank == rank + 2 else {
            var layout = SpatialArguments(rank: rank)
            layout.dataFormat = format
            throw LabError("\(who): expected ndim=\(rank + 2) \(layout.sampleLayout), found ndim=\(input.rank): input \(input)")
        }
    }

    /// Per-axis pairs for the whole input: zeros for batch and channels.
    static func allAxes(_ pads: [SpatialPad], _ format: DataFormat) -> [(before: Int, after: Int)] {
        let spatial = pads.map { (before: $0.before, after: $0.after) }
        return [(0, 0)] + (format == .channelsLast ? spatial + [(0, 0)] : [(0, 0)] + spatial)
    }

    /// "rows", "cols" … for explanations.
    static func axisNames(rank: Int) -> [String] {
        rank == 1 ? ["steps"] : rank == 2 ? ["rows", "cols"] : ["dim1", "dim2", "dim3"]
    }
}
