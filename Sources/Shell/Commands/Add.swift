import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let add = Command(
        name: "add", usage: "add TYPE [ARGS…] [key=value …] [from=LAYER[,LAYER…]]",
        summary: "add a layer after the last one; its weights are drawn at once if the input shape is known",
        examples: ["add dense 32 relu he_uniform", "add dense 16 activation=relu",
                   "add dense 8 kernel_initializer=RandomNormal(mean=0.0, stddev=0.05) bias_regularizer=l2(0.01)",
                   "add dropout 0.5", "add reshape (-1, 8)", "add permute 2 1", "add embedding 1000 64",
                   "add lambda \"x * 2 + 1\"", "add dense 8 relu from=a name=left", "add concatenate from=left,right",
                   "add conv2d 32 3 relu", "add conv2d 32 (3,5) strides=2 padding=same", "add maxpooling2d 2",
                   "add globalaveragepooling2d"],
        details: """
        The words after the type fill its first arguments (for dense: units; for conv2d:
        filters and kernel_size; for maxpooling2d: pool_size); further bare words are
        placed by meaning: an activation name sets activation, an initializer name the
        first initializer argument not yet given (kernel_initializer, then
        bias_initializer). Every Keras argument can be given as key=value with its Keras
        name. 'help dense' (or any type) lists them with their defaults.
        reshape and permute take their sizes as words or as one tuple (add reshape 4 8,
        add reshape (-1, 8)); a lambda takes an expression in quotes (docs/lambda.md).
        A layer reads the layer (or input) added last; from=NAME reads another one, and
        from=A,B gives a merge layer its inputs.
        """
    ) { inv, session in
        guard let first = inv.values.first, case .string(let typeName) = first else {
            throw LabError("add needs a layer type", suggestion: "for example 'add dense 32 relu'; types: \(LayerType.registry.names.joined(separator: ", "))")
        }
        let type = try LayerType.registry.get(typeName)
        var from: [String]?
        if let f = inv.keywords.first(where: { $0.key == "from" }) {
            from = try names(f.value, what: "from")
        }
        let args = Arguments(Array(inv.values.dropFirst()), inv.keywords.filter { $0.key != "from" })
        let node = try session.change { model -> LayerNode in
            var seeds = model.seeds
            let (layer, inputShape) = try type.build(args, seeds: &seeds)
            model.seeds = seeds
            if let shape = inputShape {
                if let existing = model.inputs.first {
                    guard existing.shape == shape else {
                        throw LabError("\(type.snakeName): input_shape \(Tensor.describe(shape)) differs from the model's input \(existing.outputShape)")
                    }
                } else {
                    try model.setInput(shape: shape)
                }
            }
            return try model.add(layer, from: from)
        }
        try session.describeAdded(node)
    }
}

extension Session {
    /// `dense (Dense): (None, 16) → (None, 32), 544 params`, then each weight's summary.
    func describeAdded(_ node: LayerNode) throws {
        let title = "\(style.name(node.name)) (\(node.layer.className))"
        guard let out = node.outputShape else {
            say("\(title): unbuilt — its weights are drawn when the model gets an input ('input 16')")
            return
        }
        let inShapes = model.inputShapes(of: node)?.map(\.description).joined(separator: ", ") ?? "?"
        say("\(title): \(inShapes) → \(out), \(Format.thousands(node.layer.parameterCount)) params")
        try sayWeights(of: node, preview: false)
    }

    /// One line per weight: path, shape, initializer and statistics; optionally a preview.
    func sayWeights(of node: LayerNode, preview: Bool) throws {
        guard let specs = try? model.weightSpecs(of: node) else { return }
        let nameWidth = specs.map { "\(node.name)/\($0.name)".displayWidth }.max() ?? 0
        for (spec, value) in zip(specs, node.layer.weights) {
            let path = "\(node.name)/\(spec.name)"
            let padded = path + String(repeating: " ", count: nameWidth - path.displayWidth)
            say("  \(padded)  \(Tensor.describe(value.shape))  \(Value.object(spec.initializer.object).python)")
            let stats = Statistics(value.scalars)
            try Interrupt.check()  // the statistics of a large weight stop early at Ctrl-C
            say("  " + String(repeating: " ", count: nameWidth) + "  " + style.dim(Format.statistics(stats)))
            if preview {
                say(indent(Format.preview(value), by: 4))
            }
        }
    }
}

func indent(_ text: String, by n: Int) -> String {
    let pad = String(repeating: " ", count: n)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
}

extension Commands {
    /// `a`, `a,b`, `(a, b)` or `[a, b]` as a list of names.
    static func names(_ v: Value, what: String) throws -> [String] {
        let items: [Value]
        switch v {
        case .tuple(let t), .list(let t): items = t
        default: items = [v]
        }
        return try items.map {
            guard case .string(let s) = $0 else { throw LabError("\(what)= takes layer names, got \($0.python)") }
            return s
        }
    }
}
