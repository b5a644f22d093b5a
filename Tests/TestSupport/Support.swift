import Foundation
import Formats
import Layers
import Shell
import TensorCore

/// The repository's root folder, found from this file's location.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `Tests/Fixtures/…`
public func fixture(_ path: String) -> URL {
    repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(path)
}

/// Loads a fixture .npy written by Keras's generator script.
public func loadFixture(_ path: String) throws -> Tensor {
    try NPY.read(contentsOf: fixture(path))
}

public func loadJSON(_ path: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(contentsOf: fixture(path)))
}

/// Whether |a − b| ≤ atol + rtol·|b| holds everywhere; if not, the worst element.
public func closeness(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6) -> (ok: Bool, worst: String) {
    guard a.shape == b.shape else { return (false, "shapes differ: \(a.shape) vs \(b.shape)") }
    var worst: (Float, Int) = (0, -1)
    for i in 0..<a.count {
        let x = a.scalars[i], y = b.scalars[i]
        let excess = x.isNaN || y.isNaN ? (x.isNaN && y.isNaN ? 0 : .infinity)
            : x == y ? 0 : abs(x - y) - (atol + rtol * abs(y))
        if excess > worst.0 { worst = (excess, i) }
    }
    guard worst.1 >= 0 else { return (true, "") }
    return (false, "element \(worst.1): \(a.scalars[worst.1]) vs \(b.scalars[worst.1])")
}

/// Runs shell lines in a fresh session and returns what it printed.
public final class ShellRun {
    public let session: Session
    public let output: BufferOutput
    public var text: String { output.text }
    public var errors: String { output.errors }
    public var ok: Bool

    public init(_ lines: String, seed: UInt64 = Session.defaultSeed, width: Int = 100) {
        output = BufferOutput()
        session = Session(output: output, width: width, seed: seed)
        ok = session.runLines(from: ScriptReader(text: lines), prompt: "")
    }

    /// Runs more lines in the same session.
    @discardableResult
    public func run(_ lines: String) -> Bool {
        let result = session.runLines(from: ScriptReader(text: lines), prompt: "")
        ok = ok && result
        return result
    }
}

/// A fresh temporary folder.
public func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("layerlab-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Builds a layer from what a user types after `add` (`conv2d 32 3 strides=2`), with
/// the shell's own parser.
public func buildLayer(command: String, seed: UInt64 = 1) throws -> any Layer {
    guard let parsed = try CommandParser.parse("add " + command).first else { throw LabError("nothing to parse") }
    var values: [Value] = [], keywords: [Keyword] = []
    for item in parsed.items {
        switch item {
        case .value(let v): values.append(v)
        case .keyword(let k, let v): keywords.append(Keyword(k, v))
        default: throw LabError("unexpected item in '\(command)'")
        }
    }
    guard case .string(let type) = values.first else { throw LabError("no layer type in '\(command)'") }
    var seeds = SeedSource(seed: seed)
    return try LayerType.registry.get(type).build(Arguments(Array(values.dropFirst()), keywords), seeds: &seeds).layer
}

/// A value as the user types it (`Huber(delta=2.0)`, `'mse'`), with the shell's own parser.
public func parseValue(_ text: String) throws -> Value {
    try CommandParser.parseValue(text)
}
