import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Models
@testable import Shell
@testable import TensorCore

/// The pictures of learning — the curve, the decision region — and the record fit keeps.
@Suite struct LearningPicturesTests {
    /// A falling line and a dashed flat one, drawn in characters: where each value lands is
    /// worked out here from the chart's scale, not copied from a run.
    @Test func curveInCharacters() {
        let chart = LineChart(title: "loss", series: [
            .init(name: "loss", values: [4, 3, 2, 1, 0], color: LineChart.palette[0], symbol: "*"),
            .init(name: "val_loss", values: [2, 2, 2, 2, 2], color: LineChart.palette[1], dashed: true, symbol: "o"),
        ])
        let lines = chart.terminal(width: 27, rows: 5, color: false)
        #expect(lines.first == "loss")
        #expect(lines[1].hasPrefix("4 ┤*"), "\(lines)")
        #expect(lines[5].hasPrefix("0 ┤") && lines[5].hasSuffix("*"), "\(lines)")
        #expect(lines[6] == "  └" + String(repeating: "─", count: 24))
        #expect(lines[7].hasPrefix("   1") && lines[7].hasSuffix("5 epoch"))
        #expect(lines[8] == "   ** loss  oo val_loss")
        // The middle row holds the flat validation line, dashed: some cells 'o', some blank, none elsewhere.
        let middle = Array(lines[3].dropFirst(3))
        #expect(middle.filter { $0 == "o" }.count >= 8 && middle.contains(" "), "\(lines[3])")
        for r in [1, 2, 4, 5] { #expect(!lines[r].contains("o"), "\(lines[r])") }
        // The loss falls one row (two pixels) per quarter of the width: each row holds its run of '*'.
        for r in 1...5 { #expect(lines[r].contains("*"), "row \(r): \(lines[r])") }
        let firstStar = (1...5).map { r in Array(lines[r].dropFirst(3)).firstIndex(of: "*") ?? -1 }
        #expect(firstStar == firstStar.sorted() && Set(firstStar).count == 5, "\(firstStar)")
    }

    /// In colour, half blocks carry two pixels per cell in 24-bit colour.
    @Test func curveInHalfBlocks() {
        let chart = LineChart(title: "t", series: [.init(name: "a", values: [1, 1], color: (10, 20, 30))])
        let lines = chart.terminal(width: 20, rows: 2, color: true)
        #expect(lines.joined().contains("\u{1B}[0;38;2;10;20;30m"))
        #expect(lines.joined().contains("▀") || lines.joined().contains("▄"))
    }

    /// Dense(1, sigmoid) with both weights 1: class 1 exactly where x + y > 0 — checked cell by
    /// cell against that rule, with the two points on their cells and the count of points right.
    @Test func boundaryOfAKnownModel() throws {
        let dir = try temporaryDirectory()
        let x = dir.appendingPathComponent("x.npy").path, y = dir.appendingPathComponent("y.npy").path
        try NPY.write(try Tensor(shape: [2, 2], scalars: [-3, -2, 3, 2]), to: x)
        try NPY.write(try Tensor(shape: [2, 1], scalars: [0, 1]), to: y)
        let run = ShellRun("input 2; add dense 1 sigmoid kernel_initializer=ones; compile loss=binary_crossentropy")
        #expect(run.run("boundary --input \(x) --target \(y) --png \(dir.path)/b.png"), "\(run.errors)")
        let lines = run.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("2.24 ") || $0.hasPrefix(" 2.24 ") })
        let columns = 56, rows = 28
        let region = (x: (-3.36, 3.36), y: (-2.24, 2.24))
        var wrong = 0
        for r in 0..<rows {
            let row = Array(lines[start + r].suffix(columns))
            for c in 0..<columns {
                let px = region.x.0 + (Double(c) + 0.5) / Double(columns) * (region.x.1 - region.x.0)
                let py = region.y.1 - (Double(r) + 0.5) / Double(rows) * (region.y.1 - region.y.0)
                let expected: Character = px + py > 0 ? "+" : "."
                if row[c] != expected && row[c] != "o" && row[c] != "x" { wrong += 1 }
            }
        }
        #expect(wrong == 0, "\(lines[start..<(start + rows)].joined(separator: "\n"))")
        // (3, 2) falls in row 1 (2.24 − 2 = 0.24 of 4.48 over 28 rows), column 53; (−3, −2) in row 26, column 2.
        #expect(Array(lines[start + 1].suffix(columns))[53] == "x" && Array(lines[start + 26].suffix(columns))[2] == "o")
        #expect(run.text.contains("2 of 2 points on the right side (100 %)"))
        let png = try Data(contentsOf: dir.appendingPathComponent("b.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func boundaryMistakes() {
        let run = ShellRun("input 3; add dense 1 sigmoid\nboundary\nreset; input 2; add dense 2 softmax; add reshape 2 1\nboundary\nreset; input 2; add dense 1\nboundary spirall")
        #expect(run.errors.contains("boundary draws models that take 2-D points (input shape (None, 2)); this model's input is (None, 3) — start a model with 'input 2'"), "\(run.errors)")
        #expect(run.errors.contains("boundary needs a model whose output is one vector per point"), "\(run.errors)")
        #expect(run.errors.contains("did you mean 'spiral'?"), "\(run.errors)")
    }

    /// Fit records the weights at the start and after each epoch; a following fit on the same
    /// weights continues the record, a fit after the weights were drawn again starts a new one.
    @Test func fitKeepsARecord() throws {
        let run = ShellRun("input 2; add dense 4 tanh kernel_regularizer=l2(0.01) kernel_constraint=max_norm(0.5); add dense 1 sigmoid; compile optimizer=Adam(learning_rate=0.1) loss=binary_crossentropy metrics=accuracy")
        let start = try #require(run.session.model.node(named: "dense")?.layer.weights[0])
        #expect(run.run("fit xor --samples 100 --epochs 3 --batch-size 20"), "\(run.errors)")
        var log = try #require(run.session.model.compilation?.trainingLog)
        #expect(log.epochs == 3 && log.names == ["accuracy", "loss"])
        let kernel = try #require(log.weights["dense/kernel"])
        #expect(kernel.count == 4)
        #expect(kernel[0] == TrainingLog.stats(start, axes: [0]))
        let now = try #require(run.session.model.node(named: "dense")?.layer.weights[0])
        #expect(kernel[3] == TrainingLog.stats(now, axes: [0]))
        // max_norm(0.5) holds every column after every step.
        for epoch in kernel.dropFirst() { #expect(epoch.norms.allSatisfy { $0 <= 0.5 + 1e-5 }, "\(epoch.norms)") }
        #expect(log.penalties["dense/kernel"]?.last.map { abs($0 - 0.01 * Double(now.scalars.map { $0 * $0 }.reduce(0, +))) < 1e-6 } == true)
        // The curve was drawn (three epochs), with the loss and accuracy charts.
        #expect(run.text.contains("loss over 3 epochs") && run.text.contains("** accuracy"))
        #expect(run.run("fit xor --samples 100 --epochs 2 --batch-size 20"))
        log = try #require(run.session.model.compilation?.trainingLog)
        #expect(log.epochs == 5 && log.weights["dense/kernel"]?.count == 6)
        #expect(run.run("norms dense/kernel --history\nlosses --history\nhist dense/kernel"), "\(run.errors)")
        #expect(run.text.contains("norms of dense/kernel over axes [0] — 4 slices, epoch 0 is before the fit"))
        #expect(run.text.contains("-- MaxNorm max_value 0.5"))
        #expect(run.text.contains("weight penalties, epoch 0 is before the fit"))
        #expect(run.text.contains("trained 5 epochs: mean "))
        // undo takes the fit and its record back.
        run.run("undo")
        #expect(run.session.model.compilation?.trainingLog?.epochs == 3)
        run.run("init dense")
        #expect(run.run("fit xor --samples 100 --epochs 2 --batch-size 20"))
        #expect(run.session.model.compilation?.trainingLog?.epochs == 2)
        // Without a fit there is no history to show.
        let fresh = ShellRun("input 2; add dense 1; compile loss=mse\nnorms dense/kernel --history")
        #expect(fresh.errors.contains("no epoch has been recorded yet: the history comes from fit"))
    }

    /// The curve goes to a PNG too; a regression model's region is a heat map.
    @Test func curvePNGAndRegression() throws {
        let dir = try temporaryDirectory()
        let run = ShellRun("input 2; add dense 8 tanh; add dense 1; compile optimizer=adam loss=mse")
        #expect(run.run("fit plane --samples 100 --epochs 2 --png \(dir.path)/curve.png\nboundary"), "\(run.errors)")
        #expect(run.text.contains("wrote \(dir.path)/curve.png (560×360 PNG)"))
        #expect(run.text.contains("mean squared error on the 100 points"))
        #expect(run.text.contains("@") && run.text.contains(" ."), "the heat map's levels")
    }
}
