import Testing
@testable import Formats

@Suite struct JSONTests {
    func string(_ text: String) throws -> String? {
        if case .string(let s) = try JSON.parse(text) { return s }
        return nil
    }

    @Test func unicodeEscapes() throws {
        #expect(try string(#""\u00e9\ud83d\ude00""#) == "é😀")
        // A high surrogate without its low half (found by fuzzing: it used to overflow):
        // a replacement character, and the next escape read on its own.
        #expect(try string(#""\udadd\u0041""#) == "\u{FFFD}A")
        #expect(try string(#""\udadd\udadd""#) == "\u{FFFD}\u{FFFD}")
        #expect(try string(#""\udc00""#) == "\u{FFFD}")
        #expect(throws: Error.self) { try JSON.parse(#""\udadd\u\udd"#) }
    }
}
