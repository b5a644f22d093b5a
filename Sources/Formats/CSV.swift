import Foundation
import TensorCore

/// A table of numbers from a CSV file, as `fit --input data.csv` reads it: comma-separated
/// fields (spaces around them and double quotes ignored), an optional header line (a first
/// line with a field that is not a number), every row as long as the first. A ragged row,
/// a field that is not a number or an empty table is one error naming the line and column.
public struct CSVTable: Sendable {
    public var header: [String]?
    /// Rows × columns, row-major.
    public var values: [Float]
    public var rows: Int
    public var columns: Int

    public static func read(path: String) throws -> CSVTable {
        do { return try decode(try FileAccess.read(path, example: "data.csv")) } catch let e as LabError { throw e.at(path) }
    }

    public static func decode(_ data: Data) throws -> CSVTable {
        let text = String(decoding: data, as: UTF8.self)
        var header: [String]?
        var values: [Float] = []
        var columns = 0, rows = 0
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            let numbers = fields.map(number)
            if header == nil, rows == 0, columns == 0, numbers.contains(where: { $0 == nil }) {
                header = fields
                columns = fields.count
                continue
            }
            if columns == 0 { columns = fields.count }
            guard fields.count == columns else {
                throw LabError("line \(index + 1) has \(fields.count) value\(fields.count == 1 ? "" : "s"), but the table has \(columns) columns",
                               suggestion: "every row needs one value per column")
            }
            if let j = numbers.firstIndex(where: { $0 == nil }) {
                let name = header.map { " ('\($0[j])')" } ?? ""
                throw LabError("line \(index + 1), column \(j + 1)\(name): '\(fields[j].prefix(40))' is not a number")
            }
            values += numbers.map { $0 ?? 0 }
            rows += 1
        }
        guard rows > 0 else { throw LabError("the CSV file has no rows of numbers") }
        return CSVTable(header: header, values: values, rows: rows, columns: columns)
    }

    /// A number as Python's float() reads it: decimal or exponent form, nan and inf.
    private static func number(_ field: String) -> Float? {
        guard !field.isEmpty else { return nil }
        if let v = Float(field) { return v }
        switch field.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    /// The column `name` (a header name, or its number counted from 0; negative from the end).
    public func columnIndex(_ name: String) throws -> Int {
        if let header, let i = header.firstIndex(of: name) { return i }
        if let i = Int(name), (-columns..<columns).contains(i) { return i < 0 ? columns + i : i }
        throw LabError("the CSV has no column '\(name)'",
                       suggestion: header.map { "its columns: " + $0.joined(separator: ", ") } ?? "columns are numbered 0 to \(columns - 1)")
    }

    /// The features (every other column) and the target column: (rows, columns − 1) and (rows,).
    public func split(target: Int) throws -> (x: Tensor, y: Tensor) {
        guard columns > 1 else { throw LabError("the CSV has one column: nothing is left for the inputs once the target is taken") }
        var x = [Float](), y = [Float]()
        x.reserveCapacity(rows * (columns - 1))
        for r in 0..<rows {
            for c in 0..<columns {
                if c == target { y.append(values[r * columns + c]) } else { x.append(values[r * columns + c]) }
            }
        }
        return (try Tensor(shape: [rows, columns - 1], scalars: x), try Tensor(shape: [rows], scalars: y))
    }
}
