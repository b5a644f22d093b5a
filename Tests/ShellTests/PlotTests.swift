import Foundation
import Testing
import TestSupport
@testable import Models
@testable import Plotting
@testable import Shell

/// Issue 23: `plot` (keras.utils.plot_model through Graphviz), `summary --memory`, `forward --profile`.
@Suite struct PlotTests {
    let sequential = """
    input 16
    add dense 32 relu
    add dropout 0.5
    add dense 10 softmax
    """

    let branching = """
    input 16 name=a
    input 8 name=b
    add dense 8 relu from=a name=left
    add dense 8 tanh from=b name=right
    add add from=left,right name=total
    add concatenate from=left,right,total name=both
    add dense 2 softmax from=both name=out
    """

    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Builds `model`, runs `plot FILE ARGS` into a fresh folder; the run, the file's text and its URL.
    func plotted(_ model: String, _ name: String, _ arguments: String = "") throws -> (ShellRun, String, URL) {
        let file = try temporaryDirectory().appendingPathComponent(name)
        let run = ShellRun(model + "\nplot \(file.path) " + arguments)
        #expect(run.ok, "\(run.errors)")
        return (run, try read(file), file)
    }

    /// The PNG's signature and IHDR size.
    func pngSize(_ url: URL) throws -> (Int, Int)? { PNGSize.read(Array(try Data(contentsOf: url))) }

    @Test func sequentialSVGHasOneBoxPerLayerAndOneEdgePerConnection() throws {
        let (run, svg, file) = try plotted(sequential, "model.svg", "show_shapes=True show_layer_names=True show_layer_activations=True")
        #expect(svg.hasPrefix("<?xml"))
        // A Sequential model has no InputLayer box, as in Keras.
        #expect(count("class=\"node\"", in: svg) == 3)
        #expect(count("class=\"edge\"", in: svg) == 2)
        #expect(!svg.contains("InputLayer"))
        for name in [">dense</text>", ">dropout</text>", ">dense_1</text>", ">(None, 16)</text>", ">(None, 32)</text>", ">(None, 10)</text>",
                     ">relu</text>", ">softmax</text>", "Input shape: ", "Output shape: ", "Activation: "] {
            #expect(svg.contains(name), "\(name)")
        }
        #expect(run.text.contains("wrote \(file.path) (SVG"))
    }

