import Foundation
import Formats
import LessonTexts
import TensorCore
import Text
#if canImport(Glibc)
import Glibc
#endif

/// A lesson: steps read from Markdown — the built-in ones from docs/lessons/NAME.md (English)
/// and NAME.LANG.md (another language, `NAME.vi.md`), embedded in the binary; a teacher's own
/// from the data folder's `lesson-texts/` (same names; one there replaces the built-in one).
///
/// Format: `# Title`, a paragraph, then one `## Step title` section per step holding the
/// explanation, a ```layerlab block of commands to type and a look-at paragraph (`**Look at:**`,
/// or the language's own marker, `**Quan sát:**`). The commands are what the lesson checks
/// the learner ran.
public struct Lesson: Sendable {
    public struct Step: Sendable {
        public var title: String
        public var text: String
        public var commands: [String]
        public var lookAt: String
    }
    public var name: String
    public var language: String
    public var title: String
    public var summary: String
    public var steps: [Step]

    public static func parse(name: String, language: String = "en", markdown: String) throws -> Lesson {
        var title = name, summary = ""
        var steps: [Step] = []
        var inCode = false
        var paragraph: [String] = []
        let markers = Set(LessonWords.all.values.map(\.marker))
        func flush() {
            let text = paragraph.joined(separator: "\n").trimmedLines()
            paragraph = []
            guard !text.isEmpty else { return }
            if steps.isEmpty {
                if summary.isEmpty { summary = text }
                return
            }
            let i = steps.count - 1
            if let marker = markers.first(where: { text.hasPrefix($0) }) {
                steps[i].lookAt = String(text.dropFirst(marker.count)).trimmedLines()
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
        return Lesson(name: name, language: language, title: title, summary: summary, steps: steps)
    }

    /// Every built-in lesson in every language, in the order of `lessonOrder`.
    public static let builtIn: [Lesson] = lessonFiles.compactMap { file in
        try? parse(name: file.name, language: file.language, markdown: String(decoding: file.bytes, as: UTF8.self))
    }

    /// The built-in lessons in English, in the order `lesson` lists them.
    public static var all: [Lesson] { catalog(language: "en") }

    /// The lessons in `language` (English where a lesson has no text in it): the built-in
    /// ones in their order, then a teacher's from `folder` by name; a teacher's file replaces
    /// a built-in one of the same name and language. Files that cannot be read are listed in `skipped`.
    public static func catalog(language: String, folder: URL? = nil) -> [Lesson] {
        catalogWithProblems(language: language, folder: folder).lessons
    }

    public static func catalogWithProblems(language: String, folder: URL?) -> (lessons: [Lesson], skipped: [String]) {
        var texts = builtIn
        var skipped: [String] = []
        if let folder, let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for file in files.sorted() where file.hasSuffix(".md") {
                let parts = file.dropLast(3).split(separator: ".").map(String.init)
                guard parts.count == 1 || parts.count == 2, let name = parts.first?.lowercased(), !name.isEmpty else { continue }
                let lang = parts.count == 2 ? parts[1].lowercased() : "en"
                do {
                    let data = try Data(contentsOf: folder.appendingPathComponent(file))
                    let lesson = try parse(name: name, language: lang, markdown: String(decoding: data, as: UTF8.self))
                    texts.removeAll { $0.name == name && $0.language == lang }
                    texts.append(lesson)
                } catch let e as LabError {
                    skipped.append("\(file): \(e.message)")
                } catch {
                    skipped.append("\(file): cannot be read")
                }
            }
        }
        var names = lessonOrder
        for t in texts where !names.contains(t.name) { names.append(t.name) }
        let lessons = names.compactMap { name in
            texts.first { $0.name == name && $0.language == language } ?? texts.first { $0.name == name && $0.language == "en" }
                ?? texts.first { $0.name == name }
        }
        return (lessons, skipped)
    }

    public static func find(_ name: String, language: String = "en", folder: URL? = nil) -> Lesson? {
        catalog(language: language, folder: folder).first { $0.name == name.lowercased() }
    }
}

/// The words around a lesson's own text, per language (a language without an entry gets English's).
struct LessonWords: Sendable {
    var marker: String
    var header, done, stepOf, steps, tryThese, lookAt, moves, lastMoves, stepDone, notDone, failed, complete, next, others,
        left, noneRunning, firstStep, english: String

    static let all: [String: LessonWords] = ["en": english, "vi": vietnamese]

    static let english = LessonWords(
        marker: "**Look at:**", header: "Lessons (lesson NAME to start; lesson next / back / quit)", done: "done",
        stepOf: "step %1/%2", steps: "%1 steps", tryThese: "Try:", lookAt: "Look at: ",
        moves: "(lesson next · lesson back · lesson quit)", lastMoves: "(lesson next finishes the lesson · lesson back)",
        stepDone: "✓ step %1 done.", notDone: "Step %1 is not done yet: type %2 first (or 'lesson next' again to go on anyway).",
        failed: "That did not work; this step asks for: %1", complete: "Lesson '%1' complete.",
        next: "Next: 'lesson %1' — %2.", others: "'lesson' lists the others.",
        left: "left lesson '%1' (step %2 is kept; 'lesson %1' goes on from there)", noneRunning: "no lesson is running",
        firstStep: "this is the first step of '%1'", english: "(this lesson has no text in your language yet: here it is in English)")

