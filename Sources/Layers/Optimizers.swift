import TensorCore

/// Keras 3's optimizers as `compile` takes them: a name (`'adam'`, matched like
/// `keras.optimizers.get`: the class name in any case, so `'rms_prop'` is unknown), a call
/// with Keras's arguments (`SGD(learning_rate=0.1, momentum=0.9)`) or a config object.
/// An `Optimizer` is its Keras config, in `get_config()`'s order, with the values Keras
/// keeps (a learning rate rounded to float32, as its variable holds it); the update
/// arithmetic comes with training.
public struct Optimizer: Sendable, Equatable {
    public var className: String
    /// `get_config()`: name, learning_rate, the shared arguments, then the class's own.
    public var config: [Keyword]

    public var object: KerasObject { KerasObject(module: "keras.optimizers", className: className, config: config) }

    public subscript(_ key: String) -> Value { config.first { $0.key == key }?.value ?? .null }

    /// `Adam(learning_rate=0.01)`: the class with the arguments that differ from Keras's defaults.
    public var python: String {
        guard let type = OptimizerType.registry.lookup(className) else { return className }
        let defaults = Dictionary(type.signature.parameters.compactMap { p in p.defaultValue.map { (p.name, $0) } }) { a, _ in a }
        let changed = config.filter { item in item.key != "name" && (defaults[item.key].map { !Optimizer.same($0, item.value) } ?? true) }
        // A float32 value as float32 writes it (0.01, not 0.009999999776482582).
        func shown(_ v: Value) -> String {
            if case .double(let d) = v, Double(Float(d)) == d, let short = Double("\(Float(d))") { return Value.pythonFloat(short) }
            return v.python
        }
        return className + "(" + changed.map { "\($0.key)=\(shown($0.value))" }.joined(separator: ", ") + ")"
    }

    /// The values the optimizer keeps per trainable value (keras-training.md §1): SGD's
    /// momentum when μ ≠ 0; Adam's, AdamW's, Adamax's, Nadam's, Adadelta's and Ftrl's two
    /// (Adam's third with amsgrad); RMSprop's velocity, momentum when μ > 0, the average
    /// gradient when centered; Adagrad's and Lion's one; plus the EMA's average and the
    /// gradient accumulator when those are on.
    public var slotsPerWeight: Int {
        func on(_ key: String) -> Bool {
            switch self[key] {
            case .bool(let b): return b
            case .double(let d): return d != 0
            case .int(let i): return i != 0
            default: return false
            }
        }
        var slots: Int
        switch className {
        case "SGD": slots = on("momentum") ? 1 : 0
        case "Adam", "AdamW": slots = on("amsgrad") ? 3 : 2
        case "RMSprop": slots = 1 + (on("momentum") ? 1 : 0) + (on("centered") ? 1 : 0)
        case "Adagrad", "Lion": slots = 1
        default: slots = 2
        }
        return slots + (on("use_ema") ? 1 : 0) + (on("gradient_accumulation_steps") ? 1 : 0)
    }

    /// A default as written (0.01) against the value kept (float32's 0.009999999776482582).
    static func same(_ a: Value, _ b: Value) -> Bool {
        if case .double(let x) = a, case .double(let y) = b { return Float(x) == Float(y) }
        if case .int(let x) = a, case .double(let y) = b { return Float(x) == Float(y) }
        return a == b
    }
}

public struct OptimizerType: Registered {
    public var className: String
    public var aliases: [String] { [] }
    public var signature: Signature
    /// Keras's auto name (`rm_sprop`, `adam_w`: its to_snake_case of the class).
    public var autoName: String { snakeCase(className) }
    /// The class's own arguments, in the order its config lists them after the shared ones.
    var own: [String]

    /// The shared BaseOptimizer arguments, in constructor order (AdamW puts weight_decay
    /// second, with its own default).
    static let shared: [Signature.Parameter] = [
        .init("weight_decay", .null), .init("clipnorm", .null), .init("clipvalue", .null), .init("global_clipnorm", .null),
        .init("use_ema", .bool(false)), .init("ema_momentum", .double(0.99)), .init("ema_overwrite_frequency", .null),
        .init("loss_scale_factor", .null), .init("gradient_accumulation_steps", .null), .init("name", .null),
    ]
    /// The order `get_config()` lists the shared arguments in.
    static let sharedConfig = ["weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
                               "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"]

