import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Issue 4: penalties and constraint outputs equal Keras's on fixture weights.
@Suite struct RegularizationFixtureTests {
    func regularizer(_ text: String) throws -> any Regularizer {
        // The fixture keys are Keras calls; LayerLab's parser lives in the shell, so build them here.
        let table: [String: Value] = [
            "L1(0.1)": .call("L1", Arguments([.double(0.1)])), "L2(0.2)": .call("L2", Arguments([.double(0.2)])),
            "L1L2(0.1, 0.2)": .call("L1L2", Arguments([.double(0.1), .double(0.2)])),
            "l1": .string("l1"), "l2": .string("l2"), "l1l2": .string("l1l2"),
            "OrthogonalRegularizer()": .string("OrthogonalRegularizer"),
        ]
        let value = try #require(table[text], "no case for \(text)")
        return try #require(try RegularizerType.make(value, role: "r"))
    }

    @Test func penaltiesMatchKeras() throws {
        let w = try loadFixture("keras/regularization/w.npy")
        let expected = try #require(try loadJSON("keras/regularization/penalties.json") as? [String: Double])
        #expect(expected.count == 7)
        for (name, value) in expected {
            let p = try regularizer(name).penalty(w)
            #expect(abs(p - value) <= 1e-6 * max(abs(value), 1e-6), "\(name): \(p) vs Keras \(value)")
        }
    }

    func constraint(_ text: String, axis: Any?) throws -> any Constraint {
        let axisValue: Value
        switch axis {
        case let a as Int: axisValue = .int(a)
        case let list as [Int]: axisValue = .list(list.map { .int($0) })
        default: axisValue = .null
        }
        let value: Value
        switch text {
        case "MaxNorm(1.5)": value = .call("MaxNorm", Arguments([.double(1.5)], [Keyword("axis", axisValue)]))
        case "UnitNorm()": value = .call("UnitNorm", Arguments([], [Keyword("axis", axisValue)]))
        case "MinMaxNorm(0.5, 1.0, 0.7)": value = .call("MinMaxNorm", Arguments([.double(0.5), .double(1.0), .double(0.7)], [Keyword("axis", axisValue)]))
        default: value = .string("non_neg")
        }
        return try #require(try ConstraintType.make(value, role: "c"))
    }

    @Test func constraintsMatchKeras() throws {
        let cases = try #require(try loadJSON("keras/regularization/constraints.json") as? [[String: Any]])
        #expect(cases.count == 20)
        for c in cases {
            let weight = try #require(c["weight"] as? String), name = try #require(c["constraint"] as? String)
            let file = try #require(c["file"] as? String)
            let w = try loadFixture("keras/regularization/\(weight).npy")
            let out = try constraint(name, axis: c["axis"]).apply(w)
            let (ok, worst) = closeness(out, try loadFixture("keras/regularization/constraints/\(file).npy"), rtol: 1e-5, atol: 1e-6)
            #expect(ok, "\(name) axis \(String(describing: c["axis"])) on \(weight): \(worst)")
        }
    }

    @Test func badArgumentsAreClearErrors() {
        func message(_ v: Value, constraint: Bool = false) -> String {
            do {
                if constraint { _ = try ConstraintType.make(v, role: "kernel_constraint") } else { _ = try RegularizerType.make(v, role: "r") }
                return ""
            } catch { return "\(error)" }
        }
        #expect(message(.call("l2", Arguments([.double(-0.1)]))).contains("non-negative"))
        #expect(message(.call("l1", Arguments([.double(.infinity)]))).contains("non-negative"))
        #expect(message(.call("MinMaxNorm", Arguments([.double(2), .double(1)])), constraint: true) == "MinMaxNorm: min_value 2.0 is above max_value 1.0")
        #expect(message(.call("MaxNorm", Arguments([.double(-1)])), constraint: true).contains("max_value"))
        #expect(message(.string("l1_l3")).contains("did you mean"))
        #expect(message(.call("OrthogonalRegularizer", Arguments([], [Keyword("mode", .string("diag"))]))).contains("mode"))
    }
}
