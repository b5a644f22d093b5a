import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let losses = Command(
        name: "losses", usage: "losses [--history]",
        summary: "every regularizer's penalty on the current weights (and on the last forward's outputs), as Keras's model.losses lists them",
        examples: ["losses", "losses --history"],
        flags: [.init(name: "history", value: nil, help: "each weight penalty per epoch of the fits since compile, drawn")]
    ) { inv, session in
        try inv.noArguments()
        if inv.has("history") { return try session.showPenaltyHistory() }
        let weights = try session.model.weightPenalties()
        let activity = session.currentActivityPenalties()
        let all = activity.penalties + weights
        guard !all.isEmpty || session.model.nodes.contains(where: { $0.layer.activityRegularizer != nil }) else {
            session.say("no layer has a regularizer — add one with kernel_regularizer=l2(0.01), bias_regularizer=… or activity_regularizer=…")
            return
        }
        var table = Table(headers: ["#", "Layer", "On", "Regularizer", "Penalty"], alignments: [.right, .left, .left, .left, .right])
        for (i, p) in all.enumerated() {
            let on = p.source == "activity" ? "activity (output ÷ batch \(activity.batch))" : "\(p.layer)/\(p.source)"
            table.rows.append(["\(i)", p.layer, on, Value.object(p.regularizer.object).python, Format.compact(p.value, 6)])
        }
        session.say(table.render(style: session.style))
        let total = all.reduce(0) { $0 + $1.value }
        session.say(" Total regularization penalty: \(Format.compact(total, 6))")
        session.say(session.style.dim(" Order as Keras's model.losses: activity penalties first, then weight penalties layer by layer."))
        if let missing = activity.missing { session.say(session.style.dim(" " + missing)) }
    }

    static let constrain = Command(
        name: "constrain", usage: "constrain LAYER | constrain --all",
        summary: "apply a layer's constraints now, as an optimizer step would, and show what changed",
        examples: ["constrain dense", "constrain --all"],
        flags: [.init(name: "all", value: nil, help: "every layer that has a constraint")]
    ) { inv, session in
        let names: [String]
        if inv.has("all") {
            try inv.noArguments()
            names = session.model.nodes.filter { node in
                ((try? session.model.weightSpecs(of: node)) ?? []).contains { $0.constraint != nil }
            }.map(\.name)
            guard !names.isEmpty else { throw LabError("no layer has a constraint", suggestion: "add one with kernel_constraint=max_norm(2)") }
        } else {
            names = [try inv.name("layer name")]
        }
        let reports = try session.change { model -> [String] in
            var lines: [String] = []
            for name in names {
                guard let node = model.node(named: name) else { throw model.layerNotFound(name) }
                let specs = try model.weightSpecs(of: node)
                guard specs.contains(where: { $0.constraint != nil }) else {
                    throw LabError("\(name) has no constraint", suggestion: "set one with kernel_constraint=… or bias_constraint=…")
                }
                for (spec, w) in zip(specs, node.layer.weights) {
                    guard let c = spec.constraint else { continue }
                    let out: Tensor
                    do { out = try c.apply(w) } catch let e as LabError { throw e.at("\(name)/\(spec.name)") }
                    try model.setWeight(layer: name, weight: spec.name, to: out)
                    lines += describeConstraint("\(name)/\(spec.name)", c, before: w, after: out)
                }
            }
            return lines
        }
        reports.forEach(session.say)
    }

    static let norms = Command(
        name: "norms", usage: "norms LAYER/WEIGHT [--axis A] [--history]",
        summary: "the norms a constraint looks at: one per slice along the axes, as a table and a histogram",
        examples: ["norms dense/kernel", "norms dense/kernel --axis 1", "norms conv2d/kernel --axis (0,1,2)", "norms dense/kernel --history"],
        flags: [.init(name: "axis", value: "A", help: "axis or tuple of axes to take norms over (default: the constraint's, else all but the last)"),
                .init(name: "history", value: nil, help: "the norms at the start and after each epoch of the fits since compile, drawn")]
    ) { inv, session in
        let path = try inv.name("weight path (LAYER/WEIGHT)")
        if inv.has("history") {
            if inv.has("axis") { throw LabError("norms --history shows the norms fit recorded (over the constraint's axes, else all but the last): it takes no --axis") }
            return try session.showNormHistory(path)
        }
        let (_, spec, w) = try session.model.weight(path)
        let axes: Set<Int>
        if let item = inv.flags["axis"], let item {
            guard case .value(let v) = item else { throw LabError("norms: --axis takes an axis or a tuple such as (0, 1, 2)") }
            axes = try resolveAxes(v, rank: w.rank)
        } else if let a = spec.constraint?.normAxes(rank: w.rank) {
            axes = a
        } else {
            axes = Set(0..<max(1, w.rank - 1))
        }
        let (values, _) = w.norms(reducing: axes)
        let axisText = axes.count == 1 ? "axis \(axes.first ?? 0)" : "axes \(axes.sorted())"
        session.say(session.style.bold("\(path) \(Tensor.describe(w.shape))") + ": \(values.count) norms over \(axisText)"
                    + (spec.constraint.map { ", constrained by " + Value.object($0.object).python } ?? ""))
        var table = Table(headers: ["slice", "norm"], alignments: [.right, .right])
        let shown = values.count <= 12 ? Array(values.indices) : Array(0..<6) + Array((values.count - 6)..<values.count)
        for (k, i) in shown.enumerated() {
            if values.count > 12, k == 6 { table.rows.append(["…", "…"]) }
            table.rows.append(["\(i)", Format.compact(values[i], 5)])
        }
        let view = DistributionView(title: "norms of \(path)", values: values.map { Float($0) }, distribution: nil, note: nil)
        if values.count >= 10 {
            let (bins, _) = session.histogramLayout(bins: nil, textWidth: 30)
            let h = Histogram(view.values, bins: min(bins, 40), distribution: nil)
            session.say(Session.sideBySide(table.render(style: session.style).split(separator: "\n").map(String.init),
                                           HistogramText.render(h, bounds: nil, style: session.style), beside: session.width >= 90))
        } else {
            session.say(table.render(style: session.style))
        }
        session.say(view.statisticsLines().prefix(2).joined(separator: "\n"))
    }

    /// What a constraint did to a weight: norms before and after, how many values changed, the largest change.
    static func describeConstraint(_ path: String, _ c: any Constraint, before: Tensor, after: Tensor) -> [String] {
        var changed = 0, moved = 0
        var largest: Float = 0
        for (a, b) in zip(before.scalars, after.scalars) where a != b {
            moved += 1
            largest = max(largest, abs(a - b))
            if abs(a - b) > 1e-6 * max(1, abs(a)) { changed += 1 }
        }
        var lines = ["\(path): \(Value.object(c.object).python) changed \(Format.thousands(changed)) of \(Format.thousands(before.count)) values; largest change \(Format.compact(Double(largest)))"]
        if moved > changed {
            lines.append("  (\(Format.thousands(moved - changed)) more moved by less than a millionth: the ε = 1e-7 in n / (ε + n), as in Keras)")
        }
        if let axes = c.normAxes(rank: before.rank) {
            let (n0, _) = before.norms(reducing: axes), (n1, _) = after.norms(reducing: axes)
            let clipped = zip(n0, n1).filter { abs($0 - $1) > 1e-6 * max(1, $0) }.count
            lines.append("  \(clipped) of \(n0.count) slice norms changed (norms over axes \(axes.sorted()))")
            let shown = n0.count <= 8 ? Array(n0.indices) : Array(0..<4) + Array((n0.count - 4)..<n0.count)
            var row = "  norm before → after: "
            row += shown.map { "\($0): \(Format.compact(n0[$0])) → \(Format.compact(n1[$0]))" }.joined(separator: ", ")
            if n0.count > 8 { row += " (… \(n0.count - 8) more)" }
            lines.append(row)
        } else {
            lines.append("  negatives set to 0: \(before.scalars.filter { $0 < 0 }.count)")
        }
        return lines
    }

    static func resolveAxes(_ v: Value, rank: Int) throws -> Set<Int> {
        let items: [Value]
        switch v {
        case .int: items = [v]
        case .tuple(let t), .list(let t): items = t
        default: throw LabError("--axis takes an axis or a tuple of axes, got \(v.python)")
        }
        var axes = Set<Int>()
        for item in items {
            guard case .int(let a) = item else { throw LabError("--axis takes whole numbers, got \(item.python)") }
            let r = a < 0 ? a + rank : a
            guard r >= 0, r < rank else { throw LabError("axis \(a) is out of range for a weight of rank \(rank)") }
            axes.insert(r)
        }
        return axes
    }
}

