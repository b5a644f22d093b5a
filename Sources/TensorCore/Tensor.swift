/// Element type of a tensor. Values are always stored as `Float`; an `int32`
/// tensor holds whole numbers (exact up to 2^24) and is written as int32 to files.
public enum DType: String, Sendable, CaseIterable {
    case float32, int32
}

/// A dense, row-major, n-dimensional array of `Float`.
///
/// A value type: copies share storage until one of them is written (copy-on-write),
/// which is what makes model snapshots for undo cheap.
public struct Tensor: Equatable, Sendable {
    public private(set) var shape: [Int]
    public var scalars: [Float]
    public var dtype: DType

    /// Creates a tensor; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float], dtype: DType = .float32) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw LabError("a shape cannot have negative sizes: \(Tensor.describe(shape))")
        }
        guard let count = Tensor.elementCount(shape), count == scalars.count else {
            throw LabError("\(scalars.count) values do not fill shape \(Tensor.describe(shape))")
        }
        self.shape = shape
        self.scalars = scalars
        self.dtype = dtype
    }

    /// A tensor filled with one value; a shape whose size cannot be counted is an error
    /// (never a tensor whose shape and values disagree).
    public init(zeros shape: [Int], value: Float = 0, dtype: DType = .float32) throws {
        guard let count = Tensor.elementCount(shape) else {
            throw LabError("a tensor of shape \(Tensor.describe(shape)) holds more values than can be counted")
        }
        self.shape = shape
        self.scalars = [Float](repeating: value, count: count)
        self.dtype = dtype
    }

    /// A tensor whose every value `fill` writes (random initializers): no zeroing pass
    /// first, so the memory is touched once, by the fill. The fills stop early at Ctrl-C,
    /// which this then throws (the values are never seen half-written).
    public init(shape: [Int], filledBy fill: (inout [Float]) -> Void) throws {
        let n = Tensor.elementCount(shape) ?? 0
        var scalars = [Float](unsafeUninitializedCapacity: n) { _, count in count = n }
        fill(&scalars)
        try Interrupt.check()
        self.init(unchecked: shape, scalars)
    }

    /// A scalar-free wrapper used by ops that already computed a matching buffer.
    init(unchecked shape: [Int], _ scalars: [Float], dtype: DType = .float32) {
        self.shape = shape
        self.scalars = scalars
        self.dtype = dtype
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// The same values viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard Tensor.elementCount(newShape) == count else {
            throw LabError("cannot reshape \(Tensor.describe(shape)) into \(Tensor.describe(newShape)): element counts differ")
        }
        return Tensor(unchecked: newShape, scalars, dtype: dtype)
    }

    /// Product of sizes, or nil if it overflows `Int`.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// `(2, 3)` — how shapes are written everywhere (Python tuple style).
    public static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

extension Tensor {
    /// Applies `f` to every element.
    public func map(_ f: (Float) -> Float) -> Tensor {
        var out = self
        out.scalars.withUnsafeMutableBufferPointer { buf in
            for i in buf.indices { buf[i] = f(buf[i]) }
        }
        return out
    }
}

extension Tensor {
    /// Rows `range` of the first axis (samples of a batch), copied.
    public func rows(_ range: Range<Int>) throws -> Tensor {
        guard rank > 0, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw LabError("rows \(range) are outside a batch of \(shape.first ?? 0)")
        }
        let size = shape[0] == 0 ? 0 : count / shape[0]
        return Tensor(unchecked: [range.count] + shape.dropFirst(), Array(scalars[range.lowerBound * size..<range.upperBound * size]), dtype: dtype)
    }

    /// This batch followed by the samples of `other` (same sample shape).
    public func appendingRows(_ other: Tensor) throws -> Tensor {
        guard rank > 0, other.shape.dropFirst() == shape.dropFirst() else {
            throw LabError("cannot stack \(Tensor.describe(other.shape)) under \(Tensor.describe(shape))")
        }
        return Tensor(unchecked: [shape[0] + other.shape[0]] + shape.dropFirst(), scalars + other.scalars, dtype: dtype)
    }
}