    static let vietnamese = LessonWords(
        marker: "**Quan sát:**", header: "Các bài học (gõ lesson TÊN để bắt đầu; lesson next / back / quit)", done: "đã xong",
        stepOf: "bước %1/%2", steps: "%1 bước", tryThese: "Hãy gõ:", lookAt: "Quan sát: ",
        moves: "(lesson next · lesson back · lesson quit)", lastMoves: "(lesson next để kết thúc bài · lesson back)",
        stepDone: "✓ Xong bước %1.", notDone: "Bước %1 chưa xong: hãy gõ %2 trước (hoặc gõ 'lesson next' lần nữa để vẫn đi tiếp).",
        failed: "Lệnh đó chưa chạy được; bước này cần: %1", complete: "Hoàn thành bài '%1'.",
        next: "Bài tiếp theo: 'lesson %1' — %2.", others: "'lesson' liệt kê các bài khác.",
        left: "đã rời bài '%1' (bước %2 được giữ lại; gõ 'lesson %1' để học tiếp từ đó)", noneRunning: "chưa có bài học nào đang chạy",
        firstStep: "đây là bước đầu tiên của bài '%1'", english: "(bài này chưa có bản tiếng Việt: đây là bản tiếng Anh)")

    static func of(_ language: String) -> LessonWords { all[language] ?? english }

    /// `template` with %1, %2 … replaced.
    static func fill(_ template: String, _ values: String...) -> String {
        var out = template
        for (i, v) in values.enumerated() { out = out.replacingOccurrences(of: "%\(i + 1)", with: v) }
        return out
    }
}

/// Where the learner is: the lesson being followed and the step reached in each lesson.
struct LessonProgress {
    var current: String?
    var steps: [String: Int] = [:]
    var finished: Set<String> = []
    /// The current step's commands the learner has run (by index), and whether 'lesson next'
    /// already said the step is not done (a second one goes on anyway). Not kept between sessions.
    var ran: Set<Int> = []
    var warned = false

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

    /// The lessons in the session's language (with a teacher's from the data folder).
    var lessons: [Lesson] { Lesson.catalog(language: language, folder: lessonFolder) }

    var lessonWords: LessonWords { LessonWords.of(language) }

    /// Called after every statement: a lesson step's command that ran is checked off; when
    /// the last one has run the step says what to look at.
    func lessonSaw(_ statement: String, succeeded: Bool) {
        guard let name = runningLesson, var progress = lessonProgress,
              let lesson = lessons.first(where: { $0.name == name }) else { return }
        let first = statement.split(whereSeparator: \.isWhitespace).first.map { $0.lowercased() } ?? ""
        guard !["lesson", "next", "back"].contains(first) else { return }
        let index = progress.steps[name, default: 0]
        guard index < lesson.steps.count else { return }
        let step = lesson.steps[index]
        let matching = step.commands.indices.filter { Self.lessonCommand(step.commands[$0], matches: statement) }
        guard !matching.isEmpty else { return }
        let words = lessonWords
        guard succeeded else {
            say(style.dim(LessonWords.fill(words.failed, step.commands[matching[0]].trimmed())))
            return
        }
        let wasDone = progress.ran.count == step.commands.count
        progress.ran.formUnion(matching)
        lessonProgress = progress
        if !wasDone, progress.ran.count == step.commands.count {
            say(style.ok(LessonWords.fill(words.stepDone, String(index + 1)))
                + (step.lookAt.isEmpty ? "" : " " + style.bold(words.lookAt) + Self.plain(step.lookAt)))
            say(style.dim(index + 1 < lesson.steps.count ? words.moves : words.lastMoves))
        }
    }

