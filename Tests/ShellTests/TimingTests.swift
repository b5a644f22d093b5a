import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import Models
@testable import Shell
@testable import TensorCore
import Text

/// `forward --repeat N` and the `time` prefix print their figures and run the passes
/// asked for. (How fast they are is the benchmark's business, never a test's.)
@Suite struct TimingTests {
    static let mlp = "input 784\nadd dense 32 relu\nadd dense 10 softmax\n"

    @Test func repeatRunsNPassesAndPrintsTheFigures() {
        let run = ShellRun(Self.mlp)
        run.run("forward --batch 4 --repeat 7")
        #expect(run.ok, "\(run.errors)")
        #expect(run.session.lastForwardTimes.count == 7)
        #expect(run.text.contains("7 passes of batch 4"))
        for word in ["min ", "median ", "max ", "GFLOP/s", "per pass"] { #expect(run.text.contains(word), "missing \(word)") }
        // 2 × MACs: (784·32 + 32·10) per sample × 4 samples
        #expect(run.text.contains("2 × \(Format.thousands((784 * 32 + 32 * 10) * 4)) MACs"))
        #expect(run.text.contains("output dense_1 (4, 10)"))
        // No per-layer statistics while timing.
        #expect(!run.text.contains("dense  (4, 32)"))
    }

    @Test func repeatGivesTheSameOutputAsForward() {
        let a = ShellRun(Self.mlp), b = ShellRun(Self.mlp)
        a.run("forward --batch 2 --repeat 3")
        b.run("forward --batch 2")
        let last = { (t: String) in t.components(separatedBy: "output dense_1").last ?? "" }
        #expect(last(a.text) == last(b.text))
    }

    @Test func timePrefixOnForwardTimesOnePass() {
        let run = ShellRun(Self.mlp)
        run.run("time forward --batch 3")
        #expect(run.ok, "\(run.errors)")
        #expect(run.session.lastForwardTimes.count == 1)
        #expect(run.text.contains("1 pass of batch 3"))
        #expect(run.text.contains("GFLOP/s"))
        run.run("time forward --batch 3 --repeat 5")
        #expect(run.session.lastForwardTimes.count == 5)
        #expect(!run.session.timing)
    }

    @Test func timePrefixOnAnyCommandReportsWallTime() {
        let run = ShellRun(Self.mlp)
        run.run("time summary")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("Total params"))
        #expect(run.text.contains("time: "))
        #expect(run.text.contains(" ms"))
        run.run("time add dense 4")
        #expect(run.session.model.nodes.count == 3)
        #expect(run.run("undo"))
    }

    @Test func timeAloneAndBadRepeatAreErrors() {
        let run = ShellRun(Self.mlp)
        #expect(!run.run("time"))
        #expect(run.errors.contains("time needs a command"))
        #expect(!run.run("forward --repeat 0"))
        #expect(!run.run("forward --repeat 3 --stats"))
        #expect(!run.run("time nosuchcommand"))
    }
}
