import Layers
import TensorCore
import Text

extension Commands {
    static let input = Command(
        name: "input", usage: "input SIZE… [name=NAME] [dtype=float32|int32]",
        summary: "define the model's input: the shape of one sample, without the batch size",
        examples: ["input 16", "input 28 28 1", "input (28, 28, 1) name=image", "input 10 dtype=int32"]
    ) { inv, session in
        var sizes: [Value] = inv.values
        var name: String?
        var dtype = DType.float32
        for k in inv.keywords {
            switch k.key {
            case "shape": sizes.append(k.value)
            case "name":
                guard case .string(let n) = k.value, isValidName(n) else { throw LabError("input: name must be a plain name, got \(k.value.python)") }
                name = n
            case "dtype":
                guard case .string(let d) = k.value, let t = DType(rawValue: d) else {
                    throw LabError("input: dtype \(k.value.python) is not supported",
                                   suggestion: "use float32 (the default) or int32 (integer ids for an embedding layer)")
                }
                dtype = t
            default:
                throw LabError("input: unknown argument '\(k.key)'", suggestion: nearest(to: k.key, in: ["shape", "name", "dtype"]).map { "did you mean '\($0)'?" } ?? "it takes sizes, shape=, name= and dtype=")
            }
        }
        if sizes.count == 1, case .tuple(let items) = sizes[0] { sizes = items }
        if sizes.count == 1, case .list(let items) = sizes[0] { sizes = items }
        guard !sizes.isEmpty else { throw LabError("input needs the sizes of one sample", suggestion: "for example 'input 16' or 'input 28 28 1'") }
        let shape = try sizes.map { v -> Int in
            guard case .int(let n) = v, n > 0 else {
                throw LabError("input: sizes must be positive whole numbers, got \(v.python)",
                               suggestion: "give the shape of one sample, for example 'input 28 28 1'")
            }
            return n
        }
        let built = session.model.nodes.filter { $0.outputShape == nil }.map(\.name)
        try session.change { try $0.setInput(shape: shape, name: name, dtype: dtype) }
        guard let node = session.model.inputs.last else { return }
        session.say("\(session.style.name(node.name)) (InputLayer): \(node.outputShape)" + (dtype == .float32 ? "" : " \(dtype.rawValue)"))
        if !built.isEmpty { session.say("built " + built.joined(separator: ", ")) }
        let model = session.model
        if model.inputs.count > 1, !model.nodes.isEmpty, !model.nodes.contains(where: { $0.inbound.contains(node.name) }) {
            session.say(session.style.error("note:") + " the model now has \(model.inputs.count) inputs (\(model.inputs.map(\.name).joined(separator: ", "))) and no layer reads \(node.name); "
                        + "connect layers to it with 'add … from=\(node.name)', or type 'undo' to remove it")
        }
    }
}
