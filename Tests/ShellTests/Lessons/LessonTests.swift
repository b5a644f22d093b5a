import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import Shell

@Suite struct LessonTests {
    @Test func everyMarkdownFileIsALessonInTheBinaryInBothLanguages() throws {
        let folder = repositoryRoot.appendingPathComponent("docs/lessons")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
        let embedded = Lesson.builtIn.map { $0.language == "en" ? "\($0.name).md" : "\($0.name).\($0.language).md" }.sorted()
        #expect(embedded == files, "docs/lessons and the embedded lessons differ: list new lessons in Package.swift and LessonTexts.swift")
        let english = Lesson.builtIn.filter { $0.language == "en" }
        #expect(english.count >= 11)
        for lesson in Lesson.builtIn {
            let file = lesson.language == "en" ? "\(lesson.name).md" : "\(lesson.name).\(lesson.language).md"
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(try Lesson.parse(name: lesson.name, language: lesson.language, markdown: text).steps.count == lesson.steps.count,
                    "\(file) is embedded from an old text")
            #expect(lesson.steps.count >= 3)
            for step in lesson.steps {
                #expect(!step.text.isEmpty && !step.commands.isEmpty && !step.lookAt.isEmpty, "\(file): '\(step.title)' needs an explanation, commands and a look-at paragraph")
            }
        }
        // Every lesson in Vietnamese too, step for step, with the same commands to type.
        for lesson in english {
            let vi = try #require(Lesson.builtIn.first { $0.name == lesson.name && $0.language == "vi" }, "\(lesson.name) has no Vietnamese text")
            #expect(vi.steps.map(\.commands) == lesson.steps.map(\.commands), "\(lesson.name).vi.md asks for other commands than \(lesson.name).md")
            #expect(vi.summary != lesson.summary, "\(lesson.name).vi.md is not translated")
        }
    }

    /// Every lesson, typed through to its end, in English and in Vietnamese.
    @Test(arguments: Lesson.all.map(\.name), ["en", "vi"])
    func lessonRunsEndToEnd(_ name: String, _ language: String) throws {
        try Self.walk(name, language: language)
    }

