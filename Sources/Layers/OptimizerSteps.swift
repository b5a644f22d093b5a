import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// What an optimizer keeps between steps (Keras's optimizer variables): the iteration
/// counter, each trainable value's slots in the class's order (keras-training.md §1) and
/// Nadam's running product.
public struct OptimizerState: Sendable, Equatable {
    /// Keras's `iterations`: steps taken so far (int32 in Keras).
    public var iterations = 0
    /// Per trainable value, its slots (`momentum`, `velocity` …), each of the value's shape.
    public var slots: [[Tensor]] = []
    /// Per trainable value, the EMA's average (when use_ema).
    public var averages: [Tensor] = []
    /// Nadam's u_product, which starts at 1.
    public var product: Float = 1

    public init() {}
}

extension Optimizer {
    func number(_ key: String, _ fallback: Double = 0) -> Double {
        switch self[key] {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return fallback
        }
    }
    func flag(_ key: String) -> Bool { self[key] == .bool(true) }

    /// The learning rate of step `iteration` (0 for the first): the float32 variable, or the
    /// schedule's value at that step, computed in float32 as Keras computes it.
    public func learningRate(at iteration: Int) -> Float {
        guard case .object(let schedule) = self["learning_rate"] else { return Float(number("learning_rate", 0.001)) }
        func value(_ key: String) -> Value { schedule.config.first { $0.key == key }?.value ?? .null }
        func f(_ key: String, _ d: Float = 0) -> Float {
            switch value(key) {
            case .double(let x): return Float(x)
            case .int(let i): return Float(i)
            default: return d
            }
        }
        let s = Float(iteration)
        let initial = f("initial_learning_rate"), steps = f("decay_steps", 1)
        switch schedule.className {
        case "ExponentialDecay":
            var p = s / steps
            if value("staircase") == .bool(true) { p = p.rounded(.down) }
            return initial * powf(f("decay_rate"), p)
        case "PiecewiseConstantDecay":
            func floats(_ key: String) -> [Float] {
                switch value(key) {
                case .list(let l), .tuple(let l):
                    return l.map { v -> Float in
                        if case .double(let d) = v { return Float(d) }
                        if case .int(let i) = v { return Float(i) }
                        return 0
                    }
                default: return []
                }
            }
            let boundaries = floats("boundaries"), values = floats("values")
            for (i, b) in boundaries.enumerated() where s <= b { return i < values.count ? values[i] : 0 }
            return values.last ?? 0
        case "CosineDecay":
            let alpha = f("alpha")
            func decayed(_ step: Float, from lr: Float) -> Float {
                let cosine = 0.5 * (1 + cosf(Float.pi * (step / steps)))
                return lr * ((1 - alpha) * cosine + alpha)
            }
            guard value("warmup_target") != .null else { return decayed(min(s, steps), from: initial) }
            let target = f("warmup_target"), warmup = f("warmup_steps")
            let step = min(s, steps + warmup)
            return step < warmup ? (target - initial) * (step / warmup) + initial : decayed(step - warmup, from: target)
        case "PolynomialDecay":
            let end = f("end_learning_rate", 0.0001), power = f("power", 1)
            var step = s, decay = steps
            if value("cycle") == .bool(true) {
                decay *= s == 0 ? 1 : (s / steps).rounded(.up)
            } else {
                step = min(s, steps)
            }
            return (initial - end) * powf(1 - step / decay, power) + end
        case "InverseTimeDecay":
            var p = s / steps
            if value("staircase") == .bool(true) { p = p.rounded(.down) }
            return initial / (1 + f("decay_rate") * p)
        default:
            return initial
        }
    }

    /// The slots a trainable value starts with (zeros, Adagrad's and Ftrl's accumulators at
    /// initial_accumulator_value).
    func initialSlots(for w: Tensor) throws -> [Tensor] {
        let zeros = try Tensor(zeros: w.shape)
        switch className {
        case "Adagrad": return [try Tensor(zeros: w.shape, value: Float(number("initial_accumulator_value", 0.1)))]
        case "Ftrl": return [try Tensor(zeros: w.shape, value: Float(number("initial_accumulator_value", 0.1))), zeros]
        default: return Array(repeating: zeros, count: max(0, slotsPerWeight - (flag("use_ema") ? 1 : 0)
                                                             - (self["gradient_accumulation_steps"] == .null ? 0 : 1)))
        }
    }

