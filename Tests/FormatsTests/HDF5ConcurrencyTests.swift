import Dispatch
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Formats
@testable import Models

/// The serial libhdf5 is shared by the whole process; tests (and any future thread)
/// may save and load .keras files at once. Each round trip must still give back its
/// own weights (without `HDF5File.exclusively`, same-named in-memory files were taken
/// for one another and the library's state raced).
@Suite struct HDF5ConcurrencyTests {
    @Test func concurrentRoundTripsKeepTheirOwnWeights() throws {
        let models = (0..<8).map { ShellRun("seed \($0 + 1)\ninput 6\nadd dense \($0 + 2) relu\nadd dense 3").session.model }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 128) { i in
            let model = models[i % models.count]
            do {
                let back = try KerasArchive.decode(try KerasArchive.encode(model), seed: 99)
                if back.nodes.flatMap(\.layer.weights) != model.nodes.flatMap(\.layer.weights) {
                    failures.withLock { $0.append("round trip \(i) gave other weights") }
                }
            } catch {
                failures.withLock { $0.append("round trip \(i): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
    }
}
