import Layers
import TensorCore

extension Commands {
    static let set = Command(
        name: "set", usage: "set [max_memory SIZE | language en|vi]",
        summary: "show or change settings: max_memory is what one command may allocate (default: half of physical memory); language is the lessons' (default from LANG)",
        examples: ["set", "set max_memory 4GiB", "set max_memory 512MiB", "set language vi"]
    ) { inv, session in
        if inv.values.isEmpty, inv.keywords.isEmpty {
            session.say("max_memory \(MemoryBudget.describe(Double(MemoryBudget.defaultLimit)))  (physical memory \(MemoryBudget.describe(Double(MemoryBudget.physicalBytes))))")
            session.say("language \(session.language)  (the lessons'; \(LessonWords.all.keys.sorted().joined(separator: ", ")))")
            return
        }
        var pairs: [(String, Value)] = inv.keywords.map { ($0.key, $0.value) }
        if inv.values.count == 2, case .string(let key) = inv.values[0] { pairs.append((key, inv.values[1])) }
        guard !pairs.isEmpty, inv.values.count == 0 || inv.values.count == 2 else {
            throw LabError("set takes a setting and a value", suggestion: "usage: \(inv.command.usage)")
        }
        for (key, value) in pairs {
            if key == "language" {
                let languages = LessonWords.all.keys.sorted()
                guard case .string(let code) = value, languages.contains(code.lowercased()) else {
                    throw LabError("language must be one of \(languages.joined(separator: ", ")); got \(value.python)")
                }
                session.language = code.lowercased()
                session.say("language \(session.language)")
                continue
            }
            guard key == "max_memory" else { throw LabError.unknown("setting", key, among: ["max_memory", "language"]) }
            let text: String
            switch value {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            case .double(let d): text = Value.pythonFloat(d)
            default: text = value.python
            }
            guard let bytes = MemoryBudget.parse(text), bytes >= 1 << 20 else {
                throw LabError("max_memory must be a size of at least 1 MiB, such as 4GiB or 512MiB; got \(value.python)")
            }
            MemoryBudget.setLimit(bytes)
            session.say("max_memory \(MemoryBudget.describe(Double(bytes)))")
        }
    }
}
