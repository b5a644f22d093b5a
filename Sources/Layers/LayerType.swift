import TensorCore
import Text

/// How to build one kind of layer from what the user typed.
///
/// `add dense 32 relu he_uniform units=…`: the first `positional` arguments bind
/// in order; further bare words are placed by vocabulary (an activation name fills
/// `activation`, an initializer name the first free `*_initializer`); keywords
/// bind by Keras's argument names.
public struct LayerType: Registered {
    public var className: String
    public var aliases: [String]
    /// The layer's own Keras arguments, in Keras's positional order.
    public var signature: Signature
    /// How many leading arguments bind by position.
    public var positional: Int
    /// True when all bare words after the type form one tuple, the first argument:
    /// `add reshape 4 8` is `Reshape((4, 8))`.
    public var collectsWords: Bool
    /// One line for `help add`.
    public var summary: String
    /// Typical `add` lines, for `help TYPE` and hints.
    public var examples: [String]
    public var make: @Sendable (BoundArguments, inout SeedSource) throws -> any Layer

    // Facts about the Keras class, read by the formats, the Python export and help.
    /// Why Keras 3 could not open a file holding this layer (nil: it can): the rest of
    /// "NAME (CLASS) cannot be saved for …", and a suggestion.
    public var unsavable: (reason: String, suggestion: String)?
    /// Why a Keras file's layer of this class cannot be read (nil: it can).
    public var unloadable: (reason: String, suggestion: String)?
    /// Keras 3 writes a `build_config` (the build input shape) for the layer.
    public var recordsBuildShape = true
    /// Config keys Keras writes between name and trainable (ELU's alpha: a class without
    /// get_config has its constructor arguments recorded first).
    public var configBeforeTrainable: [String] = []
    /// Config keys Keras writes before name (SpatialDropout's hand-written get_config:
    /// rate, seed, name, dtype, data_format).
    public var configBeforeName: [String] = []
    /// False when Keras's get_config has no trainable and a plain "float32" dtype (SpatialDropout).
    public var configHasTrainable = true
    /// The layer is called on a list of tensors (`Add()([a, b])`), even a list of one.
    public var takesInputList = false
    /// Lines `help TYPE` adds after the examples.
    public var helpNotes: [String] = []
    /// Lines the Python export adds to its imports when a model holds the layer.
    public var pythonImports: [String] = []
    /// The Python source of a config entry that is not a Python literal (Lambda's
    /// `function`), given the layer's config; nil: the value as Python.
    public var pythonSource: (@Sendable (_ key: String, _ config: [Keyword]) -> String?)?

    /// The same type with some facts changed.
    public func with(_ change: (inout LayerType) -> Void) -> LayerType {
        var changed = self
        change(&changed)
        return changed
    }

    /// A layer type whose arguments are its table: `blank` is the layer before they are
    /// read, `finish` checks or completes it afterwards.
    public init<L: Layer>(_ className: String, aliases: [String] = [], positional: Int, collectsWords: Bool = false,
                          summary: String, examples: [String] = [], arguments: ArgumentTable<L>,
                          blank: @escaping @Sendable () -> L, finish: (@Sendable (inout L) throws -> Void)? = nil) {
        self.init(className, aliases: aliases, positional: positional, collectsWords: collectsWords, summary: summary,
                  examples: examples, arguments.parameters) { a, seeds in
            var layer = blank()
            try arguments.read(into: &layer, a, seeds: &seeds)
            try finish?(&layer)
            return layer
        }
    }

    public init(_ className: String, aliases: [String] = [], positional: Int, collectsWords: Bool = false,
                summary: String, examples: [String] = [], _ parameters: [Signature.Parameter],
                make: @escaping @Sendable (BoundArguments, inout SeedSource) throws -> any Layer) {
        self.className = className
        self.aliases = aliases
        self.signature = Signature(className, parameters)
        self.positional = positional
        self.collectsWords = collectsWords
        self.summary = summary
        self.examples = examples
        self.make = make
    }

