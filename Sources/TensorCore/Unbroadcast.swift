/// Backward passes of the shape operations that broadcasting, slicing and reducing do:
/// each sends a gradient of the result back to the shape of the operand it came from.
extension Tensor {
    /// A gradient of a broadcast result summed back to `target`, the shape the operand
    /// had before broadcasting (NumPy's rule: aligned at the right, sizes of 1 stretched,
    /// missing leading axes added).
    public func unbroadcast(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        guard lead >= 0, try Tensor.broadcastShape(target, shape) == shape else {
            throw LabError("a gradient of shape \(Tensor.describe(shape)) does not come from broadcasting \(Tensor.describe(target))")
        }
        let axes = Set((0..<rank).filter { $0 < lead || (target[$0 - lead] == 1 && shape[$0] != 1) })
        return try reduced(.sum, axes: axes, keepdims: true).reshaped(target)
    }

    /// For y = f(a, b) computed element by element on `a` and `b` broadcast together, and
    /// g = ∂L/∂y: (∂L/∂a, ∂L/∂b), each summed back to its operand's shape.
    /// `partials(a, b, y)` gives ∂y/∂a and ∂y/∂b at one element.
    public static func broadcastGradients(_ a: Tensor, _ b: Tensor, output y: Tensor, _ g: Tensor,
                                          _ partials: (Float, Float, Float) -> (Float, Float)) throws -> (Tensor, Tensor) {
        let shape = try broadcastShape(a.shape, b.shape)
        guard y.shape == shape, g.shape == shape else {
            throw LabError("a gradient of shape \(describe(g.shape)) does not match the result \(describe(shape))")
        }
        let x1 = try a.broadcast(to: shape), x2 = try b.broadcast(to: shape)
        var da = [Float](repeating: 0, count: g.count), db = da
        for i in 0..<g.count {
            let (p, q) = partials(x1.scalars[i], x2.scalars[i], y.scalars[i])
            da[i] = g.scalars[i] * p
            db[i] = g.scalars[i] * q
        }
        return (try Tensor(unchecked: shape, da).unbroadcast(to: a.shape), try Tensor(unchecked: shape, db).unbroadcast(to: b.shape))
    }

    /// The gradient of `x[items]` (NumPy's basic indexing, `sliced`): `g` written back where
    /// each element was read from, zeros elsewhere, in a tensor of `shape`.
    public static func sliceGradient(_ g: Tensor, from shape: [Int], _ items: [IndexItem]) throws -> Tensor {
        let plan = try subscriptPlan(shape, items)
        guard g.shape == plan.shape else {
            throw LabError("a gradient of shape \(describe(g.shape)) does not match the slice \(describe(plan.shape))")
        }
        var out = try Tensor(zeros: shape)
        var index = [Int](repeating: 0, count: plan.shape.count)
        for i in 0..<g.count {
            var p = plan.offset
            for (k, s) in zip(index, plan.strides) { p += k * s }
            out.scalars[p] += g.scalars[i]
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < plan.shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }

    /// The gradient of `reduced(kind, axes:, keepdims:)` on `self`, given its result `y` and
    /// g = ∂L/∂y (either shaped with or without the reduced axes): sum sends g to every
    /// element of its group, mean g/n; max and min send it to the elements equal to the
    /// result, split evenly between ties (JAX's rule for reduce_max and reduce_min).
    public func reductionGradient(_ kind: Reduction, axes: Set<Int>, output y: Tensor, _ g: Tensor) throws -> Tensor {
        let (groupOf, n) = groups(reducing: axes)
        guard g.count == n, y.count == n else {
            throw LabError("a gradient of shape \(Tensor.describe(g.shape)) does not match the reduction of \(Tensor.describe(shape)) over \(axes.sorted())")
        }
        var out = [Float](repeating: 0, count: count)
        switch kind {
        case .sum, .mean:
            let scale: Float = kind == .mean ? 1 / Float(Swift.max(1, count / Swift.max(1, n))) : 1
            for i in 0..<count { out[i] = g.scalars[groupOf[i]] * scale }
        case .max, .min:
            var ties = [Float](repeating: 0, count: n)
            for i in 0..<count where scalars[i] == y.scalars[groupOf[i]] { ties[groupOf[i]] += 1 }
            for i in 0..<count where scalars[i] == y.scalars[groupOf[i]] { out[i] = g.scalars[groupOf[i]] / ties[groupOf[i]] }
        }
        return Tensor(unchecked: shape, out)
    }
}
