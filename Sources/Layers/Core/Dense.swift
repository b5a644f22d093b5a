import TensorCore

/// `Dense(units)`: output = activation(x · kernel + bias), on the last axis.
public struct Dense: UnaryLayer {
    public static let className = "Dense"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var units: Int
    public var activation: Activation
    public var useBias: Bool
    public var kernelInitializer: any Initializer
    public var biasInitializer: any Initializer
    public var kernelRegularizer: (any Regularizer)?
    public var biasRegularizer: (any Regularizer)?
    public var activityRegularizer: (any Regularizer)?
    public var kernelConstraint: (any Constraint)?
    public var biasConstraint: (any Constraint)?

    public static let type = LayerType(
        "Dense", positional: 1, summary: "fully connected: activation(x · kernel + bias)",
        [.init("units", nil), .init("activation", .null), .init("use_bias", .bool(true)),
         .init("kernel_initializer", .string("glorot_uniform")), .init("bias_initializer", .string("zeros")),
         .init("kernel_regularizer", .null), .init("bias_regularizer", .null), .init("activity_regularizer", .null),
         .init("kernel_constraint", .null), .init("bias_constraint", .null)]
    ) { a, seeds in
        try Dense(
            units: a.positiveInt("units"), activation: Activation.make(a["activation"]), useBias: a.bool("use_bias"),
            kernelInitializer: InitializerType.make(a["kernel_initializer"], role: "kernel_initializer", seeds: &seeds),
            biasInitializer: InitializerType.make(a["bias_initializer"], role: "bias_initializer", seeds: &seeds),
            kernelRegularizer: RegularizerType.make(a["kernel_regularizer"], role: "kernel_regularizer"),
            biasRegularizer: RegularizerType.make(a["bias_regularizer"], role: "bias_regularizer"),
            activityRegularizer: RegularizerType.make(a["activity_regularizer"], role: "activity_regularizer"),
            kernelConstraint: ConstraintType.make(a["kernel_constraint"], role: "kernel_constraint"),
            biasConstraint: ConstraintType.make(a["bias_constraint"], role: "bias_constraint"))
    }

