import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Issue 3: every initializer's sample against its theoretical distribution.
@Suite struct InitializerDistributionTests {
    static let n = 100_000

    struct Case: Sendable, CustomStringConvertible {
        var value: Value
        var shape: [Int]
        var description: String { "\(value.python) \(shape)" }
    }

    static let randomCases: [Case] = [
        Case(value: .string("random_normal"), shape: [n]),
        Case(value: .call("RandomNormal", Arguments([], [Keyword("mean", .double(0.5)), Keyword("stddev", .double(2))])), shape: [n]),
        Case(value: .string("random_uniform"), shape: [n]),
        Case(value: .call("RandomUniform", Arguments([.double(-3), .double(1)])), shape: [n]),
        Case(value: .string("truncated_normal"), shape: [n]),
        Case(value: .call("TruncatedNormal", Arguments([], [Keyword("mean", .double(1)), Keyword("stddev", .double(0.3))])), shape: [n]),
        Case(value: .string("variance_scaling"), shape: [400, 250]),
        Case(value: .call("VarianceScaling", Arguments([.double(3), .string("fan_out"), .string("uniform")])), shape: [400, 250]),
        Case(value: .call("VarianceScaling", Arguments([.double(0.5), .string("fan_avg"), .string("untruncated_normal")])), shape: [400, 250]),
        Case(value: .string("glorot_normal"), shape: [400, 250]),
        Case(value: .string("glorot_uniform"), shape: [400, 250]),
        Case(value: .string("he_normal"), shape: [400, 250]),
        Case(value: .string("he_uniform"), shape: [400, 250]),
        Case(value: .string("lecun_normal"), shape: [400, 250]),
        Case(value: .string("lecun_uniform"), shape: [5, 5, 16, 250]),
    ]

    func make(_ v: Value) throws -> any Initializer {
        var seeds = SeedSource(seed: 20261127)
        return try InitializerType.make(v, seeds: &seeds)
    }

    @Test(arguments: randomCases)
    func passesKSAndMatchesMoments(_ c: Case) throws {
        let initializer = try make(c.value)
        let w = try initializer.sample(c.shape)
        let d = try #require(initializer.distribution(for: c.shape))
        let ks = KolmogorovSmirnov(w.scalars, against: d)
        #expect(ks.pValue > 0.001, "KS D = \(ks.statistic), p = \(ks.pValue)")
        let s = Statistics(w.scalars)
        #expect(abs(s.mean - d.mean) < 4 * d.std / Double(w.count).squareRoot() + 1e-9)
        #expect(abs(s.std - d.std) / d.std < 0.01)
        if let b = d.bounds {
            #expect(Double(s.min) >= b.low - 1e-6 && Double(s.max) <= b.high + 1e-6)
            // The bounds are reached, not just respected.
            #expect(Double(s.max) > b.high - 0.01 * (b.high - b.low))
        }
    }

    /// The KS test must be able to fail: a uniform sample is not normal.
    @Test func ksRejectsTheWrongDistribution() throws {
        let w = try make(.string("he_uniform")).sample([200, 200])
        let wrong = Distribution.normal(mean: 0, std: Distribution.uniform(low: -0.1732, high: 0.1732).std)
        #expect(KolmogorovSmirnov(w.scalars, against: wrong).pValue < 1e-6)
        let shifted = Distribution.uniform(low: -0.15, high: 0.19)
        #expect(KolmogorovSmirnov(w.scalars, against: shifted).pValue < 1e-6)
    }

    @Test func constantsAreExact() throws {
        for (v, c) in [(Value.string("zeros"), 0.0), (.string("ones"), 1.0), (.call("Constant", Arguments([.double(-0.25)])), -0.25)] {
            let i = try make(v)
            #expect(try i.sample([100, 7]).scalars.allSatisfy { Double($0) == c })
            #expect(i.distribution(for: [100, 7]) == .constant(c))
        }
    }

