import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Keras's `PReLU`: x if x > 0, else alpha · x, with alpha a trainable weight of the
/// sample's shape (zeros at first: PReLU starts as relu), one value shared along each
/// axis of `shared_axes` (Keras counts them from 1; a conv layer's output shares (1, 2):
/// one alpha per channel). Computed as Keras does: relu(x) − alpha · relu(−x), so the
/// gradient at x = 0 is 0 for the input and for alpha.
public struct PReLU: DifferentiableUnaryLayer, DeclaredLayer {
    public static let className = "PReLU"
    public var name = ""
    public var trainable = true
    public var weights: [Tensor] = []
    public var alpha = WeightSlot.unset
    public var sharedAxes: [Int]?

    static let table = ArgumentTable<PReLU>([
        .initializer("alpha", "Zeros", \.alpha), .regularizer("alpha", \.alpha), .constraint("alpha", \.alpha),
        .field("shared_axes", .null, \.sharedAxes, read: { a, key in
            // Keras: None, one axis, or a list or tuple of them.
            if a.isNone(key) { return nil }
            return try a.shapeTuple(key).compactMap { $0 }
        }, write: { $0.map { .tuple($0.map { .int($0) }) } ?? .null }),
    ])
    public var argumentTable: ArgumentTable<PReLU> { Self.table }

    public static let type = LayerType(
        "PReLU", positional: 1,
        summary: "parametric rectifier: x if x > 0, else alpha · x, with alpha learned (one per value, or shared along shared_axes)",
        examples: ["add prelu", "add prelu shared_axes=(1, 2)", "add prelu alpha_initializer=constant(0.25)"],
        arguments: table, blank: { PReLU() })

    public func outputShape(for input: Shape) throws -> Shape { input }

    /// alpha's shape: the sample's, with 1 on each shared axis.
    func alphaShape(_ input: Shape) throws -> [Int] {
        var dims = Array(input.dims.dropFirst())
        for axis in sharedAxes ?? [] {
            guard axis >= 1, axis <= dims.count else {
                throw LabError("\(name): shared_axes holds \(axis), but the input \(input) has axes 1…\(dims.count) after the batch axis "
                               + "(Keras counts them from 1)")
            }
            dims[axis - 1] = 1
        }
        return try dims.enumerated().map { i, d in
            guard let d else {
                throw LabError("\(name): axis \(i + 1) of the input \(input) has no fixed size; PReLU needs one alpha per value there",
                               suggestion: "share it: shared_axes=(\(i + 1),)")
            }
            return d
        }
    }

    public func weightSpecs(for input: Shape) throws -> [WeightSpec] {
        [alpha.spec("alpha", try alphaShape(input))]
    }

    public func call(_ x: Tensor, training: Bool) throws -> Tensor {
        guard let a = weights.first else { throw LabError("\(name): weights are not built yet") }
        guard x.rank == a.rank + 1 else {
            throw LabError("\(name): expected an input with \(a.rank + 1) axes, got \(Tensor.describe(x.shape))")
        }
        let alpha = try a.broadcast(to: x.shape)
        var y = x
        y.dtype = .float32
        y.scalars.withUnsafeMutableBufferPointer { b in
            alpha.scalars.withUnsafeBufferPointer { al in
                for i in b.indices { b[i] = max(b[i], 0) + -al[i] * max(-b[i], 0) }
            }
        }
        return y
    }

    public func explanation(for input: Shape) -> [String] {
        guard let shape = try? alphaShape(input) else { return [] }
        let count = shape.reduce(1, *)
        let shared = sharedAxes.map { axes in
            "shared_axes \(Value.tuple(axes.map { .int($0) }).python): one alpha along each of those axes"
        } ?? "shared_axes None: one alpha per value of a sample"
        return ["output = x if x > 0, else alpha · x   (computed as relu(x) − alpha · relu(−x))",
                shared,
                "alpha \(Tensor.describe(shape)), initialized by \(alpha.initializer.object.className): params = "
                    + (shape.count > 1 ? "\(shape.map(String.init).joined(separator: " · ")) = " : "") + "\(count)",
                "gradients: ∂y/∂x = 1 above 0, alpha below, 0 at 0; ∂y/∂alpha = min(x, 0), summed over the batch and shared axes",
                "output shape = input shape: \(input) → \(input)"]
    }
}

extension PReLU {
    public func differentiableCall(_ x: Tensor, training: Bool, random: inout RandomGenerator)
        throws -> (output: Tensor, pullback: (Tensor) throws -> (input: Tensor?, weights: [Tensor])) {
        let y = try call(x, training: training), name = name
        guard let a = weights.first else { throw LabError("\(name): weights are not built yet") }
        let alpha = try a.broadcast(to: x.shape)
        return (y, { g in
            let g = try g.checkedGradient(of: y, name)
            var dx = g, dAlpha = g
            dx.scalars.withUnsafeMutableBufferPointer { d in
                dAlpha.scalars.withUnsafeMutableBufferPointer { da in
                    x.scalars.withUnsafeBufferPointer { xb in
                        alpha.scalars.withUnsafeBufferPointer { al in
                            for i in d.indices {
                                let v = xb[i], gi = d[i]
                                d[i] = v > 0 ? gi : v < 0 ? gi * al[i] : 0
                                da[i] = -gi * max(-v, 0)
                            }
                        }
                    }
                }
            }
            return (dx, [try dAlpha.unbroadcast(to: a.shape)])
        })
    }
}