extension Session {
    /// Lines under the summary: which layers carry regularizers and constraints, and the total penalty.
    func regularizationSummary() throws -> [String] {
        var regularized: [String] = [], constrained: [String] = []
        for node in model.nodes {
            let specs = (try? model.weightSpecs(of: node)) ?? []
            var r = specs.compactMap { s in s.regularizer.map { "\(s.name) \($0.object.className)" } }
            if let a = node.layer.activityRegularizer { r.insert("activity \(a.object.className)", at: 0) }
            if !r.isEmpty { regularized.append("\(node.name) (\(r.joined(separator: ", ")))") }
            let c = specs.compactMap { s in s.constraint.map { "\(s.name) \($0.object.className)" } }
            if !c.isEmpty { constrained.append("\(node.name) (\(c.joined(separator: ", ")))") }
        }
        guard !regularized.isEmpty || !constrained.isEmpty else { return [] }
        var lines: [String] = []
        if !regularized.isEmpty {
            lines.append(" Regularized: " + regularized.joined(separator: "; "))
            let weights = try model.weightPenalties().reduce(0) { $0 + $1.value }
            let activity = currentActivityPenalties()
            let a = activity.penalties.reduce(0) { $0 + $1.value }
            lines.append(" Regularization penalty: \(Format.compact(weights + a, 6))"
                         + (activity.penalties.isEmpty ? " (weights)" : " (weights \(Format.compact(weights, 6)) + activity \(Format.compact(a, 6)) from the last forward)")
                         + " — 'losses' lists each term")
        }
        if !constrained.isEmpty {
            lines.append(" Constrained: " + constrained.joined(separator: "; ") + " — applied after optimizer steps only; 'constrain LAYER' applies them now")
        }
        return lines
    }

