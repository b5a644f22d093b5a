import Foundation
import Formats
import Layers
import Models
import TensorCore
import Testing
import TestSupport
@testable import Shell

/// `Model.fit` against Keras's fit on the same model (.keras), data and compile arguments
/// (shuffle=False, a partial last batch): the History loss and every trainable weight after
/// each epoch (`generate.py training`).
@Suite struct TrainingParityTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var optimizer: String
        var loss: String
        var epochs: Int
        var batchSize: Int
        var history: [Double]
        var weights: [String]
        var iterations: Int
        var description: String { name }
    }

    static let folder = "keras/training"
    static let cases = FixtureCases<Case>(folders: folder) { name in
        let c = try loadJSON("\(folder)/\(name)/case.json") as? [String: Any] ?? [:]
        func f<T>(_ key: String) throws -> T { try FixtureCases<Case>.field(c, key) }
        return Case(name: name, optimizer: try f("optimizer"), loss: try f("loss"), epochs: try f("epochs"), batchSize: try f("batch_size"),
                    history: try f("history"), weights: try f("weights"), iterations: try f("iterations"))
    }

    @Test func everyCaseIsRead() { Self.cases.expectComplete(exactly: 6) }

    @Test(arguments: cases.cases)
    func fitFollowsKerasStepForStep(_ c: Case) throws {
        let base = "\(Self.folder)/\(c.name)/"
        var model = try KerasArchive.decode(try Data(contentsOf: fixture(base + "model.keras")), seed: 1)
        model.compilation = try Compilation.make(optimizer: try parseValue(c.optimizer), loss: try parseValue(c.loss), metrics: .null)
        let x = try loadFixture(base + "x.npy"), y = try loadFixture(base + "y.npy")
        let frozenBefore = model.nodes.filter { !$0.layer.trainable }.map(\.layer.weights)
        var random = RandomGenerator(seed: 1)
        for epoch in 0..<c.epochs {
            let logs = try model.fit([model.inputs[0].name: x], targets: [model.outputNames[0]: y], epochs: 1, batchSize: c.batchSize,
                                     shuffle: false, random: &random)
            #expect(abs(logs[0].loss - c.history[epoch]) <= 1e-5 * max(1, abs(c.history[epoch])),
                    "epoch \(epoch): loss \(logs[0].loss) vs Keras \(c.history[epoch])")
            for (i, path) in c.weights.enumerated() {
                expectClose(try model.weight(path).value, try loadFixture(base + "epoch\(epoch)_\(i).npy"), "epoch \(epoch) \(path)",
                            tolerance: 1e-5)
            }
        }
        #expect(model.compilation?.state.iterations == c.iterations)
        #expect(model.nodes.filter { !$0.layer.trainable }.map(\.layer.weights) == frozenBefore)
    }
}
