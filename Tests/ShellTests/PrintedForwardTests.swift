import Foundation
import Testing
import TestSupport
@testable import Shell
import TensorCore

/// What a printed `forward` computes per layer beside the layer (issue 18).
@Suite struct PrintedForwardTests {
    /// `hist LAYER/output` keeps every k-th value, at most `keptValues`: the split gather
    /// keeps exactly the values a plain stride does.
    @Test(arguments: [0, 5, Session.keptValues, Session.keptValues + 1, 3 * Session.keptValues - 1, 1_234_567])
    func keepTakesEveryKthValue(_ count: Int) throws {
        let t = try Tensor(shape: [count], scalars: (0..<count).map { Float($0) })
        let kept = Session.keep(t)
        let step = max(1, (count + Session.keptValues - 1) / Session.keptValues)
        #expect(kept.values == stride(from: 0, to: count, by: step).map { Float($0) })
        #expect(kept.values.count <= Session.keptValues && kept.total == count && kept.shape == [count])
    }

    /// The line count computed from the shape is the rendered preview's, for every edge.
    @Test func previewLineCountFollowsTheShape() throws {
        let shapes: [[Int]] = [[], [1], [9], [1, 1], [2, 9], [6, 4], [7, 4], [3, 7, 2], [8, 1, 5], [2, 3, 4, 5], [7, 7, 7, 7], [3, 1, 8, 2, 2]]
        for shape in shapes {
            let t = try Tensor(zeros: shape, value: 1)
            for edge in 1...3 {
                let lines = Format.preview(t, edge: edge, maxLines: 100_000).split(separator: "\n", omittingEmptySubsequences: false).count
                #expect(lines == Format.lineCount(ofPreview: shape, outerEdge: edge), "\(shape), edge \(edge)")
            }
        }
        // The preview of a large output is cut to fit, as before.
        let big = try Tensor(zeros: [256, 26, 26, 32], value: 0.5)
        #expect(Format.preview(big).split(separator: "\n", omittingEmptySubsequences: false).count <= Format.previewLines)
    }

    /// A preview reads only the cells it shows: values anywhere else change nothing in it.
    @Test func previewReadsOnlyTheShownCells() throws {
        let shape = [8, 7, 7, 8]
        let count = shape.reduce(1, *)
        let plain = try Tensor(shape: shape, scalars: (0..<count).map { Float($0 % 7) / 4 })
        let text = Format.preview(plain)
        // Every cell that does not appear changed to a value that would show (and would
        // switch the notation to scientific if it were read).
        var marked = plain
        let shownCells = Set(shownOffsets(shape, text: text, plain: plain))
        for i in 0..<count where !shownCells.contains(i) { marked.scalars[i] = 98765.4 }
        #expect(Format.preview(marked) == text)
        #expect(shownCells.count < count / 10)
    }

    /// The offsets a preview shows: the cells whose change changes the preview.
    func shownOffsets(_ shape: [Int], text: String, plain: Tensor) -> [Int] {
        (0..<plain.count).filter { i in
            var probe = plain
            probe.scalars[i] = -1
            return Format.preview(probe) != text
        }
    }

    /// `--stats` still lists the input first (its statistics are computed only for the table).
    @Test func statsTableStartsWithTheInput() {
        let run = ShellRun("input 32\nadd dense 8 sigmoid\nforward --batch 64 --stats")
        #expect(run.ok, "\(run.errors)")
        let rows = run.text.split(separator: "\n").filter { $0.hasPrefix("│ ") && !$0.hasPrefix("│ Layer") }
        #expect(rows.first?.hasPrefix("│ input") == true, "\(rows)")
        #expect(rows.count == 2)
    }

    /// A batch large enough to run in chunks of samples (here 2 chunks of 4: a sample's
    /// largest output is 1 MB) prints what the same batch run in one piece prints
    /// (`--training`, with no dropout, runs in one piece): statistics merged chunk by
    /// chunk, previews whose first and last rows come from different chunks, the
    /// saturation column, the activity penalty of `losses`, and `hist`'s sample.
    /// (OrthogonalRegularizer's activity penalty does not add up over samples: that batch
    /// runs in one piece, and prints the same too.)
    @Test(arguments: ["l2", "OrthogonalRegularizer(factor=0.01)"])
    func chunkedForwardPrintsWhatOnePiecePrints(_ activity: String) throws {
        let model = "input 64 64 3; add conv2d 64 3 padding=same activation=relu; add maxpooling2d 4; add flatten; "
            + "add dense 10 tanh activity_regularizer=\(activity)"
        var printed: [String] = []
        for (flags, mode) in [("", ""), ("--training", "training mode: dropout layers drop values (deterministic for the seed)\n")] {
            for command in ["forward --batch 8 \(flags)", "forward --batch 8 --stats \(flags)"] {
                let run = ShellRun(model)
                #expect(run.run(command + "; losses; hist conv2d/output"), "\(run.errors)")
                let text = run.text.components(separatedBy: "\n").drop { !$0.hasPrefix("input_layer") && !$0.hasPrefix("training mode") }
                    .joined(separator: "\n")
                printed.append(mode.isEmpty ? text : text.replacingOccurrences(of: mode, with: ""))
            }
        }
        #expect(printed[0] == printed[2])
        #expect(printed[1] == printed[3])
        #expect(printed[0].contains("...") && printed[1].contains("saturated") && printed[0].contains("activity"))
    }

    /// A Lambda may mix the samples of a batch (`x - mean(x, axis=0)`): such a model runs
    /// in one piece, so a batch large enough for chunks gives the numbers of the whole batch.
    @Test func aLambdaThatMixesSamplesRunsInOnePiece() throws {
        let model = "input 64 64 16; add lambda \"x - mean(x, axis=0)\""
        var printed: [String] = []
        for flags in ["", "--training"] {
            let run = ShellRun(model)
            #expect(run.run("forward --batch 64 --stats \(flags)"), "\(run.errors)")
            printed.append(run.text.components(separatedBy: "\n").filter { $0.contains("lambda") && $0.contains("│") }.joined())
        }
        #expect(!printed[0].isEmpty && printed[0] == printed[1], "\(printed)")
        // The mean over the whole batch is removed: what is left has mean 0 (to rounding).
        #expect(printed[0].contains(" 0 ") || printed[0].contains("e-"), "\(printed[0])")
    }

    /// An output without a batch axis (a Lambda reducing over it) is shown with its own
    /// shape and values, not as rows of the batch.
    @Test func anOutputWithoutABatchAxisIsShownAsItIs() throws {
        for (expression, shape) in [("sum(x, axis=0)", "(4,)"), ("sum(x)", "()"), ("x[0]", "(4,)")] {
            let run = ShellRun("input 4; add lambda \"\(expression)\"")
            #expect(run.run("forward --batch 8"), "\(run.errors)")
            let line = run.text.components(separatedBy: "\n").first { $0.hasPrefix("lambda ") && $0.contains("mean") } ?? ""
            #expect(line.contains("  \(shape)  "), "\(expression): \(line)")
            #expect(run.text.contains("output lambda \(shape)"), "\(expression)")
        }
    }
}