    /// Every command a lesson asks for names a layer type LayerLab has.
    @Test func lessonsUseOnlyLayersThatExist() {
        for lesson in Lesson.builtIn {
            for command in lesson.steps.flatMap(\.commands) {
                let words = command.split(separator: " ")
                if words.count > 1, words[0] == "add" { #expect(LayerType.registry.lookup(String(words[1])) != nil, "\(lesson.name): \(command)") }
            }
        }
    }

    /// Starts the lesson, types every step's commands — the lesson sees each step done and
    /// says what to look at — and goes on to the end, where it points to the next lesson.
    static func walk(_ name: String, language: String = "en") throws {
        let lesson = try #require(Lesson.find(name, language: language))
        #expect(lesson.language == language)
        let words = LessonWords.of(language)
        let run = ShellRun("set language \(language)\nlesson \(name)", width: 100)
        #expect(run.text.contains("[\(name) 1/\(lesson.steps.count)]"))
        for (i, step) in lesson.steps.enumerated() {
            for command in step.commands {
                #expect(run.run(command), "lesson \(name) (\(language)), step \(i + 1): '\(command)' failed: \(run.errors)")
            }
            #expect(run.text.contains(LessonWords.fill(words.stepDone, String(i + 1)) + " " + words.lookAt + Session.plain(step.lookAt)),
                    "lesson \(name) (\(language)): step \(i + 1) was not seen done")
            run.run("lesson next")
            if i + 1 < lesson.steps.count { #expect(run.text.contains("[\(name) \(i + 2)/\(lesson.steps.count)] \(lesson.steps[i + 1].title)")) }
        }
        let order = Lesson.catalog(language: language)
        let following = order.drop { $0.name != name }.dropFirst().first
        let end = LessonWords.fill(words.complete, name) + " "
            + (following.map { LessonWords.fill(words.next, $0.name, $0.title) } ?? words.others) + "\n"
        #expect(run.text.hasSuffix(end))
        #expect(run.errors.isEmpty, "\(run.errors)")
    }

    /// 'lesson next' before the step's commands ran says what is missing; a second one goes on.
    /// A step's command that fails is pointed out; a different argument still counts.
    @Test func stepsAreChecked() {
        let run = ShellRun("lesson dense\nlesson next")
        #expect(run.text.contains("Step 1 is not done yet: type 'reset', 'input 784', 'add dense 512 relu' first"))
        #expect(!run.text.contains("[dense 2/4]"))
        run.run("reset\ninput 784\nadd dense 512 relu\n")
        #expect(run.text.contains("✓ step 1 done. Look at: kernel (784, 512)"))
        run.run("lesson next\nadd dense 10 use_bias=Flase")
        #expect(run.errors.contains("use_bias"))
        #expect(run.text.contains("That did not work; this step asks for: add dense 10 use_bias=False"))
        run.run("add dense 7 use_bias=False")
        #expect(run.text.contains("✓ step 2 done."))
        run.run("lesson next\nlesson next\nlesson next")
        #expect(run.text.contains("Step 3 is not done yet"))
        #expect(run.text.contains("[dense 4/4]"))
        #expect(Session.lessonCommand("fit xor --epochs 300", matches: "fit xor --epochs 20 --batch-size 8"))
        #expect(!Session.lessonCommand("fit xor --epochs 300", matches: "fit spiral --epochs 300"))
        #expect(!Session.lessonCommand("x = keras.Input(shape=(28, 28, 1))", matches: "x = keras.Input(shape=(28, 28))"))
    }

    @Test func languageComesFromTheEnvironment() {
        #expect(Session.language(from: ["LANG": "vi_VN.UTF-8"]) == "vi")
        #expect(Session.language(from: ["LANGUAGE": "vi:en", "LANG": "en_US.UTF-8"]) == "vi")
        #expect(Session.language(from: ["LC_ALL": "en_GB.UTF-8", "LANG": "vi_VN.UTF-8"]) == "en")
        #expect(Session.language(from: ["LANG": "C.UTF-8"]) == "en")
        #expect(Session.language(from: ["LANG": "fr_FR.UTF-8"]) == "en")
        #expect(Session.language(from: [:]) == "en")
        let run = ShellRun("set language vi\nlesson\nset language fr")
        #expect(run.text.contains("Các bài học"))
        #expect(run.errors.contains("language must be one of en, vi; got 'fr'"))
    }

    /// A teacher's lesson in the data folder's lesson-texts/ is listed and runs; a broken one is named, not fatal.
    @Test func aTeachersOwnLesson() throws {
        let folder = try temporaryDirectory()
        try "# Bias\n\nA lesson of our own.\n\n## One\n\nAdd a layer.\n\n```layerlab\nreset\ninput 3\nadd dense 2\n```\n\n**Look at:** 8 params.\n"
            .write(to: folder.appendingPathComponent("bias.md"), atomically: true, encoding: .utf8)
        try "# Broken\n\n```python\nx\n```\n".write(to: folder.appendingPathComponent("broken.md"), atomically: true, encoding: .utf8)
        let run = ShellRun("")
        run.session.lessonFolder = folder
        run.run("lesson\nlesson bias\nreset\ninput 3\nadd dense 2")
        #expect(run.text.contains("  bias "))
        #expect(run.text.contains("skipped lesson-texts/broken.md: lesson broken: code blocks must be ```layerlab"))
        #expect(run.text.contains("✓ step 1 done. Look at: 8 params."))
        run.run("set language vi\nlesson bias")
        #expect(run.text.contains("(bài này chưa có bản tiếng Việt: đây là bản tiếng Anh)"))
    }

    @Test func progressIsKeptAcrossSessions() throws {
        let file = try temporaryDirectory().appendingPathComponent("lessons").path
        let first = ShellRun("")
        first.session.lessonProgressFile = file
        first.run("lesson dense\nlesson next\nlesson next")
        #expect(first.text.contains("[dense 2/4]"))
        let second = ShellRun("")
        second.session.lessonProgressFile = file
        second.run("lesson")
        #expect(second.text.contains("▶ dense"))
        #expect(second.text.contains("(step 2/4)"))
        second.run("lesson next\nlesson next")
        #expect(second.text.contains("[dense 3/4]"))
        second.run("lesson quit\nlesson next")
        #expect(second.errors.contains("no lesson is running"))
    }

    @Test func lessonMistakes() {
        let run = ShellRun("lesson initialisers\nlesson back\nlesson layers\nlesson back")
        #expect(run.errors.contains("unknown lesson 'initialisers' — did you mean 'initializers'?"))
        #expect(run.errors.contains("no lesson is running"))
        #expect(run.errors.contains("this is the first step of 'layers'"))
    }
}
