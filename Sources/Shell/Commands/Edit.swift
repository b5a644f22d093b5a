import Layers
import Models
import TensorCore

extension Commands {
    static let remove = Command(
        name: "remove", aliases: ["rm"], usage: "remove LAYER [--cascade]",
        summary: "remove a layer; in a chain the next layer then reads its input (and redraws its weights if their shape changed)",
        examples: ["remove dense_1", "remove left --cascade"],
        flags: [.init(name: "cascade", value: nil, help: "also remove every layer that depends on it")],
        details: "In a branching model a layer that others read is not removed, unless --cascade removes everything downstream of it too."
    ) { inv, session in
        let name = try inv.name("layer name")
        let before = session.model
        let removed = try session.change { try $0.remove(name, cascade: inv.has("cascade")) }
        session.say("removed " + removed.joined(separator: ", "))
        for node in session.model.nodes {
            guard let old = before.node(named: node.name), old.inbound != node.inbound else { continue }
            var line = "  \(node.name) now reads \(node.inbound.joined(separator: ", "))"
            if old.outputShape != node.outputShape { line += " and outputs \(node.outputShape?.description ?? "? (unbuilt)")" }
            let redrawn = zip(old.layer.weights, node.layer.weights).filter { $0.shape != $1.shape }.count
            if redrawn > 0 || old.layer.weights.count != node.layer.weights.count {
                let names = (try? session.model.weightSpecs(of: node).map(\.name)) ?? []
                line += "; its weights were drawn again for the new input: "
                    + zip(names, node.layer.weights).map { "\($0) \(Tensor.describe($1.shape))" }.joined(separator: ", ")
            }
            session.say(line)
        }
    }

    static let undo = Command(
        name: "undo", usage: "undo", summary: "undo the last change to the model", examples: ["undo"]
    ) { inv, session in
        try inv.noArguments()
        guard let label = session.undo() else { throw LabError("nothing to undo") }
        session.say("undone: \(label)")
    }

    static let redo = Command(
        name: "redo", usage: "redo", summary: "redo the last undone change", examples: ["redo"]
    ) { inv, session in
        try inv.noArguments()
        guard let label = session.redo() else { throw LabError("nothing to redo") }
        session.say("redone: \(label)")
    }

    static let reset = Command(
        name: "reset", usage: "reset",
        summary: "start a new, empty model (names count from dense again; 'undo' brings the old one back)",
        examples: ["reset"]
    ) { inv, session in
        try inv.noArguments()
        session.reset()
        session.say("new empty model (seed \(session.seed))")
    }

    static let seed = Command(
        name: "seed", usage: "seed [N]",
        summary: "show or set the seed that new weights and random inputs are drawn from",
        examples: ["seed", "seed 42"],
        details: "The same seed and the same commands give bit-identical weights on every run and machine. The default seed is \(Session.defaultSeed)."
    ) { inv, session in
        if inv.values.isEmpty, inv.keywords.isEmpty { session.say("seed \(session.seed)"); return }
        guard inv.values.count == 1, inv.keywords.isEmpty, case .int(let n) = inv.values[0], n >= 0 else {
            throw LabError("seed takes one non-negative whole number", suggestion: "for example 'seed 42'")
        }
        session.setSeed(UInt64(n))
        session.say("seed \(n): layers added from now on, and random inputs, draw from it")
    }

    static let quit = Command(
        name: "quit", aliases: ["exit"], usage: "quit", summary: "leave the shell (Ctrl-D does too)", examples: ["quit"]
    ) { inv, session in
        try inv.noArguments()
        session.finish()
    }
}
