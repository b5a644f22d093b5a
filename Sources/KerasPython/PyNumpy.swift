import Foundation
import Formats
import Layers
import Models
import TensorCore

extension PyEvaluator {
    /// np.zeros, np.ones, np.array, np.random.rand/randn/normal/uniform/randint/random/seed — drawn from
    /// the session's data stream (the one `forward` uses), so they are reproducible.
    mutating func numpy(_ q: String, _ args: [PyObject], _ kwargs: [(String, PyObject)]) throws -> PyObject {
        let short = "np" + q.dropFirst(5)
        func sizes(_ v: PyObject?) throws -> [Int] {
            guard let v else { return [] }
            if case .none = v { return [] }
            let s = try shape(v, "\(short): shape")
            guard s.allSatisfy({ $0 >= 0 }) else { throw LabError("\(short): negative dimensions are not allowed") }
            return s
        }
        func make(_ shape: [Int], _ fill: (inout [Float]) -> Void) throws -> PyObject {
            let count = shape.reduce(1.0) { $0 * Double($1) }
            try MemoryBudget.check(elements: count, "\(short) \(Tensor.describe(shape))")
            return .array(try Tensor(shape: shape, filledBy: fill))  // Ctrl-C stops a large draw
        }
        switch q {
        case "numpy.load":
            // NumPy: load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding='ASCII', *, max_header_size=10000).
            let a = try bind(short, [("file", nil), ("mmap_mode", PyObject.none), ("allow_pickle", .bool(false)), ("fix_imports", .bool(true)),
                                     ("encoding", .string("ASCII")), ("max_header_size", .int(10000))], args, kwargs)
            guard case .string(let path)? = a["file"] else { throw LabError("np.load takes a file name such as 'x.npy'") }
            guard (path as NSString).pathExtension.lowercased() == "npy" else {
                throw LabError("LayerLab's np.load reads .npy files (one array), not '\(path)'",
                               suggestion: (path as NSString).pathExtension.lowercased() == "npz" ? "'load FILE.npz' reads a model's weights" : "save the array with np.save('x.npy', x)")
            }
            return .array(try NPY.read(path: path))
        case "numpy.zeros", "numpy.ones":
            let a = try bind(short, [("shape", nil), ("dtype", PyObject.none)], args, kwargs)
            let value: Float = q == "numpy.ones" ? 1 : 0
            let s = try sizes(a["shape"])
            var result = try make(s) { for i in $0.indices { $0[i] = value } }
            if case .string(let d)? = a["dtype"], d == "int32", case .array(var t) = result { t.dtype = .int32; result = .array(t) }
            return result
        case "numpy.array":
            let a = try bind(short, [("object", nil), ("dtype", PyObject.none)], args, kwargs)
            var shape: [Int] = []
            var flat: [Float] = []
            func walk(_ v: PyObject, _ depth: Int) throws {
                switch v {
                case .list(let items), .tuple(let items):
                    if depth == shape.count { shape.append(items.count) } else if depth > shape.count || shape[depth] != items.count {
                        throw LabError("\(short): the nested lists must form a rectangular array")
                    }
                    for item in items { try walk(item, depth + 1) }
                case .int, .float, .bool:
                    guard depth == shape.count else { throw LabError("\(short): the nested lists must form a rectangular array") }
                    if case .bool(let b) = v { flat.append(b ? 1 : 0) } else { flat.append(Float(try double(v, short))) }
                case .array(let t):
                    guard depth == 0 else { throw LabError("\(short): arrays inside lists are not supported") }
                    shape = t.shape
                    flat = t.scalars
                default: throw LabError("\(short) takes numbers and lists of numbers, got \(article(v.typeName))")
                }
            }
            try walk(a["object"] ?? .none, 0)
            var t = try Tensor(shape: shape, scalars: flat)
            if case .string(let d)? = a["dtype"], d == "int32" { t.dtype = .int32 }
            return .array(t)
        case "numpy.random.rand", "numpy.random.randn":
            guard kwargs.isEmpty else { throw LabError("\(short)() takes no keyword arguments") }
            let s = try args.map { try int($0, "\(short): each size") }
            guard s.allSatisfy({ $0 >= 0 }) else { throw LabError("\(short): negative dimensions are not allowed") }
            return try make(s) { out in
                if q.hasSuffix("randn") { session.dataGenerator.fillNormal(&out) } else { session.dataGenerator.fillUniform(&out, low: 0, high: 1) }
            }
        case "numpy.random.normal", "numpy.random.uniform":
            let normal = q.hasSuffix("normal")
            let a = try bind(short, normal ? [("loc", .float(0)), ("scale", .float(1)), ("size", PyObject.none)]
                                           : [("low", .float(0)), ("high", .float(1)), ("size", PyObject.none)], args, kwargs)
            let p = try double(a[normal ? "loc" : "low"] ?? .none, short), r = try double(a[normal ? "scale" : "high"] ?? .none, short)
            guard let sizeValue = a["size"], case .none = sizeValue else {
                return try make(try sizes(a["size"])) { out in
                    if normal { session.dataGenerator.fillNormal(&out, mean: Float(p), stddev: Float(r)) } else {
                        session.dataGenerator.fillUniform(&out, low: Float(p), high: Float(r))
                    }
                }
            }
            var one: [Float] = [0]
            if normal { session.dataGenerator.fillNormal(&one, mean: Float(p), stddev: Float(r)) } else {
                session.dataGenerator.fillUniform(&one, low: Float(p), high: Float(r))
            }
            return .float(Double(one[0]))
        case "numpy.random.randint":
            // NumPy: randint(low, high=None, size=None, dtype=int): [0, low) when high is None, else [low, high).
            let a = try bind(short, [("low", nil), ("high", PyObject.none), ("size", PyObject.none), ("dtype", PyObject.none)], args, kwargs)
            var low = try int(a["low"] ?? .none, "\(short): low"), high = low
            var oneBound = true
            if let h = a["high"], h.typeName != "NoneType" { high = try int(h, "\(short): high"); oneBound = false } else { low = 0 }
            guard low < high else { throw LabError(oneBound ? "\(short): high <= 0" : "\(short): low >= high") }
            // int arrays are float32 underneath: every integer up to 2^24 is exact.
            let limit = 1 << 24
            guard low >= -limit, high <= limit + 1 else {
                throw LabError("\(short): LayerLab's integer arrays hold values from -16,777,216 to 16,777,216, got [\(low), \(high))")
            }
            switch a["dtype"] {
            case .none?, nil: break
            case .string(let d)? where ["int", "int32", "int64"].contains(d): break
            case let v?: throw LabError("\(short): dtype \((try? repr(v)) ?? "") is not supported", suggestion: "LayerLab's integer arrays are int32")
            }
            let span = high - low
            if case .none? = a["size"] { return .int(low + session.dataGenerator.nextInt(below: span)) }
            let result = try make(try sizes(a["size"])) { out in
                for i in out.indices { out[i] = Float(low + session.dataGenerator.nextInt(below: span)) }
            }
            guard case .array(var t) = result else { return result }
            t.dtype = .int32
            return .array(t)
        case "numpy.random.random", "numpy.random.random_sample":
            // NumPy: random(size=None): floats in [0, 1).
            let a = try bind(short, [("size", PyObject.none)], args, kwargs)
            if case .none? = a["size"] {
                var one: [Float] = [0]
                session.dataGenerator.fillUniform(&one, low: 0, high: 1)
                return .float(Double(one[0]))
            }
            return try make(try sizes(a["size"])) { session.dataGenerator.fillUniform(&$0, low: 0, high: 1) }
        case "numpy.random.seed":
            let a = try bind(short, [("seed", nil)], args, kwargs)
            let n = try int(a["seed"] ?? .none, "np.random.seed")
            guard n >= 0 else { throw LabError("np.random.seed: the seed must be non-negative") }
            session.dataGenerator = RandomGenerator(seed: UInt64(n) ^ 0xDA7A)
            return .none
        default:
            throw LabError("LayerLab's numpy subset has no '\(short)'")
        }
    }

