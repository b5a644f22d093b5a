import TensorCore

/// Keras's `padding` argument.
public enum Padding: String, Sendable {
    case valid, same, causal
}

/// Keras's `data_format` argument (`None` means channels_last).
public enum DataFormat: String, Sendable {
    case channelsLast = "channels_last"
    case channelsFirst = "channels_first"
}

/// The output-size rules Keras applies per spatial axis, with the text `explain` shows.
public enum ConvArithmetic {
    /// The span a dilated kernel covers: (k − 1)·d + 1.
    public static func effectiveKernel(_ k: Int, dilation d: Int) -> Int { (k - 1) * d + 1 }

    /// Python's floor division.
    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Output length of a convolution or pooling window: `valid` ⌊(n − k_eff)/s⌋ + 1,
    /// `same` and `causal` ⌈n/s⌉.
    public static func outputLength(_ n: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding) -> Int {
        switch padding {
        case .valid: return floorDiv(n - effectiveKernel(k, dilation: d), s) + 1
        case .same, .causal: return (n + s - 1) / s
        }
    }

    /// Cells of padding before the first input cell: `same` puts ⌊total/2⌋ in front
    /// (the odd one goes at the end), `causal` puts all (k − 1)·d in front.
    public static func padBefore(_ n: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding) -> Int {
        let kEff = effectiveKernel(k, dilation: d)
        switch padding {
        case .valid: return 0
        case .causal: return kEff - 1
        case .same:
            let out = outputLength(n, kernel: k, stride: s, dilation: d, padding: .same)
            return max((out - 1) * s + kEff - n, 0) / 2
        }
    }

    /// `out = floor((32 − 3)/1) + 1 = 30` for one axis.
    public static func outputFormula(_ n: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding) -> String {
        let out = outputLength(n, kernel: k, stride: s, dilation: d, padding: padding)
        switch padding {
        case .valid:
            let kText = d == 1 ? "\(k)" : "((\(k) − 1)·\(d) + 1)"
            return "out = floor((\(n) − \(kText))/\(s)) + 1 = \(out)"
        case .same, .causal:
            return "out = ceil(\(n)/\(s)) = \(out)"
        }
    }

    /// `; padded with 1 before, 1 after` for `same` and `causal` (nil for `valid`).
    public static func paddingNote(_ n: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding) -> String? {
        guard padding != .valid else { return nil }
        let out = outputLength(n, kernel: k, stride: s, dilation: d, padding: padding)
        let before = padBefore(n, kernel: k, stride: s, dilation: d, padding: padding)
        let total = padding == .causal ? before : max((out - 1) * s + effectiveKernel(k, dilation: d) - n, 0)
        return "; padded with \(before) before, \(total - before) after"
    }

    /// Output length of a transposed convolution (Keras's `deconv_output_length`).
    public static func transposedLength(_ n: Int, kernel k: Int, stride s: Int, dilation d: Int,
                                        padding: Padding, outputPadding op: Int?) -> Int {
        let kEff = effectiveKernel(k, dilation: d)
        switch (padding, op) {
        case (.same, nil): return n * s
        case (.same, let op?): return (n - 1) * s + kEff % 2 + op
        case (_, nil): return (n - 1) * s + max(kEff, s)
        case (_, let op?): return (n - 1) * s + kEff + op
        }
    }

    /// Leading cells of the full scatter (length (n − 1)·s + k_eff) that a transposed
    /// convolution drops: 0 for `valid`; for `same`, k_eff − 1 − P_L with Keras's JAX
    /// padding P_L = min(⌈T/2⌉, k_eff − 1).
    public static func transposedCrop(kernel k: Int, stride s: Int, dilation d: Int, padding: Padding, outputPadding op: Int?) -> Int {
        guard padding == .same else { return 0 }
        let kEff = effectiveKernel(k, dilation: d)
        let total = op.map { kEff + kEff % 2 - 2 + $0 } ?? kEff + s - 2
        let left = min(total / 2 + total % 2, kEff - 1)
        return kEff - 1 - left
    }

