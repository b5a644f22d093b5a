import Layers
import TensorCore

extension Model {
    /// `forward` with random layers drawing from a stream seeded by the model's seed.
    public func forward(_ feeds: [String: Tensor], training: Bool = false,
                        observe: ((LayerNode, Tensor) throws -> Void)? = nil) throws -> [(name: String, value: Tensor)] {
        var random = RandomGenerator(seed: seed)
        return try forward(feeds, training: training, random: &random, observe: observe)
    }

    /// Runs the model on one batch per input, in graph order, calling `observe`
    /// with every layer's output. Each intermediate tensor is released as soon as
    /// its last reader has run. Returns the outputs by layer name. With `training`,
    /// random layers (Dropout) draw their masks from `random`.
    ///
    /// A large batch in inference with nobody observing the layers runs in chunks of
    /// samples whose largest layer output fits in a few MB: every layer works sample by
    /// sample there, so the results are the same, and a convolution's output is still
    /// in cache when the pooling after it reads it.
    public func forward(_ feeds: [String: Tensor], training: Bool, random: inout RandomGenerator,
                        observe: ((LayerNode, Tensor) throws -> Void)? = nil) throws -> [(name: String, value: Tensor)] {
        try forward(feeds, training: training, random: &random, inChunks: observe == nil, observe: observe.map { o in { node, y, _ in try o(node, y) } })
    }

    /// `forward` in chunks of samples (in inference, for a large batch) with an observer
    /// that sees every chunk of every layer's output: `observe(node, y, samples)`, where
    /// `samples` are the rows of the batch `y` holds — all layers of a chunk, chunk after
    /// chunk. The printed `forward` merges what it shows from the chunks, so it runs the
    /// same pass as the bare one.
    /// With `inChunks` false, the batch is one piece (the observer then sees whole outputs).
    public func forward(_ feeds: [String: Tensor], training: Bool, random: inout RandomGenerator, inChunks: Bool = true,
                        observingChunks observe: @escaping (LayerNode, Tensor, Range<Int>) throws -> Void) throws -> [(name: String, value: Tensor)] {
        try forward(feeds, training: training, random: &random, inChunks: inChunks, observe: observe)
    }

    private func forward(_ feeds: [String: Tensor], training: Bool, random: inout RandomGenerator, inChunks: Bool,
                         observe: ((LayerNode, Tensor, Range<Int>) throws -> Void)?) throws -> [(name: String, value: Tensor)] {
        let (values, rows) = try checkedFeeds(feeds)
        if inChunks, !training, let chunk = chunkSamples(batch: rows) {
            var outputs: [(name: String, value: Tensor)] = []
            for start in stride(from: 0, to: rows, by: chunk) {
                let samples = start..<min(rows, start + chunk)
                let part = try values.mapValues { try $0.rows(samples) }
                let results = try run(part, training: false, random: &random, observe: observe.map { o in { try o($0, $1, samples) } })
                outputs = outputs.isEmpty ? results : try zip(outputs, results).map { ($0.name, try $0.value.appendingRows($1.value)) }
            }
            return outputs
        }
        return try run(values, training: training, random: &random, observe: observe.map { o in { try o($0, $1, 0..<rows) } })
    }

