import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

struct KerasLambdaCase: Sendable, CustomStringConvertible {
    let index: Int
    let expression: String
    let input: [Int]
    let output: [Int?]
    var description: String { "\(expression) on \(Tensor.describe(input))" }

    static let file = FixtureCases("keras/lambda/cases.json", key: "cases") { c in
        func f<T>(_ k: String) throws -> T { try FixtureCases<KerasLambdaCase>.field(c, k) }
        return KerasLambdaCase(index: try f("index"), expression: try f("expression"), input: try f("input_shape"),
                               output: kerasShape(try f("output_shape")))
    }
    static let all = file.cases
}

func lambda(_ expression: String, _ keywords: [Keyword] = []) throws -> any Layer {
    try buildLayer("lambda", Arguments([.string(expression)], keywords))
}

func evaluate(_ expression: String, _ x: Tensor) throws -> Tensor {
    try lambda(expression).call([x], training: false)
}

func message(_ body: () throws -> Void) -> String {
    do { try body(); return "" } catch { return "\(error)" }
}

@Suite struct LambdaKerasTests {
    @Test func fixturesArePresent() { KerasLambdaCase.file.expectComplete() }

    @Test(arguments: KerasLambdaCase.all)
    func shapeAndValuesMatchKeras(_ c: KerasLambdaCase) throws {
        let layer = try lambda(c.expression)
        #expect(try layer.outputShape(for: [Shape(batchOf: c.input)]) == Shape(c.output))
        let x = try loadFixture("keras/lambda/\(c.index)/input.npy")
        let y = try layer.call([x], training: false)
        let check = closeness(y, try loadFixture("keras/lambda/\(c.index)/output.npy"))
        #expect(check.ok, "\(check.worst)")
    }

    @Test func configKeysFollowKeras() throws {
        let file = try #require(try loadJSON("keras/lambda/cases.json") as? [String: Any])
        let keras = try #require(file["config_keys"] as? [String]).filter { !["name", "trainable", "dtype"].contains($0) }
        let layer = try lambda("x", [Keyword("output_shape", .tuple([.int(4)]))])
        #expect(layer.config.map(\.key) == keras)
        #expect(try lambda("x").config.map(\.key) == ["function", "arguments"])
        #expect(try lambda("x * 2").config.first == Keyword("function", .string("x * 2")))
    }
}

@Suite struct LambdaLanguageTests {
    let x = try! Tensor(shape: [2, 3], scalars: [-2, 0, 1, 4, 9, -1])  // test fixture, not Sources

    @Test func arithmeticFollowsPythonPrecedence() throws {
        #expect(try evaluate("x * 2 + 1", x).scalars == [-3, 1, 3, 9, 19, -1])
        #expect(try evaluate("-x ** 2", x).scalars == [-4, -0, -1, -16, -81, -1])
        #expect(try evaluate("2 ** 3 ** 2 + x * 0", x).scalars == Array(repeating: 512, count: 6))
        #expect(try evaluate("(1 + 2) * x - 6 / 3", x).scalars == [-8, -2, 1, 10, 25, -5])
        #expect(try evaluate("x - 1 - 1", x).scalars == [-4, -2, -1, 2, 7, -3])
        #expect(try evaluate("2 ** -1 * x", x).scalars == [-1, 0, 0.5, 2, 4.5, -0.5])
        #expect(try evaluate("x / 0", x).scalars.map { $0.isInfinite || $0.isNaN } == Array(repeating: true, count: 6))
    }

    @Test func comparisonsGiveZeroOrOne() throws {
        #expect(try evaluate("x > 0", x).scalars == [0, 0, 1, 1, 1, 0])
        #expect(try evaluate("x == 0", x).scalars == [0, 1, 0, 0, 0, 0])
        #expect(try evaluate("(x >= 1) * x", x).scalars == [0, 0, 1, 4, 9, 0])
    }

    @Test func functionsAndActivations() throws {
        #expect(try evaluate("sqrt(abs(x))", x).scalars == [Float(2).squareRoot(), 0, 1, 2, 3, 1])
        #expect(try evaluate("square(x)", x).scalars == [4, 0, 1, 16, 81, 1])
        #expect(try evaluate("clip(x, -1, 2)", x).scalars == [-1, 0, 1, 2, 2, -1])
        let relu = try evaluate("relu(x)", x).scalars
        #expect(try evaluate("maximum(x, 0)", x).scalars == relu)
        #expect(relu == [0, 0, 1, 4, 9, 0])
        #expect(try evaluate("minimum(x, 1) + pow(x, 0)", x).scalars == [-1, 1, 2, 2, 2, 0])
        #expect(try evaluate("relu6(x)", x).scalars == [0, 0, 1, 4, 6, 0])
        #expect(try evaluate("hard_sigmoid(x * 0 + 1)", x).scalars.allSatisfy { abs($0 - 2.0 / 3) < 1e-6 })
        let soft = try evaluate("softmax(x)", x)
        #expect(abs(soft.scalars[0..<3].reduce(0, +) - 1) < 1e-6 && abs(soft.scalars[3..<6].reduce(0, +) - 1) < 1e-6)
    }

