import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import Shell

@Suite struct LessonTests {
    @Test func everyMarkdownFileIsALessonInTheBinary() throws {
        let folder = repositoryRoot.appendingPathComponent("docs/lessons")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
        #expect(files.count == 11)
        #expect(Lesson.all.map(\.name).sorted() == files, "docs/lessons and the embedded lessons differ: list new lessons in Package.swift and LessonTexts.swift")
        for lesson in Lesson.all {
            let text = try String(contentsOf: folder.appendingPathComponent(lesson.name + ".md"), encoding: .utf8)
            #expect(try Lesson.parse(name: lesson.name, markdown: text).steps.count == lesson.steps.count, "\(lesson.name) is embedded from an old text")
            #expect(lesson.steps.count >= 3)
            for step in lesson.steps {
                #expect(!step.text.isEmpty && !step.commands.isEmpty && !step.lookAt.isEmpty, "\(lesson.name): '\(step.title)' needs an explanation, commands and a Look at")
            }
        }
    }

    /// Every lesson, typed through to its end.
    @Test(arguments: Lesson.all.map(\.name))
    func lessonRunsEndToEnd(_ name: String) throws {
        try Self.walk(name)
    }

    /// Every command a lesson asks for names a layer type LayerLab has.
    @Test func lessonsUseOnlyLayersThatExist() {
        for lesson in Lesson.all {
            for command in lesson.steps.flatMap(\.commands) {
                let words = command.split(separator: " ")
                if words.count > 1, words[0] == "add" { #expect(LayerType.registry.lookup(String(words[1])) != nil, "\(lesson.name): \(command)") }
            }
        }
    }

    /// Starts the lesson, types every step's commands, and goes on to the end.
    static func walk(_ name: String) throws {
        let lesson = try #require(Lesson.find(name))
        let run = ShellRun("lesson \(name)", width: 100)
        #expect(run.text.contains("[\(name) 1/\(lesson.steps.count)]"))
        for (i, step) in lesson.steps.enumerated() {
            for command in step.commands {
                #expect(run.run(command), "lesson \(name), step \(i + 1): '\(command)' failed: \(run.errors)")
            }
            run.run("lesson next")
            if i + 1 < lesson.steps.count { #expect(run.text.contains("[\(name) \(i + 2)/\(lesson.steps.count)] \(lesson.steps[i + 1].title)")) }
        }
        #expect(run.text.hasSuffix("Lesson '\(name)' complete. 'lesson' lists the others.\n"))
        #expect(run.errors.isEmpty, "\(run.errors)")
    }

    @Test func progressIsKeptAcrossSessions() throws {
        let file = try temporaryDirectory().appendingPathComponent("lessons").path
        let first = ShellRun("")
        first.session.lessonProgressFile = file
        first.run("lesson dense\nlesson next\nlesson next\nlesson back")
        #expect(first.text.contains("[dense 2/4]"))
        let second = ShellRun("")
        second.session.lessonProgressFile = file
        second.run("lesson")
        #expect(second.text.contains("▶ dense"))
        #expect(second.text.contains("(step 2/4)"))
        second.run("lesson next")
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
