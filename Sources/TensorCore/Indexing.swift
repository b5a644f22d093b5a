/// One item of a NumPy-style subscript: `x[0]`, `x[1:4:2]`, `x[...]`, `x[None]`.
public enum IndexItem: Equatable, Sendable {
    case index(Int)
    case slice(start: Int?, stop: Int?, step: Int?)
    case ellipsis
    case newAxis
}

extension Tensor {
    /// Where a subscript reads from: the result's shape, and for each result axis the
    /// step through the input (in elements) plus the offset of its first element.
    /// Follows NumPy's basic indexing: slice bounds are clamped, indices are not.
    /// (Offsets wrap rather than trap, as `strides` does.)
    public static func subscriptPlan(_ shape: [Int], _ items: [IndexItem]) throws
        -> (shape: [Int], strides: [Int], offset: Int) {
        let ellipses = items.filter { $0 == .ellipsis }.count
        guard ellipses <= 1 else { throw LabError("an index can only have a single ellipsis ('...')") }
        let consuming = items.filter { $0 != .ellipsis && $0 != .newAxis }.count
        guard consuming <= shape.count else {
            throw LabError("too many indices: the tensor has \(shape.count) axes, but \(consuming) were indexed")
        }
        // Without an ellipsis, the axes not mentioned are kept whole, as by a trailing `...`.
        let expanded = ellipses == 0 ? items + [.ellipsis] : items
        let inStrides = strides(shape)
        var outShape: [Int] = [], outStrides: [Int] = []
        var offset = 0, axis = 0
        for item in expanded {
            switch item {
            case .newAxis:
                outShape.append(1); outStrides.append(0)
            case .ellipsis:
                for _ in 0..<(shape.count - consuming) {
                    outShape.append(shape[axis]); outStrides.append(inStrides[axis]); axis += 1
                }
            case .index(let i):
                let n = shape[axis]
                guard i >= -n, i < n else { throw LabError("index \(i) is out of bounds for axis \(axis) with size \(n)") }
                offset = offset &+ (i < 0 ? i + n : i) &* inStrides[axis]
                axis += 1
            case .slice(let start, let stop, let step):
                let (first, count, by) = try sliceIndices(start, stop, step, length: shape[axis])
                if count > 0 { offset = offset &+ first &* inStrides[axis] }
                outShape.append(count); outStrides.append(by &* inStrides[axis])
                axis += 1
            }
        }
        return (outShape, outStrides, offset)
    }

    /// Python's `slice(start, stop, step).indices(length)`: the first index, how many, the step.
    static func sliceIndices(_ start: Int?, _ stop: Int?, _ step: Int?, length n: Int) throws -> (Int, Int, Int) {
        let step = step ?? 1
        guard step != 0 else { throw LabError("slice step cannot be zero") }
        func clamp(_ v: Int?, _ defaultValue: Int, _ low: Int, _ high: Int) -> Int {
            guard var v else { return defaultValue }
            if v < 0 { v += n }
            return min(max(v, low), high)
        }
        if step > 0 {
            let a = clamp(start, 0, 0, n), b = clamp(stop, n, 0, n)
            return (a, b > a ? (b - a + step - 1) / step : 0, step)
        }
        let a = clamp(start, n - 1, -1, n - 1), b = clamp(stop, -1, -1, n - 1)
        return (a, a > b ? (a - b - step - 1) / -step : 0, step)
    }

    /// NumPy's basic indexing: `x[:, 0:4]`, `x[..., ::2]`, `x[0]`, `x[:, None]`.
    public func sliced(_ items: [IndexItem]) throws -> Tensor {
        let plan = try Tensor.subscriptPlan(shape, items)
        return strided(shape: plan.shape, strides: plan.strides, offset: plan.offset)
    }
}
