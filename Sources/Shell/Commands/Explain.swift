import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let explain = Command(
        name: "explain", usage: "explain NAME",
        summary: "the formulas behind a layer, a weight or an initializer, with this model's numbers put in",
        examples: ["explain dense", "explain dense/kernel", "explain he_uniform", "explain RandomNormal(stddev=0.1)"]
    ) { inv, session in
        guard inv.values.count == 1, inv.keywords.isEmpty else {
            throw LabError("explain needs one name", suggestion: "usage: \(inv.command.usage)")
        }
        if case .call = inv.values[0] {
            guard let text = try explainInitializer(session, inv.values[0]) else { throw LabError("explain: \(inv.values[0].python) is not an initializer") }
            session.say(text)
            return
        }
        let topic = try inv.name("name")
        for explainer in explainers {
            if let text = try explainer(session, topic) {
                session.say(text)
                return
            }
        }
        throw LabError.unknown("name to explain", topic, among: session.model.allNames + session.model.weightPaths
                               + Activation.registry.spellings + LayerType.registry.spellings
                               + InitializerType.registry.spellings + RegularizerType.registry.spellings + ConstraintType.registry.spellings)
            .withFallback("explain takes a layer or weight of the model, or the name of an activation, initializer, regularizer, constraint or layer type")
    }

    /// Each explainer returns its text for the topics it knows and nil for the others.
    /// The model's own names come first, then names from the registries.
    static let explainers: [@Sendable (Session, String) throws -> String?] = [
        explainLayer, explainLayerArgument, explainWeight,
    ] + namedThings + [explainLayerType]

    /// The names of the registries' functions and objects, explained without a model
    /// (`explain relu`, `help relu`, `explain he_uniform`, `explain l2`, `explain max_norm`).
    static let namedThings: [@Sendable (Session, String) throws -> String?] = [
        explainActivation, { session, topic in try explainInitializer(session, .string(topic)) }, explainRegularizerOrConstraint,
    ]

    /// `explain relu`: Keras's definition of the activation.
    @Sendable static func explainActivation(_ session: Session, _ topic: String) throws -> String? {
        guard let a = Activation.registry.lookup(topic) else { return nil }
        let aliases = a.aliases.isEmpty ? "" : " (also: \(a.aliases.joined(separator: ", ")))"
        return ([session.style.bold("\(a.className) (activation)") + aliases] + a.formula.map { "  " + $0 }
                + ["  use it as: add dense 32 \(a.className), add activation \(a.className), or activation='\(a.className)' in Python"]
                + (LayerType.registry.lookup(topic).map { ["  the layer \($0.className) is another thing, with its own arguments: help \($0.className)"] } ?? []))
            .joined(separator: "\n")
    }

    /// `explain conv2d` when the model has no layer of that name: what the type is.
    @Sendable static func explainLayerType(_ session: Session, _ topic: String) throws -> String? {
        guard let type = LayerType.registry.lookup(topic) else { return nil }
        return [session.style.bold("\(type.className) (layer type)") + ": " + type.summary,
                "  'help \(type.snakeName)' lists its arguments; add one ('\(type.examples.first ?? "add \(type.snakeName)")') and",
                "  'explain NAME' shows its formulas with the model's numbers put in"].joined(separator: "\n")
    }

    /// `explain dense/kernel_regularizer`, `dense/bias_constraint`, `dense/activity_regularizer`.
    @Sendable static func explainLayerArgument(_ session: Session, _ topic: String) throws -> String? {
        let parts = topic.split(separator: "/").map(String.init)
        guard parts.count == 2, parts[1].hasSuffix("_regularizer") || parts[1].hasSuffix("_constraint") else { return nil }
        let model = session.model
        guard let node = model.node(named: parts[0]) else { throw model.layerNotFound(parts[0]) }
        let specs = try model.weightSpecs(of: node)
        let weightName = String(parts[1].prefix { $0 != "_" })
        if parts[1] == "activity_regularizer" {
            guard let r = node.layer.activityRegularizer else { return "\(node.name) has no activity_regularizer" }
            var lines = [session.style.bold("\(topic) = \(Value.object(r.object).python)")]
            lines += r.formula(for: nil).map { "  " + $0 }
            lines.append("  applied to \(node.name)'s output on each batch, then divided by the batch size")
            if let p = session.currentActivityPenalties().penalties.first(where: { $0.layer == node.name }) {
                lines.append("  on the last forward pass: \(Format.compact(p.value, 6))")
            } else { lines.append("  run 'forward' to see its value") }
            return lines.joined(separator: "\n")
        }
        guard let index = specs.firstIndex(where: { $0.name == weightName }), index < node.layer.weights.count else {
            throw LabError("\(node.name) has no \(parts[1])", suggestion: "its weights: \(specs.map(\.name).joined(separator: ", "))")
        }
        let spec = specs[index], w = node.layer.weights[index]
        if parts[1].hasSuffix("_regularizer") {
            guard let r = spec.regularizer else { return "\(topic): None — \(node.name)/\(spec.name) adds no penalty" }
            return ([session.style.bold("\(topic) = \(Value.object(r.object).python) on \(node.name)/\(spec.name) \(Tensor.describe(w.shape))")]
                    + r.formula(for: w).map { "  " + $0 }).joined(separator: "\n")
        }
        guard let c = spec.constraint else { return "\(topic): None — \(node.name)/\(spec.name) is not constrained" }
        var lines = [session.style.bold("\(topic) = \(Value.object(c.object).python) on \(node.name)/\(spec.name) \(Tensor.describe(w.shape))")]
        lines += c.formula.map { "  " + $0 }
        if let axes = c.normAxes(rank: w.rank) {
            let (norms, _) = w.norms(reducing: axes)
            lines.append("  here: \(norms.count) norms over axes \(axes.sorted()), from \(Format.compact(norms.min() ?? 0)) to \(Format.compact(norms.max() ?? 0))")
            if w.rank == 2, axes == [0] { lines.append("  (axis 0 of a Dense kernel: one norm per unit, over its incoming weights)") }
        }
        lines.append("  Keras applies it only after an optimizer step; 'constrain \(node.name)' applies it now")
        return lines.joined(separator: "\n")
    }

    /// `explain l2`, `explain max_norm`.
    @Sendable static func explainRegularizerOrConstraint(_ session: Session, _ topic: String) throws -> String? {
        if let entry = RegularizerType.registry.lookup(topic) {
            let r = try entry.make(entry.signature.bind(Arguments()))
            return ([session.style.bold(Value.object(r.object).python)] + r.formula(for: nil).map { "  " + $0 }
                    + ["  as kernel_regularizer or bias_regularizer it is added to the loss for the weights;",
                       "  as activity_regularizer, for the layer's output divided by the batch size"]).joined(separator: "\n")
        }
        if let entry = ConstraintType.registry.lookup(topic) {
            let c = try entry.make(entry.signature.bind(Arguments()))
            return ([session.style.bold(Value.object(c.object).python)] + c.formula.map { "  " + $0 }
                    + ["  Keras applies constraints after each optimizer step, never to freshly drawn weights"]).joined(separator: "\n")
        }
        return nil
    }

    /// `explain dense/kernel`: the weight's initializer with the weight's shape put in.
    @Sendable static func explainWeight(_ session: Session, _ topic: String) throws -> String? {
        guard topic.contains("/") else { return nil }
        let (node, spec, value) = try session.model.weight(topic)
        var lines = [session.style.bold("\(topic) \(Tensor.describe(value.shape))") + " of \(node.name) (\(node.layer.className)), drawn by "
                     + Value.object(spec.initializer.object).python]
        lines += spec.initializer.formula(for: value.shape).map { "  " + $0 }
        let s = Statistics(value.scalars)
        lines.append("  measured: mean \(Format.compact(s.mean)), std \(Format.compact(s.std)), min \(Format.compact(Double(s.min))), max \(Format.compact(Double(s.max)))")
        return lines.joined(separator: "\n")
    }

    /// `explain he_uniform`: the formula in words and symbols.
    static func explainInitializer(_ session: Session, _ value: Value) throws -> String? {
        if case .string(let name) = value, InitializerType.registry.lookup(name) == nil { return nil }
        var seeds = SeedSource(seed: 0)
        let initializer = try InitializerType.make(value, seeds: &seeds)
        var lines = [session.style.bold(Value.object(initializer.object).python)]
        lines += initializer.formula(for: nil).map { "  " + $0 }
        if initializer is VarianceScaling {
            lines.append("  fans: for a Dense kernel (in, units), fan_in = in and fan_out = units;")
            lines.append("        for a conv kernel (k…, in, filters), fan_in = ∏k · in and fan_out = ∏k · filters")
        }
        let name = InitializerType.registry.lookup(initializer.object.className)?.snakeName ?? "NAME"
        lines.append("  'explain LAYER/WEIGHT' puts in a weight's own numbers; 'sample \(name) 256 256' shows the distribution")
        return lines.joined(separator: "\n")
    }

    /// `explain dense`: a layer of the model.
    @Sendable static func explainLayer(_ session: Session, _ topic: String) throws -> String? {
        let model = session.model
        if let input = model.input(named: topic) {
            return "\(session.style.name(input.name)) (InputLayer): the model's input, batches of shape \(input.outputShape); no parameters"
        }
        guard let node = model.node(named: topic) else { return nil }
        let style = session.style
        var lines = [style.bold("\(style.name(node.name)) (\(node.layer.className))")]
        guard let inputs = model.inputShapes(of: node) else {
            lines.append("  unbuilt: its input shape is not known yet, so neither is its output or its parameter count")
            return lines.joined(separator: "\n")
        }
        lines += node.layer.explanation(for: inputs).map { "  " + $0 }
        if lines.count == 1 {
            lines.append("  output shape \(node.outputShape?.description ?? "?"), \(Format.thousands(node.layer.parameterCount)) params")
        }
        return lines.joined(separator: "\n")
    }
}
