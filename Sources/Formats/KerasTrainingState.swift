import Layers
import Models
import TensorCore

/// What a .keras file carries of training (keras-training.md §7): `compile_config` in
/// config.json and the optimizer's variables in model.weights.h5 under `optimizer/vars/`:
/// `0` iteration (int32), `1` learning_rate (float32; absent with a schedule), then the EMA
/// averages (use_ema), then the slots in Keras's order — each `add_optimizer_variables`
/// call of the class interleaves its slots per trainable value (Adam: k_m, k_v, b_m, b_v,
/// then amsgrad's k_v̂, b_v̂; RMSprop: velocities, momentums, average gradients) — over
/// `model.trainable_variables`, then Nadam's u_product.
enum KerasTraining {
    // MARK: - compile_config

    /// Keras's `compile_config` for a compiled model.
    static func compileConfig(_ c: Compilation) -> JSON {
        let loss: JSON
        if let l = c.loss {
            if let name = quoted(c.lossText) { loss = .string(name) } else { loss = JSON(.object(l.object)) }
        } else {
            loss = .null
        }
        return .object([
            ("optimizer", JSON(.object(c.optimizer.object))), ("loss", loss), ("loss_weights", .null),
            ("metrics", c.metrics.isEmpty ? .null : .array(c.metrics.map(JSON.string))), ("weighted_metrics", .null),
            ("run_eagerly", .bool(false)), ("steps_per_execution", .int(1)), ("jit_compile", .bool(true)),
        ])
    }

    /// `'mse'` → mse (a loss given by name is saved as its name, as Keras does).
    static func quoted(_ text: String) -> String? {
        guard text.count >= 2, let f = text.first, f == "'" || f == "\"", text.last == f else { return nil }
        return String(text.dropFirst().dropLast())
    }

    /// The compilation a `compile_config` describes, as far as LayerLab supports it: nil
    /// (with a note) when it cannot be kept; an unsupported metric is dropped with a note.
    static func compilation(from config: JSON?, notes: inout [String]) -> Compilation? {
        guard let config, case .object(let items) = config, !items.isEmpty, let optimizer = config["optimizer"], optimizer != .null else {
            return nil
        }
        for key in ["loss_weights", "weighted_metrics"] {
            if let v = config[key], v != .null {
                notes.append("the model opens uncompiled: LayerLab does not support compile's \(key) (\(v.text))")
                return nil
            }
        }
        var metrics: [Value] = []
        for m in config["metrics"]?.array ?? [] {
            if m.string != nil, (try? Compilation.make(optimizer: .null, loss: .null, metrics: .list([m.value]))) != nil {
                metrics.append(m.value)
                continue
            }
            notes.append("the metric \(m.string.map { "'\($0)'" } ?? m.text) is not supported by LayerLab and was left out")
        }
        let lossValue = config["loss"]?.value ?? .null
        do {
            var c = try Compilation.make(optimizer: optimizer.value, loss: lossValue, metrics: .list(metrics))
            if case .object(let o) = lossValue, let loss = c.loss {
                c.lossText = Value.call(o.className, Arguments([], loss.changedConfig)).python
            }
            return c
        } catch let e as LabError {
            notes.append("the model opens uncompiled: its compile_config is not supported (\(e.message))")
            return nil
        } catch {
            notes.append("the model opens uncompiled: its compile_config is not supported (\(error))")
            return nil
        }
    }

    // MARK: - Order of the trainable values

    /// Trainable values as LayerLab's optimizer sees them (`Model.gradients`: node order),
    /// and, for each position in Keras's `model.trainable_variables` (layers in
    /// `kerasOrder`), the LayerLab index and shape.
    static func kerasOrder(_ model: Model) throws -> [(index: Int, shape: [Int])] {
        var lab: [String: (Int, [Int])] = [:]
        var count = 0
        for node in model.nodes where node.layer.trainable {
            for spec in try model.weightSpecs(of: node) where spec.trainable {
                lab[node.name + "/" + spec.name] = (count, spec.shape)
                count += 1
            }
        }
        var result: [(Int, [Int])] = []
        for name in model.kerasOrder {
            guard let node = model.node(named: name), node.layer.trainable else { continue }
            for spec in try model.weightSpecs(of: node) {
                if let entry = lab[name + "/" + spec.name] { result.append(entry) }
            }
        }
        return result
    }

