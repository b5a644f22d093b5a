import Testing
@testable import Layers
import TensorCore

@Suite struct SaturationTests {
    /// The vector count agrees with the definition, at the thresholds too, and NaN never counts.
    @Test(arguments: ["sigmoid", "tanh", "hard_sigmoid"])
    func countsTheFlatEnds(_ activation: String) throws {
        let edges: [Float] = [-1, -0.99, -0.9900001, -0.5, 0, 1e-9, 0.01, 0.0099999, 0.5, 0.99, 0.9900001, 1, 2, .nan, .infinity]
        var g = RandomGenerator(seed: 3)
        var noise = [Float](repeating: 0, count: 3 * Parallel.piece + 13)
        g.fillUniform(&noise, low: -1.2, high: 1.2)
        let definition: (Float) -> Bool
        switch activation {
        case "sigmoid": definition = { $0 < 0.01 || $0 > 0.99 }
        case "tanh": definition = { abs($0) > 0.99 }
        default: definition = { $0 <= 0 || $0 >= 1 }
        }
        for values in [edges, noise + edges, Array(edges.prefix(5))] {
            let expected = Double(values.filter(definition).count) / Double(values.count)
            #expect(saturatedFraction(values, activation: activation) == expected, "\(values.count) values")
        }
        #expect(saturatedFraction([], activation: activation) == nil)
        #expect(saturatedFraction(edges, activation: "relu") == nil)
    }
}