    public init(units: Int, activation: Activation, useBias: Bool = true,
                kernelInitializer: any Initializer, biasInitializer: any Initializer,
                kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
                activityRegularizer: (any Regularizer)? = nil,
                kernelConstraint: (any Constraint)? = nil, biasConstraint: (any Constraint)? = nil) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.kernelConstraint = kernelConstraint
        self.biasConstraint = biasConstraint
    }

    public var config: [Keyword] {
        var c: [Keyword] = []
        if let r = activityRegularizer { c.append(Keyword("activity_regularizer", .object(r.object))) }
        c += [Keyword("units", .int(units)), Keyword("activation", .string(activation.name)),
              Keyword("use_bias", .bool(useBias)),
              Keyword("kernel_initializer", .object(kernelInitializer.object)),
              Keyword("bias_initializer", .object(biasInitializer.object)),
              Keyword("kernel_regularizer", kernelRegularizer.map { .object($0.object) } ?? .null),
              Keyword("bias_regularizer", biasRegularizer.map { .object($0.object) } ?? .null),
              Keyword("kernel_constraint", kernelConstraint.map { .object($0.object) } ?? .null),
              Keyword("bias_constraint", biasConstraint.map { .object($0.object) } ?? .null),
              Keyword("quantization_config", .null)]
        return c
    }

    private func inputUnits(_ input: Shape) throws -> Int {
        guard input.rank >= 2, let n = input.last else {
            throw LabError("\(name): Dense needs an input whose last dimension is known, got \(input)")
        }
        return n
    }

    public func outputShape(for input: Shape) throws -> Shape {
        _ = try inputUnits(input)
        return Shape(input.dims.dropLast() + [units])
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        let n = try inputUnits(input)
        var specs = [WeightSpec("kernel", [n, units], kernelInitializer,
                                regularizer: kernelRegularizer, constraint: kernelConstraint)]
        if useBias {
            specs.append(WeightSpec("bias", [units], biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint))
        }
        return specs
    }

    public func macs(for input: Shape) -> Int {
        guard let n = input.last else { return 0 }
        let positions = input.dims.dropFirst().dropLast().reduce(1) { $0 * ($1 ?? 1) }
        return positions * n * units
    }

    public func explanation(for inputs: [Shape]) -> [String] {
        guard let input = inputs.first, let n = input.last else { return [] }
        let positions = input.dims.dropFirst().dropLast().map { $0.map(String.init) ?? "?" }
        var lines = [
            "output = \(activation.name)(x · kernel\(useBias ? " + bias" : "")), applied to the last axis",
            "output shape: the input's shape with its last size \(n) replaced by units = \(units): \(input) → \((try? outputShape(for: input))?.description ?? "?")",
            "kernel (in, units) = (\(n), \(units))" + (useBias ? ", bias (units,) = (\(units),)" : ""),
            "params = in · units\(useBias ? " + units" : "") = \(n) · \(units)\(useBias ? " + \(units)" : "") = \(n * units + (useBias ? units : 0))",
        ]
        let macs = self.macs(for: input)
        lines.append("MACs per sample = \(positions.isEmpty ? "" : positions.joined(separator: " · ") + " · ")in · units = \(macs)")
        return lines
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let kernel = weights.first else { throw LabError("\(name): weights are not built yet") }
        guard x.shape.last == kernel.shape[0] else {
            throw LabError("\(name): expected input with last dimension \(kernel.shape[0]), got \(x.shape.last ?? 0)")
        }
        // One gemm over the whole batch (every position) onto rows that start as the bias,
        // then the activation in one pass over the output.
        let n = kernel.shape[1], k = kernel.shape[0]
        let m = k == 0 ? x.shape.dropLast().reduce(1, *) : x.count / k
        let bias: Tensor? = useBias && weights.count > 1 && weights[1].count == n ? weights[1] : nil
        guard k > 0, m > 0, n > 0 else {
            // Nothing to multiply: the output is the bias (or zeros), activated.
            var y = Tensor(zeros: Array(x.shape.dropLast()) + [n])
            if let bias { try y.addBias(bias) }
            activation.apply(&y)
            return y
        }
        // Very large products run in row blocks of about 2 GFLOP, so Ctrl-C is noticed between them.
        let block = max(1, min(m, 1_000_000_000 / max(1, n * k)))
        // The output is not zeroed first: the bias rows or the gemm (β = 0) write every value.
        let out = try [Float](unsafeUninitializedCapacity: m * n) { c, initialized in
            try x.scalars.withUnsafeBufferPointer { a in
                try kernel.scalars.withUnsafeBufferPointer { w in
                    guard let ap = a.baseAddress, let wp = w.baseAddress, let cp = c.baseAddress else { return }
                    var row = 0
                    while row < m {
                        let rows = min(block, m - row)
                        let chunk = UnsafeMutableBufferPointer(start: cp + row * n, count: rows * n)
                        // With a bias the rows start as the bias and the product is added
                        // onto them (β = 1), which spares OpenBLAS its pass zeroing C.
                        if let bias {
                            bias.scalars.withUnsafeBufferPointer { b in
                                guard let src = b.baseAddress, b.count == n else { return }
                                for r in 0..<rows { (cp + (row + r) * n).update(from: src, count: n) }
                            }
                        }
                        BLAS.gemm(m: rows, n: n, k: k, a: ap + row * k, b: wp, c: cp + row * n, accumulate: bias != nil)
                        initialized = (row + rows) * n
                        activation.applyRows(chunk, rowLength: n, bias: nil)
                        row += rows
                        if row < m { try Interrupt.check() }
                    }
                }
            }
        }
        return try Tensor(shape: Array(x.shape.dropLast()) + [n], scalars: out)
    }
}