    /// Whether a typed statement is a step's command: the same text (spaces aside), or for a
    /// LayerLab command the same command on the same first argument (`fit xor --epochs 100`
    /// does for `fit xor --epochs 300`; `add dense 32 relu` for `add dense 16 tanh`).
    static func lessonCommand(_ expected: String, matches typed: String) -> Bool {
        func words(_ s: String) -> [String] { s.split(whereSeparator: \.isWhitespace).map(String.init) }
        let e = words(expected)
        for line in typed.split(separator: "\n").map(String.init) {
            let t = words(line)
            if t == e { return true }
            guard let c = e.first, Commands.find(c) != nil, t.first?.lowercased() == c.lowercased() else { continue }
            let eArg = e.dropFirst().first { !$0.hasPrefix("--") }, tArg = t.dropFirst().first { !$0.hasPrefix("--") }
            if eArg == nil || eArg?.lowercased() == tArg?.lowercased() { return true }
        }
        return false
    }
}

extension Commands {
    static let lesson = Command(
        name: "lesson", usage: "lesson [NAME | next | back | quit]",
        summary: "lessons on the layers chapter and on training: explanation, commands to type (checked), what to look at",
        examples: ["lesson", "lesson initializers", "lesson next", "lesson back", "lesson quit"],
        details: """
        'lesson' lists the lessons; 'lesson NAME' starts one (or goes on where you left it).
        Each step explains an idea and gives commands to type; the lesson sees them run and, when
        the step's commands have all run, says what to look at. Then 'lesson next' (or just 'next';
        'back' goes back a step). Progress is kept in ~/.local/share/layerlab/lessons.
        Lessons are in English and Vietnamese: LANG/LANGUAGE (vi…) or 'set language vi' chooses.
        The texts are docs/lessons/NAME.md and NAME.vi.md; a teacher's own go in
        ~/.local/share/layerlab/lesson-texts/ (NAME.md, NAME.vi.md — one there replaces a built-in one).
        """
    ) { inv, session in
        var progress = session.lessonProgress ?? LessonProgress.load(session.lessonProgressFile)
        defer {
            session.lessonProgress = progress
            progress.save(session.lessonProgressFile)
        }
        let words = session.lessonWords
        let (lessons, skipped) = Lesson.catalogWithProblems(language: session.language, folder: session.lessonFolder)
        guard let first = inv.values.first else {
            session.say(session.style.bold(words.header))
            let width = lessons.map(\.name.count).max() ?? 0
            for l in lessons {
                let state = progress.finished.contains(l.name) ? words.done
                    : progress.steps[l.name].map { LessonWords.fill(words.stepOf, String($0 + 1), String(l.steps.count)) }
                    ?? LessonWords.fill(words.steps, String(l.steps.count))
                let marker = progress.current == l.name ? "▶ " : "  "
                session.say(marker + l.name + String(repeating: " ", count: width - l.name.count) + "  " + l.title + session.style.dim("  (\(state))"))
            }
            for problem in skipped { session.say(session.style.error("skipped") + " lesson-texts/" + problem) }
            return
        }
        guard inv.values.count == 1, inv.keywords.isEmpty, case .string(let word) = first else {
            throw LabError("lesson takes one word", suggestion: "usage: lesson [NAME | next | back | quit]")
        }
        switch word.lowercased() {
        case "next", "back":
            guard let name = progress.current, let lesson = lessons.first(where: { $0.name == name }) else {
                throw LabError(words.noneRunning, suggestion: "start one: 'lesson' lists them")
            }
            let forward = word.lowercased() == "next"
            let current = progress.steps[name, default: 0]
            if forward, current < lesson.steps.count, progress.ran.count < lesson.steps[current].commands.count, !progress.warned {
                let missing = lesson.steps[current].commands.indices.filter { !progress.ran.contains($0) }
                    .map { "'" + lesson.steps[current].commands[$0].trimmed() + "'" }
                progress.warned = true
                session.say(LessonWords.fill(words.notDone, String(current + 1), missing.joined(separator: ", ")))
                return
            }
            let step = current + (forward ? 1 : -1)
            if step < 0 { throw LabError(LessonWords.fill(words.firstStep, name)) }
            progress.ran = []
            progress.warned = false
            if step >= lesson.steps.count {
                progress.finished.insert(name)
                progress.current = nil
                progress.steps[name] = nil
                let following = lessons.drop { $0.name != name }.dropFirst().first { !progress.finished.contains($0.name) }
                session.say(LessonWords.fill(words.complete, name) + " "
                            + (following.map { LessonWords.fill(words.next, $0.name, $0.title) } ?? words.others))
                return
            }
            progress.steps[name] = step
            session.showStep(lesson, step)
        case "quit":
            guard let name = progress.current else { throw LabError(words.noneRunning) }
            progress.current = nil
            progress.ran = []
            progress.warned = false
            session.say(LessonWords.fill(words.left, name, String(progress.steps[name, default: 0] + 1)))
        default:
            guard let lesson = lessons.first(where: { $0.name == word.lowercased() }) else {
                throw LabError.unknown("lesson", word, among: lessons.map(\.name)).withFallback("'lesson' lists them")
            }
            if progress.current != lesson.name { progress.ran = []; progress.warned = false }
            progress.current = lesson.name
            let step = progress.steps[lesson.name, default: 0]
            progress.steps[lesson.name] = step
            progress.finished.remove(lesson.name)
            if lesson.language != session.language { session.say(session.style.dim(words.english)) }
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
        let words = lessonWords
        say(style.bold("[\(lesson.name) \(i + 1)/\(lesson.steps.count)] \(step.title)"))
        if !step.text.isEmpty { say(Self.plain(step.text)) }
        if !step.commands.isEmpty {
            say(style.bold(words.tryThese))
            for c in step.commands { say("  " + c) }
        } else {
            if !step.lookAt.isEmpty { say(style.bold(words.lookAt) + Self.plain(step.lookAt)) }
            say(style.dim(i + 1 < lesson.steps.count ? words.moves : words.lastMoves))
        }
    }
}