    /// One optimizer step, in Keras's order (keras-training.md, trap 6): gradients divided by
    /// loss_scale_factor, clipped, weight decay, the class's update for each value, the EMA,
    /// the constraints, then `iterations` += 1. `weights[i]` is updated with `gradients[i]`;
    /// `constraints[i]` (nil: none) acts after the update.
    public func apply(_ gradients: [Tensor], to weights: inout [Tensor], state: inout OptimizerState,
                      constraints: [(any Constraint)?]) throws {
        guard gradients.count == weights.count else {
            throw LabError("\(className): \(gradients.count) gradients for \(weights.count) weights")
        }
        // Slots made for other weights (a layer added or rebuilt since the last step) start afresh.
        let fits = state.slots.count == weights.count
            && zip(state.slots, weights).allSatisfy { slots, w in slots.allSatisfy { $0.shape == w.shape } }
        if !fits {
            state.slots = try weights.map(initialSlots(for:))
            state.averages = []
        }
        var grads = gradients
        if case .double(let s) = self["loss_scale_factor"] { grads = grads.map { g in g.map { $0 / Float(s) } } }
        // Clipping.
        if case .double(let c) = self["clipnorm"], c > 0 {
            let c = Float(c)
            grads = grads.map { g in
                let sum = g.scalars.reduce(Float(0)) { $0 + $1 * $1 }
                let norm = sum > 0 ? sum.squareRoot() : sum
                return g.map { $0 * c / max(norm, c) }
            }
        } else if case .double(let c) = self["global_clipnorm"], c > 0 {
            let c = Float(c)
            let norm = grads.reduce(Float(0)) { total, g in total + g.scalars.reduce(Float(0)) { $0 + $1 * $1 } }.squareRoot()
            let scale = c * min(1 / norm, 1 / c)
            grads = grads.map { g in g.map { $0 * scale } }
        } else if case .double(let c) = self["clipvalue"], c > 0 {
            let c = Float(c)
            grads = grads.map { g in g.map { min(max($0, -c), c) } }
        }
        let lr = learningRate(at: state.iterations)
        // Decoupled weight decay, on every trainable value.
        if case .double(let wd) = self["weight_decay"], wd != 0 {
            let wd = Float(wd)
            weights = weights.map { w in w.map { $0 - $0 * wd * lr } }
        }
        let t = Float(state.iterations + 1)
        if className == "Nadam" {
            // (P · β₁) · (1 − ½·0.96ᵗ), in Keras's order of rounding.
            state.product = state.product * Float(number("beta_1", 0.9)) * (1 - 0.5 * powf(0.96, t))
        }
        for i in weights.indices {
            try update(&weights[i], grads[i], &state.slots[i], lr: lr, t: t, product: state.product)
        }
        if flag("use_ema") {
            let momentum = Float(number("ema_momentum", 0.99))
            if state.averages.isEmpty || state.iterations == 0 {
                state.averages = weights
            } else {
                state.averages = try zip(state.averages, weights).map { a, w in try Tensor.combine(a, w) { momentum * $0 + (1 - momentum) * $1 } }
            }
            if case .int(let n) = self["ema_overwrite_frequency"], n > 0, (state.iterations + 1) % n == 0 { weights = state.averages }
        }
        for i in weights.indices {
            if let c = constraints.indices.contains(i) ? constraints[i] : nil { weights[i] = try c.apply(weights[i]) }
        }
        state.iterations += 1
    }

