import Layers
import TensorCore

/// The data of `summary`, as rows (rendering is the shell's job).
public struct ModelSummary: Sendable {
    public struct Row: Sendable {
        public var name: String
        public var className: String
        /// nil: unbuilt (`?`).
        public var outputShape: Shape?
        public var parameters: Int
        public var built: Bool
        public var macs: Int
        public var connectedTo: [String]
        public var isInput: Bool
        public var notes: [String]
    }

    public var modelName: String
    public var rows: [Row]
    public var isChain: Bool
    public var totalParameters: Int
    public var trainableParameters: Int
    public var totalMACs: Int

    public init(_ model: Model) {
        modelName = model.name
        isChain = model.isChain
        var rows: [Row] = []
        // A graph is listed in Keras's order (inputs first, then by depth), as model.summary() does.
        let order = isChain ? model.nodes.map(\.name) : model.kerasOrder
        for name in order {
            if let input = model.input(named: name) {
                if !isChain {
                    rows.append(Row(name: input.name, className: "InputLayer", outputShape: input.outputShape, parameters: 0,
                                    built: true, macs: 0, connectedTo: [], isInput: true, notes: []))
                }
                continue
            }
            guard let node = model.node(named: name) else { continue }
            let shapes = model.inputShapes(of: node)
            rows.append(Row(name: node.name, className: node.layer.className, outputShape: node.outputShape,
                            parameters: node.layer.parameterCount, built: node.outputShape != nil,
                            macs: shapes.map { node.layer.macs(for: $0) } ?? 0,
                            connectedTo: node.inbound.map { "\($0)[0][0]" }, isInput: false, notes: []))
        }
        self.rows = rows
        totalParameters = model.parameterCount
        trainableParameters = model.trainableParameterCount
        totalMACs = rows.reduce(0) { $0 + $1.macs }
    }
}

/// The data of `summary --memory`: what a batch takes, layer by layer, as torchinfo
/// estimates it. Every tensor is 4 bytes an element (float32, or int32 ids).
public struct MemoryEstimate: Sendable {
    public struct Row: Sendable {
        public var name: String
        public var className: String
        public var outputShape: Shape?
        public var isInput: Bool
        /// This layer's output for the batch (nil: unbuilt).
        public var outputBytes: Int?
        /// What the backward pass would hold for it: the output kept for backprop plus its
        /// gradient, of the same size (0 for an input: nothing flows back into data).
        public var backwardBytes: Int?
    }

    public var batch: Int
    public var rows: [Row]
    public var inputBytes: Int
    public var parameterBytes: Int
    /// Every layer output of one forward pass.
    public var forwardBytes: Int
    /// torchinfo's "Forward/backward pass size": outputs and their gradients.
    public var forwardBackwardBytes: Int
    /// No optimizer exists until the model is compiled (training has not landed): 0.
    public var optimizerBytes: Int
    /// The compiled optimizer, whose state `optimizerBytes` counts (nil: not compiled).
    public var optimizer: Optimizer?
    public var totalBytes: Int { inputBytes + parameterBytes + forwardBackwardBytes + optimizerBytes }

    public static let bytesPerElement = 4
    static let cap = 1 << 48

    public init(_ model: Model, batch: Int) {
        self.batch = batch
        let summary = ModelSummary(model)
        func bytes(_ sample: [Int]) -> Int {
            let elements = sample.reduce(Double(batch) * Double(Self.bytesPerElement)) { $0 * Double($1) }
            // Capped at 256 TB a tensor, so that the sums below cannot overflow.
            return Int(min(elements, Double(Self.cap)))
        }
        rows = summary.rows.map { r in
            let out = r.outputShape?.sample.map(bytes)
            return Row(name: r.name, className: r.className, outputShape: r.outputShape, isInput: r.isInput,
                       outputBytes: out, backwardBytes: r.isInput ? 0 : out.map { 2 * $0 })
        }
        inputBytes = model.inputs.reduce(0) { $0 + bytes($1.shape) }
        parameterBytes = model.parameterCount * Self.bytesPerElement
        forwardBytes = rows.filter { !$0.isInput }.reduce(0) { $0 + ($1.outputBytes ?? 0) }
        forwardBackwardBytes = rows.reduce(0) { $0 + ($1.backwardBytes ?? 0) }
        optimizer = model.compilation?.optimizer
        optimizerBytes = (model.compilation.map { $0.optimizer.slotsPerWeight } ?? 0) * model.trainableParameterCount * Self.bytesPerElement
    }
}
