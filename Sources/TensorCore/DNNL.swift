import CDNNL
import Synchronization

/// oneDNN (Debian's libdnnl 2.6, the CPU kernel library TensorFlow and PyTorch use) runs
/// every convolution, transposed convolution and pooling window, Dense's inner product,
/// and their gradients. This is the only code that talks to it, through the small C face
/// in `Sources/CDNNL`.
///
/// - **Layouts are described, not converted.** A tensor is handed to oneDNN as its
///   dimensions in oneDNN's logical order (N, C, spatial…; kernels [G,] O, I, spatial…)
///   with the strides at which LayerLab's row-major arrays hold them, so channels-last
///   batches and Keras's (k…, in, out) kernels are read where they lie. Only a kernel
///   is copied: once, into the blocked layout the chosen JIT kernel wants (oneDNN picks
///   it: `format_tag::any`).
/// - **Made once, kept.** Creating a primitive JIT-compiles its kernel (tens of ms), so
///   operations are kept in a cache keyed by everything that shapes them (kind, layouts,
///   window, padding, bias, fused relu, threads), least recently used dropped first. An operation
///   remembers the kernel array it reordered and holds on to it: while it is held, a
///   write to the layer's kernel copies the array first (copy-on-write), so the same
///   storage address means the same values, and a changed kernel is reordered again.
/// - **One at a time.** oneDNN runs one operation on all cores (OpenMP threads);
///   callers on several threads (the tests) take turns.
public enum DNNL {
    enum Kind: Equatable, Hashable {
        case convolution, deconvolution, maxPool, averagePool, innerProduct

        var c: ll_dnnl_kind {
            switch self {
            case .convolution: LL_DNNL_CONVOLUTION
            case .deconvolution: LL_DNNL_DECONVOLUTION
            case .maxPool: LL_DNNL_MAX_POOL
            case .averagePool: LL_DNNL_AVG_POOL
            case .innerProduct: LL_DNNL_INNER_PRODUCT
            }
        }
    }

    /// One tensor's dimensions (oneDNN's logical order) and strides (in floats).
    struct Layout: Hashable {
        var dims: [Int]
        var strides: [Int]

        /// A channels-last batch (B, n…, C), seen as (B, C, n…).
        static func channelsLast(batch: Int, spatial: [Int], channels: Int) -> Layout {
            let dims = [batch, channels] + spatial
            var strides = Array(repeating: 0, count: dims.count)
            var step = channels
            strides[1] = 1
            for i in stride(from: spatial.count - 1, through: 0, by: -1) {
                strides[2 + i] = step
                step *= spatial[i]
            }
            strides[0] = step
            return Layout(dims: dims, strides: strides)
        }

        /// Dimensions `dims` whose strides are those of the row-major array of shape
        /// `storage`, taken in the order `order` (storage axis of each logical dim).
        static func of(storage: [Int], order: [Int]) -> Layout {
            var rowMajor = Array(repeating: 1, count: storage.count)
            for i in stride(from: storage.count - 2, through: 0, by: -1) { rowMajor[i] = rowMajor[i + 1] * storage[i + 1] }
            return Layout(dims: order.map { storage[$0] }, strides: order.map { rowMajor[$0] })
        }

        var c: ll_dnnl_layout {
            var l = ll_dnnl_layout()
            l.ndims = Int32(dims.count)
            withUnsafeMutableBytes(of: &l.dims) { raw in
                for (i, d) in dims.enumerated() { raw.storeBytes(of: Int64(d), toByteOffset: i * 8, as: Int64.self) }
            }
            withUnsafeMutableBytes(of: &l.strides) { raw in
                for (i, s) in strides.enumerated() { raw.storeBytes(of: Int64(s), toByteOffset: i * 8, as: Int64.self) }
            }
            return l
        }
    }

    /// Everything that shapes one operation.
    struct Key: Hashable {
        var kind: Kind
        var src: Layout
        var weights: Layout?
        var dst: Layout
        var strides: [Int]
        var dilation: [Int]
        var window: [Int]
        var padBefore: [Int]
        var padAfter: [Int]
        var bias: Bool
        var relu: Bool
        /// 1 for an operation too small to be worth waking a second thread (0: all).
        var threads = 0