    init(_ className: String, learningRate: Double, _ own: [Signature.Parameter], weightDecay: Value = .null) {
        self.className = className
        self.own = own.map(\.name)
        var parameters = [Signature.Parameter("learning_rate", .double(learningRate))] + own + Self.shared
        if weightDecay != .null, let i = parameters.firstIndex(where: { $0.name == "weight_decay" }) {
            parameters.remove(at: i)
            parameters.insert(.init("weight_decay", weightDecay), at: 1)
        }
        signature = Signature(className, parameters)
    }

    /// Keras 3.15.1's constructors (`inspect.signature`), defaults as Keras has them.
    public static let registry = Registry<OptimizerType>(kind: "optimizer", [
        .init("SGD", learningRate: 0.01, [.init("momentum", .double(0)), .init("nesterov", .bool(false))]),
        .init("Adam", learningRate: 0.001, [.init("beta_1", .double(0.9)), .init("beta_2", .double(0.999)),
                                            .init("epsilon", .double(1e-7)), .init("amsgrad", .bool(false))]),
        .init("AdamW", learningRate: 0.001, [.init("beta_1", .double(0.9)), .init("beta_2", .double(0.999)),
                                             .init("epsilon", .double(1e-7)), .init("amsgrad", .bool(false))],
              weightDecay: .double(0.004)),
        .init("RMSprop", learningRate: 0.001, [.init("rho", .double(0.9)), .init("momentum", .double(0)),
                                               .init("epsilon", .double(1e-7)), .init("centered", .bool(false))]),
        .init("Adagrad", learningRate: 0.001, [.init("initial_accumulator_value", .double(0.1)), .init("epsilon", .double(1e-7))]),
        .init("Adadelta", learningRate: 0.001, [.init("rho", .double(0.95)), .init("epsilon", .double(1e-7))]),
        .init("Adamax", learningRate: 0.001, [.init("beta_1", .double(0.9)), .init("beta_2", .double(0.999)), .init("epsilon", .double(1e-7))]),
        .init("Nadam", learningRate: 0.001, [.init("beta_1", .double(0.9)), .init("beta_2", .double(0.999)), .init("epsilon", .double(1e-7))]),
        .init("Lion", learningRate: 0.001, [.init("beta_1", .double(0.9)), .init("beta_2", .double(0.99))]),
        .init("Ftrl", learningRate: 0.001, [.init("learning_rate_power", .double(-0.5)), .init("initial_accumulator_value", .double(0.1)),
                                            .init("l1_regularization_strength", .double(0)), .init("l2_regularization_strength", .double(0)),
                                            .init("l2_shrinkage_regularization_strength", .double(0)), .init("beta", .double(0))]),
    ], snakeNames: false)

