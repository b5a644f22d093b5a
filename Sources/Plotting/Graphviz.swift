import CGraphviz
import Foundation
import TensorCore

/// Graphviz in process (cgraph + gvc, through the `CGraphviz` shim): DOT text is laid
/// out with `dot` and rendered by Graphviz's own plugins (core for SVG, cairo for PNG
/// and PDF). The only Swift code that touches Graphviz.
public enum Graphviz {
    /// The formats `plot` writes; `dot` is the DOT text itself, not rendered.
    public enum Format: String, CaseIterable, Sendable {
        case svg, png, pdf, dot
    }

    /// Graphviz keeps global state (its context, its error handler): one caller at a time.
    private static let lock = NSLock()

    /// The picture of `dot` in `format` (`svg`, `png`, `pdf`), or the DOT text's bytes for `.dot`.
    public static func render(_ dot: String, as format: Format) throws -> [UInt8] {
        if format == .dot { return Array(dot.utf8) }
        return try lock.withLock {
            guard ll_gv_has_format(format.rawValue) != 0 else {
                throw LabError("Graphviz has no '\(format.rawValue)' renderer here",
                               suggestion: "install libgraphviz-dev (it brings libgvc6's plugins) and run 'libgvc6-config-update -c' as root")
            }
            var out: UnsafeMutablePointer<CChar>?
            var length = 0
            var message = [CChar](repeating: 0, count: 512)
            let rc = message.withUnsafeMutableBufferPointer { buffer in
                ll_gv_render(dot, format.rawValue, &out, &length, buffer.baseAddress, buffer.count)
            }
            defer { ll_gv_free(out) }
            guard rc == 0, let out else {
                let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw LabError("Graphviz could not draw the model: \(text.isEmpty ? "error \(rc)" : text)")
            }
            return out.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        }
    }
}
