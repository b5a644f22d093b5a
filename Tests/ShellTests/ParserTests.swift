import Testing
@testable import Layers
@testable import Shell
@testable import TensorCore

@Suite struct ParserTests {
    func parse(_ line: String) throws -> ParsedCommand {
        let commands = try CommandParser.parse(line)
        try #require(commands.count == 1)
        return commands[0]
    }

    @Test func wordsNumbersAndKeywords() throws {
        let c = try parse("add dense 32 relu he_uniform use_bias=False rate=0.5 mode='fan_avg'")
        #expect(c.name == "add")
        #expect(c.items == [.value(.string("dense")), .value(.int(32)), .value(.string("relu")), .value(.string("he_uniform")),
                            .keyword("use_bias", .bool(false)), .keyword("rate", .double(0.5)), .keyword("mode", .string("fan_avg"))])
    }

    @Test func callsWithSpacesInsideBrackets() throws {
        let c = try parse("add dense 8 kernel_initializer=RandomNormal(mean=0.0, stddev = 0.05) bias_regularizer=l2(0.01)")
        #expect(c.items[2] == .keyword("kernel_initializer", .call("RandomNormal", Arguments([], [Keyword("mean", .double(0)), Keyword("stddev", .double(0.05))]))))
        #expect(c.items[3] == .keyword("bias_regularizer", .call("l2", Arguments([.double(0.01)]))))
    }

    @Test func tuplesListsAndPythonLiterals() throws {
        let c = try parse("x (16,) (3, 3) (5) [1, 2] None True \"two words\" -1 1e-3")
        #expect(c.items == [.value(.tuple([.int(16)])), .value(.tuple([.int(3), .int(3)])), .value(.int(5)),
                            .value(.list([.int(1), .int(2)])), .value(.null), .value(.bool(true)),
                            .value(.string("two words")), .value(.int(-1)), .value(.double(0.001))])
    }

    @Test func flagsAndPaths() throws {
        let c = try parse("weights dense/kernel --output ../out/k.npy --batch 4")
        #expect(c.items == [.value(.string("dense/kernel")), .flag("output"), .value(.string("../out/k.npy")), .flag("batch"), .value(.int(4))])
    }

    @Test func statementsAndComments() throws {
        let commands = try CommandParser.parse("input 16; add dense 4 'a;b' # comment; not a command")
        #expect(commands.map(\.name) == ["input", "add"])
        #expect(commands[1].items.last == .value(.string("a;b")))
        #expect(try CommandParser.parse("   # only a comment").isEmpty)
    }

    @Test func errorsGiveTheColumn() {
        func message(_ line: String) -> String {
            do { _ = try CommandParser.parse(line); return "" } catch { return "\(error)" }
        }
        #expect(message("add dense 4 kernel_initializer=RandomNormal(stddev=0.1") == "'(' at column 44 is not closed — add the missing ')'")
        #expect(message("add dense 4)") == "unmatched ')' at column 12")
        #expect(message("add dense 'open") == "the string starting at column 11 is not closed — add a closing '")
        #expect(message("add dense f(a=1, 2)") == "positional argument follows keyword argument at column 18")
        #expect(message("= 3") == "expected a command at column 1, found '=' — type 'help' to see the commands")
        #expect(message(String(repeating: "(", count: 500) + String(repeating: ")", count: 500)).contains("expected a command"))
        #expect(message("x " + String(repeating: "(", count: 500) + String(repeating: ")", count: 500)).contains("nested too deeply"))
    }

    @Test func commandsReadBackAsTyped() throws {
        for line in ["add dense 32 relu he_uniform", "add dense 8 kernel_initializer=RandomNormal(mean=0.0, stddev=0.05)",
                     "weights dense/kernel --load 'my file.npy'", "input (28, 28, 1) name=image", "add dense 4 name='two words'"] {
            let c = try parse(line)
            #expect(try parse(c.text) == c, "\(line) → \(c.text)")
        }
    }
}
