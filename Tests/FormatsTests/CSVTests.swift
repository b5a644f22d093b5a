import Foundation
import Formats
import TensorCore
import Testing
import TestSupport

/// The CSV reader `fit --input data.csv` uses: numbers, an optional header, one line per mistake.
@Suite struct CSVTests {
    func table(_ text: String) throws -> CSVTable { try CSVTable.decode(Data(text.utf8)) }

    @Test func headerQuotesSpacesAndSpecialNumbers() throws {
        let t = try table("a, b ,\"c\"\r\n1,2,3\n\n\"4\", 5e-1 ,nan\n-inf,1E3,0.25\n")
        #expect(t.header == ["a", "b", "c"] && t.rows == 3 && t.columns == 3)
        #expect(t.values[0...4] == [1, 2, 3, 4, 0.5] && t.values[5].isNaN && t.values[6] == -.infinity && t.values[7...] == [1000, 0.25])
        let (x, y) = try t.split(target: try t.columnIndex("b"))
        #expect(x.shape == [3, 2] && y.scalars == [2, 0.5, 1000])
        #expect(try t.columnIndex("-1") == 2 && (try table("1,2\n3,4\n")).header == nil)
    }

    @Test(arguments: [
        ("a,b\n1,2\n3\n", "line 3 has 1 value, but the table has 2 columns"),
        ("h,w\n1,2\n3,tall\n", "line 3, column 2 ('w'): 'tall' is not a number"),
        ("", "no rows of numbers"),
        ("a,b,c\n", "no rows of numbers"),
    ])
    func mistakesAreOneLine(_ text: String, _ expected: String) throws {
        #expect { try table(text) } throws: { ($0 as? LabError)?.message.contains(expected) == true }
    }

    @Test func unknownColumnSaysWhichThereAre() throws {
        let t = try table("x,y\n1,2\n")
        #expect { try t.columnIndex("z") } throws: { ($0 as? LabError)?.suggestion == "its columns: x, y" }
    }
}