    /// The batch for every input, checked against the input's shape and dtype (integer ids
    /// must be whole numbers), and the batch size they share.
    func checkedFeeds(_ feeds: [String: Tensor]) throws -> (values: [String: Tensor], rows: Int) {
        guard !inputs.isEmpty else {
            throw LabError("the model has no input yet", suggestion: "define one with 'input 16' (the sizes of one sample)")
        }
        if let unbuilt = nodes.first(where: { $0.outputShape == nil }) {
            throw LabError("\(unbuilt.name) is not connected to an input")
        }
        var batch: Int?
        var values: [String: Tensor] = [:]
        for input in inputs {
            guard var x = feeds[input.name] else { throw LabError("no batch given for input '\(input.name)'") }
            guard x.rank == input.shape.count + 1, Array(x.shape.dropFirst()) == input.shape else {
                throw LabError("\(input.name): expected a batch of shape \(input.outputShape), got \(Tensor.describe(x.shape))")
            }
            if let b = batch, b != x.shape[0] {
                throw LabError("inputs have different batch sizes (\(b) and \(x.shape[0]))")
            }
            batch = x.shape[0]
            if input.dtype == .int32, let i = x.scalars.firstIndex(where: { !$0.isFinite || $0 != $0.rounded() }) {
                throw LabError("\(input.name) takes int32 ids, but the batch holds \(x.scalars[i]) at position \(Tensor.describe(x.position(of: i)))",
                               suggestion: "give whole numbers (an integer .npy file)")
            }
            x.dtype = input.dtype
            values[input.name] = x
        }
        return (values, batch ?? 0)
    }

    /// Samples per chunk for a batch (nil: one piece): equal chunks whose largest layer
    /// output stays under about 6 MB; one piece when a layer mixes samples (a Lambda).
    func chunkSamples(batch: Int) -> Int? {
        guard !nodes.contains(where: { $0.layer.mixesSamples }) else { return nil }
        let largest = nodes.compactMap { $0.outputShape?.sample?.reduce(1, *) }.max() ?? 0
        let most = max(1, Model.chunkBytes / max(1, 4 * largest))
        guard batch > most else { return nil }
        let pieces = (batch + most - 1) / most
        return (batch + pieces - 1) / pieces
    }

    /// (Measured on the chapter's CNN at batch 256: 9.8 → 7.5 ms and 88 → 53 MB peak against
    /// one piece; 2, 4, 6 and 8 MB were within the noise of each other for the conv-heavy net.)
    static let chunkBytes = 6 << 20

    /// The layers on one batch of `values` (the model's inputs, already checked).
    private func run(_ feeds: [String: Tensor], training: Bool, random: inout RandomGenerator,
                     observe: ((LayerNode, Tensor) throws -> Void)?) throws -> [(name: String, value: Tensor)] {
        var values = feeds
        // Only what the outputs depend on runs; each tensor is released after its last reader.
        let outputOrder = outputNames, outputs = Set(outputOrder)
        var needed = outputs
        for node in nodes.reversed() where needed.contains(node.name) { needed.formUnion(node.inbound) }
        var remaining: [String: Int] = [:]
        for node in nodes where needed.contains(node.name) { for source in node.inbound { remaining[source, default: 0] += 1 } }
        for node in nodes where needed.contains(node.name) {
            let args = try node.inbound.map { source -> Tensor in
                guard let v = values[source] else { throw LabError("\(node.name): its input '\(source)' was not computed") }
                return v
            }
            try Interrupt.check()
            let y: Tensor
            do {
                if let r = node.layer as? any RandomLayer {
                    y = try r.call(args, training: training, random: &random)
                } else {
                    y = try node.layer.call(args, training: training)
                }
            } catch let e as LabError {
                throw e.at(node.name)
            }
            try observe?(node, y)
            values[node.name] = y
            for source in node.inbound {
                remaining[source, default: 1] -= 1
                if remaining[source] == 0, !outputs.contains(source) { values[source] = nil }
            }
        }
        return outputOrder.compactMap { name in values[name].map { (name, $0) } }
    }

    /// The range integer ids for an input are drawn from: the smallest `input_dim`
    /// among the Embedding layers downstream of it, and that layer's name.
    public func idRange(for inputName: String) -> (bound: Int, layer: String)? {
        var reached: Set<String> = [inputName]
        var best: (bound: Int, layer: String)?
        for node in nodes where node.inbound.contains(where: reached.contains) {
            reached.insert(node.name)
            if let bound = node.layer.idBound, best.map({ bound < $0.bound }) ?? true { best = (bound, node.name) }
        }
        return best
    }
}
