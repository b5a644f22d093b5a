import TensorCore

/// `Dense(units)`: output = activation(x · kernel + bias), on the last axis.
public struct Dense: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "Dense"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []

    public var units = 0
    public var activation = Activation.unset
    public var useBias = true
    public var kernel = WeightSlot.unset
    public var bias = WeightSlot.unset
    public var activityRegularizer: (any Regularizer)?

    /// Keras's config puts activity_regularizer first, and only when it is set.
    static let table = ArgumentTable<Dense>([
        .int("units", nil, \.units, positive: true), .activation(.null, \.activation), .bool("use_bias", .bool(true), \.useBias),
    ] + Argument<Dense>.weights([("kernel", "glorot_uniform", \.kernel), ("bias", "zeros", \.bias)],
                 activity: .activityRegularizer(\.activityRegularizer, omittedWhenNone: true).inConfig(after: ""))
      + [.constant("quantization_config", .null)])
    public var argumentTable: ArgumentTable<Dense> { Self.table }

    public static let type = LayerType("Dense", positional: 1, summary: "fully connected: activation(x · kernel + bias)",
                                       arguments: table, blank: { Dense() })

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
        return [kernel.spec("kernel", [n, units])] + (useBias ? [bias.spec("bias", [units])] : [])
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
        let n = kernel.shape[1], k = kernel.shape[0]
        let m = k == 0 ? x.shape.dropLast().reduce(1, *) : x.count / k
        let bias: Tensor? = useBias && weights.count > 1 && weights[1].count == n ? weights[1] : nil
        guard k > 0, m > 0, n > 0 else {
            // Nothing to multiply: the output is the bias (or zeros), activated.
            var y = try Tensor(zeros: Array(x.shape.dropLast()) + [n])
            if let bias { try y.addBias(bias) }
            activation.apply(&y)
            return y
        }
        // oneDNN's inner product over every row (all positions of the batch), the bias and
        // relu fused into its epilogue; other activations in one pass after.
        if kernel.count * 4 < DNNL.largestKernelBytes {
            let relu = activation.className == "relu"
            var y = try x.innerProduct(kernel, bias: bias, relu: relu)
            if !relu { activation.apply(&y) }
            return y
        }
        // A large kernel stays where it is: OpenBLAS's sgemm onto rows that start as the
        // bias, then the activation on each block of rows.
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

    /// The training pass keeps x and the pre-activation z (for relu, y itself: y > 0 ⇔ z > 0).
    /// Backward: ∂z = activation′ · ∂y, then ∂x = ∂z · kernelᵀ, ∂kernel = xᵀ · ∂z, ∂bias = Σ ∂z
    /// on oneDNN's backward primitives (the rows are all positions of the batch).
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        try differentiableCall(x, training: training, inputGradient: true)
    }

    public func differentiableCall(_ inputs: [Tensor], training: Bool, inputGradients: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: Pullback) {
        guard inputs.count == 1, let x = inputs.first else { throw LabError("\(name) (Dense) takes one input, got \(inputs.count)") }
        let (y, back) = try differentiableCall(x, training: training, inputGradient: inputGradients)
        return (y, { g in let (dx, dw) = try back(g); return LayerGradients(inputs: [dx], weights: dw) })
    }

    func differentiableCall(_ x: Tensor, training: Bool, inputGradient: Bool)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        guard let kernel = weights.first else { throw LabError("\(name): weights are not built yet") }
        let hasBias = useBias && weights.count > 1
        let z: Tensor, y: Tensor
        if activation.isLinear || activation.className == "relu" {
            z = try call(x, training: training)
            y = z
        } else {
            var linear = self
            linear.activation = .unset
            z = try linear.call(x, training: training)
            y = activation(z)
        }
        let activation = self.activation, name = self.name
        return (y, { g in
            let dz = activation.gradient(try g.checkedGradient(of: y, name), pre: z, output: y)
            let (dx, dw, db) = try x.innerProductGradients(kernel, hasBias: hasBias, outputGradient: dz, inputGradient: inputGradient)
            return (dx, [dw] + (db.map { [$0] } ?? []))
        })
    }
}