    /// The text of `transposedLength` for one axis.
    public static func transposedFormula(_ n: Int, kernel k: Int, stride s: Int, dilation d: Int,
                                         padding: Padding, outputPadding op: Int?) -> String {
        let out = transposedLength(n, kernel: k, stride: s, dilation: d, padding: padding, outputPadding: op)
        let kEff = effectiveKernel(k, dilation: d)
        let kText = d == 1 ? "\(k)" : "\(kEff)"
        switch (padding, op) {
        case (.same, nil): return "out = \(n)·\(s) = \(out)"
        case (.same, let op?): return "out = (\(n) − 1)·\(s) + (\(kText) mod 2) + \(op) = \(out)"
        case (_, nil): return "out = (\(n) − 1)·\(s) + max(\(kText), \(s)) = \(out)"
        case (_, let op?): return "out = (\(n) − 1)·\(s) + \(kText) + \(op) = \(out)"
        }
    }
}

/// The spatial arguments shared by convolution, pooling and locally connected layers,
/// parsed and checked the way Keras checks them at construction.
public struct SpatialArguments: Sendable, Equatable {
    public var rank: Int
    public var kernel: [Int]
    public var strides: [Int]
    public var dilation: [Int]
    public var padding: Padding
    /// The padding as written in the config (pooling keeps the user's spelling).
    public var paddingText: String
    public var dataFormat: DataFormat

    /// Before the arguments are read: windows of 1, valid, channels_last.
    init(rank: Int) {
        self.rank = rank
        kernel = Array(repeating: 1, count: rank)
        strides = kernel
        dilation = kernel
        padding = .valid
        paddingText = "valid"
        dataFormat = .channelsLast
    }

    /// Reads `kernelKey` (kernel_size or pool_size), `strides`, `padding`,
    /// `data_format` and, when present, `dilation_rate`.
    public init(_ a: BoundArguments, rank: Int, kernelKey: String = "kernel_size", paddings: [Padding],
                stridesDefaultToKernel: Bool = false) throws {
        self.rank = rank
        let owner = a.owner
        func positiveTuple(_ key: String) throws -> [Int] {
            let t = try a.intTuple(key, rank: rank)
            guard t.allSatisfy({ $0 > 0 }) else {
                throw LabError("\(owner): \(key) must hold positive integers, got \(a[key].python)")
            }
            return t
        }
        kernel = try positiveTuple(kernelKey)
        strides = stridesDefaultToKernel && a.isNone("strides") ? kernel : try positiveTuple("strides")
        dilation = a.values["dilation_rate"] == nil ? Array(repeating: 1, count: rank) : try positiveTuple("dilation_rate")
        let text = try a.string("padding")
        guard let p = Padding(rawValue: text.lowercased()), paddings.contains(p) else {
            let allowed = paddings.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let hint = text.lowercased() == "causal" ? " ('causal' exists for Conv1D only)" : ""
            throw LabError("\(owner): padding must be one of \(allowed), got \(a["padding"].python)\(hint)")
        }
        padding = p
        paddingText = text
        if a.isNone("data_format") {
            dataFormat = .channelsLast
        } else {
            let f = try a.string("data_format")
            guard let format = DataFormat(rawValue: f.lowercased()) else {
                throw LabError("\(owner): data_format must be 'channels_last' or 'channels_first', got \(a["data_format"].python)")
            }
            dataFormat = format
        }
        if strides.contains(where: { $0 > 1 }) && dilation.contains(where: { $0 > 1 }) {
            throw LabError("\(owner): strides \(Self.tuple(strides)) with dilation_rate \(Self.tuple(dilation)): strides > 1 is not supported together with dilation_rate > 1, as in Keras")
        }
    }

