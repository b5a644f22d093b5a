import Foundation
import Formats
import Models
import TensorCore
import Testing
import TestSupport
@testable import Shell

/// Issue 21's first piece: TensorFlow Playground's datasets (and moons) at the prompt.
@Suite struct DatasetTests {
    /// Each generator against Playground's definition: counts, ranges, labels.
    @Test(arguments: Dataset.allCases)
    func generatorsFollowPlayground(_ dataset: Dataset) throws {
        var random = RandomGenerator(seed: 1)
        let (x, y) = try dataset.make(samples: 400, noise: 0, random: &random)
        #expect(x.shape == [400, 2] && y.shape == [400, 1])
        let xs = stride(from: 0, to: 800, by: 2).map { x.scalars[$0] }, ys = stride(from: 1, to: 800, by: 2).map { x.scalars[$0] }
        switch dataset {
        case .circle:
            // Without noise: the inner disc (r < 2.5) is class 1, the ring 3.5 ≤ r ≤ 5 class 0, half each.
            for (i, label) in y.scalars.enumerated() {
                let r = (xs[i] * xs[i] + ys[i] * ys[i]).squareRoot()
                #expect(label == 1 ? r < 2.5 : (r >= 3.5 - 1e-4 && r <= 5 + 1e-4))
            }
            #expect(y.scalars.filter { $0 == 1 }.count == 200)
        case .xor:
            for (i, label) in y.scalars.enumerated() {
                #expect(abs(xs[i]) >= 0.3 && abs(xs[i]) <= 5.3 && (label == 1) == (xs[i] * ys[i] >= 0))
            }
        case .gauss:
            let ones = (0..<400).filter { y.scalars[$0] == 1 }
            let mean = ones.reduce(Float(0)) { $0 + xs[$1] } / Float(ones.count)
            #expect(ones.count == 200 && abs(mean - 2) < 0.2)
        case .spiral:
            // Two arms: radius grows from 0 to 5 along each, the second turned by π.
            #expect(xs.indices.contains { abs(xs[$0]) < 1e-6 && abs(ys[$0]) < 1e-6 && y.scalars[$0] == 1 })
            #expect(xs.indices.allSatisfy { (xs[$0] * xs[$0] + ys[$0] * ys[$0]).squareRoot() <= 5 + 1e-4 })
        case .moons:
            #expect(xs.indices.contains { abs(xs[$0] - 1) < 1e-6 && abs(ys[$0]) < 1e-6 && y.scalars[$0] == 0 })
            #expect(xs.indices.contains { abs(xs[$0]) < 1e-6 && abs(ys[$0] - 0.5) < 1e-6 && y.scalars[$0] == 1 })
        case .plane:
            #expect(y.scalars.indices.allSatisfy { abs(y.scalars[$0] - (xs[$0] + ys[$0]) / 10) < 1e-5 })
        case .multigauss:
            #expect(y.scalars.allSatisfy { $0 >= -1 && $0 <= 1 } && y.scalars.contains { $0 > 0.5 } && y.scalars.contains { $0 < -0.5 })
        }
        #expect(dataset.isClassification == y.scalars.allSatisfy { $0 == 0 || $0 == 1 } || dataset == .plane || dataset == .multigauss)
        // Shuffled, as Playground shuffles: the last 30 % (what a validation split holds out) has both classes in about equal parts.
        if dataset.isClassification {
            let held = y.scalars.suffix(120)
            #expect(held.filter { $0 == 1 }.count > 40 && held.filter { $0 == 0 }.count > 40, "\(held.filter { $0 == 1 }.count) of 120")
        }
    }

    /// A 2-layer tanh network of 16 units learns xor, circle and gauss past 90 % (seeded).
    @Test(arguments: ["xor", "circle", "gauss"])
    func aSmallNetworkLearnsThem(_ name: String) throws {
        let run = ShellRun("input 2; add dense 16 tanh; add dense 16 tanh; add dense 1 sigmoid; compile optimizer=Adam(learning_rate=0.01) loss=binary_crossentropy metrics=accuracy")
        #expect(run.run("fit \(name) --samples 300 --epochs 60 --batch-size 16"), "\(run.errors)")
        let last = try #require(run.text.split(separator: "\n").last { $0.contains("accuracy: ") })
        let accuracy = try #require(Double(last.split(separator: "accuracy: ")[1].prefix(6)))
        #expect(accuracy >= 0.9, "\(last)")
    }

    /// The same network learns the spiral of 500 points well within 1,500 epochs (Keras: 99.8 %);
    /// measured, it passes 95 % in about 100 (docs/commands.md quotes the numbers).
    @Test func aSmallNetworkLearnsTheSpiral() throws {
        let run = ShellRun("input 2; add dense 16 tanh; add dense 16 tanh; add dense 1 sigmoid; compile optimizer=Adam(learning_rate=0.01) loss=binary_crossentropy metrics=accuracy")
        #expect(run.run("fit spiral --epochs 200 --batch-size 16"), "\(run.errors)")
        let last = try #require(run.text.split(separator: "\n").last { $0.contains("accuracy: ") })
        let accuracy = try #require(Double(last.split(separator: "accuracy: ")[1].prefix(6)))
        #expect(accuracy >= 0.97, "\(last)")
    }

    @Test func mistakesAreOneLine() throws {
        let run = ShellRun("input 3; add dense 1 sigmoid; compile loss=binary_crossentropy")
        #expect(!run.run("fit spirl"))
        #expect(run.errors.contains("unknown dataset 'spirl'") && run.errors.contains("did you mean 'spiral'?"), "\(run.errors)")
        #expect(!run.run("fit spiral"))
        #expect(run.errors.contains("2-D points (shape (None, 2)), but the model's input is (None, 3)"), "\(run.errors)")
        #expect(!run.run("data circle --noise 500 --output a.npy b.npy"))
        #expect(run.errors.contains("noise is a percentage"))
    }

    @Test func dataWritesThePoints() throws {
        let dir = try temporaryDirectory()
        let x = dir.appendingPathComponent("x.npy").path, y = dir.appendingPathComponent("y.npy").path
        let run = ShellRun("data spiral --samples 100 --noise 10 --output \(x) \(y)")
        #expect(run.ok, "\(run.errors)")
        #expect(try NPY.read(path: x).shape == [100, 2] && NPY.read(path: y).shape == [100, 1])
        #expect(run.text.contains("classes 0/1: 50/50"))
    }
}
