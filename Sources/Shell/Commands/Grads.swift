import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

extension Commands {
    static let grads = Command(
        name: "grads", aliases: ["gradients"],
        usage: "grads [--batch N] [--input [INPUT=]FILE.npy …] [--target [OUTPUT=]FILE.npy …] [--stats] [--wrt input] [--inference] [--output FILE.npz]",
        summary: "the gradient of the compiled loss (plus the regularization penalties) for every trainable weight, on one batch",
        examples: ["grads --batch 128", "grads --batch 128 --stats", "grads --input x.npy --target y.npy --output g.npz",
                   "grads --input x.npy --target y.npy --wrt input", "grads --input a=a.npy --input b=b.npy --target out=y.npy"],
        flags: [.init(name: "batch", value: "N", help: "size of the random batch (default 32): inputs from N(0, 1) (ids uniformly), targets of the loss's kind"),
                .input,
                .target,
                .init(name: "stats", value: nil, help: "how the gradient flows back through the layers, beside what theory predicts (Glorot & Bengio 2010)"),
                .init(name: "wrt", value: "input", help: "'input': the gradient with respect to the model's input (saliency) instead of the weights"),
                .init(name: "inference", value: nil, help: "run as in inference (training=False): dropout drops nothing; the default is training mode, as fit"),
                .init(name: "output", value: "FILE", help: "write the gradients to a .npz keyed LAYER/WEIGHT (with --wrt input: by input name)")],
        details: "As Keras's fit differentiates it: the compiled loss, plus every weight regularizer's penalty and every activity "
            + "regularizer's penalty divided by the batch size. The pass runs in training mode (dropout active, drawn from the "
            + "session's seeded stream) unless --inference. Layers with trainable=False pass the gradient on but get none. "
            + "'hist LAYER/WEIGHT --grad' then draws a weight's gradient."
    ) { inv, session in
        try inv.noArguments()
        let model = session.model
        guard let compilation = model.compilation else {
            throw LabError("the model is not compiled: grads differentiates the compiled loss",
                           suggestion: "compile it first, for example 'compile optimizer=sgd loss=mse'")
        }
        guard let loss = compilation.loss else {
            throw LabError("the model was compiled without a loss, so there is nothing to differentiate",
                           suggestion: "compile it with one, for example 'compile optimizer=\(compilation.optimizer.python) loss=mse'")
        }
        let wrtInput: Bool
        switch try inv.text("wrt") {
        case nil: wrtInput = false
        case "input", "inputs": wrtInput = true
        case "weights": wrtInput = false
        case let other?: throw LabError.unknown("--wrt value", other, among: ["input", "weights"])
        }
        if !wrtInput, !model.nodes.contains(where: { $0.layer.trainable && !$0.layer.weights.isEmpty }) {
            throw LabError("no layer has trainable weights, so there is no gradient to compute",
                           suggestion: model.nodes.contains { !$0.layer.weights.isEmpty }
                               ? "every layer with weights is frozen (trainable=False); 'grads --wrt input' still works" : "add a layer with weights, such as 'add dense 8'")
        }
        if wrtInput, !model.inputs.contains(where: { $0.dtype == .float32 }) {
            throw LabError("the model's inputs are integer ids, which have no gradient", suggestion: "'grads' without --wrt gives the weights' gradients")
        }
        var defaulted = inv
        if inv.repeated["input"] == nil, !inv.has("batch") { defaulted.flags["batch"] = .value(.int(32)) }
        let feeds = try session.forwardFeeds(defaulted)
        let batch = feeds.values.first?.shape.first ?? 0
        let targets = try session.targets(inv, loss: loss, batch: batch)
        let training = !inv.has("inference")
        let result = try model.gradients(feeds, targets: targets, loss: loss, training: training, random: &session.dataGenerator,
                                         inputGradients: wrtInput, keepingLayers: inv.has("stats"))
        let style = session.style
        let penalties = result.penalties.reduce(0) { $0 + $1.value }
        session.say(style.bold("loss") + " \(Format.compact(result.total, 6)) = \(compilation.lossText.trimmingCharacters(in: ["'", "\""])) \(Format.compact(result.loss, 6))"
                    + (result.penalties.isEmpty ? "" : " + penalties \(Format.compact(penalties, 6))")
                    + style.dim("  (batch \(Format.thousands(batch)), \(training ? "training mode" : "inference mode"))"))
        if wrtInput {
            var arrays: [(String, Tensor)] = []
            for input in model.inputs {
                guard let g = result.inputs[input.name] else { continue }
                session.say(style.name(input.name) + "  ∂loss/∂input " + Tensor.describe(g.shape) + "  " + style.dim(Format.statistics(Statistics(g.scalars))))
                session.say(indent(Format.preview(g), by: 2))
                arrays.append((input.name, g))
            }
            try writeGradients(inv, session, arrays)
            return
        }
        session.lastGradients = Dictionary(result.weights.map { ($0.path, $0.gradient) }, uniquingKeysWith: { a, _ in a })
        session.say(gradientTable(result.weights, style: style))
        if inv.has("stats") { session.say(flowTable(model, result, style: style)) }
        try writeGradients(inv, session, result.weights.map { ($0.path, $0.gradient) })
    }

