import Foundation
import Formats
import Layers
import Models
import TensorCore
import Testing
import TestSupport
@testable import Shell

/// `Model.fit` against Keras's fit on the same model (.keras), data and compile arguments
/// (shuffle=False, a partial last batch): the History loss and every weight after each epoch —
/// BatchNormalization's moving statistics too (`generate.py training`).
@Suite struct TrainingParityTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var optimizer: String
        var loss: String
        var epochs: Int
        var batchSize: Int
        var metrics: [String]
        var validationSplit: Double
        /// Keras's History: loss, each metric, and their val_ forms.
        var history: [String: [Double]]
        var weights: [String]
        var iterations: Int
        var description: String { name }
    }

    static let folder = "keras/training"
    static let cases = FixtureCases<Case>(folders: folder) { name in
        let c = try loadJSON("\(folder)/\(name)/case.json") as? [String: Any] ?? [:]
        func f<T>(_ key: String) throws -> T { try FixtureCases<Case>.field(c, key) }
        return Case(name: name, optimizer: try f("optimizer"), loss: try f("loss"), epochs: try f("epochs"), batchSize: try f("batch_size"),
                    metrics: try f("metrics"), validationSplit: try f("validation_split"),
                    history: try f("history"), weights: try f("weights"), iterations: try f("iterations"))
    }

    @Test func everyCaseIsRead() { Self.cases.expectComplete(exactly: 7) }

    @Test(arguments: cases.cases)
    func fitFollowsKerasStepForStep(_ c: Case) throws {
        let base = "\(Self.folder)/\(c.name)/"
        var model = try KerasArchive.decode(try Data(contentsOf: fixture(base + "model.keras")), seed: 1)
        model.compilation = try Compilation.make(optimizer: try parseValue(c.optimizer), loss: try parseValue(c.loss),
                                                 metrics: .list(c.metrics.map { .string($0) }))
        var x = try loadFixture(base + "x.npy"), y = try loadFixture(base + "y.npy")
        // Keras's validation_split: the last fraction held out, before any shuffling.
        let rows = x.shape[0], cut = Int((Double(rows) * (1 - c.validationSplit)).rounded(.down))
        let held = (try x.gatheringRows(Array(cut..<rows)), try y.gatheringRows(Array(cut..<rows)))
        (x, y) = (try x.gatheringRows(Array(0..<cut)), try y.gatheringRows(Array(0..<cut)))
        let frozenBefore = model.nodes.filter { !$0.layer.trainable }.map(\.layer.weights)
        var random = RandomGenerator(seed: 1)
        let input = model.inputs[0].name, output = model.outputNames[0]
        func expectKeras(_ key: String, _ epoch: Int, _ ours: Double?) {
            guard let keras = c.history[key]?[epoch] else { Issue.record("Keras's History has no \(key)"); return }
            #expect(ours.map { abs($0 - keras) <= 1e-5 * max(1, abs(keras)) } == true, "epoch \(epoch) \(key): \(ours ?? .nan) vs Keras \(keras)")
        }
        for epoch in 0..<c.epochs {
            let logs = try model.fit([input: x], targets: [output: y], epochs: 1, batchSize: c.batchSize, shuffle: false, random: &random)
            expectKeras("loss", epoch, logs[0].loss)
            for name in c.metrics { expectKeras(name, epoch, logs[0].metrics[name]) }
            if c.validationSplit > 0 {
                let (loss, metrics) = try model.evaluateWithMetrics([input: held.0], targets: [output: held.1], batchSize: c.batchSize)
                expectKeras("val_loss", epoch, loss)
                for name in c.metrics { expectKeras("val_" + name, epoch, metrics[name]) }
            }
            for (i, path) in c.weights.enumerated() {
                expectClose(try model.weight(path).value, try loadFixture(base + "epoch\(epoch)_\(i).npy"), "epoch \(epoch) \(path)",
                            tolerance: 1e-5)
            }
        }
        #expect(Set(c.history.keys) == Set(["loss"] + c.metrics + (c.validationSplit > 0 ? ["val_loss"] + c.metrics.map { "val_" + $0 } : [])))
        #expect(model.compilation?.state.iterations == c.iterations)
        #expect(model.nodes.filter { !$0.layer.trainable }.map(\.layer.weights) == frozenBefore)
    }
}
