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

/// L1/L2 penalties (an activity regularizer's pass over each printed forward's output):
/// the vector sums agree with the plain definition, on lengths around the vector width,
/// the piece and a split over the cores.
@Suite struct PenaltySumTests {
    @Test(arguments: [1, 7, 8, 9, 23, Parallel.piece + 3, 300_001])
    func sumsMatchTheDefinition(_ count: Int) throws {
        var g = RandomGenerator(seed: UInt64(count))
        var values = [Float](repeating: 0, count: count)
        g.fillNormal(&values, mean: -0.3, stddev: 2)
        let x = try Tensor(shape: [count], scalars: values)
        let abs1 = values.reduce(0.0) { $0 + Double(abs($1)) }, sq = values.reduce(0.0) { $0 + Double($1) * Double($1) }
        let both = L1L2(className: "L1L2", l1: 0.01, l2: 0.002)
        let expected = Double(Float(0.01) * Float(abs1) + Float(0.002) * Float(sq))
        #expect(abs(both.penalty(x) - expected) <= 1e-6 * expected, "\(both.penalty(x)) against \(expected)")
        #expect(L1L2(className: "L1", l1: 1, l2: 0).penalty(x) == Double(Float(abs1)))
    }
}
