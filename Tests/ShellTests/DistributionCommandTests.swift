import Foundation
import Testing
import TestSupport
@testable import Shell
@testable import TensorCore

@Suite struct DistributionCommandTests {
    @Test func histShowsTheFigures() {
        let run = ShellRun("input 16\nadd dense 32 relu he_uniform\nhist dense/kernel --bins 20")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("expected: uniform on [-0.6124, 0.6124)"))
        #expect(run.text.contains("n 512"))
        #expect(run.text.contains("Kolmogorov–Smirnov: D = "))
        #expect(run.text.contains("every value within [-0.6124, 0.6124]"))
        // 20 bins: the axis line has 20 cells, and the bounds are marked on it.
        let axis = run.text.split(separator: "\n").first { $0.contains("└") }
        #expect(axis.map { $0.split(separator: "└").last?.count } == 20)
        #expect(axis?.contains("┴") == true)
    }

    @Test func histOfAnOutputNeedsAForwardPass() {
        let run = ShellRun("input 16\nadd dense 8 relu")
        #expect(!run.run("hist dense/output"))
        #expect(run.errors.contains("run 'forward'"))
        #expect(run.run("forward --batch 64\nhist dense/output"))
        #expect(run.text.contains("dense/output (64, 8)"))
        #expect(run.text.contains("n 512"))
    }

    @Test func sampleAndCompare() {
        let run = ShellRun("sample orthogonal 64 64 gain=2\nsample he_normal 784 512\ncompare glorot_uniform he_uniform 256 256")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("Orthogonal(seed=None, gain=2.0) (64, 64)"))
        #expect(run.text.contains("n 401,408"))
        #expect(run.text.contains("both on one scale"))
        #expect(run.text.contains("expected: uniform on [-0.1531, 0.1531)"))
        #expect(!run.run("sample he_normal"))
        #expect(!run.run("sample he_normal 0 3"))
        #expect(!run.run("sample he_normal 100000 100000 100000"))
        #expect(run.errors.contains("the limit is"))
        #expect(!run.run("sample identity 3 3 3"))
    }

    @Test func pngIsAValidImage() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("h.png").path
        let run = ShellRun("compare glorot_uniform he_uniform 64 64 --png \(file)")
        #expect(run.ok, "\(run.errors)")
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: data[12..<16], as: UTF8.self) == "IHDR")
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 820 && height == 520)
        #expect(String(decoding: data.suffix(8).prefix(4), as: UTF8.self) == "IEND")
    }

    @Test func explainPutsInTheNumbers() {
        let run = ShellRun("input 16\nadd dense 32 relu he_uniform\nexplain dense/kernel\nexplain he_uniform\nexplain glorot_normal")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("limit = sqrt(6 / 16) = 0.6124"))
        #expect(run.text.contains("fan_in = 16"))
        #expect(run.text.contains("limit = sqrt(3·scale / n) = sqrt(6 / n), n = fan_in"))
        #expect(run.text.contains("σ = sqrt(scale / n) / 0.87962566, n = (fan_in + fan_out)/2"))
        let conv = ShellRun("sample he_normal 3 3 8 16")
        #expect(conv.ok)
    }

    @Test func initDrawsAgain() throws {
        let run = ShellRun("input 16\nadd dense 32 relu")
        let before = try run.session.model.weight("dense/kernel").value
        #expect(run.run("init dense"))
        let redrawn = try run.session.model.weight("dense/kernel").value
        #expect(redrawn != before)
        #expect(run.run("init dense kernel_initializer=he_normal seed=7"))
        let a = try run.session.model.weight("dense/kernel").value
        #expect(run.run("init dense kernel_initializer=he_normal seed=7"))
        #expect(try run.session.model.weight("dense/kernel").value == a)
        #expect(run.text.contains("HeNormal"))
        #expect(!run.run("init dense units=3"))
        #expect(!run.run("init nothing"))
        run.run("undo; undo; undo")
        #expect(try run.session.model.weight("dense/kernel").value == before)
    }

    @Test func forwardStatsShowsTheTheory() {
        let run = ShellRun("""
        input 256
        add dense 256 relu he_normal
        add dense 256 relu RandomNormal(stddev=1.0)
        add dense 256 relu zeros
        forward --batch 256 --stats
        """)
        #expect(run.ok, "\(run.errors)")
        let rows = run.text.split(separator: "\n").filter { $0.hasPrefix("│ dense") }
        #expect(rows.count == 3)
        func cells(_ row: Substring) -> [String] { row.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) } }
        // std and theory std agree within 10% for the He layer; the zeros layer is all zeros.
        let he = cells(rows[0])
        if let std = Double(he[3]), let theory = Double(he[4]) { #expect(abs(std - theory) / theory < 0.1) } else { Issue.record("no numbers in \(he)") }
        #expect(cells(rows[2])[7] == "100.0%")
        // stats mode keeps no values in the output, only statistics.
        #expect(!run.text.contains("[["))
    }
}
