import Layers
import Models
import TensorCore

/// `keras.utils.plot_model`'s arguments, with Keras 3's names and defaults.
public struct PlotOptions: Sendable, Equatable {
    public var file = "model.png"
    public var showShapes = false
    public var showDtype = false
    public var showLayerNames = false
    public var rankdir = "TB"
    public var expandNested = false
    public var dpi = 200.0
    public var showLayerActivations = false
    public var showTrainable = false
    public var splines = "ortho"

    public init() {}

    /// plot_model(model, to_file=…, …) after the model.
    public static let signature = Signature("plot_model", [
        .init("to_file", .string("model.png")), .init("show_shapes", .bool(false)), .init("show_dtype", .bool(false)),
        .init("show_layer_names", .bool(false)), .init("rankdir", .string("TB")), .init("expand_nested", .bool(false)),
        .init("dpi", .int(200)), .init("show_layer_activations", .bool(false)), .init("show_trainable", .bool(false)),
        .init("splines", .string("ortho")),
    ])

    static let rankdirs = ["TB", "LR", "BT", "RL"]
    static let splineKinds = ["ortho", "curved", "polyline", "spline", "line"]

    /// Binds the arguments as Keras's plot_model does (same messages for unknown keywords).
    public init(_ arguments: Arguments) throws {
        let a = try Self.signature.bind(arguments)
        file = try a.string("to_file")
        showShapes = try a.bool("show_shapes")
        showDtype = try a.bool("show_dtype")
        showLayerNames = try a.bool("show_layer_names")
        expandNested = try a.bool("expand_nested")
        showLayerActivations = try a.bool("show_layer_activations")
        showTrainable = try a.bool("show_trainable")
        rankdir = try a.string("rankdir")
        guard Self.rankdirs.contains(rankdir) else {
            throw LabError("plot_model: rankdir must be one of \(Self.rankdirs.map { "'\($0)'" }.joined(separator: ", ")), got \(a["rankdir"].python)",
                           suggestion: "'TB' draws top to bottom, 'LR' left to right")
        }
        splines = try a.string("splines")
        guard Self.splineKinds.contains(splines) else {
            throw LabError("plot_model: splines must be one of \(Self.splineKinds.map { "'\($0)'" }.joined(separator: ", ")), got \(a["splines"].python)")
        }
        dpi = try a.double("dpi")
        guard dpi >= 1, dpi <= 1000 else {
            throw LabError("plot_model: dpi must be a number from 1 to 1000, got \(a["dpi"].python)", suggestion: "Keras's default is 200")
        }
    }
}

