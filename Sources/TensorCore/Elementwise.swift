extension Tensor {
    /// Adds `bias` (shape (n,)) to every row of the last axis (size n).
    public mutating func addBias(_ bias: Tensor) {
        let n = bias.count
        guard n > 0, shape.last == n else { return }
        bias.scalars.withUnsafeBufferPointer { b in
            scalars.withUnsafeMutableBufferPointer { y in
                var start = 0
                while start < y.count {
                    for j in 0..<n { y[start + j] += b[j] }
                    start += n
                }
            }
        }
    }
}
