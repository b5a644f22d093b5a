import Foundation
import Testing
import TestSupport
@testable import Models
@testable import Shell
@testable import TensorCore

/// Every change, a command or a Python statement, goes one path: undo, history, journal.
@Suite struct ChangePathTests {
    let mixed = """
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(8, input_shape=(4,),  # a comment inside the brackets
                        activation='relu'))
        model.add(Dense(2))
        add dense 3
        """

    @Test func pythonEditsAreInTheHistoryAndUndoable() {
        let run = ShellRun(mixed)
        #expect(run.ok, "\(run.errors)")
        let lines = run.session.timeline.map(\.command)
        #expect(lines.contains("model.add(Dense(8, input_shape=(4,), activation='relu'))"), "\(lines)")
        #expect(lines.suffix(2) == ["model.add(Dense(2))", "add dense 3"])
        run.run("history")
        #expect(run.text.contains("model.add(Dense(2))   (2 layers"))
        run.run("undo; undo")
        #expect(run.session.model.nodes.map(\.name) == ["dense"])
        run.run("diff 2 4")
        #expect(run.text.contains("+ dense_1 (Dense)") && run.text.contains("+ dense_2 (Dense)"), "\(run.text)")
    }

    @Test func theJournalKeepsPythonAndReplaysIt() throws {
        let dir = try temporaryDirectory()
        let output = BufferOutput()
        let session = Session(output: output)
        session.journal = try Journal(directory: dir, seed: session.seed)
        #expect(session.runLines(from: ScriptReader(text: mixed + "\nmodel.summary()\nprint(model)"), prompt: ""), "\(output.errors)")
        guard let saved = Journal.latest(in: dir) else { Issue.record("no journal written"); return }
        // Imports and assignments are needed to replay; output-only statements are not kept.
        #expect(saved.commands.count == 6, "\(saved.commands)")
        // A statement of several lines keeps them (the comment is gone: it was never part of the statement).
        #expect(saved.commands[3] == "model.add(Dense(8, input_shape=(4,),  \n                activation='relu'))", "\(saved.commands)")
        #expect(!saved.commands.contains("model.summary()"))
        let again = Session(output: BufferOutput(), seed: saved.seed)
        for command in saved.commands { #expect(again.run(command)) }
        #expect(again.model.nodes.map(\.name) == session.model.nodes.map(\.name))
        for (a, b) in zip(again.model.nodes, session.model.nodes) { #expect(a.layer.weights == b.layer.weights) }
    }

    @Test func aSecondInputOnASequentialModelIsExplained() {
        let run = ShellRun("input 16; add dense 4; input 8")
        #expect(run.text.contains("note: the model now has 2 inputs (input_layer, input_layer_1) and no layer reads input_layer_1"), "\(run.text)")
        #expect(run.text.contains("'undo'"))
        // A second input that a later layer reads is no surprise: no note when it is made for a branch.
        let first = ShellRun("input 16")
        first.run("input 8 name=side")
        #expect(!first.text.contains("note:"))
    }

    @Test func completionOffersEveryDeclaredFlag() throws {
        let session = Session(output: BufferOutput())
        for command in Commands.all where !command.flags.isEmpty {
            let offered = session.completions(line: command.name + " ", word: "--")
            #expect(Set(offered).isSuperset(of: command.flags.map { "--" + $0.name }), "\(command.name): \(offered)")
        }
        #expect(session.completions(line: "forward ", word: "--r") == ["--repeat"])
        // Each name once, even when a layer's own argument is also a common one (Embedding's input_dim).
        let embedding = session.completions(line: "add embedding ", word: "input")
        #expect(embedding.filter { $0 == "input_dim=" }.count == 1, "\(embedding)")
    }
}
