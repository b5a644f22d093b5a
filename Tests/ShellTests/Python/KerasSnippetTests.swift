import Foundation
import Testing
import TestSupport
@testable import Models
@testable import KerasPython
@testable import Shell

/// The chapter's snippets (Tests/Fixtures/keras/python/snippets/*.py) typed into LayerLab
/// print exactly what Keras prints for them; fixtures by scripts/keras-fixtures/generate.py.
@Suite struct KerasSnippetTests {
    static let folder = fixture("keras/python")
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("snippets").path)) ?? [])
        .filter { $0.hasSuffix(".py") }.map { String($0.dropLast(3)) }.sorted()

    static func read(_ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    @Test func thereAreSnippets() {
        #expect(Self.names.count >= 11)
    }

    @Test(arguments: names)
    func snippetPrintsWhatKerasPrints(_ name: String) throws {
        let code = try Self.read("snippets/\(name).py")
        for columns in [80, 120, 60] {
            let run = ShellRun(code, width: columns)
            #expect(run.errors.isEmpty, "\(name): \(run.errors)")
            let keras = try Self.read("\(name).\(columns).txt")
            #expect(run.text == keras, "\(name) at \(columns) columns:\n\(run.text)\n--- Keras:\n\(keras)")
        }
    }

    /// The `keras` command's code for the snippet's model is what the fixture script ran
    /// through Keras, and Keras's summary of that code equals LayerLab's of the model.
    @Test(arguments: names)
    func generatedCodeRebuildsTheModelInKeras(_ name: String) throws {
        let run = ShellRun(try Self.read("snippets/\(name).py"), width: 80)
        let code = try KerasCode.generate(run.session.model)
        #expect(code + "\n" == (try Self.read("\(name).keras.py")), "\(name): the generator's output changed; rerun the fixture script")
        let kerasSummary = try Self.read("\(name).keras.txt")
        let ours = try KerasSummary.render(run.session.model, terminalColumns: 80) + "\n"
        #expect(kerasSummary == ours, "\(name): Keras's summary of the generated code:\n\(kerasSummary)\n--- LayerLab's:\n\(ours)")
        let ran = try loadJSON("keras/python/generated.json") as? [String: [String: Any]]
        #expect(ran?[name]?["generated_code_ran"] as? Bool == true)
    }

    static let sessions: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("sessions").path)) ?? [])
        .filter { $0.hasSuffix(".ll") }.map { String($0.dropLast(3)) }.sorted()

    /// Models built with LayerLab's commands: the `keras` code for each ran in Keras
    /// (the fixture script) and gave the summary LayerLab gives for the model.
    @Test(arguments: sessions)
    func generatedCodeForCommandSessionsRebuildsTheModel(_ name: String) throws {
        #expect(Self.sessions.count >= 5)
        let run = ShellRun(try Self.read("sessions/\(name).ll"), width: 80)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let code = try KerasCode.generate(run.session.model)
        #expect(code + "\n" == (try Self.read("sessions/\(name).keras.py")), "\(name): the generator's output changed; rerun the fixture script")
        let kerasSummary = try Self.read("sessions/\(name).keras.txt")
        let ours = try KerasSummary.render(run.session.model, terminalColumns: 80) + "\n"
        #expect(kerasSummary == ours, "\(name): Keras's summary of the generated code:\n\(kerasSummary)\n--- LayerLab's:\n\(ours)")
        let ran = try loadJSON("keras/python/generated.json") as? [String: [String: Any]]
        #expect(ran?["sessions/" + name]?["generated_code_ran"] as? Bool == true)
    }

    @Test func importChecksFollowKerasModuleLayout() throws {
        let modules = try #require(try loadJSON("keras/python/modules.json") as? [String: [String]])
        for (module, names) in modules {
            #expect(KerasModules.names(of: module) == names, "\(module) differs from Keras's dir()")
        }
    }
}
