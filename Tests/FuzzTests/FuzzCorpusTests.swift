import Foundation
import Testing
import TestSupport
@testable import layerlab_fuzz

/// Issue 10: the fuzz targets' seed corpus and every input that once crashed a reader
/// (Tests/Fixtures/fuzz/regressions/TARGET/) run through the same entry points.
@Suite struct FuzzCorpusTests {
    @Test(arguments: Fuzzing.targets)
    func corpusAndRegressionsRunClean(_ target: String) throws {
        var count = 0
        for folder in ["fuzz/\(target)", "fuzz/regressions/\(target)"] {
            let dir = fixture(folder)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for file in files.sorted() {
                Fuzzing.run(target, try Data(contentsOf: dir.appendingPathComponent(file)))
                count += 1
            }
        }
        #expect(count >= 1, "no seed inputs for \(target)")
    }

    @Test func theZipCrashFoundByFuzzingIsAnError() throws {
        let data = try Data(contentsOf: fixture("fuzz/regressions/keras/crash-zip-offset-past-end"))
        let run = ShellRun("")
        let dir = try temporaryDirectory()
        try data.write(to: dir.appendingPathComponent("bad.keras"))
        #expect(!run.run("load \(dir.path)/bad.keras"))
        #expect(run.errors.split(separator: "\n").count == 1)
    }
}