    /// Arguments every layer accepts besides its own.
    public static let commonParameters: [Signature.Parameter] = [
        .init("name", Value.null), .init("trainable", .bool(true)), .init("dtype", Value.null),
        .init("input_shape", Value.null), .init("input_dim", Value.null),
    ]

    /// The layer's own arguments, then the common ones it does not have itself
    /// (Embedding's own `input_dim` is its vocabulary size, not Keras's `input_dim=`).
    public var parameters: [Signature.Parameter] {
        let own = Set(signature.names)
        return signature.parameters + Self.commonParameters.filter { !own.contains($0.name) }
    }

    /// Every layer type, in the order `help` lists them. Swift has no reflection to find
    /// them, so each layer file's `type` (or a family's `types`) is named here once.
    public static let registry = Registry<LayerType>(kind: "layer type", [
        Dense.type, ActivationLayer.type, Dropout.type] + SpatialDropout.types + [GaussianNoise.type, GaussianDropout.type,
        AlphaDropout.type, ActivityRegularization.type, Flatten.type, Reshape.type, Permute.type,
        ReLU.type, LeakyReLU.type, PReLU.type, ELU.type, Softmax.type,
        RepeatVector.type, Embedding.type, Lambda.type,
    ] + Convolution.types + Pooling.types + GlobalPooling.types + LocallyConnected.types
      + ZeroPadding.types + Cropping.types + UpSampling.types
      + Merge.types + [Concatenate.type, Dot.type, IdentityLayer.type, BatchNormalization.type, LayerNormalization.type,
         GroupNormalization.type, UnitNormalization.type, Normalization.type, Rescaling.type])

    /// The layer and, when `input_shape=` was given, the input shape it asks for.
    public func build(_ args: Arguments, seeds: inout SeedSource) throws -> (layer: any Layer, inputShape: [Int]?) {
        let full = Signature(className, parameters)
        let bound = try full.bind(try placeByVocabulary(args))
        if let dtype = try bound.optionalString("dtype"), dtype != "float32" {
            throw LabError("\(className): dtype '\(dtype)' is not supported", suggestion: "LayerLab computes in float32")
        }
        var layer = try make(bound, &seeds)
        layer.trainable = try bound.bool("trainable")
        if let name = try bound.optionalString("name") {
            guard isValidName(name) else {
                throw LabError("\(className): name '\(name)' must be letters, digits, '_', '-' or '.', starting with a letter or '_'")
            }
            layer.name = name
        }
        var inputShape: [Int]?
        switch bound["input_shape"] {
        case .null: break
        case .int(let n): inputShape = [n]
        case .tuple(let items), .list(let items):
            inputShape = try items.map {
                guard case .int(let n) = $0, n > 0 else {
                    throw LabError("\(className): input_shape must hold positive integers, got \(bound["input_shape"].python)")
                }
                return n
            }
        default:
            throw LabError("\(className): input_shape must be a tuple such as (16,), got \(bound["input_shape"].python)")
        }
        switch signature.names.contains("input_dim") ? .null : bound["input_dim"] {
        case .null: break
        case .int(let n) where n > 0:
            // Keras 3's Layer.__init__: input_dim=n is input_shape=(n,); it takes one of the two.
            guard inputShape == nil else {
                throw LabError("\(className): give input_dim= or input_shape=, not both (Keras 3 refuses the pair)",
                               suggestion: "input_dim=\(n) is input_shape=(\(n),)")
            }
            inputShape = [n]
        default:
            throw LabError("\(className): input_dim must be a positive integer, got \(bound["input_dim"].python)",
                           suggestion: "or give input_shape=(\(bound["input_dim"].python),)")
        }
        if let s = inputShape, s.isEmpty || s.contains(where: { $0 <= 0 }) {
            throw LabError("\(className): input_shape must hold positive integers, got \(bound["input_shape"].python)")
        }
        return (layer, inputShape)
    }

