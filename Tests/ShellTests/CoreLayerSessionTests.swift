import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Models
@testable import Shell
@testable import TensorCore

/// The Keras model of `embedding_model()` in the fixture generator, typed at the prompt.
let coreModelSession = """
input 6 dtype=int32
add embedding 20 4
add flatten
add dense 6 tanh
add dropout 0.5
add reshape 3 2
add permute 2 1
add lambda "x[:, 0] * 2 + 1"
add repeatvector 2
add activation softmax
"""

@Suite struct CoreLayerSessionTests {
    @Test func aWholeModelMatchesKerasThroughTheShell() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("y.npy").path
        let run = ShellRun(coreModelSession)
        run.run("""
        weights embedding/embeddings --load \(fixture("keras/core/model/embeddings.npy").path)
        weights dense/kernel --load \(fixture("keras/core/model/kernel.npy").path)
        weights dense/bias --load \(fixture("keras/core/model/bias.npy").path)
        forward --input \(fixture("keras/core/model/ids.npy").path) --output \(out)
        """)
        #expect(run.ok, "\(run.errors)")
        let check = closeness(try NPY.read(contentsOf: URL(fileURLWithPath: out)), try loadFixture("keras/core/model/output.npy"))
        #expect(check.ok, "\(check.worst)")
        // Names, shapes and parameter counts are Keras's.
        let summary = try #require(try loadJSON("keras/core/model/summary.json") as? [String: Any])
        let layers = try #require(summary["layers"] as? [[String: Any]])
        let nodes = run.session.model.nodes
        #expect(nodes.map(\.name) == layers.compactMap { $0["name"] as? String })
        #expect(nodes.map(\.layer.className) == layers.compactMap { $0["class_name"] as? String })
        for (node, layer) in zip(nodes, layers) {
            #expect(node.outputShape == Shape((layer["output_shape"] as? [Any] ?? []).map { $0 as? Int }), "\(node.name)")
            #expect(node.layer.parameterCount == layer["params"] as? Int, "\(node.name)")
        }
        #expect(run.session.model.parameterCount == summary["total_params"] as? Int)
    }

    @Test func randomIdsStayBelowTheSmallestInputDim() {
        let run = ShellRun("input 4 dtype=int32; add embedding 3 2; forward --batch 300")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("input_layer  (300, 4) int32 ids drawn uniformly from [0, 3) (input_dim of embedding)"))
        let plain = ShellRun("input 3 dtype=int32; add dense 2; forward --batch 2")
        #expect(plain.ok, "\(plain.errors)")
        #expect(plain.text.contains("ids drawn uniformly from [0, 10) (it feeds no embedding layer, so small whole numbers)"))
        #expect(ShellRun("input 3 dtype=int32; show input_layer").text.contains("dtype   int32"))
    }

    @Test func idsFromFilesAreChecked() throws {
        let dir = try temporaryDirectory()
        let ids = dir.appendingPathComponent("ids.npy"), fractions = dir.appendingPathComponent("f.npy")
        try NPY.write(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 25, 0], dtype: .int32), to: ids)
        try NPY.write(Tensor(shape: [1, 3], scalars: [1, 2.5, 3]), to: fractions)
        let run = ShellRun("input 3 dtype=int32; add embedding 10 2")
        #expect(!run.run("forward --input \(ids.path)"))
        #expect(run.errors.contains("embedding: index 25 at position (1, 1) is out of range: valid ids are 0 to 9"))
        #expect(!run.run("forward --input \(fractions.path)"))
        #expect(run.errors.contains("input_layer takes int32 ids, but the batch holds 2.5 at position (0, 1)"))
    }

    @Test func trainingForwardDropsValuesDeterministically() {
        let lines = "input 8; add dropout 0.5; forward --batch 4 --training"
        let a = ShellRun(lines), b = ShellRun(lines), c = ShellRun(lines, seed: 9)
        #expect(a.ok && a.text == b.text)
        #expect(a.text.contains("training mode: dropout layers drop values"))
        #expect(a.text != c.text.replacingOccurrences(of: "seed 9", with: "seed 1337"))
        let inference = ShellRun("input 8; add dropout 0.5; forward --batch 4")
        // At inference the layer returns its input: the dropout row equals the output row and has no zeros.
        let zeros = inference.text.split(separator: "\n").filter { $0.contains(" 0.0000") }
        #expect(zeros.isEmpty, "\(zeros)")
        #expect(a.text.contains(" 0.0000"))
    }

    @Test func badArgumentsLeaveTheModelUnchanged() {
        let run = ShellRun("input 4 8; add flatten")
        let before = run.session.model.nodes.map(\.name)
        let bad = ["add reshape 5 8", "add reshape (-1, 5)", "add permute 2 1", "add permute 0 1", "add repeatvector 3 name=r; add reshape 5 32",
                   "add dropout 1.5", "add dropout 0.5 noise_shape=(None, 2, 3)", "add embedding 10", "add lambda \"y\"",
                   "add lambda \"__import__('os')\"", "add lambda x * 2", "add activation rleu", "add flatten data_format=nope",
                   "add embedding 10 4 mask_zeros=True"]
        for line in bad { run.run(line) }
        // `add repeatvector 3 name=r` succeeds on (None, 32); the reshape after it then fails.
        #expect(run.session.model.nodes.map(\.name) == before + ["r"])
        #expect(run.errors.split(separator: "\n").count == bad.count)
        #expect(run.errors.contains("reshape: target_shape (5, 8) holds 40 values but each input sample holds 32"))
        #expect(run.errors.contains("Embedding() got an unexpected keyword argument 'mask_zeros' — did you mean 'mask_zero'?"))
        #expect(run.errors.contains("lambda takes 1 positional argument(s); '*' is one too many"))
    }

    @Test func helpAndExplainForTheNewLayers() {
        let run = ShellRun("help lambda; help reshape; input 10 dtype=int32; add embedding 100 8; explain embedding")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("Lambda (add lambda …)"))
        #expect(run.text.contains("  add lambda \"x * 2 + 1\""))
        #expect(run.text.contains("  add reshape (-1, 8)"))
        #expect(run.text.contains("params = input_dim · output_dim = 100 · 8 = 800"))
        #expect(!ShellRun("input 4 dtype=int64").ok)
    }
}