    /// `(3, 3)`, or `(3,)` for one axis — Python's tuple, as configs hold them.
    public static func tuple(_ values: [Int]) -> String { Value.tuple(values.map { .int($0) }).python }
    public static func value(_ values: [Int]) -> Value { .tuple(values.map { .int($0) }) }

    /// `(rows, cols, channels)` — what one sample looks like, for messages.
    public var sampleLayout: String {
        let axes = ["length"], axes2 = ["rows", "cols"], axes3 = ["dim1", "dim2", "dim3"]
        let spatial = rank == 1 ? axes : rank == 2 ? axes2 : axes3
        return "(batch, " + (dataFormat == .channelsLast ? spatial + ["channels"] : ["channels"] + spatial).joined(separator: ", ") + ")"
    }

    /// Splits a layer input into spatial sizes and channels, checking its rank.
    public func split(_ input: Shape, who: String) throws -> (spatial: [Int], channels: Int) {
        guard input.rank == rank + 2 else {
            throw LabError("\(who) expects input of rank \(rank + 2) \(sampleLayout), got \(input)")
        }
        let dims = Array(input.dims.dropFirst())
        let channelDim = dataFormat == .channelsLast ? dims.last ?? nil : dims.first ?? nil
        let spatialDims = dataFormat == .channelsLast ? dims.dropLast() : dims.dropFirst()
        guard let channels = channelDim, channels > 0 else {
            throw LabError("\(who) needs the channel dimension of its input to be known, got \(input)")
        }
        guard spatialDims.allSatisfy({ $0 != nil }) else {
            throw LabError("\(who) needs every spatial size of its input to be known, got \(input)")
        }
        return (spatialDims.compactMap { $0 }, channels)
    }

    /// An output shape from spatial sizes and channels, in this data format.
    public func shape(spatial: [Int], channels: Int) -> Shape {
        Shape([nil] + (dataFormat == .channelsLast ? spatial.map { $0 } + [channels] : [channels] + spatial.map { $0 }))
    }

    /// Output sizes of a window (kernel or pool) slid over `spatial`; a size below 1
    /// is the clear error Keras raises ("would be zero or negative"), with the numbers.
    public func outputSizes(_ spatial: [Int], who: String, what: String = "kernel") throws -> [Int] {
        try (0..<rank).map { i in
            let out = ConvArithmetic.outputLength(spatial[i], kernel: kernel[i], stride: strides[i], dilation: dilation[i], padding: padding)
            guard out > 0 else {
                let kEff = ConvArithmetic.effectiveKernel(kernel[i], dilation: dilation[i])
                throw LabError("\(who): the output size on spatial axis \(i + 1) would be \(out): "
                               + ConvArithmetic.outputFormula(spatial[i], kernel: kernel[i], stride: strides[i], dilation: dilation[i], padding: padding)
                               + ", as the \(what) spans \(kEff) and the input has \(spatial[i]) (padding='\(padding.rawValue)')",
                               suggestion: "use padding='same', a smaller \(what), or a larger input")
            }
            return out
        }
    }

    /// The geometry of this window over a channels-last batch.
    public func geometry(batch: Int, spatial: [Int], channels: Int, output: [Int]) throws -> ConvGeometry {
        let pads = (0..<rank).map {
            ConvArithmetic.padBefore(spatial[$0], kernel: kernel[$0], stride: strides[$0], dilation: dilation[$0], padding: padding)
        }
        return try ConvGeometry(batch: batch, input: spatial, channels: channels, kernel: kernel, strides: strides,
                                dilation: dilation, padBefore: pads, output: output)
    }

    /// A channels-last view of a batch in this data format.
    public func toChannelsLast(_ x: Tensor) -> Tensor { dataFormat == .channelsLast ? x : x.channelsMovedLast() }
    public func fromChannelsLast(_ y: Tensor) -> Tensor { dataFormat == .channelsLast ? y : y.channelsMovedFirst() }
}
