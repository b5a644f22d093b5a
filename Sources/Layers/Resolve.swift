import TensorCore

/// Where fresh initializer seeds come from: the session's seed stream.
public struct SeedSource: Sendable, Equatable {
    public var generator: RandomGenerator
    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }
    public mutating func next() -> UInt64 { generator.next() }
}

extension Registry {
    /// Splits a value into a registered entry and its arguments:
    /// `'he_uniform'`, `HeUniform`, `RandomNormal(stddev=0.1)`, or a config object.
    public func entryAndArguments(_ value: Value, role: String) throws -> (Entry, Arguments) {
        switch value {
        case .string(let name):
            return (try get(name), Arguments())
        case .call(let name, let args):
            return (try get(name), args)
        case .object(let o):
            return (try get(o.className), Arguments([], o.config))
        default:
            throw LabError("\(role) must be a name or a call such as \(kind == "initializer" ? "RandomNormal(stddev=0.1)" : "l2(0.01)"), got \(value.python)")
        }
    }
}

extension InitializerType {
    /// Builds an initializer from what the user typed (or a config), drawing a seed for it.
    public static func make(_ value: Value, role: String = "initializer", seeds: inout SeedSource) throws -> any Initializer {
        let (entry, args) = try registry.entryAndArguments(value, role: role)
        var signature = entry.signature
        // Configs of presets carry input_axes/output_axes; accept them when None.
        signature.parameters += [.init("input_axes", Value.null), .init("output_axes", Value.null)]
            .filter { p in !signature.names.contains(p.name) && isPresetOrScaling(entry) }
        let bound = try signature.bind(args)
        if !bound.isNone("input_axes") || !bound.isNone("output_axes") {
            throw LabError("\(entry.className): input_axes and output_axes are not supported yet")
        }
        return try entry.make(bound, seeds.next())
    }

    private static func isPresetOrScaling(_ entry: InitializerType) -> Bool {
        entry.className == "VarianceScaling" || entry.signature.names == ["seed"]
    }
}