    /// The class's update of one value (keras-training.md §1), elementwise in float32.
    /// Hyper-parameters are float32; 1 − β is computed in double and rounded (Adam, Adamax,
    /// RMSprop, Adadelta) or in float32 (Nadam, Lion), as Keras's expressions do. The values
    /// and slots are updated in place, a large tensor split over the cores.
    private func update(_ w: inout Tensor, _ g: Tensor, _ slots: inout [Tensor], lr: Float, t: Float, product: Float) throws {
        func f(_ key: String, _ d: Double) -> Float { Float(number(key, d)) }
        func oneMinus(_ key: String, _ d: Double) -> Float { Float(1 - number(key, d)) }
        let eps = f("epsilon", 1e-7)
        // One step over elements `r` of the value `w`, its gradient `g` and up to three slots.
        typealias Step = (Range<Int>, UnsafeMutablePointer<Float>, UnsafePointer<Float>,
                          UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
        let step: Step
        switch className {
        case "SGD":
            let mu = f("momentum", 0), nesterov = flag("nesterov"), momentum = !slots.isEmpty
            step = { r, w, g, m, _, _ in
                for j in r {
                    if momentum {
                        m[j] = m[j] * mu - g[j] * lr
                        w[j] += nesterov ? m[j] * mu - g[j] * lr : m[j]
                    } else {
                        w[j] -= g[j] * lr
                    }
                }
            }
        case "Adam", "AdamW":
            let b1 = f("beta_1", 0.9), b2 = f("beta_2", 0.999)
            let alpha = lr * (1 - powf(b2, t)).squareRoot() / (1 - powf(b1, t))
            let c1 = oneMinus("beta_1", 0.9), c2 = oneMinus("beta_2", 0.999)
            let amsgrad = flag("amsgrad") && slots.count > 2
            step = { r, w, g, m, v, vhat in
                for j in r {
                    m[j] += (g[j] - m[j]) * c1
                    v[j] += (g[j] * g[j] - v[j]) * c2
                    var vj = v[j]
                    if amsgrad { vhat[j] = max(vhat[j], v[j]); vj = vhat[j] }
                    w[j] -= m[j] * alpha / (vj.squareRoot() + eps)
                }
            }
        case "RMSprop":
            let rho = f("rho", 0.9), c = oneMinus("rho", 0.9), mu = f("momentum", 0)
            let centered = flag("centered")
            // Slots: velocity, then momentum (μ > 0), then the average gradient (centered).
            step = { r, w, g, v, second, third in
                let p = second, a = mu > 0 ? third : second
                for j in r {
                    v[j] = rho * v[j] + c * (g[j] * g[j])
                    let d: Float
                    if centered {
                        a[j] = rho * a[j] + c * g[j]
                        d = v[j] - a[j] * a[j] + eps
                    } else {
                        d = v[j] + eps
                    }
                    let inc = lr * g[j] / d.squareRoot()
                    if mu > 0 { p[j] = mu * p[j] + inc; w[j] -= p[j] } else { w[j] -= inc }
                }
            }
        case "Adagrad":
            step = { r, w, g, acc, _, _ in
                for j in r {
                    acc[j] += g[j] * g[j]
                    w[j] -= lr * g[j] / (acc[j] + eps).squareRoot()
                }
            }
        case "Adadelta":
            let rho = f("rho", 0.95), c = oneMinus("rho", 0.95)
            step = { r, w, g, eg, ed, _ in
                for j in r {
                    eg[j] = rho * eg[j] + c * (g[j] * g[j])
                    let delta = -((ed[j] + eps).squareRoot() * g[j] / (eg[j] + eps).squareRoot())
                    ed[j] = rho * ed[j] + c * (delta * delta)
                    w[j] += lr * delta
                }
            }
        case "Adamax":
            let b1 = f("beta_1", 0.9), b2 = f("beta_2", 0.999), c1 = oneMinus("beta_1", 0.9)
            let correction = 1 - powf(b1, t)
            step = { r, w, g, m, u, _ in
                for j in r {
                    m[j] += (g[j] - m[j]) * c1
                    u[j] = max(b2 * u[j], abs(g[j]))
                    w[j] -= lr * m[j] / (correction * (u[j] + eps))
                }
            }
        case "Nadam":
            let b1 = f("beta_1", 0.9), b2 = f("beta_2", 0.999)
            let ut = b1 * (1 - 0.5 * powf(0.96, t)), ut1 = b1 * (1 - 0.5 * powf(0.96, t + 1))
            let next = product * ut1, b2t = powf(b2, t)
            step = { r, w, g, m, v, _ in
                for j in r {
                    m[j] += (g[j] - m[j]) * (1 - b1)
                    v[j] += (g[j] * g[j] - v[j]) * (1 - b2)
                    let mhat = ut1 * m[j] / (1 - next) + (1 - ut) * g[j] / (1 - product)
                    let vhat = v[j] / (1 - b2t)
                    w[j] -= mhat * lr / (vhat.squareRoot() + eps)
                }
            }
        case "Lion":
            let b1 = f("beta_1", 0.9), b2 = f("beta_2", 0.99)
            step = { r, w, g, m, _, _ in
                for j in r {
                    let c = m[j] * b1 + g[j] * (1 - b1)
                    w[j] -= lr * (c > 0 ? 1 : c < 0 ? -1 : 0)
                    m[j] = m[j] * b2 + g[j] * (1 - b2)
                }
            }
        case "Ftrl":
            let power = f("learning_rate_power", -0.5), l1 = f("l1_regularization_strength", 0)
            let l2 = f("l2_regularization_strength", 0), shrinkage = f("l2_shrinkage_regularization_strength", 0)
            let l2Adjusted = l2 + f("beta", 0) / (2 * lr)
            step = { r, w, g, acc, lin, _ in
                for j in r {
                    let a = acc[j] + g[j] * g[j]
                    let gShrunk = g[j] + 2 * shrinkage * w[j]
                    lin[j] += gShrunk - (powf(a, -power) - powf(acc[j], -power)) / lr * w[j]
                    let q = powf(a, -power) / lr + 2 * l2Adjusted
                    w[j] = (min(max(lin[j], -l1), l1) - lin[j]) / q
                    acc[j] = a
                }
            }
        default:
            throw LabError("\(className): LayerLab cannot train with it yet")
        }
        // Taken out of their tensors, the slots are uniquely referenced: updated in place.
        func take(_ i: Int) -> [Float] {
            guard i < slots.count else { return [0] }
            let values = slots[i].scalars
            slots[i].scalars = []
            return values
        }
        var ws = w.scalars, s0 = take(0), s1 = take(1), s2 = take(2)
        w.scalars = []
        let n = ws.count
        g.scalars.withUnsafeBufferPointer { gb in
            ws.withUnsafeMutableBufferPointer { wb in
                s0.withUnsafeMutableBufferPointer { b0 in
                    s1.withUnsafeMutableBufferPointer { b1 in
                        s2.withUnsafeMutableBufferPointer { b2 in
                            guard let wp = wb.baseAddress, let gp = gb.baseAddress, let p0 = b0.baseAddress, let p1 = b1.baseAddress,
                                  let p2 = b2.baseAddress else { return }
                            Parallel.ranges(n, minimum: 1 << 15) { r in step(r, wp, gp, p0, p1, p2) }
                        }
                    }
                }
            }
        }
        w.scalars = ws
        for (i, values) in [s0, s1, s2].enumerated() where i < slots.count { slots[i].scalars = values }
    }
}
