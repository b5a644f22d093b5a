import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Layers
@testable import Models
@testable import Shell
@testable import TensorCore
import Text

/// The chapter's CNN typed at the prompt. Flatten is another issue's layer, so the
/// model ends in GlobalAveragePooling2D and a Dense softmax (the fixture is built the same way in Keras).
let cnnSession = """
input 28 28 1
add conv2d 32 3 relu
add maxpooling2d 2
add conv2d 64 3 relu
add maxpooling2d 2
add globalaveragepooling2d
add dense 10 softmax
"""

@Suite struct CNNSessionTests {
    @Test func summaryMatchesKeras() throws {
        let run = ShellRun(cnnSession)
        run.run("summary")
        #expect(run.ok, "\(run.errors)")
        let keras = try String(contentsOf: fixture("keras/conv/cnn_summary.txt"), encoding: .utf8)
        let layers = try #require(try loadJSON("keras/conv/cnn/layers.json") as? [[String: Any]])
        #expect(layers.count == 6)
        for layer in layers {
            let name = try #require(layer["name"] as? String), cls = try #require(layer["class"] as? String)
            let dims = try #require(layer["output_shape"] as? [Any]).map { ($0 as? Int).map(String.init) ?? "None" }
            let shape = "(" + dims.joined(separator: ", ") + ")"
            let params = thousands(try #require(layer["params"] as? Int))
            // The same name, class, shape and parameter count in one row, as in Keras's table.
            let row = run.text.split(separator: "\n").first { $0.contains("│ \(name) ") && $0.contains(shape) && $0.contains(" \(params) ") }
            #expect(row != nil, "no row for \(name) \(shape) \(params)")
            #expect(run.text.contains(cls))
            #expect(keras.contains(shape))
            #expect(run.session.model.node(named: name)?.outputShape?.description == shape)
        }
        for footer in keras.split(separator: "\n").filter({ $0.hasPrefix(" ") && $0.contains("params:") }) {
            #expect(run.text.contains(footer), "missing: \(footer)")
        }
    }

    @Test func forwardWithKerasWeightsMatchesKeras() throws {
        let run = ShellRun(cnnSession)
        let layers = try #require(try loadJSON("keras/conv/cnn/layers.json") as? [[String: Any]])
        for layer in layers {
            let name = try #require(layer["name"] as? String)
            for w in try #require(layer["weights"] as? [String]) {
                #expect(run.run("weights \(name)/\(w) --load \(fixture("keras/conv/cnn/\(name).\(w).npy").path)"), "\(run.errors)")
            }
        }
        let out = try temporaryDirectory().appendingPathComponent("y.npy").path
        #expect(run.run("forward --input \(fixture("keras/conv/cnn/input.npy").path) --output \(out)"), "\(run.errors)")
        let y = try NPY.read(contentsOf: URL(fileURLWithPath: out))
        let (ok, worst) = closeness(y, try loadFixture("keras/conv/cnn/output.npy"), rtol: 1e-4, atol: 1e-6)
        #expect(ok, "\(worst)")
        #expect(run.text.split(separator: "\n").contains { $0.hasPrefix("max_pooling2d_1 ") && $0.contains("(2, 5, 5, 64)") })
        #expect(run.text.contains("output dense (2, 10)"))
    }

    @Test func explainAndShowUseTheLayersNumbers() {
        let run = ShellRun(cnnSession)
        run.run("explain conv2d_1; explain max_pooling2d")
        #expect(run.ok, "\(run.errors)")
        #expect(run.text.contains("spatial axis 1 (padding='valid'): out = floor((13 − 3)/1) + 1 = 11"))
        #expect(run.text.contains("params = kh·kw·(in/groups)·filters + filters = 3·3·32·64 + 64 = 18,496"))
        #expect(run.text.contains("out = floor((26 − 2)/2) + 1 = 13"))
        // show compares a locally connected layer's parameter count with Conv2D's.
        let lc = ShellRun("input 6 6 2; add locallyconnected2d 4 3")
        lc.run("show locally_connected2d")
        #expect(lc.ok, "\(lc.errors)")
        #expect(lc.text.contains("unshared weights: 16 positions × 76 = 1,216 params; a Conv2D with the same arguments shares one kernel and has 76 (16× fewer)"))
    }

    @Test func impossibleLayersLeaveTheModelAlone() {
        let run = ShellRun(cnnSession)
        let before = run.session.model.nodes.map(\.name)
        for bad in ["add conv2d 8 7", "add maxpooling2d 7", "add conv2d 8 3 groups=3", "add conv2d 8 3 padding=causal",
                    "add conv1d 8 3", "add averagepooling2d"] {
            #expect(!run.run(bad), "\(bad) should fail")
        }
        #expect(run.session.model.nodes.map(\.name) == before)
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 6)
        let big = ShellRun("input 28 28 1; add conv2d 32 3; add maxpooling2d 2; add conv2d 8 14")
        #expect(big.errors.contains("conv2d_1: the output size on spatial axis 1 would be 0: out = floor((13 − 14)/1) + 1 = 0"), "\(big.errors)")
    }
}
