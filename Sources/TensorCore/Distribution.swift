#if canImport(Glibc)
import Glibc
#endif

/// A theoretical distribution of weight values, to compare samples against.
public enum Distribution: Equatable, Sendable {
    case constant(Double)
    case uniform(low: Double, high: Double)
    case normal(mean: Double, std: Double)
    /// mean + σ·z with z ~ N(0,1) cut to [−2, 2].
    case truncatedNormal(mean: Double, sigma: Double)
    /// Entries of a random orthogonal matrix: close to N(0, std²), not exactly.
    case approximatelyNormal(mean: Double, std: Double)

    static let truncatedMass = erf(2 / 2.0.squareRoot())  // P(|z| ≤ 2)

    public var mean: Double {
        switch self {
        case .constant(let v): return v
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .normal(let m, _), .truncatedNormal(let m, _), .approximatelyNormal(let m, _): return m
        }
    }

    public var std: Double {
        switch self {
        case .constant: return 0
        case .uniform(let lo, let hi): return (hi - lo) / 12.0.squareRoot()
        case .normal(_, let s), .approximatelyNormal(_, let s): return s
        case .truncatedNormal(_, let sigma):
            // Var of N(0,1) cut to [−a, a]: 1 − 2aφ(a)/(2Φ(a) − 1).
            let a = 2.0, phi = exp(-a * a / 2) / (2 * Double.pi).squareRoot()
            return sigma * (1 - 2 * a * phi / Self.truncatedMass).squareRoot()
        }
    }

    /// The interval values must lie in, when there is one.
    public var bounds: (low: Double, high: Double)? {
        switch self {
        case .constant(let v): return (v, v)
        case .uniform(let lo, let hi): return (lo, hi)
        case .truncatedNormal(let m, let s): return (m - 2 * s, m + 2 * s)
        case .normal, .approximatelyNormal: return nil
        }
    }

    public func cdf(_ x: Double) -> Double {
        switch self {
        case .constant(let v): return x < v ? 0 : 1
        case .uniform(let lo, let hi): return hi > lo ? min(1, max(0, (x - lo) / (hi - lo))) : (x < lo ? 0 : 1)
        case .normal(let m, let s), .approximatelyNormal(let m, let s):
            return s > 0 ? 0.5 * (1 + erf((x - m) / (s * 2.0.squareRoot()))) : (x < m ? 0 : 1)
        case .truncatedNormal(let m, let s):
            guard s > 0 else { return x < m ? 0 : 1 }
            let z = min(2, max(-2, (x - m) / s))
            return (0.5 * (1 + erf(z / 2.0.squareRoot())) - 0.5 * (1 - Self.truncatedMass)) / Self.truncatedMass
        }
    }

    /// Density at x (0 for a constant).
    public func pdf(_ x: Double) -> Double {
        switch self {
        case .constant: return 0
        case .uniform(let lo, let hi): return x >= lo && x < hi && hi > lo ? 1 / (hi - lo) : 0
        case .normal(let m, let s), .approximatelyNormal(let m, let s):
            guard s > 0 else { return 0 }
            let z = (x - m) / s
            return exp(-z * z / 2) / (s * (2 * Double.pi).squareRoot())
        case .truncatedNormal(let m, let s):
            guard s > 0 else { return 0 }
            let z = (x - m) / s
            return abs(z) > 2 ? 0 : exp(-z * z / 2) / (s * (2 * Double.pi).squareRoot()) / Self.truncatedMass
        }
    }

    /// `uniform on [−0.612, 0.612)`, `normal(0, 0.05)` …
    public func describe(_ f: (Double) -> String) -> String {
        switch self {
        case .constant(let v): return "constant \(f(v))"
        case .uniform(let lo, let hi): return "uniform on [\(f(lo)), \(f(hi)))"
        case .normal(let m, let s): return "normal(mean \(f(m)), std \(f(s)))"
        case .truncatedNormal(let m, let s): return "normal(mean \(f(m)), σ \(f(s))) cut to [\(f(m - 2 * s)), \(f(m + 2 * s))]"
        case .approximatelyNormal(let m, let s): return "approximately normal(mean \(f(m)), std \(f(s)))"
        }
    }
}

/// The Kolmogorov–Smirnov test of a sample against a continuous distribution.
public struct KolmogorovSmirnov: Sendable {
    /// sup |F_n(x) − F(x)|.
    public var statistic: Double
    /// Asymptotic p-value (Stephens' small-sample correction).
    public var pValue: Double

    public init(_ values: [Float], against d: Distribution) {
        let sorted = values.filter(\.isFinite).sorted()
        let n = Double(sorted.count)
        var dMax = 0.0
        for (i, v) in sorted.enumerated() {
            let f = d.cdf(Double(v))
            dMax = max(dMax, f - Double(i) / n, Double(i + 1) / n - f)
        }
        statistic = dMax
        pValue = n > 0 ? Self.kolmogorovQ((n.squareRoot() + 0.12 + 0.11 / n.squareRoot()) * dMax) : 1
    }

    /// Q(λ) = 2 Σ (−1)^{k−1} e^{−2k²λ²}.
    static func kolmogorovQ(_ lambda: Double) -> Double {
        guard lambda > 0.2 else { return 1 }
        var sum = 0.0, sign = 1.0
        for k in 1...100 {
            let term = sign * exp(-2 * Double(k * k) * lambda * lambda)
            sum += term
            if abs(term) < 1e-12 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }
}
