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
