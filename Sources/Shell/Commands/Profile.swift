import Foundation
import Formats
import Layers
import Models
import TensorCore

extension Commands {
    /// `forward --profile`: a warm-up pass, then N timed passes on the same batch; each
    /// layer's time is read between the forward's per-layer callbacks (the arithmetic is
    /// the forward's own), and the table lists the layers in the order they run.
    static func profiledForward(_ inv: Invocation, _ session: Session, _ feeds: [String: Tensor], passes: Int) throws {
        let model = session.model
        let style = session.style
        let training = inv.has("training")
        let batch = feeds.values.first?.shape.first ?? 1
        var order: [String] = []
        var layerTimes: [String: [Double]] = [:]
        var passTimes: [Double] = []
        var outputs: [(name: String, value: Tensor)] = []
        var random = session.dataGenerator
        for pass in 0...passes {
            try Interrupt.check()
            random = session.dataGenerator
            let start = DispatchTime.now().uptimeNanoseconds
            var previous = start
            let timed = pass > 0
            outputs = try model.forward(feeds, training: training, random: &random) { node, _ in
                let now = DispatchTime.now().uptimeNanoseconds
                if timed {
                    if layerTimes[node.name] == nil { order.append(node.name) }
                    layerTimes[node.name, default: []].append(Double(now - previous) / 1e6)
                }
                previous = now
            }
            if timed { passTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        }
        session.dataGenerator = random
        session.lastForwardTimes = passTimes
        // The typical time: the mean over the middle half of the passes, ranked by pass time.
        // Robust to a pass slowed by another program, like a median, and additive: the
        // layers' times add up to the pass's (a median of each layer would not, under load).
        let ranked = passTimes.indices.sorted { passTimes[$0] < passTimes[$1] }
        let middle = Array(ranked[(ranked.count / 4)..<(ranked.count - ranked.count / 4)])
        func typical(_ xs: [Double]) -> Double {
            let kept = middle.filter(xs.indices.contains)
            return kept.isEmpty ? 0 : kept.reduce(0) { $0 + xs[$1] } / Double(kept.count)
        }
        let pass = typical(passTimes)
        var table = Table(headers: ["Layer (type)", "Output Shape", "Time", "Share", "MACs (batch)", "GFLOP/s"],
                          alignments: [.left, .left, .right, .right, .right, .right])
        var sum = 0.0
        for name in order {
            guard let node = model.node(named: name) else { continue }
            let t = typical(layerTimes[name] ?? [])
            sum += t
            let macs = (model.inputShapes(of: node).map { node.layer.macs(for: $0) } ?? 0) * batch
            let rate = macs > 0 && t > 0 ? Format.compact(2 * Double(macs) / (t / 1e3) / 1e9, 3) : "-"
            table.rows.append(["\(name) (\(node.layer.className))", node.outputShape?.description ?? "?", Format.milliseconds(t),
                               Format.fixed(pass > 0 ? 100 * t / pass : 0, 1) + "%", macs > 0 ? Format.thousands(macs) : "-", rate])
        }
        session.say(style.bold("profile") + " of \(passes) pass\(passes == 1 ? "" : "es") of batch \(Format.thousands(batch)) after a warm-up"
                    + (training ? " (training mode)" : "") + ", in the order the layers run:")
        session.say(table.render(style: style))
        let sorted = passTimes.sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        session.say(style.bold(" Pass: ") + "\(Format.milliseconds(pass)) typical, the layers add up to \(Format.milliseconds(sum)); "
                    + "median \(Format.milliseconds(median)), min \(Format.milliseconds(sorted.first ?? 0)), max \(Format.milliseconds(sorted.last ?? 0))")
        session.say(style.dim(" Time: the mean over the middle half of the passes (ranked by pass time), robust to outliers like a median but additive."))
        session.say(style.dim(" Share: of the typical pass. GFLOP/s: 2 × the layer's MACs (summary's column, times the batch) over its time."))
        try writeOutputs(inv, session, outputs)
    }

    /// `forward --output FILE | DIR/`.
    static func writeOutputs(_ inv: Invocation, _ session: Session, _ outputs: [(name: String, value: Tensor)]) throws {
        guard let target = try inv.text("output") else { return }
        for (file, (name, y)) in try outputFiles(target, outputs) {
            try NPY.write(y, to: file)
            session.say("wrote \(name)'s output \(Tensor.describe(y.shape)) \(y.dtype.rawValue) to \(file)")
        }
    }
}