    @Test func defaultsFollowKeras3() throws {
        let (_, svg, _) = try plotted(sequential, "model.svg")
        // show_layer_names=False, show_shapes=False: the class names only.
        #expect(svg.contains(">Dense</text>") && svg.contains(">Dropout</text>"))
        #expect(!svg.contains(">dense_1</text>"))
        #expect(!svg.contains("Output shape"))
        #expect(!svg.contains("Activation"))
        let options = PlotOptions()
        #expect(options.file == "model.png" && options.rankdir == "TB" && options.dpi == 200 && !options.showLayerNames
                && !options.showShapes && !options.showDtype && !options.expandNested && !options.showLayerActivations
                && !options.showTrainable && options.splines == "ortho")
        #expect(try PlotOptions(.init([], [])) == options)
    }

    @Test func branchingSVGDrawsInputsMergesAndEveryConnection() throws {
        let (_, svg, file) = try plotted(branching, "graph.svg", "show_shapes=True show_layer_names=True show_dtype=True show_trainable=True")
        #expect(count("class=\"node\"", in: svg) == 7)
        // a→left, b→right, left→total, right→total, left/right/total→both, both→out.
        #expect(count("class=\"edge\"", in: svg) == 8)
        #expect(count("InputLayer", in: svg) == 2)
        for text in [">total</text>", ">both</text>", ">[(None, 8), (None, 8)]</text>", ">[(None, 8), (None, 8), (None, 8)]</text>",
                     ">(None, 24)</text>", ">float32</text>", ">Trainable</text>"] {
            #expect(svg.contains(text), "\(text)")
        }
        // Trainability only for layers with weights (3 Dense), not for inputs or merges.
        #expect(count(">Trainable</text>", in: svg) == 3)
        let frozen = file.deletingLastPathComponent().appendingPathComponent("frozen.svg")
        let frozenRun = ShellRun("input 4\nadd dense 2 trainable=False\nadd dense 2\nplot \(frozen.path) show_trainable=True")
        #expect(frozenRun.ok, "\(frozenRun.errors)")
        let frozenSVG = try read(frozen)
        #expect(count(">Non&#45;trainable</text>", in: frozenSVG) + count(">Non-trainable</text>", in: frozenSVG) == 1)
        #expect(count(">Trainable</text>", in: frozenSVG) == 1)
    }

    @Test func pngIsAnImageWhoseSizeFollowsTheDPI() throws {
        let dir = try temporaryDirectory()
        let small = dir.appendingPathComponent("small.png"), large = dir.appendingPathComponent("large.png")
        let run = ShellRun(sequential + "\nplot \(small.path) show_shapes=True dpi=100\nplot \(large.path) show_shapes=True dpi=200")
        #expect(run.ok, "\(run.errors)")
        let (w1, h1) = try #require(try pngSize(small))
        let (w2, h2) = try #require(try pngSize(large))
        // Three boxes in a column: taller than wide's share, and a few hundred to thousands of pixels.
        #expect((300...3000).contains(w1) && (300...3000).contains(h1), "\(w1)×\(h1)")
        #expect(Double(w2) / Double(w1) > 1.8 && Double(w2) / Double(w1) < 2.2, "\(w1) → \(w2)")
        #expect(Double(h2) / Double(h1) > 1.8 && Double(h2) / Double(h1) < 2.2, "\(h1) → \(h2)")
        #expect(run.text.contains("\(w2)×\(h2) px"))
        // Left to right: wider than tall.
        let wide = dir.appendingPathComponent("wide.png")
        #expect(run.run("plot \(wide.path) rankdir=LR"))
        let (w3, h3) = try #require(try pngSize(wide))
        #expect(w3 > h3)
        // PDF too.
        let pdf = dir.appendingPathComponent("m.pdf")
        #expect(run.run("plot \(pdf.path)"))
        #expect(try Data(contentsOf: pdf).prefix(5) == Data("%PDF-".utf8))
    }

    @Test func dotFileIsTheDOTText() throws {
        let (_, dot, _) = try plotted(sequential, "model.dot", "rankdir=LR dpi=96 show_layer_names=True")
        #expect(dot.hasPrefix("digraph G {\n"))
        for line in ["rankdir=LR;", "dpi=96;", "concentrate=true;", "splines=ortho;", "node [shape=record];",
                     "\"dense\" -> \"dropout\" [penwidth=2];", "\"dropout\" -> \"dense_1\" [penwidth=2];"] {
            #expect(dot.contains(line), "\(line)")
        }
        #expect(count(" [label=<<table border=\"0\" cellborder=\"1\" bgcolor=\"black\" cellpadding=\"10\">", in: dot) == 3)
        #expect(dot.contains("<b>dense_1</b> (Dense)"))
        #expect(count(" -> ", in: dot) == 2)
    }

    @Test func labelsEscapeMarkupAndAnyUnicode() throws {
        #expect(ModelPicture.html("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(ModelPicture.html("tab\there") == "tab\u{FFFD}here")
        #expect(ModelPicture.html("日本語 é") == "日本語 é")
        // Graphviz reads such a label and draws the characters back.
        let label = ModelPicture.Label(name: "x<&>\"é日本", className: "Dense", activation: "relu", inputShape: "(None, 4)",
                                       outputShape: "(None, 2)", dtype: "float32", trainable: true)
        var options = PlotOptions()
        options.showLayerNames = true
        let dot = "digraph G {\n" + ModelPicture.node("\"n\"", label.html(options)) + "\n}\n"
        let svg = String(decoding: try Graphviz.render(dot, as: .svg), as: UTF8.self)
        #expect(svg.contains(">x&lt;&amp;&gt;&quot;é日本</text>"), "\(svg)")
        // A Unicode layer name at the prompt.
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("u.svg")
        let run = ShellRun("input 4\nadd dense 2 name=層_é\nplot \(file.path) show_layer_names=True")
        #expect(run.ok, "\(run.errors)")
        #expect(try read(file).contains(">層_é</text>"))
    }

    @Test func badExtensionAndUnwritablePathsAreOneLineErrorsAndLeaveNoFile() throws {
        let dir = try temporaryDirectory()
        let run = ShellRun(sequential)
        let before = run.session.model.nodes.map { $0.layer.weights.map(\.scalars) }
        let history = run.session.history.past.count
        let notAFolder = dir.appendingPathComponent("file.txt")
        try Data("x".utf8).write(to: notAFolder)
        let cases: [(String, String)] = [
            ("\(dir.path)/model.jpeg2", "plot writes .svg, .png, .pdf, .dot files, not '.jpeg2'"),
            ("\(dir.path)/missing/model.svg", "cannot write '\(dir.path)/missing/model.svg': the folder '\(dir.path)/missing' does not exist"),
            (dir.path, "cannot write '\(dir.path)': it is a folder, not a file"),
            ("\(notAFolder.path)/model.svg", "cannot write '\(notAFolder.path)/model.svg': '\(notAFolder.path)' is a file, not a folder"),
        ]
        for (path, message) in cases {
            let out = BufferOutput()
            let session = Session(output: out, width: 100)
            _ = session.runLines(from: ScriptReader(text: sequential), prompt: "")
            _ = session.runLines(from: ScriptReader(text: "plot \(path)"), prompt: "")
            let lines = out.errors.split(separator: "\n")
            #expect(lines.count == 1, "\(out.errors)")
            #expect(out.errors.contains(message), "\(out.errors)")
            #expect(!run.run("plot \(path)"))
        }
        // Relative paths are named as typed.
        #expect(!run.run("plot no_such_folder_23/m.svg"))
        #expect(run.errors.contains("cannot write 'no_such_folder_23/m.svg': the folder 'no_such_folder_23' does not exist"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["file.txt"])
        // Arguments are checked with plot_model's messages.
        #expect(!run.run("plot \(dir.path)/m.svg rankdir=XY"))
        #expect(run.errors.contains("rankdir must be one of 'TB', 'LR', 'BT', 'RL'"))
        #expect(!run.run("plot \(dir.path)/m.svg show_shape=True"))
        #expect(run.errors.contains("plot_model() got an unexpected keyword argument 'show_shape' — did you mean 'show_shapes'?")
                || run.errors.contains("did you mean 'show_shapes'?"))
        #expect(!run.run("plot \(dir.path)/m.svg dpi=0"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["file.txt"])
        // The model is unchanged and no undo step was recorded.
        #expect(run.run("plot \(dir.path)/ok.svg"))
        #expect(run.session.model.nodes.map { $0.layer.weights.map(\.scalars) } == before)
        #expect(run.session.history.past.count == history)
    }

    @Test func pythonPlotModelWritesTheSamePicture() throws {
        let dir = try temporaryDirectory()
        let a = dir.appendingPathComponent("a.dot"), b = dir.appendingPathComponent("b.dot")
        let run = ShellRun("""
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input((16,)), layers.Dense(32, activation="relu"), layers.Dense(10)])
        keras.utils.plot_model(model, to_file='\(a.path)', show_shapes=True)
        from keras.utils import plot_model
        plot_model(model, '\(b.path)', show_shapes=True)
        """)
        #expect(run.ok, "\(run.errors)")
        let dot = try read(a)
        #expect(dot == (try read(b)))
        #expect(dot.contains("Output shape: <b>(None, 32)</b>") && count(" -> ", in: dot) == 1)
        #expect(!run.run("keras.utils.plot_model(model, to_file='\(dir.path)/c.png', layer_range=1)"))
        #expect(run.errors.contains("unexpected keyword argument 'layer_range'"))
    }

    @Test func memoryFiguresAreTheBytesOfEachOutput() throws {
        let run = ShellRun("input 16\nadd dense 32 relu\nadd dense 8\nsummary --memory --batch 4")
        #expect(run.ok, "\(run.errors)")
        let m = MemoryEstimate(run.session.model, batch: 4)
        // Dense 16→32 at batch 4: 4 × 32 × 4 bytes; Dense 32→8: 4 × 8 × 4.
        #expect(m.rows.map(\.outputBytes) == [512, 128])
        #expect(m.rows.map(\.backwardBytes) == [1024, 256])
        #expect(m.inputBytes == 4 * 16 * 4)
        #expect(m.parameterBytes == (16 * 32 + 32 + 32 * 8 + 8) * 4)
        #expect(m.forwardBytes == 640 && m.forwardBackwardBytes == 1280 && m.optimizerBytes == 0)
        #expect(m.totalBytes == 256 + 3232 + 1280)
        for text in ["Memory for a batch of 4", "512.00 B", "1.00 KB", "128.00 B", " Input size: 256.00 B", " Params size: 3.16 KB",
                     " Forward/backward pass size (est.): 1.25 KB", " Optimizer state: 0.00 B", "not compiled",
                     " Estimated total size: 4.66 KB"] {
            #expect(run.text.contains(text), "\(text)")
        }
        // Batch 1 by default; --batch alone is an error.
        #expect(run.run("summary --memory"))
        #expect(run.text.contains("Memory for a batch of 1"))
        #expect(!run.run("summary --batch 3"))
        #expect(run.errors.contains("--batch goes with --memory"))
        // A graph lists its inputs too (their bytes are the input size, nothing flows back).
        let graph = MemoryEstimate(ShellRun(branching).session.model, batch: 2)
        #expect(graph.rows.filter(\.isInput).map(\.outputBytes) == [2 * 16 * 4, 2 * 8 * 4])
        #expect(graph.inputBytes == 2 * 24 * 4)
        #expect(graph.forwardBytes == 2 * 4 * (8 + 8 + 8 + 24 + 2))
    }

    @Test func profileListsEveryLayerAndItsTimesAddUpToThePass() throws {
        let run = ShellRun("input 784\nadd dense 512 relu\nadd dropout 0.2\nadd dense 256 relu\nadd dense 10 softmax\nforward --batch 256 --profile --repeat 15")
        #expect(run.ok, "\(run.errors)")
        let lines = run.text.split(separator: "\n").map(String.init)
        func ms(_ s: Substring) -> Double? { Double(s.replacingOccurrences(of: " ms", with: "").trimmingCharacters(in: .whitespaces)) }
        var layerTimes: [String: Double] = [:]
        for name in ["dense", "dropout", "dense_1", "dense_2"] {
            let row = try #require(lines.first { $0.hasPrefix("│ \(name) (") }, "\(name)")
            let cells = row.split(separator: "│")
            layerTimes[name] = ms(cells[2])
            #expect(cells[3].contains("%"))
        }
        // The rows follow the order the model runs.
        let order = ["dense (", "dropout (", "dense_1 (", "dense_2 ("].compactMap { n in lines.firstIndex { $0.hasPrefix("│ " + n) } }
        #expect(order == order.sorted() && order.count == 4)
        let pass = try #require(lines.first { $0.hasPrefix(" Pass: ") })
        let typical = try #require(Double(pass.dropFirst(" Pass: ".count).prefix { $0 != " " }))
        let sum = layerTimes.values.reduce(0, +)
        #expect(typical > 0)
        #expect(abs(sum - typical) <= 0.1 * typical, "layers \(sum) ms, pass \(typical) ms")
        #expect(pass.contains("median ") && pass.contains("min ") && pass.contains("max "))
        // GFLOP/s for Dense (MACs from summary's column), none for Dropout.
        let dense = try #require(lines.first { $0.hasPrefix("│ dense (") })
        #expect(dense.contains("102,760,448"))
        #expect(lines.first { $0.hasPrefix("│ dropout (") }?.hasSuffix("- │") == true)
        #expect(run.session.lastForwardTimes.count == 15)
        #expect(!run.run("forward --profile --stats"))
    }
}
