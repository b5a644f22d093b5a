import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Models
@testable import Shell
@testable import TensorCore

/// Issue 7: branching models built at the prompt, against Keras's functional model.
@Suite struct GraphTests {
    let build = """
    input 16 name=a
    input 8 name=b
    add dense 8 relu from=a name=left
    add dense 8 tanh from=b name=right
    add add from=left,right name=total
    add concatenate from=left,right,total name=both
    add dense 6 relu from=both name=hidden
    add dense 2 softmax from=hidden name=out
    add dot 1 normalize=True from=left,right name=sim
    """

    @Test func summaryMatchesKerasFunctional() throws {
        let run = ShellRun(build + "\nsummary", width: 160)
        #expect(run.ok, "\(run.errors)")
        let keras = try String(contentsOf: fixture("keras/functional/summary.txt"), encoding: .utf8)
        #expect(run.text.contains("Model: \"functional\""))
        let layers = try #require(try loadJSON("keras/functional/layers.json") as? [[String: Any]])
        let summary = ModelSummary(run.session.model)
        #expect(summary.rows.map(\.name) == layers.compactMap { $0["name"] as? String })
        for (row, k) in zip(summary.rows, layers) {
            #expect(row.className == k["class"] as? String)
            #expect(row.parameters == k["params"] as? Int)
            #expect(row.outputShape == Shape((k["output_shape"] as? [Any] ?? []).map { $0 as? Int }))
            // "Connected to" as Keras writes it.
            let connected = row.connectedTo.isEmpty ? "-" : row.connectedTo.joined(separator: ", ")
            let kerasLine = keras.split(separator: "\n").first { $0.contains("│ \(row.name) (") }
            let firstPart = connected.split(separator: ",").first.map(String.init) ?? connected
            #expect(kerasLine?.contains(firstPart) == true, "\(row.name): \(connected)")
        }
        #expect(run.text.contains(" Total params: 372 (1.45 KB)"))
    }

    @Test func forwardMatchesKerasWithTwoInputsAndOutputs() throws {
        let run = ShellRun(build)
        for layer in ["left", "right", "hidden", "out"] {
            for w in ["kernel", "bias"] {
                #expect(run.run("weights \(layer)/\(w) --load \(fixture("keras/functional/\(layer).\(w).npy").path)"))
            }
        }
        let dir = try temporaryDirectory()
        #expect(run.run("forward --input a=\(fixture("keras/functional/a.npy").path) --input b=\(fixture("keras/functional/b.npy").path) --output \(dir.path)/"),
                "\(run.errors)")
        for output in ["out", "sim"] {
            let y = try NPY.read(contentsOf: dir.appendingPathComponent("\(output).npy"))
            let (ok, worst) = closeness(y, try loadFixture("keras/functional/\(output).npy"))
            #expect(ok, "\(output): \(worst)")
        }
        // One file for one output, a folder for several.
        #expect(!run.run("forward --output \(dir.path)/single.npy"))
        #expect(run.errors.contains("give a folder: --output DIR/"))
        #expect(!run.run("forward --input \(fixture("keras/functional/a.npy").path)"))
        #expect(run.errors.contains("say which one: --input NAME=FILE"))
    }

    @Test func randomInputsForEveryInput() {
        let run = ShellRun(build + "\nforward --batch 3")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("output out (3, 2)") && run.text.contains("output sim (3, 1)"))
    }

    @Test func mismatchedShapesNameBothInputs() {
        let run = ShellRun("input 16 name=a\ninput 8 name=b")
        #expect(!run.run("add subtract from=a,b"))
        #expect(run.errors.contains("subtract: inputs have incompatible shapes (None, 16) and (None, 8) (from a (None, 16) and b (None, 8))"))
        #expect(run.session.model.nodes.isEmpty)
    }

    /// Cycles cannot be made: from= names only layers that exist already, so every
    /// layer reads earlier ones and the construction order is a topological order.
    @Test func cyclesAreImpossibleByConstruction() {
        let run = ShellRun("input 4 name=a\nadd dense 3 name=x")
        #expect(!run.run("add dense 3 from=y name=y"))
        #expect(run.errors.contains("unknown layer 'y'"))
        #expect(!run.run("add dense 3 from=nothing"))
        let m = run.session.model
        for (i, node) in m.nodes.enumerated() {
            let earlier = Set(m.inputs.map(\.name) + m.nodes.prefix(i).map(\.name))
            #expect(node.inbound.allSatisfy(earlier.contains))
        }
    }

    @Test func removeInAGraph() {
        let run = ShellRun(build)
        #expect(!run.run("remove left"))
        #expect(run.errors.contains("left is read by total, both, sim"))
        #expect(run.run("remove sim"))
        #expect(run.run("remove left --cascade"))
        #expect(run.text.contains("removed left, total, both, hidden, out"))
        #expect(run.session.model.nodes.map(\.name) == ["right"])
        #expect(run.run("undo"))
        #expect(run.session.model.nodes.count == 6)
        // A chain keeps Sequential's behaviour: the next layer reads the removed one's input.
        let chain = ShellRun("input 4\nadd dense 3\nadd dense 2\nremove dense")
        #expect(chain.ok)
        #expect(chain.session.model.nodes.first?.inbound == ["input_layer"])
    }

    @Test func outputsCanBeChosen() {
        let run = ShellRun(build)
        #expect(run.session.model.outputNames == ["out", "sim"])
        #expect(run.run("outputs hidden,sim"))
        #expect(run.session.model.outputNames == ["hidden", "sim"])
        #expect(run.run("forward"))
        #expect(run.text.contains("output hidden (1, 6)") && !run.text.contains("output out"))
        #expect(!run.run("outputs nothing"))
        #expect(run.run("outputs auto"))
        #expect(run.session.model.outputNames == ["out", "sim"])
    }

    @Test func graphDrawsEveryLayer() {
        let run = ShellRun(build + "\ngraph")
        #expect(run.ok)
        for name in ["a", "b", "left", "right", "total", "both", "hidden", "out", "sim"] {
            #expect(run.text.contains("● ") && run.text.contains(" \(name) ("), "\(name)")
        }
        #expect(run.text.contains("← left, right, total"))
        #expect(run.text.contains("→ output"))
    }

    /// 30+ layers with several branches and merges stay narrow and readable.
    @Test func graphOfALongBranchingModel() {
        var lines = ["input 8 name=x"]
        var last = "x"
        for block in 0..<8 {
            lines += ["add dense 8 relu from=\(last) name=b\(block)l", "add dense 8 tanh from=\(last) name=b\(block)r",
                      "add dense 8 from=b\(block)r name=b\(block)rr", "add add from=b\(block)l,b\(block)rr name=m\(block)"]
            last = "m\(block)"
        }
        let run = ShellRun(lines.joined(separator: "\n") + "\ngraph")
        #expect(run.ok, "\(run.errors)")
        let drawn = run.text.split(separator: "\n").filter { $0.contains("●") }
        #expect(drawn.count == 33)
        // The lanes never need more than three columns here.
        #expect(drawn.allSatisfy { line in (line.firstIndex(of: "●").map { line.distance(from: line.startIndex, to: $0) } ?? 99) <= 4 })
    }
}
