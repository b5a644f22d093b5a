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