    /// LayerLab's slot indices, grouped as Keras's `add_optimizer_variables` calls create them.
    static func slotGroups(_ o: Optimizer) -> [[Int]] {
        let n = o.slotsPerWeight - (flag(o, "use_ema") ? 1 : 0) - (o["gradient_accumulation_steps"] == .null ? 0 : 1)
        switch o.className {
        case "Adam", "AdamW": return n == 3 ? [[0, 1], [2]] : [[0, 1]]
        case "RMSprop": return (0..<n).map { [$0] }
        default: return n == 0 ? [] : [Array(0..<n)]
        }
    }

    static func flag(_ o: Optimizer, _ key: String) -> Bool { o[key] == .bool(true) }
    static func number(_ o: Optimizer, _ key: String) -> Double {
        switch o[key] {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return 0.001
        }
    }

    static func hasSchedule(_ o: Optimizer) -> Bool {
        if case .object = o["learning_rate"] { return true }
        return false
    }

    // MARK: - Writing

    /// `optimizer/vars/…` of a compiled model. An optimizer that has not stepped yet (or one
    /// with gradient accumulation, which LayerLab does not keep, or a state that no longer
    /// fits the model) is written as Keras writes an unbuilt one: iteration and
    /// learning_rate only.
    static func write(_ model: Model, into root: HDF5Group) throws {
        guard let c = model.compilation else { return }
        let o = c.optimizer, state = c.state
        let vars = try root.createGroup("optimizer").createGroup("vars")
        let name: String
        if case .string(let s) = o["name"] { name = s } else { name = snakeCase(o.className) }
        try vars.setAttribute("name", name)
        guard state.iterations <= Int(Int32.max) else { throw LabError("the optimizer's iteration count \(state.iterations) does not fit Keras's int32") }
        var index = 0
        func next() -> String { defer { index += 1 }; return String(index) }
        try vars.writeInt32Scalar(next(), Int32(state.iterations))
        if !hasSchedule(o) { try vars.writeDataset(next(), Tensor(zeros: [], value: Float(number(o, "learning_rate")))) }
        guard !state.slots.isEmpty, o["gradient_accumulation_steps"] == .null else { return }
        // A state that no longer fits the model (a layer added or removed since the steps
        // were taken) is written as an unbuilt optimizer: Keras, and LayerLab, start afresh.
        let order = try kerasOrder(model)
        let groups = slotGroups(o)
        let slotCount = groups.reduce(0) { $0 + $1.count }
        let fits = order.count == state.slots.count && order.allSatisfy { entry in
            entry.index < state.slots.count && state.slots[entry.index].count == slotCount
                && state.slots[entry.index].allSatisfy { $0.shape == entry.shape }
        } && (!flag(o, "use_ema") || (state.averages.count == order.count && order.allSatisfy { state.averages[$0.index].shape == $0.shape }))
        guard fits else { return }
        if flag(o, "use_ema") {
            for entry in order { try vars.writeDataset(next(), state.averages[entry.index]) }
        }
        for group in groups {
            for entry in order {
                for s in group { try vars.writeDataset(next(), state.slots[entry.index][s]) }
            }
        }
        if o.className == "Nadam" { try vars.writeDataset(next(), Tensor(zeros: [], value: state.product)) }
    }

    // MARK: - Reading