    /// The same layer made again from its config, with some arguments replaced:
    /// initializers named in its config draw fresh seeds from `seeds`.
    public func rebuild(_ layer: any Layer, overriding: [Keyword], seeds: inout SeedSource) throws -> any Layer {
        let names = signature.names
        let replaced = Set(overriding.map(\.key))
        let kept = layer.config.filter { names.contains($0.key) && !replaced.contains($0.key) }
        var rebuilt = try build(Arguments([], kept + overriding), seeds: &seeds).layer
        rebuilt.name = layer.name
        rebuilt.trainable = layer.trainable
        return rebuilt
    }

    private func placeByVocabulary(_ args: Arguments) throws -> Arguments {
        if collectsWords, args.positional.count > 1 { return Arguments([.tuple(args.positional)], args.keywords) }
        guard args.positional.count > positional else { return args }
        var result = Arguments(Array(args.positional.prefix(positional)), args.keywords)
        let names = signature.names
        func isFree(_ key: String) -> Bool { names.contains(key) && !result.keywords.contains { $0.key == key } }
        for word in args.positional.dropFirst(positional) {
            // `RandomNormal(stddev=1.0)` among the words is placed like the name `random_normal`.
            if case .call(let callee, _) = word, InitializerType.registry.lookup(callee) != nil,
               let key = names.first(where: { $0.hasSuffix("_initializer") && isFree($0) }) {
                result.keywords.append(Keyword(key, word))
                continue
            }
            guard case .string(let w) = word else {
                throw LabError("\(className): unexpected value \(word.python); after the first \(positional) argument(s), give key=value",
                               suggestion: "valid arguments: \(names.joined(separator: ", "))")
            }
            if Activation.registry.lookup(w) != nil, names.contains("activation") {
                guard isFree("activation") else {
                    throw LabError("\(snakeName): the activation is already set; '\(w)' would set it twice",
                                   suggestion: "give one activation")
                }
                result.keywords.append(Keyword("activation", word))
            } else if InitializerType.registry.lookup(w) != nil, names.contains(where: { $0.hasSuffix("_initializer") }) {
                guard let key = names.first(where: { $0.hasSuffix("_initializer") && isFree($0) }) else {
                    throw LabError("\(snakeName): every initializer argument is already set; '\(w)' has no place",
                                   suggestion: "name the argument, for example kernel_initializer=\(w)")
                }
                result.keywords.append(Keyword(key, word))
            } else {
                throw unknownWord(w, names: names)
            }
        }
        return result
    }
}

extension LayerType {
    /// A bare word that is neither an activation nor an initializer: name the family it
    /// most likely belongs to (`unknown activation 'rleu' — did you mean 'relu'?`).
    func unknownWord(_ w: String, names: [String]) -> LabError {
        var families: [(String, [String])] = []
        if names.contains("activation") { families.append(("activation", Activation.registry.spellings)) }
        if names.contains(where: { $0.hasSuffix("_initializer") }) {
            families.append(("initializer", InitializerType.registry.spellings))
        }
        for (kind, spellings) in families {
            if let near = nearest(to: w, in: spellings) {
                return LabError("unknown \(kind) '\(w)'", suggestion: "did you mean '\(near)'?")
            }
        }
        if families.isEmpty {
            return LabError("\(snakeName) takes \(positional) positional argument(s); '\(w)' is one too many",
                            suggestion: "give other arguments as key=value ('help \(snakeName)' lists them)"
                                + (examples.first.map { ", for example: \($0)" } ?? ""))
        }
        return LabError("\(snakeName): '\(w)' is not an activation or initializer name",
                        suggestion: "give other arguments as key=value ('help \(snakeName)' lists them)")
    }
}

extension Layer {
    /// The registry entry of this layer's Keras class.
    public var layerType: LayerType? { LayerType.registry.lookup(className) }
}

/// Layer names: an identifier that may also hold `-` and `.`, as Keras allows.
public func isValidName(_ name: String) -> Bool {
    guard let first = name.first, first.isLetter || first == "_" else { return false }
    return name.allSatisfy { $0.isLetter || $0.isNumber || "_-.".contains($0) } && !name.contains("/")
}