        var c: ll_dnnl_desc {
            var d = ll_dnnl_desc()
            d.kind = kind.c
            d.spatial = Int32(strides.count)
            func fill<T>(_ tuple: inout T, _ values: [Int]) {
                withUnsafeMutableBytes(of: &tuple) { raw in
                    for (i, v) in values.enumerated() { raw.storeBytes(of: Int64(v), toByteOffset: i * 8, as: Int64.self) }
                }
            }
            fill(&d.strides, strides)
            fill(&d.dilation, dilation)
            fill(&d.kernel, window)
            fill(&d.pad_before, padBefore)
            fill(&d.pad_after, padAfter)
            d.src = src.c
            d.dst = dst.c
            if let weights { d.weights = weights.c }
            d.has_bias = bias ? 1 : 0
            d.relu = relu ? 1 : 0
            d.threads = Int32(threads)
            return d
        }
    }

    final class Operation: @unchecked Sendable {
        let pointer: OpaquePointer
        /// The kernel array last reordered into the operation (held: see `DNNL`).
        var kernel: [Float] = []
        var used = 0

        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { ll_dnnl_destroy(pointer) }

        var implementation: String { String(cString: ll_dnnl_implementation(pointer)) }
        /// Bytes held beside the caller's tensors: the reordered kernel and the copy kept.
        var bytes: Int { ll_dnnl_bytes(pointer) + kernel.count * 4 }
    }

    /// The backward-data and backward-weights primitives of one operation.
    final class Gradient: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { ll_dnnl_grad_destroy(pointer) }