/// Keras 3's `model_to_dot` (keras/src/utils/model_visualization.py): one node per layer
/// (an InputLayer node too, except for a Sequential model) whose HTML-like label is
/// Keras's table — a black title row, then an activation row and one row of cells for
/// the shapes, the dtype and trainability — and one edge per connection.
public enum ModelPicture {
    public static func dot(_ model: Model, _ options: PlotOptions) -> String {
        var lines = ["digraph G {",
                     "rankdir=\(options.rankdir);",
                     "concentrate=true;",
                     "dpi=\(options.dpi == options.dpi.rounded() ? String(Int(options.dpi)) : Value.pythonFloat(options.dpi));",
                     "splines=\(options.splines);",
                     "node [shape=record];"]
        // A Sequential model (a chain) has no InputLayer node in Keras's picture.
        let sequential = model.isChain
        var ids: [String: String] = [:]
        var used: Set<String> = []
        func id(_ name: String, _ index: Int) -> String {
            var candidate = name.contains("\"") || name.contains("\\") || name.isEmpty ? "node\(index)" : name
            if used.contains(candidate) { candidate = "node\(index)" }
            used.insert(candidate)
            return quoted(candidate)
        }
        if !sequential {
            for (i, input) in model.inputs.enumerated() {
                ids[input.name] = id(input.name, i)
                let label = Label(name: input.name, className: "InputLayer", activation: nil, inputShape: nil,
                                  outputShape: input.outputShape.description, dtype: input.dtype.rawValue, trainable: nil)
                lines.append(node(ids[input.name] ?? "", label.html(options)))
            }
        }
        for (i, n) in model.nodes.enumerated() {
            ids[n.name] = id(n.name, model.inputs.count + i)
            let shapes = model.inputShapes(of: n)
            let inputShape = shapes.map { s in s.count == 1 ? s[0].description : "[" + s.map(\.description).joined(separator: ", ") + "]" }
            let activation = n.layer.config.first { $0.key == "activation" }.map { k -> String in
                if case .string(let s) = k.value { return s }
                return k.value.python
            }
            let label = Label(name: n.name, className: n.layer.className, activation: activation, inputShape: inputShape ?? "?",
                              outputShape: n.outputShape?.description ?? "?", dtype: "float32",
                              trainable: n.layer.weights.isEmpty ? nil : n.layer.trainable)
            lines.append(node(ids[n.name] ?? "", label.html(options)))
        }
        // Edges: Keras adds each (source, destination) pair once.
        var seen: Set<[String]> = []
        for n in model.nodes {
            for source in n.inbound {
                guard let from = ids[source], let to = ids[n.name], seen.insert([from, to]).inserted else { continue }
                lines.append("\(from) -> \(to) [penwidth=2];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func node(_ id: String, _ label: String) -> String {
        "\(id) [label=\(label), fontname=Helvetica, border=0, margin=0];"
    }

    /// A DOT double-quoted ID (the caller keeps `"` and `\` out of it).
    static func quoted(_ s: String) -> String { "\"" + s + "\"" }

    /// Text inside an HTML-like label: markup characters as entities; control characters,
    /// which Graphviz's XML parser rejects, as U+FFFD.
    static func html(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                out.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? "\u{FFFD}" : scalar)
            }
        }
        return out
    }

    struct Label {
        var name: String
        var className: String
        var activation: String?
        /// nil for an InputLayer (Keras shows only its output shape).
        var inputShape: String?
        var outputShape: String
        var dtype: String
        /// nil: the layer has no weights (Keras shows no trainability cell).
        var trainable: Bool?

        func html(_ o: PlotOptions) -> String {
            var table = "<<table border=\"0\" cellborder=\"1\" bgcolor=\"black\" cellpadding=\"10\">"
            let colspan = max(1, (o.showDtype ? 1 : 0) + (o.showTrainable ? 1 : 0) + (o.showShapes ? 2 : 0))
            let title = o.showLayerNames ? "<b>\(ModelPicture.html(name))</b> (\(ModelPicture.html(className)))" : "<b>\(ModelPicture.html(className))</b>"
            table += "<tr><td colspan=\"\(colspan)\" bgcolor=\"black\"><font point-size=\"16\" color=\"white\">\(title)</font></td></tr>"
            if o.showLayerActivations, let activation {
                table += "<tr><td bgcolor=\"white\" colspan=\"\(colspan)\"><font point-size=\"14\">"
                    + "Activation: <b>\(ModelPicture.html(activation))</b></font></td></tr>"
            }
            var cells: [String] = []
            func cell(_ caption: String, _ value: String) -> String {
                "<td bgcolor=\"white\"><font point-size=\"14\">\(caption): <b>\(ModelPicture.html(value))</b></font></td>"
            }
            if o.showShapes {
                if let inputShape { cells.append(cell("Input shape", inputShape)) }
                cells.append(cell("Output shape", outputShape))
            }
            if o.showDtype { cells.append(cell("Output dtype", dtype)) }
            if o.showTrainable, let trainable {
                cells.append(trainable
                    ? "<td bgcolor=\"forestgreen\"><font point-size=\"14\" color=\"white\"><b>Trainable</b></font></td>"
                    : "<td bgcolor=\"firebrick\"><font point-size=\"14\" color=\"white\"><b>Non-trainable</b></font></td>")
            }
            if !cells.isEmpty { table += "<tr>" + cells.joined() + "</tr>" }
            return table + "</table>>"
        }
    }
}
