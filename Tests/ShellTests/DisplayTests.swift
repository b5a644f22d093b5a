import Foundation
import Testing
import TestSupport
@testable import Shell
import TensorCore
import Text

/// Display glitches (issue 16, defect 7).
@Suite struct DisplayTests {
    /// The line under a histogram's axis (the one after `0 └…`).
    func axisLabels(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let i = lines.lastIndex(where: { $0.contains("0 └") }), i + 1 < lines.count else { return nil }
        return String(lines[i + 1])
    }

    @Test func narrowHistogramsShowBothEnds() {
        let run = ShellRun("input 16; add dense 32; hist dense/kernel --bins 5")
        #expect(run.errors.isEmpty)
        #expect(axisLabels(run.text) == "     -0.3536 to 0.3536")
        let sample = ShellRun("sample orthogonal 64 64 gain=2 --bins 10")
        let labels = axisLabels(sample.text) ?? ""
        #expect(!labels.contains("--"), "\(labels)")
        #expect(labels.trimmingCharacters(in: .whitespaces) == "-0.9081 to 0.8714")
        // Wide enough: the ends at the edges, the middle between, none overwritten.
        #expect(axisLabels(ShellRun("input 16; add dense 32; hist dense/kernel").text)?.split(separator: " ") == ["-0.3536", "0", "0.3536"])
    }

    @Test func equalValuesAreOneBar() {
        let run = ShellRun("input 16; add dense 32 kernel_constraint=MaxNorm(0.5); constrain dense; norms dense/kernel", width: 80)
        #expect(run.errors.isEmpty, "\(run.errors)")
        #expect(axisLabels(run.text)?.split(separator: " ") == ["0", "0.5", "1"])
        let bars = run.text.split(separator: "\n").filter { $0.contains("│") && $0.contains("█") && !$0.contains("┃") }
        #expect(!bars.isEmpty)
        for bar in bars { #expect(bar.filter { $0 == "█" }.count == 1, "\(bar)") }
    }

    @Test func displayWidthCountsColumns() {
        #expect("층".displayWidth == 2)
        #expect("漢字".displayWidth == 4)
        #expect("Ａ".displayWidth == 2)
        #expect("e\u{301}".displayWidth == 1)
        #expect("dense_1".displayWidth == 7)
        #expect("층층x".cropped(toWidth: 3) == "층 ")
    }

    @Test func wideNamesKeepTableBordersStraight() {
        let run = ShellRun("input 4; add dense 4 name=층; add dense 2 name=漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字; summary; forward; show 층")
        #expect(run.errors.isEmpty, "\(run.errors)")
        let lines = run.text.split(separator: "\n").map(String.init)
        let table = lines.filter { ["┏", "┃", "┡", "│", "├", "└"].contains($0.first.map(String.init) ?? "") }
        #expect(table.count > 5)
        let width = table.first?.displayWidth ?? 0
        for line in table { #expect(line.displayWidth == width, "\(line)") }
        // forward's lines: the shapes start in one column after the names.
        let forward = lines.filter { $0.hasPrefix("층 ") || $0.hasPrefix("漢字漢字") }.filter { $0.contains("mean") }
        #expect(forward.count == 2)
        let columns = Set(forward.map { l in l.prefix { $0 != "(" }.displayWidth })
        #expect(columns.count == 1, "\(forward)")
        // The weight lines of `add` and `show`: statistics under the shape.
        let kernel = lines.first { $0.hasPrefix("  층/kernel") } ?? ""
        let stats = lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("mean") } ?? ""
        #expect(kernel.prefix { $0 != "(" }.displayWidth == stats.prefix { $0 != "m" }.displayWidth)
        // Keras's summary (rich counts cells too).
        let python = ShellRun("import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, name='층')])\nm.summary()")
        let rows = python.text.split(separator: "\n").filter { ["┏", "┃", "│", "└"].contains($0.first.map(String.init) ?? "") }
        #expect(Set(rows.map { String($0).displayWidth }).count == 1, "\(python.text)")
    }

    /// What Keras 3.15 printed for this code (KERAS_BACKEND=jax, 80 columns): rich counts
    /// a CJK character as two cells, and crops the long name with `…` by cells.
    @Test func kerasSummaryOfWideNamesIsKeras() {
        let code = """
        import keras
        m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, name='층'), keras.layers.Dense(2, name='漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字')])
        m.summary()
        """
        let keras = """
        Model: "sequential"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ 층 (Dense)                      │ (None, 4)              │            20 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ 漢字漢字漢字漢字漢字漢字漢字漢… │ (None, 2)              │            10 │
        │ (Dense)                         │                        │               │
        └─────────────────────────────────┴────────────────────────┴───────────────┘
         Total params: 30 (120.00 B)
         Trainable params: 30 (120.00 B)
         Non-trainable params: 0 (0.00 B)
        """
        let run = ShellRun(code, width: 80)
        #expect(run.errors.isEmpty)
        #expect(run.text == keras + "\n")
    }

    /// A large count is never cut: `98,328,000` stays whole in an 80-column summary.
    @Test func largeParameterCountsStayWhole() {
        let run = ShellRun("input 4096; add dense 24000 kernel_initializer=zeros", width: 80)
        run.run("summary")
        #expect(run.text.contains("98,328,000") && run.text.contains("98,304,000"), "\(run.text)")
        #expect(!run.text.contains("98,328,0…"))
        let rows = run.text.split(separator: "\n").filter { $0.hasPrefix("│") || $0.hasPrefix("┏") || $0.hasPrefix("└") }
        #expect(Set(rows.map { String($0).displayWidth }).count == 1, "ragged table")
    }

    @Test func previewsAreCappedByLines() {
        let run = ShellRun("input 8 8 2; add locally_connected2d 3 3; show locally_connected2d")
        #expect(run.errors.isEmpty)
        let lines = run.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count < 60, "\(lines.count) lines")
        let big = try? Tensor(shape: [40, 40, 40, 40], scalars: [Float](repeating: 1, count: 40 * 40 * 40 * 40))
        if let big { #expect(Format.preview(big).split(separator: "\n", omittingEmptySubsequences: false).count <= Format.previewLines) }
    }

    @Test func oneTinyValueDoesNotWidenEveryColumn() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1.5, -6.659e-05, 0.25, 2, 3, 4])
        #expect(Format.preview(t) == "[[ 1.5000 -0.0001  0.2500]\n [ 2.0000  3.0000  4.0000]]")
        // All tiny, or large: one scientific notation for all, as NumPy switches.
        #expect(Format.preview(try Tensor(shape: [1, 2], scalars: [1e-5, -3e-6])) == "[[ 1.000e-05 -3.000e-06]]")
        #expect(Format.preview(try Tensor(shape: [1, 2], scalars: [12345, 1])) == "[[1.234e+04 1.000e+00]]")
    }
}