    /// One row per trainable weight: its gradient's mean, std, L2 norm and norm relative to the weight's.
    static func gradientTable(_ weights: [WeightGradient], style: Style) -> String {
        var table = Table(headers: ["Weight", "Shape", "mean", "std", "‖g‖", "‖g‖/‖w‖"],
                          alignments: [.left, .left, .right, .right, .right, .right])
        func c(_ x: Double) -> String { Format.compact(x, 3) }
        for w in weights {
            let s = Statistics(w.gradient.scalars)
            let g = norm(w.gradient), v = norm(w.value)
            table.rows.append([w.path, Tensor.describe(w.gradient.shape), c(s.mean), c(s.std), c(g), v > 0 ? c(g / v) : "—"])
        }
        return table.render(style: style)
    }

    static func norm(_ t: Tensor) -> Double { t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

    /// √E[x²]: the std of values whose mean is 0, which is what the variance argument tracks.
    static func rms(_ t: Tensor) -> Double { t.count == 0 ? 0 : norm(t) / Double(t.count).squareRoot() }

    /// `--stats`: the gradient with respect to each layer's output (its root mean square), measured and as Glorot &
    /// Bengio's variance argument predicts it from the layer above: through a Dense layer with
    /// n units, Var(∂L/∂x) = n · E[w²] · E[f′(z)²] · Var(∂L/∂y), compounded down from the top.
    static func flowTable(_ model: Model, _ result: ModelGradients, style: Style) -> String {
        var table = Table(headers: ["Layer", "∂L/∂output rms", "theory rms", "E[f′²] above", "weight ‖g‖/‖w‖"],
                          alignments: [.left, .right, .right, .right, .right])
        func c(_ x: Double) -> String { Format.compact(x, 3) }
        var predicted: [String: Double] = [:]
        var rows: [[String]] = []
        for node in model.nodes.reversed() {
            guard let g = result.layerGradients[node.name] else { continue }
            let measured = rms(g)
            var theory: Double?, slope: Double?
            let readers = model.consumers(of: node.name)
            if readers.count == 1, let reader = model.node(named: readers[0]), let dense = reader.layer as? Dense,
               let kernel = dense.weights.first, let x = result.layerOutputs[node.name], let above = result.layerGradients[reader.name] {
                let secondMoment = kernel.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, kernel.count))
                let f2 = derivativeSquared(dense, x)
                let base = predicted[reader.name] ?? rms(above)
                theory = base * (Double(dense.units) * secondMoment * f2).squareRoot()
                slope = f2
            }
            if let theory { predicted[node.name] = theory }
            let ratios = result.weights.filter { $0.layer == node.name }.map { w -> String in
                let v = norm(w.value)
                return v > 0 ? c(norm(w.gradient) / v) : "—"
            }
            rows.append([node.name, c(measured), theory.map(c) ?? "—", slope.map(c) ?? "—", ratios.first ?? "—"])
        }
        table.rows = rows.reversed()
        return table.render(style: style) + "\n" + style.dim("""
         ∂L/∂output rms: how large the gradient reaching each layer's output is, √E[g²] over the batch (the first layers learn at this rate).
         theory rms: Glorot & Bengio (2010), compounded down from the output: each Dense layer above multiplies the gradient's
         second moment by units · E[w²] · E[f′(z)²] — below 1 per layer (sigmoid's f′ ≤ 1/4), it vanishes geometrically with depth.
         E[f′²] above: the activation's squared slope, averaged over this batch, in the Dense layer that reads this one.
        """)
    }

    /// E[f′(z)²] over the batch for the Dense layer `dense` reading `x`.
    static func derivativeSquared(_ dense: Dense, _ x: Tensor) -> Double {
        if dense.activation.isLinear { return 1 }
        var linear = dense
        linear.activation = (try? Activation.make(.null)) ?? dense.activation
        guard let z = try? linear.call(x, training: false) else { return 1 }
        let y = dense.activation(z)
        guard let ones = try? Tensor(zeros: z.shape, value: 1) else { return 1 }
        let slope = dense.activation.gradient(ones, pre: z, output: y)
        let sum = slope.scalars.reduce(0.0) { (total: Double, v: Float) in total + Double(v) * Double(v) }
        return sum / Double(max(1, slope.count))
    }

    /// `grads --output FILE.npz`.
    static func writeGradients(_ inv: Invocation, _ session: Session, _ arrays: [(String, Tensor)]) throws {
        guard let path = try inv.text("output") else { return }
        guard path.lowercased().hasSuffix(".npz") else {
            throw LabError("grads writes its gradients to an .npz file, not '\(path)'", suggestion: "for example 'grads --output g.npz'")
        }
        try FileAccess.checkWritable(path)
        let data = try NPZ.encode(arrays)
        try FileAccess.write(data, to: path)
        session.say("wrote \(arrays.count) gradient\(arrays.count == 1 ? "" : "s") to \(path) (\(Format.bytes(data.count))), keyed "
                    + (arrays.first.map { "\($0.0)" } ?? "") + (arrays.count > 1 ? " …" : ""))
    }
}

