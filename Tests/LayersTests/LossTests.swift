import Foundation
import Testing
import TestSupport
@testable import Layers
@testable import TensorCore

/// Keras's losses: value, gradient (jax.grad) and config against Keras 3.15.1's, from
/// Tests/Fixtures/keras/losses/cases.json (`generate.py losses`).
@Suite struct LossTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var yTrue: Tensor, yPred: Tensor
        var value: Double
        var gradient: [Float]
        var className: String
        var config: [Keyword]
        var description: String { text }
    }

    static func tensor(_ c: [String: Any], _ key: String) throws -> Tensor {
        let values: [Double] = try FixtureCases<Case>.field(c, key)
        let shape: [Int] = try FixtureCases<Case>.field(c, key + "_shape")
        return try Tensor(shape: shape, scalars: values.map { Float($0) })
    }

    /// A config value, typed by its key (JSON numbers and booleans both read as NSNumber).
    static func configValue(_ key: String, _ v: Any) throws -> Value {
        switch key {
        case "from_logits": return .bool(try (v as? Bool).orThrow("\(key) is not a boolean"))
        case "axis": return .int(try (v as? Int).orThrow("\(key) is not an integer"))
        case "label_smoothing": return .double(try (v as? Double).orThrow("\(key) is not a number"))
        case "ignore_class": return v is NSNull ? .null : .int(try (v as? Int).orThrow("\(key) is not an integer"))
        default: return .string(try (v as? String).orThrow("\(key) is not a string"))
        }
    }

    static let fixtures = FixtureCases<Case>("keras/losses/cases.json") { c in
        let pairs: [[Any]] = try FixtureCases<Case>.field(c, "config")
        let config = try pairs.map { pair -> Keyword in
            guard pair.count == 2, let key = pair[0] as? String else { throw FixtureError("bad config pair \(pair)") }
            return Keyword(key, try configValue(key, pair[1]))
        }
        let gradient: [Double] = try FixtureCases<Case>.field(c, "gradient")
        return Case(text: try FixtureCases<Case>.field(c, "text"), yTrue: try tensor(c, "y_true"), yPred: try tensor(c, "y_pred"),
                    value: try FixtureCases<Case>.field(c, "value"), gradient: gradient.map { Float($0) },
                    className: try FixtureCases<Case>.field(c, "class_name"), config: config)
    }

    @Test func fixturesAreComplete() {
        Self.fixtures.expectComplete(exactly: 31)
        // Every loss of the list has at least one case.
        let classes = Set(Self.fixtures.cases.map(\.className))
        #expect(classes.count == LossType.registry.entries.count)
    }

    @Test(arguments: fixtures.cases) func matchesKeras(_ c: Case) throws {
        let loss = try LossType.make(try parseValue(c.text))
        #expect(loss.className == c.className)
        #expect(loss.object.config == c.config, "config \(loss.object.config) vs Keras \(c.config)")
        let (value, gradient) = try loss.evaluate(yTrue: c.yTrue, yPred: c.yPred)
        #expect(abs(value - c.value) <= max(1e-5 * abs(c.value), 1e-6), "value \(value) vs Keras \(c.value)")
        #expect(gradient.shape == c.yPred.shape)
        let (ok, worst) = closeness(gradient, try Tensor(shape: c.yPred.shape, scalars: c.gradient), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "gradient: \(worst)")
    }

    func message(_ text: String) -> String {
        do { _ = try LossType.make(try parseValue(text)); return "" } catch { return "\(error)" }
    }

    @Test func everyKerasSpellingIsFound() throws {
        let spellings: [(String, String)] = [
            ("mse", "MeanSquaredError"), ("MSE", "MeanSquaredError"), ("mean_squared_error", "MeanSquaredError"),
            ("mae", "MeanAbsoluteError"), ("MAPE", "MeanAbsolutePercentageError"), ("msle", "MeanSquaredLogarithmicError"),
            ("bce", "BinaryCrossentropy"), ("BCE", "BinaryCrossentropy"), ("kld", "KLDivergence"),
            ("KLD", "KLDivergence"), ("kl_divergence", "KLDivergence"), ("huber", "Huber"), ("Huber", "Huber"),
            ("log_cosh", "LogCosh"), ("categorical_hinge", "CategoricalHinge"), ("cosine_similarity", "CosineSimilarity"),
        ]
        for (text, cls) in spellings { #expect(try LossType.make(.string(text)).className == cls, "\(text)") }
    }

    @Test func rejectedNamesSuggestTheNearest() {
        #expect(message("huber_loss") == "unknown loss 'huber_loss' — did you mean 'huber'?")
        #expect(message("logcosh") == "unknown loss 'logcosh' — did you mean 'log_cosh'?")
        #expect(message("kullback_leibler_divergence") == "unknown loss 'kullback_leibler_divergence' — did you mean 'kl_divergence'?")
        #expect(message("cce") == "unknown loss 'cce' — did you mean 'categorical_crossentropy'?")
        #expect(message("scce") == "unknown loss 'scce' — did you mean 'sparse_categorical_crossentropy'?")
        #expect(message("meansquarederror") == "unknown loss 'meansquarederror' — did you mean 'mean_squared_error'?")
        #expect(message("mean_sqared_error") == "unknown loss 'mean_sqared_error' — did you mean 'mean_squared_error'?")
        #expect(message("LogCosh(reduction='sum')") == "")
        #expect(message("SparseCategoricalCrossentropy(label_smoothing=0.1)").contains("unexpected keyword argument 'label_smoothing'"))
        #expect(message("mse(reduction=None)").contains("reduction"))
    }

    @Test func configObjectsRoundTrip() throws {
        let loss = try LossType.make(try parseValue("CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)"))
        let again = try LossType.make(.object(loss.object))
        #expect(again == loss)
        #expect(again.fromLogits && again.labelSmoothing == 0.1)
    }

    @Test func shapeMismatchIsOneClearError() throws {
        let loss = try LossType.make(.string("mse"))
        let t = try Tensor(zeros: [4, 3]), p = try Tensor(zeros: [4, 2])
        #expect(throws: LabError("MeanSquaredError: y_true has shape (4, 3) but y_pred has shape (4, 2)",
                                 suggestion: "y_true and y_pred need the same shape (a last axis of size 1 may be added or dropped)")) {
            try loss.evaluate(yTrue: t, yPred: p)
        }
        let sparse = try LossType.make(.string("sparse_categorical_crossentropy"))
        #expect(throws: LabError.self) { try sparse.evaluate(yTrue: try Tensor(zeros: [4, 3]), yPred: p) }
    }

    @Test func anEmptyBatchGivesZero() throws {
        let (v, g) = try LossType.make(.string("mse")).evaluate(yTrue: try Tensor(zeros: [0, 3]), yPred: try Tensor(zeros: [0, 3]))
        #expect(v == 0 && !v.isNaN)
        #expect(g.shape == [0, 3])
    }

    @Test func outOfRangeSparseLabelIsAnError() throws {
        let loss = try LossType.make(.string("sparse_categorical_crossentropy"))
        let p = try Tensor(shape: [2, 3], scalars: [0.2, 0.3, 0.5, 0.1, 0.1, 0.8])
        for bad: Float in [3, -1] {
            do {
                _ = try loss.evaluate(yTrue: try Tensor(shape: [2], scalars: [0, bad]), yPred: p)
                Issue.record("label \(bad) was accepted")
            } catch let e as LabError {
                #expect(e.description.contains("label \(Value.pythonFloat(Double(bad)))") && e.description.contains("3 classes"), "\(e)")
            }
        }
        // In range, a float label is cast to int32 as Keras does.
        let (v, _) = try loss.evaluate(yTrue: try Tensor(shape: [2], scalars: [2, 1]), yPred: p)
        #expect(abs(v - (-(log(0.5) + log(0.1)) / 2)) < 1e-6)
    }
}