    /// The activity penalties of the last forward pass, if the model still matches it.
    func currentActivityPenalties() -> (penalties: [Penalty], batch: Int, missing: String?) {
        let regularized = model.nodes.filter { $0.layer.activityRegularizer != nil }.map(\.name)
        guard !regularized.isEmpty else { return ([], 0, nil) }
        guard let last = lastActivityPenalties else {
            return ([], 0, "activity penalties of \(regularized.joined(separator: ", ")) appear after a 'forward' pass (they are computed on outputs)")
        }
        let kept = last.penalties.filter { regularized.contains($0.layer) }
        return (kept, last.batch, "activity penalties come from the last 'forward' (batch \(last.batch)), divided by the batch size as Keras does")
    }
}

extension Session {
    /// The record of the fits since compile, or an error saying how to get one.
    func trainingLog() throws -> TrainingLog {
        guard let log = model.compilation?.trainingLog, log.epochs > 0 else {
            throw LabError("no epoch has been recorded yet: the history comes from fit",
                           suggestion: model.compilation == nil ? "compile the model, then fit it (for example 'fit xor --epochs 50')"
                               : "fit the model first, for example 'fit --input x.npy --target y.npy --epochs 20'")
        }
        return log
    }

    /// `norms LAYER/WEIGHT --history`: each slice's norm at the start and after every epoch
    /// (a line per slice when there are few, else the least, median and largest), with the
    /// constraint's limit.
    func showNormHistory(_ path: String) throws {
        let (_, spec, _) = try model.weight(path)
        let log = try trainingLog()
        guard let stats = log.weights[path] else { throw LabError("the fits recorded no \(path): it was added after them") }
        let slices = stats.last?.norms.count ?? 0
        var series: [LineChart.Series]
        if slices <= 8 {
            series = (0..<slices).map { i in
                LineChart.Series(name: "#\(i)", values: stats.map { Double($0.norms[i]) }, color: LineChart.palette[i % LineChart.palette.count],
                                 symbol: Character(String(i)))
            }
        } else {
            func pick(_ f: ([Float]) -> Float) -> [Double] { stats.map { Double(f($0.norms.sorted())) } }
            series = [.init(name: "largest", values: pick { $0.last ?? 0 }, color: LineChart.palette[3], symbol: "^"),
                      .init(name: "median", values: pick { $0[$0.count / 2] }, color: LineChart.palette[0], symbol: "*"),
                      .init(name: "least", values: pick { $0.first ?? 0 }, color: LineChart.palette[2], symbol: "v")]
        }
        let limit = spec.constraint.flatMap { c -> (Double, String)? in
            let x: Double
            switch c.object.config.first(where: { $0.key == "max_value" })?.value {
            case .int(let v)?: x = Double(v)
            case .double(let v)?: x = v
            default: return nil
            }
            return (x, "\(c.object.className) max_value \(Format.compact(x))")
        }
        let axes = log.normAxes[path] ?? []
        let chart = LineChart(title: "norms of \(path) over axes \(axes) — \(slices) slice\(slices == 1 ? "" : "s"), epoch 0 is before the fit",
                              series: series, reference: limit.map { (value: $0.0, name: $0.1) }, firstX: 0)
        say(chart.terminal(width: max(40, min(100, width - 1)), rows: 8, color: style.enabled).joined(separator: "\n"))
        var table = Table(headers: ["epoch", "least", "mean", "largest"], alignments: [.right, .right, .right, .right])
        let shown = stats.count <= 8 ? Array(stats.indices) : Array(0..<3) + Array((stats.count - 4)..<stats.count)
        for (k, e) in shown.enumerated() {
            if stats.count > 8, k == 3 { table.rows.append(["…", "", "", ""]) }
            let n = stats[e].norms.map(Double.init)
            table.rows.append(["\(e)", Format.compact(n.min() ?? 0, 5), Format.compact(n.reduce(0, +) / Double(max(1, n.count)), 5),
                               Format.compact(n.max() ?? 0, 5)])
        }
        say(table.render(style: style))
    }

