import Foundation
import Layers
import TensorCore
import Text

/// TensorFlow Playground's toy datasets (its dataset.ts, labels ±1 mapped to 1/0) and
/// scikit-learn's two moons: 2-D points for `fit NAME` and `data NAME`, drawn from a seeded
/// stream. `noise` is in Playground's units (its slider's 0–50, a percentage).
public enum Dataset: String, CaseIterable, Sendable {
    case circle, xor, gauss, spiral, moons, plane, multigauss

    /// Whether the targets are classes (0/1) rather than values in [−1, 1].
    public var isClassification: Bool { self != .plane && self != .multigauss }

    public static func named(_ name: String) throws -> Dataset {
        guard let d = Dataset(rawValue: name.lowercased()) else {
            throw LabError.unknown("dataset", name, among: allCases.map(\.rawValue))
        }
        return d
    }

    /// `samples` points (x: (samples, 2)) and their targets (y: (samples, 1)).
    public func make(samples: Int, noise: Double, random: inout RandomGenerator) throws -> (x: Tensor, y: Tensor) {
        guard samples > 1 else { throw LabError("a dataset needs at least 2 samples, got \(samples)") }
        guard noise >= 0, noise <= 100 else { throw LabError("noise is a percentage from 0 to 100 (Playground's slider goes to 50), got \(Value.pythonFloat(noise))") }
        let n = Float(noise / 100)
        var points: [(Float, Float, Float)] = []
        func uniform(_ a: Float, _ b: Float) -> Float { a + (b - a) * random.nextUniform() }
        func label(_ positive: Bool) -> Float { positive ? 1 : 0 }
        switch self {
        case .circle:
            let radius: Float = 5
            for i in 0..<samples {
                let inside = i < samples / 2
                let r = inside ? uniform(0, radius * 0.5) : uniform(radius * 0.7, radius)
                let angle = uniform(0, 2 * .pi)
                let x = r * sin(angle), y = r * cos(angle)
                let nx = uniform(-radius, radius) * n, ny = uniform(-radius, radius) * n
                points.append((x, y, label(((x + nx) * (x + nx) + (y + ny) * (y + ny)).squareRoot() < radius * 0.5)))
            }
        case .xor:
            for _ in 0..<samples {
                var x = uniform(-5, 5), y = uniform(-5, 5)
                x += x > 0 ? 0.3 : -0.3
                y += y > 0 ? 0.3 : -0.3
                let nx = uniform(-5, 5) * n, ny = uniform(-5, 5) * n
                points.append((x, y, label((x + nx) * (y + ny) >= 0)))
            }
        case .gauss:
            // Playground's variance grows linearly from 0.5 at noise 0 to 4 at noise 50 (std its root).
            let variance = (0.5 + Float(noise / 50) * 3.5).squareRoot()
            for i in 0..<samples {
                let positive = i < samples / 2, c: Float = positive ? 2 : -2
                points.append((c + variance * random.nextNormal(), c + variance * random.nextNormal(), label(positive)))
            }
        case .spiral:
            let half = samples / 2
            for (arm, delta) in [(true, Float(0)), (false, Float.pi)] {
                let count = arm ? half : samples - half
                for i in 0..<count {
                    let r = Float(i) / Float(count) * 5, t = 1.75 * Float(i) / Float(count) * 2 * .pi + delta
                    points.append((r * sin(t) + uniform(-1, 1) * n, r * cos(t) + uniform(-1, 1) * n, label(arm)))
                }
            }
        case .moons:
            // scikit-learn's make_moons: an upper half circle (0) and a lower one shifted (1), N(0, noise²) added.
            let outer = samples / 2, inner = samples - outer
            for i in 0..<outer {
                let a = Float.pi * Float(i) / Float(max(1, outer - 1))
                points.append((cos(a) + Float(noise / 100) * random.nextNormal(), sin(a) + Float(noise / 100) * random.nextNormal(), 0))
            }
            for i in 0..<inner {
                let a = Float.pi * Float(i) / Float(max(1, inner - 1))
                points.append((1 - cos(a) + Float(noise / 100) * random.nextNormal(), 0.5 - sin(a) + Float(noise / 100) * random.nextNormal(), 1))
            }
        case .plane, .multigauss:
            let radius: Float = 6
            let gaussians: [(Float, Float, Float)] = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
            func target(_ x: Float, _ y: Float) -> Float {
                if self == .plane { return (x + y) / 10 }
                var best: Float = 0
                for (cx, cy, sign) in gaussians {
                    let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot()
                    let value = sign * min(1, max(0, 1 - d / 2))
                    if abs(value) > abs(best) { best = value }
                }
                return best
            }
            for _ in 0..<samples {
                let x = uniform(-radius, radius), y = uniform(-radius, radius)
                let nx = uniform(-radius, radius) * n, ny = uniform(-radius, radius) * n
                points.append((x, y, target(x + nx, y + ny)))
            }
        }
        // Playground shuffles the points it made (class by class for some sets), so that
        // a validation split holds both classes.
        for i in stride(from: points.count - 1, to: 0, by: -1) { points.swapAt(i, random.nextInt(below: i + 1)) }
        return (try Tensor(shape: [samples, 2], scalars: points.flatMap { [$0.0, $0.1] }),
                try Tensor(shape: [samples, 1], scalars: points.map(\.2)))
    }
}