        /// The kernels oneDNN chose, for backward data and backward weights.
        var implementations: (data: String, weights: String) {
            (String(cString: ll_dnnl_grad_implementation(pointer, 0)), String(cString: ll_dnnl_grad_implementation(pointer, 1)))
        }
    }

    struct Cache {
        var operations: [Key: Operation] = [:]
        /// Backward primitives, made at the first gradient asked for each description.
        var gradients: [Key: Gradient] = [:]
        var clock = 0

        mutating func gradient(_ key: Key, _ message: inout [CChar]) throws -> Gradient {
            if let known = gradients[key] { return known }
            var desc = key.c
            guard let made = ll_dnnl_grad_create(&desc, &message, message.count) else { throw LabError(DNNL.error(message)) }
            // Few models train at once: a handful of layers' gradients are kept.
            if gradients.count >= 64 { gradients.removeAll() }
            let gradient = Gradient(made)
            gradients[key] = gradient
            return gradient
        }

        /// Keeps at most `capacity` operations and `maxBytes` of kernels, dropping the
        /// least recently used.
        mutating func trim(capacity: Int = 128, maxBytes: Int = 128 << 20) {
            var bytes = operations.values.reduce(0) { $0 + $1.bytes }
            while operations.count > capacity || (bytes > maxBytes && operations.count > 1),
                  let oldest = operations.min(by: { $0.value.used < $1.value.used }) {
                bytes -= oldest.value.bytes
                operations[oldest.key] = nil
            }
        }
    }

    static let cache = Mutex(Cache())

    static func error(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs the operation `key` describes (made and cached on first use): `src` in,
    /// `dst` out; `kernel` and `bias` as the key says.
    static func run(_ key: Key, src: UnsafePointer<Float>, kernel: [Float]?, bias: UnsafePointer<Float>?,
                    dst: UnsafeMutablePointer<Float>) throws {
        try cache.withLock { cache in
            var message = [CChar](repeating: 0, count: 256)
            cache.clock += 1
            let operation: Operation
            if let known = cache.operations[key] {
                operation = known
            } else {
                var desc = key.c
                guard let made = ll_dnnl_create(&desc, &message, message.count) else {
                    throw LabError(error(message))
                }
                operation = Operation(made)
                cache.operations[key] = operation
            }
            operation.used = cache.clock
            if let kernel {
                let same = kernel.withUnsafeBufferPointer { new in
                    operation.kernel.withUnsafeBufferPointer { old in new.baseAddress == old.baseAddress && new.count == old.count }
                }
                if !same {
                    let status = kernel.withUnsafeBufferPointer { ll_dnnl_load_weights(operation.pointer, $0.baseAddress, &message, message.count) }
                    guard status == 0 else { operation.kernel = []; throw LabError(error(message)) }
                    operation.kernel = kernel
                }
            }
            cache.trim()
            guard ll_dnnl_run(operation.pointer, src, bias, dst, &message, message.count) == 0 else {
                throw LabError(error(message))
            }
        }
    }

    /// Runs the backward primitives of the operation `key` describes (without relu):
    /// ∂L/∂src, ∂L/∂kernel (in the kernel's layout of the key) and ∂L/∂bias (when the key
    /// has a bias) from src, the kernel and ∂L/∂dst.
    /// `data` false skips ∂L/∂src (an input that needs no gradient).
    static func backward(_ key: Key, src: [Float], kernel: [Float], diffDst: [Float], diffSrc: inout [Float],
                         diffKernel: inout [Float], diffBias: inout [Float], data: Bool = true) throws {
        try cache.withLock { cache in
            var message = [CChar](repeating: 0, count: 256)
            let gradient = try cache.gradient(key, &message)
            let dataStatus = !data ? 0 : kernel.withUnsafeBufferPointer { w in
                diffDst.withUnsafeBufferPointer { dy in
                    diffSrc.withUnsafeMutableBufferPointer { dx in
                        ll_dnnl_backward_data(gradient.pointer, w.baseAddress, dy.baseAddress, dx.baseAddress, &message, message.count)
                    }
                }
            }
            guard dataStatus == 0 else { throw LabError(error(message)) }
            let weightsStatus = src.withUnsafeBufferPointer { x in
                diffDst.withUnsafeBufferPointer { dy in
                    diffKernel.withUnsafeMutableBufferPointer { dw in
                        diffBias.withUnsafeMutableBufferPointer { db in
                            ll_dnnl_backward_weights(gradient.pointer, x.baseAddress, dy.baseAddress, dw.baseAddress,
                                                     key.bias ? db.baseAddress : nil, &message, message.count)
                        }
                    }
                }
            }
            guard weightsStatus == 0 else { throw LabError(error(message)) }
        }
    }

    /// Runs the backward pass of the pooling `key` describes: ∂L/∂src from ∂L/∂dst (max
    /// pooling first runs its forward pass for training on `src`, for the workspace that
    /// says where each maximum was).
    static func poolBackward(_ key: Key, src: [Float], diffDst: [Float], diffSrc: inout [Float]) throws {
        try cache.withLock { cache in
            var message = [CChar](repeating: 0, count: 256)
            let gradient = try cache.gradient(key, &message)
            let status = src.withUnsafeBufferPointer { x in
                diffDst.withUnsafeBufferPointer { dy in
                    diffSrc.withUnsafeMutableBufferPointer { dx in
                        ll_dnnl_pool_backward(gradient.pointer, x.baseAddress, dy.baseAddress, dx.baseAddress, &message, message.count)
                    }
                }
            }
            guard status == 0 else { throw LabError(error(message)) }
        }
    }

    /// The kernels oneDNN chose for the backward primitives of `key` (for pooling: the
    /// backward kernel and the forward-training one).
    static func backwardImplementations(_ key: Key) throws -> (data: String, weights: String) {
        try cache.withLock { cache in
            var message = [CChar](repeating: 0, count: 256)
            return try cache.gradient(key, &message).implementations
        }
    }

    /// The JIT kernel oneDNN chose for an operation (made if need be): `brgconv:avx512_core` …
    static func implementation(_ key: Key) throws -> String {
        try cache.withLock { cache in
            if let known = cache.operations[key] { return known.implementation }
            var desc = key.c
            var message = [CChar](repeating: 0, count: 256)
            guard let made = ll_dnnl_create(&desc, &message, message.count) else { throw LabError(error(message)) }
            let operation = Operation(made)
            cache.clock += 1
            operation.used = cache.clock
            cache.operations[key] = operation
            return operation.implementation
        }
    }

    /// Below this many multiply-adds an operation runs on the calling thread alone.
    /// (Measured on the chapter's CNN and MLP at batch 1: 2¹⁸ was the best of 0, 2¹⁸, 2²⁰, 2²².)
    static let oneThreadMACs = 1 << 18

    /// Kernels this large stay on OpenBLAS (Dense's sgemm reads them where they lie;
    /// oneDNN would keep a reordered copy beside them, doubling the memory).
    public static let largestKernelBytes = 16 << 20

    /// The instruction set of oneDNN's kernels on this CPU.
    public static var isa: String { String(cString: ll_dnnl_isa()) }

    /// The threads oneDNN runs an operation on.
    public static var threads: Int { Int(ll_dnnl_threads()) }

    /// Right padding that makes oneDNN's output size `o` from `n` inputs: oneDNN checks
    /// (n − k_eff + before + after) / s + 1 = o, so the rows Keras's floor drops are
    /// given back as negative padding.
    static func padAfter(input n: Int, output o: Int, kernel k: Int, stride s: Int, dilation d: Int, before: Int) -> Int {
        (o - 1) * s + (k - 1) * d + 1 - n - before
    }
}
