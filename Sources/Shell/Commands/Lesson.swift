import Formats
import LessonTexts
import TensorCore
import Text
#if canImport(Glibc)
import Glibc
#endif

/// A built-in lesson: steps read from docs/lessons/NAME.md (embedded in the binary).
///
/// Format: `# Title`, a paragraph, then one `## Step title` section per step holding
/// the explanation, a ```layerlab block of commands to try and a `**Look at:**` paragraph.
public struct Lesson: Sendable {
    public struct Step: Sendable {
        public var title: String
        public var text: String
        public var commands: [String]
        public var lookAt: String
    }
    public var name: String
    public var title: String
    public var summary: String
    public var steps: [Step]

    public static func parse(name: String, markdown: String) throws -> Lesson {
        var title = name, summary = ""
        var steps: [Step] = []
        var inCode = false
        var paragraph: [String] = []
        func flush() {
            let text = paragraph.joined(separator: "\n").trimmedLines()
            paragraph = []
            guard !text.isEmpty else { return }
            if steps.isEmpty {
                if summary.isEmpty { summary = text }
                return
            }
            let i = steps.count - 1
            if text.hasPrefix("**Look at:**") {
                steps[i].lookAt = String(text.dropFirst("**Look at:**".count)).trimmedLines()
            } else {
                steps[i].text += (steps[i].text.isEmpty ? "" : "\n\n") + text
            }
        }
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("```") {
                flush()
                if !inCode, line != "```layerlab" { throw LabError("lesson \(name): code blocks must be ```layerlab") }
                inCode.toggle()
                continue
            }
            if inCode {
                guard !steps.isEmpty else { throw LabError("lesson \(name): commands before the first step") }
                if !line.trimmed().isEmpty { steps[steps.count - 1].commands.append(line) }
                continue
            }
            if line.hasPrefix("## ") {
                flush()
                steps.append(Step(title: String(line.dropFirst(3)).trimmed(), text: "", commands: [], lookAt: ""))
            } else if line.hasPrefix("# "), steps.isEmpty {
                flush()
                title = String(line.dropFirst(2)).trimmed()
            } else if line.trimmed().isEmpty {
                flush()
            } else {
                paragraph.append(line)
            }
        }
        flush()
        guard !inCode else { throw LabError("lesson \(name): a ```layerlab block is not closed") }
        guard !steps.isEmpty else { throw LabError("lesson \(name) has no steps ('## …' sections)") }
        return Lesson(name: name, title: title, summary: summary, steps: steps)
    }

    /// Every lesson embedded from docs/lessons/, in the order of `lessonOrder`.
    public static let all: [Lesson] = {
        let byName = Dictionary(uniqueKeysWithValues: lessonFiles.map { ($0.name, $0.bytes) })
        return lessonOrder.compactMap { name in
            byName[name].flatMap { try? parse(name: name, markdown: String(decoding: $0, as: UTF8.self)) }
        }
    }()

    public static func find(_ name: String) -> Lesson? { all.first { $0.name == name.lowercased() } }
}

/// Where the learner is: the lesson being followed and the step reached in each lesson.
struct LessonProgress {
    var current: String?
    var steps: [String: Int] = [:]
    var finished: Set<String> = []

    static func load(_ path: String?) -> LessonProgress {
        var p = LessonProgress()
        guard let path, let text = DataFolder.read(path) else { return p }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            if parts.count == 2, parts[0] == "current" { p.current = parts[1] }
            if parts.count == 3, parts[0] == "step", let n = Int(parts[2]) { p.steps[parts[1]] = n }
            if parts.count == 2, parts[0] == "finished" { p.finished.insert(parts[1]) }
        }
        return p
    }

    func save(_ path: String?) {
        guard let path else { return }
        var lines = current.map { ["current \($0)"] } ?? []
        lines += steps.keys.sorted().compactMap { k in steps[k].map { "step \(k) \($0)" } }
        lines += finished.sorted().map { "finished \($0)" }
        DataFolder.write(lines.joined(separator: "\n") + "\n", to: path)
    }
}

extension String {
    func trimmedLines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmed() }.joined(separator: "\n").trimmed()
    }
}

extension Session {
    /// The lesson being followed (nil: none), from this session's progress or the saved one.
    var runningLesson: String? {
        if lessonProgress == nil { lessonProgress = LessonProgress.load(lessonProgressFile) }
        return lessonProgress?.current
    }
}

