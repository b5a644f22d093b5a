import Foundation
import Layers
import TensorCore
import Testing

/// The one way tests read the Keras fixtures: a file's cases through one reader, where
/// a case that cannot be read is a failure, never a case that silently goes missing.
public struct FixtureCases<Case: Sendable>: Sendable {
    /// The cases read (for `@Test(arguments:)`).
    public let cases: [Case]
    /// How many cases the file holds.
    public let inFile: Int
    /// What went wrong reading the file or a case; empty when all were read.
    public let problems: [String]

    /// `path` under Tests/Fixtures; `key`: the cases are that member of a top-level object.
    public init(_ path: String, key: String? = nil, _ read: ([String: Any]) throws -> Case) {
        var cases: [Case] = [], problems: [String] = [], count = 0
        do {
            let json = try loadJSON(path)
            let list = try key.map { k in try FixtureCases.field(json as? [String: Any] ?? [:], k, in: path) as [[String: Any]] }
                ?? (json as? [[String: Any]]).orThrow("\(path) is not a list of cases")
            count = list.count
            for (i, c) in list.enumerated() {
                do { cases.append(try read(c)) } catch { problems.append("\(path) case \(i): \(error)") }
            }
        } catch { problems.append("\(path): \(error)") }
        self.cases = cases
        inFile = count
        self.problems = problems
    }

    /// Cases that are the sub-folders of `folder` (under Tests/Fixtures), in name order: an
    /// empty or missing folder, or a folder `read` fails on, is a problem.
    public init(folders folder: String, _ read: (String) throws -> Case) {
        var cases: [Case] = [], problems: [String] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixture(folder).path))?.sorted() ?? []
        if names.isEmpty { problems.append("\(folder): no cases (is the folder there?)") }
        for name in names {
            do { cases.append(try read(name)) } catch { problems.append("\(folder)/\(name): \(error)") }
        }
        self.cases = cases
        inFile = names.count
        self.problems = problems
    }

    /// A field of a case, of the type the reader needs.
    public static func field<T>(_ c: [String: Any], _ key: String, in what: String = "case") throws -> T {
        guard let v = c[key] else { throw FixtureError("\(what) has no '\(key)'") }
        guard let t = v as? T else { throw FixtureError("\(what): '\(key)' is \(type(of: v)), not \(T.self)") }
        return t
    }

    /// Fails unless the file was read and every case in it was (and there are `exactly` of them, when given).
    public func expectComplete(exactly: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(problems.isEmpty, "\(problems.prefix(5).joined(separator: "; "))", sourceLocation: sourceLocation)
        #expect(inFile > 0 && cases.count == inFile, "read \(cases.count) of \(inFile) cases", sourceLocation: sourceLocation)
        if let exactly { #expect(cases.count == exactly, "\(cases.count) cases, expected \(exactly)", sourceLocation: sourceLocation) }
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

extension Optional {
    public func orThrow(_ what: String) throws -> Wrapped {
        guard let self else { throw FixtureError(what) }
        return self
    }
}

/// A JSON shape as Keras wrote it: `null` for an unknown size.
public func kerasShape(_ json: [Any]) -> [Int?] { json.map { $0 as? Int } }

/// What Keras says a layer is on an input: the one comparison the layer parity tests
/// make. Builds the layer's weights from its initializers, then checks the output
/// shape, the weights' names (and shapes), the parameter count and the config keys.
/// Returns the built layer, for the forward comparison.
@discardableResult
public func expectMatchesKeras(_ layer: any Layer, inputs: [[Int]], output: [Int?], params: Int,
                               weights: [String], weightShapes: [[Int]]? = nil, configKeys: [String]? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> any Layer {
    var layer = layer
    let shapes = inputs.map { Shape(batchOf: $0) }
    #expect(try layer.outputShape(for: shapes) == Shape(output), "output shape", sourceLocation: sourceLocation)
    let specs = try layer.weightSpecs(for: shapes)
    #expect(specs.map(\.name) == weights, "weight names", sourceLocation: sourceLocation)
    if let weightShapes { #expect(specs.map(\.shape) == weightShapes, "weight shapes", sourceLocation: sourceLocation) }
    layer.weights = try specs.map { try $0.initializer.sample($0.shape) }
    #expect(layer.parameterCount == params, "params", sourceLocation: sourceLocation)
    if let configKeys { #expect(layer.config.map(\.key) == configKeys, "config keys", sourceLocation: sourceLocation) }
    return layer
}