extension Session {
    /// The targets for each output: from `--target [OUTPUT=]FILE` where given, else drawn at
    /// random in the loss's kind (class ids for sparse losses, one-hot rows for categorical
    /// ones, 0/1 for binary ones, N(0, 1) otherwise).
    func targets(_ inv: Invocation, loss: Loss, batch: Int) throws -> [String: Tensor] {
        let outputs = model.outputNames
        var targets: [String: Tensor] = [:]
        for item in inv.repeated["target"] ?? [] {
            let name: String, file: String
            switch item {
            case .keyword(let k, .string(let f)): (name, file) = (k, f)
            case .value(.string(let f)):
                guard outputs.count == 1, let only = outputs.first else {
                    throw LabError("the model has \(outputs.count) outputs; say which one: --target OUTPUT=FILE",
                                   suggestion: "outputs: " + outputs.joined(separator: ", "))
                }
                (name, file) = (only, f)
            default: throw LabError("grads: --target takes FILE or OUTPUT=FILE")
            }
            guard outputs.contains(name) else { throw LabError.unknown("output", name, among: outputs) }
            guard targets[name] == nil else { throw LabError("grads: the target of '\(name)' is given twice") }
            let t = try NPY.read(path: file)
            guard t.shape.first == batch else {
                throw LabError("the target \(file) holds \(t.shape.first ?? 0) samples but the input batch has \(batch)",
                               suggestion: "give one target row per input sample")
            }
            targets[name] = t
        }
        for name in outputs where targets[name] == nil {
            guard let sample = model.shape(of: name)?.sample else { throw LabError("the output \(name) has an unknown shape") }
            let shape = [batch] + sample, classes = max(1, sample.last ?? 1)
            switch loss.kind {
            case .sparseCategoricalCrossentropy:
                var t = try Tensor(zeros: [batch] + sample.dropLast())
                for i in t.scalars.indices { t.scalars[i] = Float(dataGenerator.nextInt(below: classes)) }
                targets[name] = t
            case .categoricalCrossentropy, .categoricalHinge, .klDivergence:
                var t = try Tensor(zeros: shape)
                for row in 0..<(t.count / classes) { t.scalars[row * classes + dataGenerator.nextInt(below: classes)] = 1 }
                targets[name] = t
            case .binaryCrossentropy, .hinge, .squaredHinge:
                var t = try Tensor(zeros: shape)
                for i in t.scalars.indices { t.scalars[i] = Float(dataGenerator.nextInt(below: 2)) }
                targets[name] = t
            case .poisson, .meanSquaredLogarithmicError:
                var t = try Tensor(zeros: shape)
                dataGenerator.fillNormal(&t.scalars)
                targets[name] = t.map { abs($0) }
            default:
                var t = try Tensor(zeros: shape)
                dataGenerator.fillNormal(&t.scalars)
                targets[name] = t
            }
        }
        return targets
    }
}
