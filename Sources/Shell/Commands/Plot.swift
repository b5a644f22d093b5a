import Foundation
import Formats
import Layers
import Models
import Plotting
import TensorCore

extension Commands {
    static let plot = Command(
        name: "plot", usage: "plot [FILE.svg|.png|.pdf|.dot] [show_shapes=True] [show_dtype=True] [show_layer_names=True] [rankdir=LR] [dpi=N] [show_layer_activations=True] [show_trainable=True]",
        summary: "draw the model as keras.utils.plot_model does (Graphviz): one box per layer, one arrow per connection",
        examples: ["plot model.svg show_shapes=True show_layer_activations=True",
                   "plot model.png rankdir=LR show_dtype=True show_trainable=True dpi=200",
                   "plot model.dot show_layer_names=True"],
        details: """
        Takes plot_model's arguments with Keras 3's names and defaults: to_file ('model.png'), show_shapes (False),
        show_dtype (False), show_layer_names (False), rankdir ('TB'; 'LR', 'BT', 'RL'), expand_nested (False; LayerLab
        has no nested models), dpi (200), show_layer_activations (False), show_trainable (False), splines ('ortho').
        The extension picks the format: .svg, .png, .pdf, or .dot for the DOT text itself (no extension: PNG, as in
        Keras). An existing file is overwritten, as plot_model does. At the Python prompt:
        keras.utils.plot_model(model, to_file='m.png', show_shapes=True).
        """
    ) { inv, session in
        let options = try PlotOptions(Arguments(inv.values, inv.keywords))
        try session.plot(options, of: session.model)
    }
}

extension Session {
    /// Draws the model to `options.file`; the model is not changed.
    func plot(_ options: PlotOptions, of model: Model) throws {
        guard !model.isEmpty else { throw LabError("the model is empty", suggestion: "start with 'input 16' and 'add dense 32 relu'") }
        guard !model.nodes.isEmpty || !model.isChain else {
            throw LabError("the model has an input and no layers yet", suggestion: "add one, for example 'add dense 32 relu'")
        }
        let path = options.file
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.lowercased()
        let formats = Graphviz.Format.allCases.map { "." + $0.rawValue }
        guard let format = ext.isEmpty ? .png : Graphviz.Format(rawValue: ext) else {
            throw LabError("plot writes \(formats.joined(separator: ", ")) files, not '.\(url.pathExtension)'",
                           suggestion: "for example 'plot \(url.deletingPathExtension().lastPathComponent).svg'")
        }
        try FileAccess.checkWritable(path, example: "model.svg")
        let bytes = try Graphviz.render(ModelPicture.dot(model, options), as: format)
        try FileAccess.write(Data(bytes), to: path, example: "model.svg")
        var details = [format.rawValue.uppercased()]
        if format == .png, let (w, h) = PNGSize.read(bytes) { details.append("\(w)×\(h) px") }
        details.append(Format.bytes(bytes.count))
        let boxes = model.nodes.count + (model.isChain ? 0 : model.inputs.count)
        say("wrote \(path) (\(details.joined(separator: ", "))): \(boxes) layer\(boxes == 1 ? "" : "s") drawn")
    }
}

/// The width and height in a PNG's IHDR chunk.
enum PNGSize {
    static func read(_ bytes: [UInt8]) -> (Int, Int)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }
}