    /// `losses --history`: each weight penalty at the start and after every epoch.
    func showPenaltyHistory() throws {
        let log = try trainingLog()
        guard !log.penalties.isEmpty else {
            throw LabError("no weight in the fits had a regularizer", suggestion: "add one, for example 'add dense 16 relu kernel_regularizer=l2(0.01)'")
        }
        let paths = log.weightOrder.filter { log.penalties[$0] != nil }
        var series = paths.enumerated().map { i, p in
            LineChart.Series(name: p, values: log.penalties[p] ?? [], color: LineChart.palette[i % LineChart.palette.count],
                             symbol: Character(String(i % 10)))
        }
        if paths.count > 1 {
            let total = (0...log.epochs).map { e in paths.reduce(0.0) { $0 + (log.penalties[$1]?[e] ?? 0) } }
            series.append(.init(name: "total", values: total, color: (40, 40, 40), symbol: "*"))
        }
        let chart = LineChart(title: "weight penalties, epoch 0 is before the fit", series: series, firstX: 0)
        say(chart.terminal(width: max(40, min(100, width - 1)), rows: 8, color: style.enabled).joined(separator: "\n"))
        var table = Table(headers: ["epoch"] + series.map(\.name), alignments: Array(repeating: .right, count: series.count + 1))
        let count = log.epochs + 1
        let shown = count <= 8 ? Array(0..<count) : Array(0..<3) + Array((count - 4)..<count)
        for (k, e) in shown.enumerated() {
            if count > 8, k == 3 { table.rows.append(["…"] + series.map { _ in "" }) }
            table.rows.append(["\(e)"] + series.map { Format.compact($0.values[e], 5) })
        }
        say(table.render(style: style))
    }
}