    @Test func reductionsOverAnAxis() throws {
        #expect(try evaluate("sum(x, axis=1)", x).scalars == [-1, 12])
        #expect(try evaluate("mean(x, axis=-1, keepdims=True)", x).shape == [2, 1])
        #expect(try evaluate("max(x, 1)", x).scalars == [1, 9])
        #expect(try evaluate("min(x, axis=(0, 1))", x).scalars == [-2])
        #expect(try evaluate("sum(x)", x).shape == [])
        // Row means -1/3 and 4.
        let centered = try evaluate("x - mean(x, axis=1, keepdims=True)", x).scalars
        for (a, b) in zip(centered, [-5.0 / 3, 1.0 / 3, 4.0 / 3, 0, 5, -5]) { #expect(abs(Double(a) - b) < 1e-6) }
    }

    @Test func numpySlicing() throws {
        #expect(try evaluate("x[:, 0:2]", x).scalars == [-2, 0, 4, 9])
        #expect(try evaluate("x[..., ::2]", x).scalars == [-2, 1, 4, -1])
        #expect(try evaluate("x[:, ::-1]", x).scalars == [1, 0, -2, -1, 9, 4])
        #expect(try evaluate("x[:, -1]", x).scalars == [1, -1])
        #expect(try evaluate("x[:, None]", x).shape == [2, 1, 3])
        #expect(try evaluate("x[1]", x).scalars == [4, 9, -1])
        #expect(try evaluate("x[:, 5:9]", x).shape == [2, 0])
    }

    @Test func constantsAndArguments() throws {
        #expect(try evaluate("x * 0 + pi", x).scalars.first == Float(Double.pi))  // float32 nearest to math.pi, as Keras
        let layer = try lambda("x * scale + shift", [Keyword("arguments", .call("dict", Arguments([], [
            Keyword("scale", .int(10)), Keyword("shift", .double(0.5))])))])
        #expect(try layer.call([x], training: false).scalars == [-19.5, 0.5, 10.5, 40.5, 90.5, -9.5])
        #expect(layer.config.last == Keyword("arguments", .dict([Keyword("scale", .int(10)), Keyword("shift", .double(0.5))])))
        #expect(layer.config.last?.value.python == "{'scale': 10, 'shift': 0.5}")
    }

    @Test func shapesAreInferredWithAnUnknownBatch() throws {
        func shape(_ e: String, _ input: Shape) throws -> Shape { try lambda(e).outputShape(for: [input]) }
        #expect(try shape("x[:, 0:4]", Shape(batchOf: [8])) == Shape([nil, 4]))
        #expect(try shape("sum(x, axis=0)", Shape(batchOf: [8])) == Shape([8]))
        #expect(try shape("x[1:]", Shape(batchOf: [8])) == Shape([nil, 8]))
        #expect(try shape("x[:, :, None] * x[:, None, :]", Shape(batchOf: [3])) == Shape([nil, 3, 3]))
        #expect(try shape("x * 2", Shape([nil, nil, 5])) == Shape([nil, nil, 5]))
    }

    @Test func outputShapeIsChecked() throws {
        let ok = try lambda("x[:, 0:2]", [Keyword("output_shape", .tuple([.int(2)]))])
        #expect(try ok.outputShape(for: [Shape(batchOf: [4])]) == Shape([nil, 2]))
        var bad = try lambda("x[:, 0:2]", [Keyword("output_shape", .int(3))])
        bad.name = "lambda"
        #expect(message { _ = try bad.outputShape(for: [Shape(batchOf: [4])]) }
                == "output_shape (3,) means (None, 3), but 'x[:, 0:2]' gives (None, 2) for the input (None, 4)")
    }

