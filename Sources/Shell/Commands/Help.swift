import Layers
import TensorCore

extension Commands {
    static let help = Command(
        name: "help", aliases: ["?"], usage: "help [COMMAND | LAYER TYPE | activations | initializers | regularizers | constraints]",
        summary: "list the commands, or explain one command, layer type or family of names",
        examples: ["help", "help add", "help dense", "help activations"]
    ) { inv, session in
        guard let topicValue = inv.values.first else {
            session.say(session.style.bold("Commands") + " (help COMMAND for details; several commands on one line are separated by ';')")
            let width = all.map(\.name.count).max() ?? 0
            for c in all {
                let aliases = c.aliases.isEmpty ? "" : " (also \(c.aliases.joined(separator: ", ")))"
                session.say("  " + c.name + String(repeating: " ", count: width - c.name.count) + "  " + c.summary + aliases)
            }
            session.say(session.style.bold("Layer types") + ": " + LayerType.registry.names.joined(separator: ", ") + "  (help TYPE)")
            session.say("Start with:  input 16  ·  add dense 32 relu  ·  summary  ·  forward  ·  lesson")
            session.say("Keras Python runs here too:  model = Sequential()  ·  model.add(Dense(8, input_shape=(4,)))  ·  model.summary()  (docs/python.md)")
            return
        }
        guard inv.values.count == 1, case .string(let topic) = topicValue else { throw LabError("help takes one topic", suggestion: "for example 'help add'") }
        if let c = find(topic) {
            session.say(session.style.bold(c.usage) + (c.aliases.isEmpty ? "" : "   (also: \(c.aliases.joined(separator: ", ")))"))
            session.say("  " + c.summary)
            if !c.details.isEmpty { session.say(indent(c.details, by: 2)) }
            let flags = c.flags.map { ("--\($0.name)\($0.value.map { " " + $0 } ?? "")", $0.help) }
            let width = flags.map(\.0.count).max() ?? 0
            for (flag, help) in flags {
                session.say("  " + flag + String(repeating: " ", count: width - flag.count) + "  " + help)
            }
            session.say("Examples:")
            for e in c.examples { session.say("  " + e) }
            if c.name == "add" { session.say("Layer types: " + LayerType.registry.names.joined(separator: ", ")) }
            return
        }
        // `help relu`, `help elu`, `help softmax` are the activations (their note names the layer);
        // `help ReLU`, `help ELU`, `help re_lu` the layers.
        if let type = LayerType.registry.lookup(topic), Activation.registry.lookup(topic) == nil || topic == type.className {
            session.say(session.style.bold("\(type.className) (add \(type.snakeName) …)") + ": " + type.summary)
            session.say("Arguments, with Keras's defaults:")
            let params = type.parameters
            let width = params.map(\.name.count).max() ?? 0
            for p in params {
                session.say("  " + p.name + String(repeating: " ", count: width - p.name.count) + "  "
                            + (p.defaultValue.map(\.python) ?? "(required)"))
            }
            if !type.examples.isEmpty {
                session.say("Examples:")
                for e in type.examples { session.say("  " + e) }
            }
            for note in type.helpNotes { session.say(note) }
            return
        }
        // Activations, initializers, regularizers and constraints by name: what `explain` says.
        for explainer in Commands.namedThings {
            if let text = try explainer(session, topic) {
                session.say(text)
                return
            }
        }
        let families: [(String, [String])] = [
            ("activations", Activation.registry.names), ("initializers", InitializerType.registry.names),
            ("regularizers", RegularizerType.registry.names), ("constraints", ConstraintType.registry.names),
            ("layers", LayerType.registry.names),
        ]
        if let (family, names) = families.first(where: { $0.0 == topic.lowercased() || $0.0.dropLast() == topic.lowercased() }) {
            session.say(session.style.bold(family.capitalized) + ": " + names.joined(separator: ", "))
            return
        }
        let topics = all.map(\.name) + LayerType.registry.names + families.map(\.0) + Activation.registry.spellings
            + InitializerType.registry.spellings + RegularizerType.registry.spellings + ConstraintType.registry.spellings
        throw LabError.unknown("help topic", topic, among: topics).withFallback("type 'help' for the list of commands")
    }
}
