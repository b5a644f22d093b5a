import Testing
@testable import TensorCore

/// Transposes, broadcasts, NumPy slicing, reductions and row gathers, against values
/// worked out by hand.
@Suite struct ShapingTests {
    func iota(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map(Float.init))
    }

    @Test func stridesAreRowMajor() {
        #expect(Tensor.strides([2, 3, 4]) == [12, 4, 1])
        #expect(Tensor.strides([5]) == [1])
        #expect(Tensor.strides([]) == [])
    }

    @Test func transposeReordersAxes() throws {
        let t = try iota([2, 3])
        #expect(try t.transposed([1, 0]).scalars == [0, 3, 1, 4, 2, 5])
        let u = try iota([2, 3, 4]).transposed([2, 0, 1])
        #expect(u.shape == [4, 2, 3])
        // u[k, i, j] = t[i, j, k] = 12i + 4j + k
        #expect(u.scalars[0..<6] == [0, 4, 8, 12, 16, 20])
        #expect(u.scalars[6] == 1)
        #expect(throws: LabError.self) { try t.transposed([0, 0]) }
        #expect(throws: LabError.self) { try t.transposed([0]) }
    }

    @Test func broadcastingFollowsNumPy() throws {
        #expect(try Tensor.broadcastShape([3, 1], [4]) == [3, 4])
        #expect(try Tensor.broadcastShape([2, 1, 5], [3, 1]) == [2, 3, 5])
        #expect(throws: LabError("shapes (2, 3) and (4,) cannot be broadcast together")) { try Tensor.broadcastShape([2, 3], [4]) }
        let column = try Tensor(shape: [2, 1], scalars: [10, 20]), row = try Tensor(shape: [3], scalars: [1, 2, 3])
        let sum = try Tensor.combine(column, row, +)
        #expect(sum.shape == [2, 3])
        #expect(sum.scalars == [11, 12, 13, 21, 22, 23])
        #expect(try row.broadcast(to: [2, 3]).scalars == [1, 2, 3, 1, 2, 3])
        #expect(throws: LabError.self) { try row.broadcast(to: [2, 4]) }
    }

    @Test func slicingFollowsPython() throws {
        let t = try iota([2, 5])
        #expect(try t.sliced([.slice(start: nil, stop: nil, step: nil), .slice(start: 1, stop: 3, step: nil)]).scalars == [1, 2, 6, 7])
        #expect(try t.sliced([.ellipsis, .slice(start: nil, stop: nil, step: 2)]).scalars == [0, 2, 4, 5, 7, 9])
        #expect(try t.sliced([.ellipsis, .slice(start: nil, stop: nil, step: -1)]).scalars == [4, 3, 2, 1, 0, 9, 8, 7, 6, 5])
        #expect(try t.sliced([.ellipsis, .slice(start: -2, stop: nil, step: nil)]).scalars == [3, 4, 8, 9])
        #expect(try t.sliced([.ellipsis, .slice(start: 3, stop: 0, step: -2)]).scalars == [3, 1, 8, 6])
        #expect(try t.sliced([.ellipsis, .slice(start: 7, stop: 99, step: nil)]).shape == [2, 0])
        #expect(try t.sliced([.index(-1)]).scalars == [5, 6, 7, 8, 9])
        #expect(try t.sliced([.index(0), .index(2)]).shape == [])
        #expect(try t.sliced([.newAxis, .ellipsis, .newAxis]).shape == [1, 2, 5, 1])
        #expect(throws: LabError("index 5 is out of bounds for axis 1 with size 5")) { try t.sliced([.ellipsis, .index(5)]) }
        #expect(throws: LabError("slice step cannot be zero")) { try t.sliced([.slice(start: nil, stop: nil, step: 0)]) }
        #expect(throws: LabError.self) { try t.sliced([.ellipsis, .ellipsis]) }
    }

    @Test func reductionsOverAxes() throws {
        let t = try iota([2, 3])
        #expect(try t.reduced(.sum, axes: [1], keepdims: false).scalars == [3, 12])
        #expect(try t.reduced(.mean, axes: [0], keepdims: true).shape == [1, 3])
        #expect(try t.reduced(.mean, axes: [0], keepdims: true).scalars == [1.5, 2.5, 3.5])
        #expect(try t.reduced(.max, axes: [0, 1], keepdims: false).scalars == [5])
        #expect(try t.reduced(.min, axes: [1], keepdims: false).scalars == [0, 3])
        #expect(Tensor.reducedShape([2, 3, 4], axes: [0, 2], keepdims: false) == [3])
        #expect(throws: LabError.self) { try Tensor(shape: [2, 0], scalars: []).reduced(.max, axes: [1], keepdims: false) }
        #expect(try Tensor.normalizedAxis(-1, rank: 3) == 2)
        #expect(throws: LabError("axis 3 is out of range for a tensor with 3 axes")) { try Tensor.normalizedAxis(3, rank: 3) }
    }

    @Test func gatherPicksRowsAndNamesBadIds() throws {
        let table = try iota([4, 2])
        let rows = try table.gatherRows(Tensor(shape: [2, 2], scalars: [3, 0, 1, 1]))
        #expect(rows.shape == [2, 2, 2])
        #expect(rows.scalars == [6, 7, 0, 1, 2, 3, 2, 3])
        #expect(throws: LabError("index 4 at position (1, 0) is out of range: valid ids are 0 to 3")) {
            try table.gatherRows(Tensor(shape: [2, 2], scalars: [0, 1, 4, 0]))
        }
        #expect(throws: LabError.self) { try table.gatherRows(Tensor(shape: [1], scalars: [.nan])) }
        #expect(try iota([2, 3]).position(of: 4) == [1, 1])
    }
}