    /// What `compile(optimizer=…)` takes: a name, a call or a config.
    public static func make(_ value: Value) throws -> Optimizer {
        let (entry, args) = try registry.entryAndArguments(value, role: "optimizer")
        let bound = try entry.signature.bind(args)
        let who = entry.className
        func number(_ key: String, _ check: (Double) -> Bool = { _ in true }, _ rule: String = "") throws -> Value {
            // Keras refuses an int where it wants a float (SGD(learning_rate=1) is a ValueError).
            guard case .double(let v) = bound[key] else {
                throw LabError("\(who): \(key) must be a float such as \(key)=0.01, got \(bound[key].python)",
                               suggestion: "Keras refuses whole numbers here: write \(bound[key].python).0")
            }
            guard v.isFinite, check(v) else { throw LabError("\(who): \(key) must be \(rule), got \(Value.pythonFloat(v))") }
            return .double(v)
        }
        func optional(_ key: String) throws -> Value {
            bound.isNone(key) ? .null : try number(key, { $0 >= 0 }, "a number ≥ 0 or None")
        }
        var config: [Keyword] = [Keyword("name", bound.isNone("name") ? .string(entry.autoName) : .string(try bound.string("name")))]
        // The learning rate lives in a float32 variable; a schedule object is kept as it is.
        switch bound["learning_rate"] {
        case .call, .object:
            let schedule = try LearningRateSchedule.make(bound["learning_rate"])
            config.append(Keyword("learning_rate", .object(schedule)))
        default:
            let lr = try number("learning_rate", { $0 > 0 }, "positive")
            if case .double(let v) = lr { config.append(Keyword("learning_rate", .double(Double(Float(v))))) }
        }
        let clips = ["clipnorm", "clipvalue", "global_clipnorm"].filter { !bound.isNone($0) }
        guard clips.count <= 1 else {
            throw LabError("\(who): only one of clipnorm, clipvalue and global_clipnorm can be set, got \(clips.joined(separator: ", "))")
        }
        for key in sharedConfig {
            switch key {
            case "use_ema": config.append(Keyword(key, .bool(try bound.bool(key))))
            case "ema_momentum": config.append(Keyword(key, try number(key, { $0 >= 0 && $0 <= 1 }, "between 0 and 1")))
            case "ema_overwrite_frequency", "gradient_accumulation_steps":
                config.append(Keyword(key, bound.isNone(key) ? .null : .int(try bound.positiveInt(key))))
            default: config.append(Keyword(key, try optional(key)))
            }
        }
        for key in entry.own {
            switch bound[key] {
            case .bool: config.append(Keyword(key, .bool(try bound.bool(key))))
            default:
                let rule: (Double) -> Bool
                switch (who, key) {
                case ("SGD", "momentum"), ("RMSprop", "momentum"): rule = { $0 >= 0 && $0 <= 1 }
                case ("Lion", "beta_1"): rule = { $0 > 0 && $0 <= 1 }
                case ("Ftrl", "learning_rate_power"): rule = { $0 <= 0 }
                default: rule = { $0 >= 0 }
                }
                config.append(Keyword(key, try number(key, rule, key == "learning_rate_power" ? "≤ 0" : "in Keras's range")))
            }
        }
        return Optimizer(className: who, config: config)
    }
}

/// Keras's learning-rate schedules, kept as their configs (`ExponentialDecay(0.1, 1000, 0.96)`).
public struct LearningRateSchedule: Registered {
    public var className: String
    public var aliases: [String] { [] }
    public var signature: Signature

    public static let registry = Registry<LearningRateSchedule>(kind: "learning-rate schedule", [
        .init(className: "ExponentialDecay", signature: Signature("ExponentialDecay", [
            .init("initial_learning_rate", nil), .init("decay_steps", nil), .init("decay_rate", nil),
            .init("staircase", .bool(false)), .init("name", .string("ExponentialDecay"))])),
        .init(className: "PiecewiseConstantDecay", signature: Signature("PiecewiseConstantDecay", [
            .init("boundaries", nil), .init("values", nil), .init("name", .string("PiecewiseConstant"))])),
        .init(className: "CosineDecay", signature: Signature("CosineDecay", [
            .init("initial_learning_rate", nil), .init("decay_steps", nil), .init("alpha", .double(0)),
            .init("name", .string("CosineDecay")), .init("warmup_target", .null), .init("warmup_steps", .int(0))])),
        .init(className: "PolynomialDecay", signature: Signature("PolynomialDecay", [
            .init("initial_learning_rate", nil), .init("decay_steps", nil), .init("end_learning_rate", .double(0.0001)),
            .init("power", .double(1)), .init("cycle", .bool(false)), .init("name", .string("PolynomialDecay"))])),
        .init(className: "InverseTimeDecay", signature: Signature("InverseTimeDecay", [
            .init("initial_learning_rate", nil), .init("decay_steps", nil), .init("decay_rate", nil),
            .init("staircase", .bool(false)), .init("name", .string("InverseTimeDecay"))])),
    ])

    /// The schedule's config object, its arguments in constructor order.
    static func make(_ value: Value) throws -> KerasObject {
        let (entry, args) = try registry.entryAndArguments(value, role: "learning_rate")
        let bound = try entry.signature.bind(args)
        if case .int(let steps) = bound["decay_steps"], steps <= 0 {
            throw LabError("\(entry.className): decay_steps must be a positive whole number, got \(steps)")
        }
        return KerasObject(module: "keras.optimizers.schedules", className: entry.className,
                           config: entry.signature.names.map { Keyword($0, bound[$0]) })
    }
}
