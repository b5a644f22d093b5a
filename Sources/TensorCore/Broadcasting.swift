extension Tensor {
    /// NumPy's broadcasting rule: align shapes at the right; sizes must be equal or 1.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        return try zip(pa, pb).map { x, y in
            guard x == y || x == 1 || y == 1 else {
                throw LabError("shapes \(describe(a)) and \(describe(b)) cannot be broadcast together")
            }
            return x == 1 ? y : x
        }
    }

    /// The values repeated to `target` (NumPy's `broadcast_to`).
    public func broadcast(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard try Tensor.broadcastShape(shape, target) == target else {
            throw LabError("cannot broadcast \(Tensor.describe(shape)) to \(Tensor.describe(target))")
        }
        let lead = target.count - rank
        let own = Tensor.strides(shape)
        let strides = target.indices.map { axis -> Int in
            axis < lead || shape[axis - lead] == 1 ? 0 : own[axis - lead]
        }
        return strided(shape: target, strides: strides, offset: 0)
    }

    /// `f` applied element by element to two tensors broadcast to a common shape.
    public static func combine(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape)
        let x = try a.broadcast(to: shape), y = try b.broadcast(to: shape)
        var out = [Float](repeating: 0, count: x.count)
        for i in out.indices { out[i] = f(x.scalars[i], y.scalars[i]) }
        return Tensor(unchecked: shape, out)
    }
}
