import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let initCommand = Command(
        name: "init", usage: "init LAYER [kernel_initializer=… | bias_initializer=… …] [seed=N]",
        summary: "draw a layer's weights again, optionally from other initializers or a given seed",
        examples: ["init dense", "init dense kernel_initializer=he_normal", "init dense seed=7",
                   "init dense kernel_initializer=RandomNormal(stddev=1.0)"]
    ) { inv, session in
        guard inv.values.count == 1, case .string(let name) = inv.values[0] else {
            throw LabError("init needs one layer name", suggestion: "usage: init LAYER [kernel_initializer=…] [seed=N]")
        }
        let model = session.model
        guard let node = model.node(named: name) else { throw model.layerNotFound(name) }
        guard let type = LayerType.registry.lookup(node.layer.className) else {
            throw LabError("\(name): its layer type cannot be rebuilt")
        }
        let initializerKeys = type.signature.names.filter { $0.hasSuffix("_initializer") }
        guard !initializerKeys.isEmpty else { throw LabError("\(name) (\(node.layer.className)) has no weights to draw") }
        var overrides: [Keyword] = []
        var seed: UInt64?
        for k in inv.keywords {
            if k.key == "seed" {
                guard case .int(let s) = k.value, s >= 0 else { throw LabError("init: seed must be a non-negative whole number, got \(k.value.python)") }
                seed = UInt64(s)
            } else if initializerKeys.contains(k.key) {
                overrides.append(k)
            } else {
                throw LabError("init changes only \(name)'s initializers (\(initializerKeys.joined(separator: ", "))) and seed=",
                               suggestion: nearest(to: k.key, in: initializerKeys + ["seed"]).map { "did you mean '\($0)'?" }
                                   ?? "to change other arguments, remove the layer and add it again")
            }
        }
        let rebuilt = try session.change { m -> LayerNode in
            var seeds = seed.map { SeedSource(seed: $0) } ?? m.seeds
            let layer = try type.rebuild(node.layer, overriding: overrides, seeds: &seeds)
            if seed == nil { m.seeds = seeds }
            try m.replaceLayer(name, with: layer, redraw: true)
            return m.node(named: name) ?? node
        }
        session.say("drew \(name)'s weights again")
        try session.sayWeights(of: rebuilt, preview: false)
    }
}
