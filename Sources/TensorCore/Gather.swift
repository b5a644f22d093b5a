extension Tensor {
    /// Rows of a 2-D table picked by integer ids: `table.gatherRows(ids)` has shape
    /// `ids.shape + [columns]` (Keras's `ops.take(table, ids, axis=0)`). Ids that are
    /// not whole numbers are truncated, as a cast to int32 does; an id outside the
    /// table is an error naming the id and its position in `ids`.
    public func gatherRows(_ ids: Tensor) throws -> Tensor {
        guard rank == 2 else { throw LabError("gatherRows needs a 2-D table, got \(Tensor.describe(shape))") }
        let rows = shape[0], columns = shape[1]
        // Find a bad id first (the error names it), then copy rows with no per-element checks.
        func rowIndex(_ value: Float) -> Int { value.isFinite && abs(value) < 1e9 ? Int(value.rounded(.towardZero)) : -1 }
        if let i = ids.scalars.firstIndex(where: { let r = rowIndex($0); return r < 0 || r >= rows }) {
            let value = ids.scalars[i]
            let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
            throw LabError("index \(shown) at position \(Tensor.describe(ids.position(of: i))) is out of range: valid ids are 0 to \(rows - 1)")
        }
        let count = ids.count * columns
        let out = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            ids.scalars.withUnsafeBufferPointer { idb in
                scalars.withUnsafeBufferPointer { tb in
                    guard let dst = buffer.baseAddress, let table = tb.baseAddress else { return }
                    Parallel.ranges(idb.count, minimum: 4096) { part in
                        for i in part { (dst + i * columns).update(from: table + rowIndex(idb[i]) * columns, count: columns) }
                    }
                    initialized = count
                }
            }
        }
        return Tensor(unchecked: ids.shape + [columns], out)
    }

    /// The adjoint of `gatherRows`: a table of `rows` rows where each row is the sum of the
    /// rows of `self` (shape `ids.shape + [columns]`) whose id picked it; repeated ids add up.
    /// The ids were checked by the gather.
    public func scatterAddedRows(_ ids: Tensor, rows: Int) throws -> Tensor {
        let columns = shape.last ?? 0
        guard shape == ids.shape + [columns] else {
            throw LabError("scatter: gradient \(Tensor.describe(shape)) does not fit ids \(Tensor.describe(ids.shape))")
        }
        var table = [Float](repeating: 0, count: rows * columns)
        table.withUnsafeMutableBufferPointer { t in
            scalars.withUnsafeBufferPointer { g in
                guard let tp = t.baseAddress, let gp = g.baseAddress else { return }
                for (i, id) in ids.scalars.enumerated() {
                    let r = Int(id.rounded(.towardZero))
                    guard r >= 0, r < rows else { continue }
                    for j in 0..<columns { tp[r * columns + j] += gp[i * columns + j] }
                }
            }
        }
        return Tensor(unchecked: [rows, columns], table)
    }

    /// The multi-index of the element at flat offset `i`.
    public func position(of i: Int) -> [Int] {
        var rest = i
        return Tensor.strides(shape).map { s in
            defer { rest %= s }
            return rest / s
        }
    }
}