    // MARK: - Printing values

    /// What Python's prompt echoes for a value (nil for None).
    func repr(_ v: PyObject, echo: Bool = false) throws -> String? {
        switch v {
        case .none: return echo ? nil : "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return Value.pythonFloat(d)
        case .string(let s): return Value.string(s).python
        case .tuple(let items):
            let parts = try items.map { try repr($0) ?? "None" }
            return parts.count == 1 ? "(\(parts[0]),)" : "(" + parts.joined(separator: ", ") + ")"
        case .list(let items):
            if items.contains(where: { if case .array = $0 { return true } else { return false } }) {
                return "[" + (try items.map { try repr($0) ?? "None" }).joined(separator: ",\n ") + "]"
            }
            return "[" + (try items.map { try repr($0) ?? "None" }).joined(separator: ", ") + "]"
        case .module(let m): return "<module '\(m)'>"
        case .function(let f):
            let last = f.split(separator: ".").last.map(String.init) ?? f
            return last.first?.isUppercase == true ? "<class '\(f)'>" : "<function \(f)>"
        case .activation(let a): return "<function \(a)>"
        case .kerasObject(let family, let value): return "<" + Self.kerasObjectText(value, family: family) + ">"
        case .lambda(let body): return "<function <lambda>: \(body)>"
        case .layer(let id):
            guard let object = state.layers[id] else { return "<deleted layer>" }
            let node = (try? attachedNode(object)) ?? nil
            return "<\(object.layer.className) name=\(node?.name ?? object.layer.name), built=\(node?.outputShape != nil ? "True" : "False")>"
        case .tensor(let id):
            guard let t = state.tensors[id] else { return "<deleted tensor>" }
            let shape = t.serial == nil ? Shape(batchOf: t.shape) : model.shape(of: t.name)
            return "<KerasTensor shape=\(shape?.description ?? "?"), dtype=\(t.dtype.rawValue), name=\(t.name)>"
        case .model(let serial):
            guard serial == model.serial else { return "<Model (no longer current)>" }
            return "<\(model.kerasClass ?? (model.isChain ? "Sequential" : "Functional")) name=\(model.name), built=\(model.inputs.isEmpty ? "False" : "True")>"
        case .array(let t):
            return "array of shape \(Tensor.describe(t.shape)), \(t.dtype.rawValue):\n" + session.preview(t)
        case .method(let receiver, let name):
            return "<bound method \(name) of \(try repr(receiver) ?? "None")>"
        case .dict(let entries):
            return "{" + (try entries.map { Value.string($0.0).python + ": " + (try repr($0.1) ?? "None") }).joined(separator: ", ") + "}"
        case .history: return "<keras.src.callbacks.history.History object>"
        }
    }

    /// `print`'s text: strings as they are, everything else as the prompt echoes it.
    func text(_ v: PyObject) throws -> String {
        if case .string(let s) = v { return s }
        return try repr(v) ?? "None"
    }
}