    /// The optimizer variables of `optimizer/vars/` into `compilation.state` (the model's
    /// weights are already read). A file with only iteration (and learning_rate) gives a
    /// fresh state: Keras saved an optimizer that had not been built.
    static func read(_ root: HDF5Group, into model: inout Model, notes: inout [String]) throws {
        guard var c = model.compilation else { return }
        guard let opt = try root.group("optimizer"), let vars = try opt.group("vars") else { return }
        let o = c.optimizer
        let names = try vars.childNames()
        let order = try kerasOrder(model)
        let schedule = hasSchedule(o)
        let head = schedule ? 1 : 2
        let ema = flag(o, "use_ema")
        let groups = slotGroups(o)
        let perValue = groups.reduce(0) { $0 + $1.count } + (ema ? 1 : 0)
        let built = head + perValue * order.count + (o.className == "Nadam" ? 1 : 0)
        func mismatch(_ why: String) -> LabError {
            LabError("optimizer/vars in model.weights.h5 does not fit the \(o.className) optimizer of compile_config: \(why)")
        }
        let expectedNames = Set((0..<max(names.count, 1)).map(String.init))
        guard Set(names).isSubset(of: expectedNames), names.count == Set(names).count else {
            throw mismatch("it holds \(names.count) entries not numbered 0, 1, …")
        }
        guard names.count >= 1, vars.hasDataset("0") else { throw mismatch("it has no iteration counter (dataset 0)") }
        let iterations = try vars.readIntScalar("0")
        guard iterations >= 0 else { throw mismatch("the iteration counter is \(iterations)") }
        var state = OptimizerState()
        state.iterations = iterations
        if !schedule {
            guard names.count >= 2, vars.hasDataset("1") else { throw mismatch("it has no learning_rate (dataset 1)") }
            let lr = try vars.readDataset("1", expecting: []).scalars[0]
            // The variable is what Keras steps with; compile_config holds the same value.
            if lr.isFinite, lr > 0, Float(number(o, "learning_rate")) != lr {
                c.optimizer.config = o.config.map { $0.key == "learning_rate" ? Keyword($0.key, .double(Double(lr))) : $0 }
            }
        }
        if names.count == head || (o["gradient_accumulation_steps"] != .null) {
            // An unbuilt optimizer (or gradient accumulation, whose state LayerLab does not keep).
            if names.count != head { notes.append("the optimizer's state was not restored: LayerLab does not keep gradient accumulation") }
            state.iterations = names.count == head ? iterations : 0
            c.state = state
            model.compilation = c
            return
        }
        guard names.count == built else {
            throw mismatch("it holds \(names.count) variables, but \(o.className) on this model's \(order.count) trainable weights has \(built)")
        }
        var index = head
        func next(_ shape: [Int]) throws -> Tensor {
            defer { index += 1 }
            let t = try vars.readDataset(String(index), expecting: shape)
            guard t.scalars.allSatisfy(\.isFinite) else { throw mismatch("optimizer/vars/\(index) holds NaN or Inf") }
            return t
        }
        var slots = [[Tensor]](repeating: [], count: order.count)
        var averages = [Tensor?](repeating: nil, count: order.count)
        if ema { for entry in order { averages[entry.index] = try next(entry.shape) } }
        // The groups run through the slot indices in increasing order, so each value's
        // slots arrive in LayerLab's order.
        for group in groups {
            for entry in order {
                for _ in group { slots[entry.index].append(try next(entry.shape)) }
            }
        }
        state.slots = slots
        state.averages = ema ? averages.compactMap { $0 } : []
        if o.className == "Nadam" {
            let p = try next([]).scalars[0]
            state.product = p
        }
        c.state = state
        model.compilation = c
    }
}

extension Loss {
    /// The config entries that differ from a fresh loss of the class (for `lossText`).
    var changedConfig: [Keyword] {
        var items: [Keyword] = []
        if fromLogits { items.append(Keyword("from_logits", .bool(true))) }
        if labelSmoothing != 0 { items.append(Keyword("label_smoothing", .double(labelSmoothing))) }
        if delta != 1 { items.append(Keyword("delta", .double(delta))) }
        return items
    }
}
