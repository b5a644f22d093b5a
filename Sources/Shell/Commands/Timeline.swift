import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let historyCommand = Command(
        name: "history", usage: "history",
        summary: "the commands that changed the model, numbered (for checkout and diff)",
        examples: ["history"]
    ) { inv, session in
        try inv.noArguments()
        guard !session.timeline.isEmpty else { session.say("no changes yet"); return }
        let width = String(session.timeline.count).count
        for (i, entry) in session.timeline.enumerated() {
            let n = String(i + 1)
            session.say(String(repeating: " ", count: width - n.count) + n + "  " + entry.command
                        + session.style.dim("   (\(entry.model.nodes.count) layers, \(Format.thousands(entry.model.parameterCount)) params)"))
        }
    }

    static let checkout = Command(
        name: "checkout", usage: "checkout N",
        summary: "return to the model as it was after command N of 'history' (a new step: nothing is discarded)",
        examples: ["checkout 3"]
    ) { inv, session in
        let n = try timelineIndex(inv.values.first, session, inv)
        session.checkout(n - 1)
        session.say("back to the model after \(n): \(session.timeline[n - 1].command) — \(session.model.nodes.count) layers")
    }

    static let diff = Command(
        name: "diff", usage: "diff N M",
        summary: "what changed between the models after commands N and M of 'history': layers, shapes, parameters",
        examples: ["diff 2 5"]
    ) { inv, session in
        guard inv.values.count == 2 else { throw LabError("diff needs two numbers from 'history'", suggestion: "for example 'diff 2 5'") }
        let a = try timelineIndex(inv.values[0], session, inv), b = try timelineIndex(inv.values[1], session, inv)
        let lines = describeDiff(session.timeline[a - 1].model, session.timeline[b - 1].model)
        session.say("from \(a) (\(session.timeline[a - 1].command)) to \(b) (\(session.timeline[b - 1].command)):")
        session.say(lines.isEmpty ? "  no difference" : lines.map { "  " + $0 }.joined(separator: "\n"))
    }

    static func timelineIndex(_ v: Value?, _ session: Session, _ inv: Invocation) throws -> Int {
        guard case .int(let n)? = v, n >= 1, n <= session.timeline.count else {
            throw LabError("\(inv.command.name) takes a number from 1 to \(session.timeline.count) ('history' lists them)")
        }
        return n
    }

    /// Layers added, removed or changed (arguments, shape, weights) between two models.
    static func describeDiff(_ a: Model, _ b: Model) -> [String] {
        var lines: [String] = []
        let namesA = a.allNames, namesB = b.allNames
        for name in namesB where !namesA.contains(name) {
            if let n = b.node(named: name) {
                lines.append("+ \(name) (\(n.layer.className)) \(n.outputShape?.description ?? "?"), \(Format.thousands(n.layer.parameterCount)) params")
            } else if let i = b.input(named: name) { lines.append("+ \(name) (InputLayer) \(i.outputShape)") }
        }
        for name in namesA where !namesB.contains(name) {
            if let n = a.node(named: name) {
                lines.append("- \(name) (\(n.layer.className)) \(n.outputShape?.description ?? "?"), \(Format.thousands(n.layer.parameterCount)) params")
            } else if let i = a.input(named: name) { lines.append("- \(name) (InputLayer) \(i.outputShape)") }
        }
        for name in namesA where namesB.contains(name) {
            guard let x = a.node(named: name), let y = b.node(named: name) else { continue }
            var changes: [String] = []
            if x.layer.className != y.layer.className { changes.append("type \(x.layer.className) → \(y.layer.className)") }
            let cx = Dictionary(x.layer.config.map { ($0.key, $0.value) }, uniquingKeysWith: { f, _ in f })
            for k in y.layer.config where cx[k.key] != k.value { changes.append("\(k.key) \(cx[k.key]?.python ?? "—") → \(k.value.python)") }
            if x.inbound != y.inbound { changes.append("reads \(x.inbound.joined(separator: ", ")) → \(y.inbound.joined(separator: ", "))") }
            if x.outputShape != y.outputShape { changes.append("output \(x.outputShape?.description ?? "?") → \(y.outputShape?.description ?? "?")") }
            if x.layer.parameterCount != y.layer.parameterCount {
                changes.append("params \(Format.thousands(x.layer.parameterCount)) → \(Format.thousands(y.layer.parameterCount))")
            } else if x.layer.weights != y.layer.weights { changes.append("weights changed") }
            if !changes.isEmpty { lines.append("~ \(name): " + changes.joined(separator: "; ")) }
        }
        if a.parameterCount != b.parameterCount {
            lines.append("total params \(Format.thousands(a.parameterCount)) → \(Format.thousands(b.parameterCount))")
        }
        return lines
    }
}
