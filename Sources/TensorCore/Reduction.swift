extension Tensor {
    /// For every element, the index of its group when `axes` are reduced (keepdims
    /// semantics): elements that differ only along `axes` share a group.
    /// Returns the group of each element and the number of groups.
    public func groups(reducing axes: Set<Int>) -> (groupOf: [Int], count: Int) {
        var keptStrides = [Int](repeating: 0, count: rank)
        var groupCount = 1
        for axis in (0..<rank).reversed() where !axes.contains(axis) {
            keptStrides[axis] = groupCount
            groupCount *= shape[axis]
        }
        var groupOf = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        for i in 0..<count {
            var g = 0
            for axis in 0..<rank { g += index[axis] * keptStrides[axis] }
            groupOf[i] = g
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return (groupOf, groupCount)
    }

    /// Euclidean norms over `axes` (one per group, see `groups(reducing:)`).
    public func norms(reducing axes: Set<Int>) -> (norms: [Double], groupOf: [Int]) {
        let (groupOf, n) = groups(reducing: axes)
        var sums = [Double](repeating: 0, count: n)
        for i in 0..<count { let v = Double(scalars[i]); sums[groupOf[i]] += v * v }
        return (sums.map { $0.squareRoot() }, groupOf)
    }
}

/// The reductions NumPy and Keras's ops offer over axes.
public enum Reduction: String, Sendable, CaseIterable {
    case sum, mean, max, min
}

extension Tensor {
    /// The shape after reducing `axes` (already normalized): kept as 1 with `keepdims`, else dropped.
    public static func reducedShape(_ shape: [Int], axes: Set<Int>, keepdims: Bool) -> [Int] {
        shape.indices.compactMap { axes.contains($0) ? (keepdims ? 1 : nil) : shape[$0] }
    }

    /// `sum`, `mean`, `max` or `min` over `axes` (NumPy's `axis=`, `keepdims=`);
    /// sums are accumulated in Double.
    public func reduced(_ kind: Reduction, axes: Set<Int>, keepdims: Bool) throws -> Tensor {
        let outShape = Tensor.reducedShape(shape, axes: axes, keepdims: keepdims)
        let (groupOf, n) = groups(reducing: axes)
        let perGroup = n == 0 ? 0 : count / n
        if perGroup == 0, n > 0, kind == .max || kind == .min {
            throw LabError("\(kind.rawValue) over an empty axis has no value: shape \(Tensor.describe(shape))")
        }
        var acc = [Double](repeating: kind == .max ? -.infinity : kind == .min ? .infinity : 0, count: n)
        var nan = [Bool](repeating: false, count: n)
        for i in 0..<count {
            let v = Double(scalars[i]), g = groupOf[i]
            switch kind {
            case .sum, .mean: acc[g] += v
            case .max: if v.isNaN { nan[g] = true } else { acc[g] = Swift.max(acc[g], v) }
            case .min: if v.isNaN { nan[g] = true } else { acc[g] = Swift.min(acc[g], v) }
            }
        }
        let out = acc.indices.map { g -> Float in
            if nan[g] { return .nan }
            return Float(kind == .mean ? acc[g] / Double(perGroup) : acc[g])
        }
        return Tensor(unchecked: outShape, out)
    }
}