    @Test func malformedExpressionsAreClearErrors() {
        func error(_ e: String, _ keywords: [Keyword] = []) -> String {
            message {
                let layer = try lambda(e, keywords)
                _ = try layer.outputShape(for: [Shape(batchOf: [4])])
            }
        }
        #expect(error("y * 2") == "Lambda: unknown name 'y' at column 1 — did you mean 'x'?")
        #expect(error("srqt(x)") == "Lambda: unknown function 'srqt' at column 1 — did you mean 'sqrt'?")
        #expect(error("x +") == "Lambda: the expression ends too early")
        #expect(error("(x") == "Lambda: the expression ends too early: expected ')'")
        #expect(error("x )") == "Lambda: unexpected ')' at column 3")
        #expect(error("x[:, 9]") == "index 9 is out of bounds for axis 1 with size 4")
        #expect(error("x[:, ::0]") == "slice step cannot be zero")
        #expect(error("x[0, 0, 0]") == "too many indices: the tensor has 2 axes, but 3 were indexed")
        #expect(error("sum(x, axes=1)") == "sum() got an unexpected keyword argument 'axes' — did you mean 'axis'?")
        #expect(error("sum(x, axis=2)") == "sum(): axis 2 is out of range for a tensor with 2 axes")
        #expect(error("sum(x, axis=0.5)") == "sum() axis must be a whole number, got 0.5")
        #expect(error("clip(x)") == "clip() missing required argument 'x_min'")
        #expect(error("0 < x < 1").hasPrefix("Lambda: comparisons cannot be chained"))
        #expect(error("relu + x") == "Lambda: 'relu' at column 1 is a function: call it, as in relu(x)")
        #expect(error("2 + 3") == "'2 + 3' gives 5.0, not a tensor — use x in the expression")
        #expect(error("x[:, 0:2] + x") == "'+': shapes (None, 2) and (None, 4) cannot be broadcast together")
        #expect(error("") == "Lambda: the expression is empty — for example \"x * 2 + 1\"")
        #expect(error("x", [Keyword("mask", .string("x"))]).contains("mask is not supported"))
        #expect(error("x * a", [Keyword("arguments", .call("dict", Arguments([], [Keyword("x", .int(1))])))]).contains("'x' is taken"))
    }

    @Test func hostileExpressionsAreRefusedWithoutCrashing() throws {
        #expect(message { _ = try lambda("__import__('os')") }.hasPrefix("Lambda: unknown function '__import__' at column 1"))
        #expect(message { _ = try lambda("x.__class__") }.hasPrefix("Lambda: unexpected '.' at column 2: attributes are not part of the expression language"))
        #expect(message { _ = try lambda("open('/etc/passwd')") }.hasPrefix("Lambda: unknown function 'open'"))
        #expect(message { _ = try lambda("exec") }.hasPrefix("Lambda: unknown name 'exec'"))
        #expect(message { _ = try lambda("x; 1") }.contains("';' is not part of the expression language"))
        let deep = String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
        #expect(message { _ = try lambda(deep) } == "Lambda: the expression is 20001 characters long; the limit is 1000")
        let nested = String(repeating: "(", count: 200) + "x" + String(repeating: ")", count: 200)
        #expect(message { _ = try lambda(nested) }.hasPrefix("Lambda: the expression is nested too deeply"))
        let calls = String(repeating: "abs(", count: 100) + "x" + String(repeating: ")", count: 100)
        #expect(message { _ = try lambda(calls) }.hasPrefix("Lambda: the expression is nested too deeply"))
        let signs = String(repeating: "-", count: 500) + "x"
        #expect(message { _ = try lambda(signs) }.hasPrefix("Lambda: the expression is nested too deeply"))
        let chain = Array(repeating: "x", count: 200).joined(separator: "+")
        #expect(message { _ = try lambda(chain) } == "Lambda: the expression is nested too deeply (200 levels; the limit is 100)")
        #expect(message { _ = try lambda("1e999 * x") } == "Lambda: the number 1e999 at column 1 is too large")
        #expect(message { _ = try lambda("sum(x, axis=1e300)").outputShape(for: [Shape(batchOf: [4])]) } == "sum() axis must be a whole number, got 1e+300")
        #expect(message { _ = try lambda("x[:, 99999999999999999999]").outputShape(for: [Shape(batchOf: [4])]) }.contains("must be a whole number"))
        // Huge exponents give inf, 0 or nan, never a crash.
        let big = try evaluate("x ** 1e308", x)
        #expect(big.scalars[3].isInfinite && big.scalars[2] == 1 && big.scalars[1] == 0)
        let power = try evaluate("x ** (2 ** 1e308)", x)
        #expect(power.scalars[4].isInfinite)
    }

    @Test func explainShowsHowTheExpressionWasRead() throws {
        let layer = try lambda("-x ** 2 + 1")
        let lines = layer.explanation(for: [Shape(batchOf: [4])])
        #expect(lines.contains("read as ((-(x ** 2)) + 1)"))
        #expect(lines.contains("output shape, found by evaluating the expression on shapes: (None, 4) → (None, 4)"))
    }
}
