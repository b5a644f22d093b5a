import Foundation
import Layers
import TensorCore
import Testing
import TestSupport

/// Six optimizer steps against Keras's (`generate.py optimizer_steps`: optimizer.apply on
/// two variables with fixed gradients), every optimizer with its options, clipping, weight
/// decay, the EMA, loss scaling, constraints and the five schedules: each step's values
/// within 1e-5 of the largest.
@Suite struct OptimizerStepTests {
    struct Case: Sendable, CustomStringConvertible {
        var optimizer: String
        var constraint: String?
        var folder: String
        var iterations: Int
        var description: String { optimizer + (constraint.map { " + \($0)" } ?? "") }
    }

    static let file = FixtureCases<Case>("keras/optimizer_steps/cases.json") { c in
        Case(optimizer: try FixtureCases<Case>.field(c, "optimizer"), constraint: c["constraint"] as? String,
             folder: try FixtureCases<Case>.field(c, "folder"), iterations: try FixtureCases<Case>.field(c, "iterations"))
    }

    @Test func everyCaseIsRead() { Self.file.expectComplete() }

    @Test(arguments: file.cases)
    func stepsMatchKeras(_ c: Case) throws {
        let optimizer = try OptimizerType.make(try parseValue(c.optimizer))
        let constraint = try c.constraint.flatMap { try ConstraintType.make(try parseValue($0), role: "constraint") }
        let root = "keras/optimizer_steps/"
        var weights = [try loadFixture(root + "w0.npy"), try loadFixture(root + "w1.npy")]
        var state = OptimizerState()
        for step in 0..<6 {
            let grads = [try loadFixture(root + "g\(step)_0.npy"), try loadFixture(root + "g\(step)_1.npy")]
            try optimizer.apply(grads, to: &weights, state: &state, constraints: [constraint, nil])
            for i in 0..<2 {
                expectClose(weights[i], try loadFixture(root + "\(c.folder)/step\(step)_\(i).npy"), "\(c) step \(step) weight \(i)",
                            tolerance: 1e-6)
            }
        }
        #expect(state.iterations == c.iterations)
    }
}