    /// Keras's own presets on (400, 600): std and the largest |w| agree within sampling error.
    @Test func presetsMatchKerasOnTheSameShape() throws {
        let keras = try #require(try loadJSON("keras/initializers/presets_400x600.json") as? [String: [String: Double]])
        #expect(keras.count == 6)
        for (name, figures) in keras {
            let w = try make(.string(name)).sample([400, 600])
            let s = Statistics(w.scalars)
            let kStd = try #require(figures["std"]), kMax = try #require(figures["max_abs"])
            #expect(abs(s.std - kStd) / kStd < 0.01, "\(name) std \(s.std) vs Keras \(kStd)")
            let maxAbs = Double(max(abs(s.min), abs(s.max)))
            #expect(abs(maxAbs - kMax) / kMax < 0.01, "\(name) max|w| \(maxAbs) vs Keras \(kMax)")
        }
    }

    @Test func fansMatchKeras() throws {
        let cases = try #require(try loadJSON("keras/initializers/fans.json") as? [[String: [Int]]])
        #expect(cases.count >= 10)
        for c in cases {
            let shape = try #require(c["shape"]), fans = try #require(c["fans"])
            let (fanIn, fanOut) = computeFans(shape)
            #expect([fanIn, fanOut] == fans, "\(shape)")
        }
    }

    @Test(arguments: [[64, 64], [100, 30], [30, 100], [3, 3, 16, 32], [3, 3, 2, 4], [2, 3, 4]])
    func orthogonalIsOrthogonal(_ shape: [Int]) throws {
        for gain in [1.0, 2.5] {
            let w = try make(.call("Orthogonal", Arguments([], [Keyword("gain", .double(gain))])))
                .sample(shape)
            let rows = shape.dropLast().reduce(1, *), cols = shape[shape.count - 1]
            // WᵀW over the short side: columns when tall, rows when wide.
            let k = min(rows, cols)
            var worst: Double = 0
            for i in 0..<k {
                for j in 0..<k {
                    var dot: Double = 0
                    if rows >= cols {
                        for r in 0..<rows { dot += Double(w.scalars[r * cols + i]) * Double(w.scalars[r * cols + j]) }
                    } else {
                        for c in 0..<cols { dot += Double(w.scalars[i * cols + c]) * Double(w.scalars[j * cols + c]) }
                    }
                    worst = max(worst, abs(dot - (i == j ? gain * gain : 0)) / (gain * gain))
                }
            }
            #expect(worst < 1e-5, "shape \(shape) gain \(gain): worst \(worst)")
        }
    }

    @Test func sameSeedSameValuesAcrossLayers() throws {
        let a = try make(.call("HeNormal", Arguments([], [Keyword("seed", .int(5))])))
        var other = SeedSource(seed: 1)
        let b = try InitializerType.make(.call("he_normal", Arguments([], [Keyword("seed", .int(5))])), seeds: &other)
        #expect(try a.sample([30, 20]) == b.sample([30, 20]))
    }
}

@Suite struct DistributionMathTests {
    @Test func truncatedNormalStdIsKerasConstant() {
        #expect(abs(Distribution.truncatedNormal(mean: 0, sigma: 1).std - 0.87962566103423978) < 1e-9)
    }

    @Test func cdfsAreCDFs() {
        let ds: [Distribution] = [.uniform(low: -1, high: 3), .normal(mean: 1, std: 2), .truncatedNormal(mean: 0, sigma: 0.5)]
        for d in ds {
            #expect(abs(d.cdf(-100)) < 1e-12 && abs(d.cdf(100) - 1) < 1e-12)
            #expect(abs(d.cdf(d.mean) - 0.5) < 1e-9)
            var previous = 0.0
            for x in stride(from: -5.0, through: 5, by: 0.25) { let c = d.cdf(x); #expect(c >= previous); previous = c }
        }
    }

    @Test func kolmogorovTail() {
        // Known values of the Kolmogorov distribution's survival function.
        #expect(abs(KolmogorovSmirnov.kolmogorovQ(1.0) - 0.26999967) < 1e-6)
        #expect(abs(KolmogorovSmirnov.kolmogorovQ(1.36) - 0.0494) < 1e-3)
    }
}