extension Commands {
    static let lesson = Command(
        name: "lesson", usage: "lesson [NAME | next | back | quit]",
        summary: "built-in lessons on the layers chapter: explanation, a command to try, what to look at",
        examples: ["lesson", "lesson initializers", "lesson next", "lesson back", "lesson quit"],
        details: """
        'lesson' lists the lessons; 'lesson NAME' starts one (or goes on where you left it).
        Each step explains an idea and gives commands to type; type them, or anything else,
        then 'lesson next' (or just 'next'; 'back' goes back a step). Progress is kept in ~/.local/share/layerlab/lessons.
        The texts are docs/lessons/NAME.md.
        """
    ) { inv, session in
        var progress = session.lessonProgress ?? LessonProgress.load(session.lessonProgressFile)
        defer {
            session.lessonProgress = progress
            progress.save(session.lessonProgressFile)
        }
        guard let first = inv.values.first else {
            session.say(session.style.bold("Lessons") + " (lesson NAME to start; lesson next / back / quit)")
            let width = Lesson.all.map(\.name.count).max() ?? 0
            for l in Lesson.all {
                let state = progress.finished.contains(l.name) ? "done" : progress.steps[l.name].map { "step \($0 + 1)/\(l.steps.count)" } ?? "\(l.steps.count) steps"
                let marker = progress.current == l.name ? "▶ " : "  "
                session.say(marker + l.name + String(repeating: " ", count: width - l.name.count) + "  " + l.title + session.style.dim("  (\(state))"))
            }
            return
        }
        guard inv.values.count == 1, inv.keywords.isEmpty, case .string(let word) = first else {
            throw LabError("lesson takes one word", suggestion: "usage: lesson [NAME | next | back | quit]")
        }
        switch word.lowercased() {
        case "next", "back":
            guard let name = progress.current, let lesson = Lesson.find(name) else {
                throw LabError("no lesson is running", suggestion: "start one: 'lesson' lists them")
            }
            let step = progress.steps[name, default: 0] + (word.lowercased() == "next" ? 1 : -1)
            if step < 0 { throw LabError("this is the first step of '\(name)'") }
            if step >= lesson.steps.count {
                progress.finished.insert(name)
                progress.current = nil
                progress.steps[name] = nil
                session.say("Lesson '\(name)' complete. 'lesson' lists the others.")
                return
            }
            progress.steps[name] = step
            session.showStep(lesson, step)
        case "quit":
            guard let name = progress.current else { throw LabError("no lesson is running") }
            progress.current = nil
            session.say("left lesson '\(name)' (step \(progress.steps[name, default: 0] + 1) is kept; 'lesson \(name)' goes on from there)")
        default:
            guard let lesson = Lesson.find(word) else {
                throw LabError.unknown("lesson", word, among: Lesson.all.map(\.name)).withFallback("'lesson' lists them")
            }
            progress.current = lesson.name
            let step = progress.steps[lesson.name, default: 0]
            progress.steps[lesson.name] = step
            progress.finished.remove(lesson.name)
            if step == 0 { session.say(session.style.bold(lesson.title) + (lesson.summary.isEmpty ? "" : "\n" + Session.plain(lesson.summary))) }
            session.showStep(lesson, step)
        }
    }
}

extension Session {
    /// Markdown's inline marks (`code`, **bold**) dropped for the terminal.
    static func plain(_ markdown: String) -> String {
        markdown.split(separator: "**", omittingEmptySubsequences: false).joined().filter { $0 != "`" }
    }

    func showStep(_ lesson: Lesson, _ i: Int) {
        let step = lesson.steps[i]
        say(style.bold("[\(lesson.name) \(i + 1)/\(lesson.steps.count)] \(step.title)"))
        if !step.text.isEmpty { say(Self.plain(step.text)) }
        if !step.commands.isEmpty {
            say(style.bold("Try:"))
            for c in step.commands { say("  " + c) }
        }
        if !step.lookAt.isEmpty { say(style.bold("Look at: ") + Self.plain(step.lookAt)) }
        say(style.dim(i + 1 < lesson.steps.count ? "(lesson next · lesson back · lesson quit)" : "(lesson next finishes the lesson · lesson back)"))
    }
}
