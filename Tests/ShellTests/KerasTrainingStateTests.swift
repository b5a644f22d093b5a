import Foundation
@testable import Formats
import Layers
import Models
import TensorCore
import Testing
import TestSupport
@testable import Shell

/// The training state a .keras file carries both ways (`generate.py training_state`):
/// compile_config in config.json and the optimizer's variables in model.weights.h5.
/// compiled.keras is Keras's model compiled but not trained (optimizer unbuilt),
/// trained.keras the same after 2 epochs (shuffle=False, batch 4), epoch2_<i>.npy the
/// trainable weights after a 3rd epoch in the same Keras session.
@Suite struct KerasTrainingStateTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var optimizer: String
        var loss: String
        var batchSize: Int
        var weights: [String]
        var iterations: Int
        var description: String { name }
    }

    static let folder = "keras/training_state"
    static let cases = FixtureCases<Case>(folders: folder) { name in
        let c = try loadJSON("\(folder)/\(name)/case.json") as? [String: Any] ?? [:]
        func f<T>(_ key: String) throws -> T { try FixtureCases<Case>.field(c, key) }
        return Case(name: name, optimizer: try f("optimizer"), loss: try f("loss"), batchSize: try f("batch_size"),
                    weights: try f("weights"), iterations: try f("iterations"))
    }

    @Test func everyCaseIsRead() { Self.cases.expectComplete(exactly: 6) }

    static func open(_ c: Case, _ file: String) throws -> Model {
        try KerasArchive.decode(try Data(contentsOf: fixture("\(folder)/\(c.name)/\(file)")), seed: 1)
    }

    static func fit(_ model: inout Model, _ c: Case, epochs: Int) throws {
        let base = "\(folder)/\(c.name)/"
        let x = try loadFixture(base + "x.npy"), y = try loadFixture(base + "y.npy")
        var random = RandomGenerator(seed: 1)
        _ = try model.fit([model.inputs[0].name: x], targets: [model.outputNames[0]: y], epochs: epochs, batchSize: c.batchSize,
                          shuffle: false, random: &random)
    }

    /// config.json of a .keras file's bytes.
    static func config(_ data: Data) throws -> JSON {
        let archive = try readableArchive(data)
        return try JSON.parse(String(decoding: try extract(archive["config.json"]!, from: archive, limit: 1 << 24), as: UTF8.self))
    }

    static func expectSameState(_ ours: OptimizerState, _ keras: OptimizerState, _ what: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.iterations == keras.iterations, "\(what): iterations", sourceLocation: sourceLocation)
        #expect(ours.slots.count == keras.slots.count, "\(what): slots", sourceLocation: sourceLocation)
        for (i, (a, b)) in zip(ours.slots, keras.slots).enumerated() {
            #expect(a.count == b.count, "\(what): value \(i) slot count", sourceLocation: sourceLocation)
            for (s, (x, y)) in zip(a, b).enumerated() {
                expectClose(x, y, "\(what): value \(i) slot \(s)", tolerance: 1e-5, sourceLocation: sourceLocation)
            }
        }
        #expect(abs(ours.product - keras.product) <= 1e-6, sourceLocation: sourceLocation)
    }

    /// (a) Keras trained 2 epochs and saved; LayerLab opens the file (compile_config and the
    /// optimizer's variables) and fits a 3rd epoch: Keras's weights after 3 epochs.
    @Test(arguments: cases.cases)
    func resumesWhereKerasStopped(_ c: Case) throws {
        var model = try Self.open(c, "trained.keras")
        let compilation = try #require(model.compilation)
        let typed = try Compilation.make(optimizer: try parseValue(c.optimizer), loss: try parseValue(c.loss), metrics: .null)
        #expect(compilation.optimizer.className == typed.optimizer.className)
        #expect(compilation.optimizer.config.filter { $0.key != "name" } == typed.optimizer.config.filter { $0.key != "name" })
        #expect(compilation.loss == typed.loss)
        #expect(compilation.lossText == typed.lossText)
        #expect(compilation.state.iterations == c.iterations * 2 / 3)
        #expect(!compilation.state.slots.isEmpty)
        try Self.fit(&model, c, epochs: 1)
        #expect(model.compilation?.state.iterations == c.iterations)
        for (i, path) in c.weights.enumerated() {
            expectClose(try model.weight(path).value, try loadFixture("\(Self.folder)/\(c.name)/epoch2_\(i).npy"), path, tolerance: 1e-5)
        }
    }

    /// (b) LayerLab opens Keras's compiled, untrained file (a fresh optimizer), fits 2 epochs
    /// and has Keras's optimizer variables after 2 epochs; its own file holds the same state,
    /// in Keras's layout and with Keras's compile_config.
    @Test(arguments: cases.cases)
    func savesWhatKerasSaves(_ c: Case) throws {
        var model = try Self.open(c, "compiled.keras")
        #expect(model.compilation?.state == OptimizerState())
        try Self.fit(&model, c, epochs: 2)
        let keras = try Self.open(c, "trained.keras")
        Self.expectSameState(try #require(model.compilation).state, try #require(keras.compilation).state, c.name)
        for path in c.weights { expectClose(try model.weight(path).value, try keras.weight(path).value, path, tolerance: 1e-5) }

        let bytes = try KerasArchive.encode(model)
        let reopened = try KerasArchive.decode(bytes, seed: 2)
        #expect(reopened.compilation == model.compilation)
        for path in c.weights { #expect(try reopened.weight(path).value == model.weight(path).value) }

        // compile_config as Keras wrote it (Keras writes metrics=[] as []; LayerLab as None).
        var kerasCompile = try #require(try Self.config(try Data(contentsOf: fixture("\(Self.folder)/\(c.name)/trained.keras")))["compile_config"])
        if case .object(var items) = kerasCompile, let i = items.firstIndex(where: { $0.0 == "metrics" }), items[i].1 == .array([]) {
            items[i].1 = .null
            kerasCompile = .object(items)
        }
        #expect(try Self.config(bytes)["compile_config"] == kerasCompile)

        // The optimizer group: the same datasets, shapes and types as Keras's.
        func listing(_ data: Data) throws -> [String] {
            let archive = try readableArchive(data)
            let h5 = try extract(archive["model.weights.h5"]!, from: archive, limit: 1 << 26)
            return try HDF5File.exclusively {
                let file = try HDF5File.open(h5)
                let vars = try #require(try file.root.group("optimizer")?.group("vars"))
                return try [vars.attribute("name") ?? "?"] + vars.childNames().map { "\($0) \(try vars.datasetShape($0))" }
            }
        }
        #expect(try listing(bytes) == listing(try Data(contentsOf: fixture("\(Self.folder)/\(c.name)/trained.keras"))))
    }

    /// A compiled model saved before any step writes Keras's unbuilt optimizer (iteration
    /// and learning_rate only) and opens with a fresh state.
    @Test func anUntrainedOptimizerRoundTrips() throws {
        let c = try #require(Self.cases.cases.first { $0.name == "sgd_momentum" })
        let model = try Self.open(c, "compiled.keras")
        let reopened = try KerasArchive.decode(try KerasArchive.encode(model), seed: 1)
        #expect(reopened.compilation == model.compilation)
        #expect(reopened.compilation?.state == OptimizerState())
    }

    /// Optimizer variables that do not fit the compile_config: one error line, no model.
    @Test func mismatchedOptimizerVariablesAreRefused() throws {
        let c = try #require(Self.cases.cases.first { $0.name == "sgd_momentum" })
        var trained = try Self.open(c, "trained.keras")
        var other = trained
        other.compilation = try Compilation.make(optimizer: try parseValue("Adam()"), loss: .string("mse"), metrics: .null)
        // Adam's compile_config with SGD's variables.
        let bytes = try KerasArchive.archive(metadata: "{}", config: try KerasModel.json(other).text,
                                             weights: try KerasArchive.weightsFile(trained), date: Date())
        #expect {
            _ = try KerasArchive.decode(bytes, seed: 1)
        } throws: { error in
            let m = (error as? LabError)?.message ?? ""
            return m.contains("optimizer/vars") && m.contains("Adam") && !m.contains("\n")
        }
        // A state that no longer fits the model is saved as an unbuilt optimizer (a fresh start).
        trained.compilation?.state.slots.removeLast()
        let reopened = try KerasArchive.decode(try KerasArchive.encode(trained), seed: 1)
        #expect(reopened.compilation?.state.slots == [])
        #expect(reopened.compilation?.state.iterations == trained.compilation?.state.iterations)
    }

    /// A metric LayerLab lacks is left out with a note; loss_weights opens the model uncompiled.
    @Test func unsupportedCompileSettingsAreNoted() throws {
        var notes: [String] = []
        let config = try JSON.parse(#"{"optimizer": "adam", "loss": "mse", "metrics": ["mae", "AUC"], "loss_weights": null}"#)
        let c = KerasTraining.compilation(from: config, notes: &notes)
        #expect(c?.metrics == ["mae"])
        #expect(notes.count == 1 && notes[0].contains("AUC"))
        notes = []
        let weighted = try JSON.parse(#"{"optimizer": "adam", "loss": "mse", "loss_weights": [1.0]}"#)
        #expect(KerasTraining.compilation(from: weighted, notes: &notes) == nil)
        #expect(notes.count == 1 && notes[0].contains("loss_weights"))
    }

    /// Damaged optimizer variables (bytes of model.weights.h5 changed, the zip rebuilt so its
    /// checksums hold) give a model or an error, never a crash; the readers do not trap.
    @Test func damagedOptimizerVariablesNeverCrash() throws {
        let c = try #require(Self.cases.cases.first { $0.name == "adam_functional" })
        let model = try Self.open(c, "trained.keras")
        let config = try KerasModel.json(model).text
        let h5 = try KerasArchive.weightsFile(model)
        var random = RandomGenerator(seed: 7)
        var opened = 0, refused = 0
        for _ in 0..<300 {
            var bytes = [UInt8](h5)
            for _ in 0..<(1 + random.nextInt(below: 4)) {
                bytes[random.nextInt(below: bytes.count)] = UInt8(random.nextInt(below: 256))
            }
            let file = try KerasArchive.archive(metadata: "{}", config: config, weights: Data(bytes), date: Date())
            do {
                let m = try KerasArchive.decode(file, seed: 1)
                if let state = m.compilation?.state, !state.slots.isEmpty {
                    #expect(state.slots.count == model.compilation?.state.slots.count)
                }
                opened += 1
            } catch is LabError { refused += 1 }
        }
        #expect(opened + refused == 300)
    }

    /// use_ema: the averages go between learning_rate and the slots (Keras's order) and come back.
    @Test func emaAveragesRoundTrip() throws {
        let c = try #require(Self.cases.cases.first { $0.name == "sgd_momentum" })
        var model = try Self.open(c, "compiled.keras")
        model.compilation = try Compilation.make(optimizer: try parseValue("SGD(learning_rate=0.1, momentum=0.9, use_ema=True)"),
                                                 loss: .string("mse"), metrics: .null)
        try Self.fit(&model, c, epochs: 1)
        let state = try #require(model.compilation?.state)
        #expect(state.averages.count == 4 && state.slots.count == 4)
        let reopened = try KerasArchive.decode(try KerasArchive.encode(model), seed: 1)
        #expect(reopened.compilation == model.compilation)
    }

    /// A graph built at the prompt whose layer order (a, b, c) is not Keras's
    /// `model.trainable_variables` order (a, c, b: map_graph's): the file holds the slots in
    /// Keras's order, and a reopened model (its layers now in Keras's order) has each weight's
    /// slots. Keras itself resumes from such a file exactly (checked with
    /// scripts/keras-fixtures/check_training_state.py's method: 3.7e-9 after one more epoch).
    @Test func slotsFollowKerasOrderInAGraph() throws {
        let (x, y) = try FitCommandTests.data()
        let run = ShellRun("input 3; add dense 3 relu name=a; add dense 1 name=b from=input_layer; add dense 1 name=c from=a; "
                           + "add add from=c,b name=out; compile optimizer=Adam(learning_rate=0.01) loss='mse'")
        #expect(run.run("fit --input \(x) --target \(y) --epochs 1 --batch-size 8 --no-shuffle"), "\(run.errors)")
        let model = run.session.model
        #expect(model.nodes.map(\.name) == ["a", "b", "c", "out"])
        let bytes = try KerasArchive.encode(model)
        let archive = try readableArchive(bytes)
        let h5 = try extract(try #require(archive["model.weights.h5"]), from: archive, limit: 1 << 26)
        let shapes = try HDF5File.exclusively {
            let file = try HDF5File.open(h5)
            let vars = try #require(try file.root.group("optimizer")?.group("vars"))
            return try (2..<14).map { try vars.datasetShape(String($0)) }
        }
        // a's kernel m, v, bias m, v; then c's kernel (3, 1) …; then b's kernel (3, 1) … (their
        // shapes agree, so the values tell them apart below).
        #expect(shapes == [[3, 3], [3, 3], [3], [3], [3, 1], [3, 1], [1], [1], [3, 1], [3, 1], [1], [1]])
        let reopened = try KerasArchive.decode(bytes, seed: 1)
        #expect(reopened.nodes.map(\.name) == ["a", "c", "b", "out"])
        func slots(_ m: Model) throws -> [String: [Tensor]] {
            let c = try #require(m.compilation)
            var paths: [String] = []
            for node in m.nodes where node.layer.trainable { for spec in try m.weightSpecs(of: node) { paths.append(node.name + "/" + spec.name) } }
            return Dictionary(uniqueKeysWithValues: zip(paths, c.state.slots))
        }
        let before = try slots(model), after = try slots(reopened)
        #expect(before.count == 6 && before == after)
    }
}
