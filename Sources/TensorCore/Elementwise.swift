extension Tensor {
    /// Adds `bias` (shape (n,)) to every row of the last axis (size n).
    public mutating func addBias(_ bias: Tensor) throws {
        let n = bias.count
        guard n > 0 else { return }
        guard shape.last == n else {
            throw LabError("a bias of \(n) values does not fit an output of shape \(Tensor.describe(shape))")
        }
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
