import Foundation
import Formats
import Layers
import Models
import TensorCore
import Text

/// The pictures of learning: the curve after a fit, and the decision region of a model
/// that takes 2-D points (`boundary`), in TensorFlow Playground's colours.
extension Session {
    /// Keeps the points a fit trains on when they are 2-D, for `boundary`.
    func keepPoints(_ feeds: [String: Tensor], _ targets: [String: Tensor], of model: Model) {
        guard model.inputs.count == 1, let input = model.inputs.first, input.shape == [2], let x = feeds[input.name],
              let output = model.outputNames.first, let y = targets[output] else { return }
        fitPoints = (x, y)
    }

    /// The learning curve: loss (and each metric) per epoch, validation dashed.
    func showCurve(_ log: TrainingLog, png: String?) {
        let charts = Self.curveCharts(log)
        guard !charts.isEmpty else { return }
        say(LineChart.terminal(charts, width: max(40, width - 1), rows: 7, color: style.enabled).joined(separator: "\n"))
        if let png {
            do {
                let size = try LineChart.png(charts, to: png)
                say("wrote \(png) (\(size.width)×\(size.height) PNG)")
            } catch let e as LabError {
                say(style.error("warning:") + " the curve could not be written: " + e.message)
            } catch {
                say(style.error("warning:") + " the curve could not be written: \(error)")
            }
        }
    }

    /// One chart for the loss and one per metric, each with its `val_` form dashed.
    static func curveCharts(_ log: TrainingLog) -> [LineChart] {
        let bases = log.names.filter { !$0.hasPrefix("val_") }.sorted { ($0 == "loss" ? 0 : 1, $0) < ($1 == "loss" ? 0 : 1, $1) }
        return bases.enumerated().map { i, name in
            var series = [LineChart.Series(name: name, values: log.values[name] ?? [], color: LineChart.palette[0], symbol: "*")]
            if let val = log.values["val_" + name] {
                series.append(.init(name: "val_" + name, values: val, color: LineChart.palette[1], dashed: true, symbol: "o"))
            }
            return LineChart(title: i == 0 ? "\(name) over \(log.epochs) epochs" : name, series: series)
        }
    }
}

/// What a model with 2-D input says over the plane: the class it gives each point (with
/// its confidence as the colour's strength) or, for regression, its value as a heat map.
struct DecisionRegion {
    enum Kind: Equatable { case binary(logits: Bool), classes(Int, logits: Bool), regression }
    var kind: Kind
    var x: (lo: Double, hi: Double)
    var y: (lo: Double, hi: Double)
    /// For regression: the value shown as full blue (and its negative as full orange).
    var scale = 1.0

    static let negative: Canvas.Color = (245, 147, 34), positive: Canvas.Color = (8, 119, 189)

    init(model: Model, points: (x: Tensor, y: Tensor)?) throws {
        guard model.inputs.count == 1, let input = model.inputs.first, input.shape == [2] else {
            throw LabError("boundary draws models that take 2-D points (input shape (None, 2)); this model's input is "
                           + (model.inputs.count == 1 ? model.inputs[0].outputShape.description : "\(model.inputs.count) inputs"),
                           suggestion: "start a model with 'input 2', for example for 'fit spiral'")
        }
        guard let output = model.outputNames.first, let shape = model.shape(of: output)?.sample, shape.count == 1 else {
            throw LabError("boundary needs a model whose output is one vector per point (shape (None, units))",
                           suggestion: "end the model with a Dense layer: 'add dense 1 sigmoid'")
        }
        let lossText = model.compilation?.lossText.lowercased() ?? ""
        let logits = lossText.contains("from_logits=true")
        let labels = points.map { Set($0.y.scalars).isSubset(of: [0, 1]) } ?? false
        if shape[0] >= 2 {
            kind = .classes(shape[0], logits: logits)
        } else if lossText.contains("crossentropy") || lossText.contains("hinge") || (model.compilation?.loss == nil && labels) {
            kind = .binary(logits: logits)
        } else {
            kind = .regression
        }
        // The points' box, a little padded; Playground's ±6 without points.
        if let p = points?.x, p.count >= 2 {
            let xs = stride(from: 0, to: p.count, by: 2).map { Double(p.scalars[$0]) }
            let ys = stride(from: 1, to: p.count, by: 2).map { Double(p.scalars[$0]) }
            func padded(_ v: [Double]) -> (Double, Double) {
                let lo = v.min() ?? -6, hi = v.max() ?? 6, pad = max(1e-3, (hi - lo) * 0.06)
                return (lo - pad, hi + pad)
            }
            x = padded(xs); y = padded(ys)
        } else {
            x = (-6, 6); y = (-6, 6)
        }
    }

    /// The model's output at each point: per point, the probability of class 1 (binary), the
    /// class probabilities (classes) or the value (regression).
    func predict(_ model: Model, _ xy: [Float], chunk: Int = 8192) throws -> [[Float]] {
        var out: [[Float]] = []
        out.reserveCapacity(xy.count / 2)
        for start in stride(from: 0, to: xy.count / 2, by: chunk) {
            try Interrupt.check()
            let n = min(chunk, xy.count / 2 - start)
            let batch = try Tensor(shape: [n, 2], scalars: Array(xy[(2 * start)..<(2 * (start + n))]))
            guard let input = model.inputs.first, let y = try model.forward([input.name: batch]).first?.value else { continue }
            let units = y.count / max(1, n)
            for i in 0..<n {
                var row = Array(y.scalars[(i * units)..<((i + 1) * units)])
                switch kind {
                case .binary(let logits) where logits: row = row.map { 1 / (1 + exp(-$0)) }
                case .classes(_, let logits) where logits:
                    let m = row.max() ?? 0, e = row.map { exp($0 - m) }, s = e.reduce(0, +)
                    row = e.map { $0 / s }
                default: break
                }
                out.append(row)
            }
        }
        return out
    }

    /// The class a prediction gives (regression: none).
    func label(_ p: [Float]) -> Int? {
        switch kind {
        case .binary: return p[0] > 0.5 ? 1 : 0
        case .classes: return p.indices.max { p[$0] < p[$1] }
        case .regression: return nil
        }
    }

    /// A point's colour, region colours paler than the points'.
    func color(_ p: [Float], region: Bool) -> Canvas.Color {
        func mix(_ c: Canvas.Color, _ t: Double) -> Canvas.Color {
            let t = max(0, min(1, t)) * (region ? 0.75 : 1)
            func m(_ v: UInt8) -> UInt8 { UInt8((255 - (255 - Double(v)) * t).rounded()) }
            return (m(c.0), m(c.1), m(c.2))
        }
        switch kind {
        case .binary:
            let v = 2 * Double(p[0]) - 1
            return mix(v < 0 ? Self.negative : Self.positive, abs(v))
        case .classes(let k, _):
            let i = label(p) ?? 0, top = Double(p[i]), floor = 1 / Double(k)
            return mix(LineChart.palette[i % LineChart.palette.count], region ? 0.3 + 0.7 * (top - floor) / (1 - floor) : 1)
        case .regression:
            let v = Double(p[0]) / scale
            return mix(v < 0 ? Self.negative : Self.positive, abs(v))
        }
    }

    /// The target of point `i` as a prediction (for its colour).
    func target(_ y: Tensor, _ i: Int) -> [Float] {
        let units = y.count / max(1, y.shape.first ?? 1)
        let row = Array(y.scalars[(i * units)..<((i + 1) * units)])
        if case .classes(let k, _) = kind, units == 1 {
            var onehot = [Float](repeating: 0, count: k)
            if row[0] >= 0, Int(row[0]) < k { onehot[Int(row[0])] = 1 }
            return onehot
        }
        return row
    }

    /// The points of a grid of `columns` × `rows`, row by row from the top.
    func grid(columns: Int, rows: Int) -> [Float] {
        var xy = [Float]()
        xy.reserveCapacity(2 * columns * rows)
        for r in 0..<rows {
            for c in 0..<columns {
                xy.append(Float(x.lo + (Double(c) + 0.5) / Double(columns) * (x.hi - x.lo)))
                xy.append(Float(y.hi - (Double(r) + 0.5) / Double(rows) * (y.hi - y.lo)))
            }
        }
        return xy
    }

    /// The pixel of a point in a grid of `columns` × `rows`.
    func pixel(_ px: Float, _ py: Float, columns: Int, rows: Int) -> (Int, Int) {
        (Int(((Double(px) - x.lo) / (x.hi - x.lo) * Double(columns)).rounded(.down)),
         Int(((y.hi - Double(py)) / (y.hi - y.lo) * Double(rows)).rounded(.down)))
    }
}

extension Commands {
    static let boundary = Command(
        name: "boundary", usage: "boundary [DATASET | --input X.npy --target Y.npy] [--samples N] [--noise F] [--png FILE]",
        summary: "the region each class owns for a model with 2-D input (or its value as a heat map), with the points on top",
        examples: ["boundary", "boundary --png boundary.png", "boundary circle --noise 20", "boundary --input x.npy --target y.npy"],
        flags: [.input, .target,
                .init(name: "samples", value: "N", help: "with a dataset name: how many points (default 500)"),
                .init(name: "noise", value: "F", help: "with a dataset name: noise in Playground's units (default 0)"),
                .init(name: "png", value: "FILE", help: "also write the picture as a PNG image (480 × 480 points)")],
        details: "Without data it draws the last fit's points (a dataset's or your 2-D .npy files); with a dataset name, fresh "
            + "points from it. Colours as TensorFlow Playground's: orange is class 0 (or negative values), blue class 1 (or "
            + "positive), white where the model is undecided; the stronger the colour, the surer the model. More than two classes "
            + "(a softmax output) get one colour each. In a terminal without colour, characters: '.' and '+' for the regions, "
            + "'o' and 'x' for the points."
    ) { inv, session in
        let model = session.model
        var points = session.fitPoints
        if !inv.values.isEmpty || inv.repeated["input"] != nil {
            let (feeds, targets) = try session.trainingData(inv)
            if let x = feeds.values.first, let y = targets.values.first { points = (x, y) }
        }
        var region = try DecisionRegion(model: model, points: points)
        if region.kind == .regression {
            let targets = points.map { $0.y.scalars.map { abs(Double($0)) } } ?? []
            region.scale = max(1e-6, targets.max() ?? 1)
        }
        let columns = max(16, min(56, session.width - 14))
        let rows = session.style.enabled ? columns : columns / 2
        let grid = try region.predict(model, region.grid(columns: columns, rows: rows))
        if region.kind == .regression, points == nil {
            region.scale = max(1e-6, grid.map { abs(Double($0[0])) }.max() ?? 1)
        }
        let lines = session.style.enabled
            ? Self.regionBlocks(region, grid, points: points, columns: columns, rows: rows)
            : Self.regionCharacters(region, grid, points: points, columns: columns, rows: rows)
        let yTop = Format.compact(region.y.hi, 3), yBottom = Format.compact(region.y.lo, 3)
        let labelWidth = max(yTop.count, yBottom.count)
        for (i, line) in lines.enumerated() {
            let label = i == 0 ? yTop : i == lines.count - 1 ? yBottom : ""
            session.say(String(repeating: " ", count: labelWidth - label.count) + label + " " + line)
        }
        let xLo = Format.compact(region.x.lo, 3), xHi = Format.compact(region.x.hi, 3)
        session.say(String(repeating: " ", count: labelWidth + 1) + xLo + String(repeating: " ", count: max(1, columns - xLo.count - xHi.count)) + xHi)
        session.say(Self.regionLegend(region, model: model, points: points, style: session.style))
        if let png = try inv.text("png") {
            try FileAccess.checkWritable(png, example: "boundary.png")
            let size = 480, margin = 60
            let big = try region.predict(model, region.grid(columns: size, rows: size))
            var canvas = Canvas(width: size + 2 * margin, height: size + 2 * margin)
            for r in 0..<size { for c in 0..<size { canvas.set(margin + c, margin + r, region.color(big[r * size + c], region: true)) } }
            if let points {
                for i in 0..<(points.x.shape.first ?? 0) {
                    let (c, r) = region.pixel(points.x.scalars[2 * i], points.x.scalars[2 * i + 1], columns: size, rows: size)
                    let color = region.color(region.target(points.y, i), region: false)
                    canvas.disc(margin + c, margin + r, radius: 4, (255, 255, 255))
                    canvas.disc(margin + c, margin + r, radius: 3, color)
                }
            }
            canvas.text(xLo, x: margin, y: margin + size + 8)
            canvas.text(xHi, x: margin + size - Canvas.textWidth(xHi), y: margin + size + 8)
            canvas.text(yTop, x: margin - 6 - Canvas.textWidth(yTop), y: margin)
            canvas.text(yBottom, x: margin - 6 - Canvas.textWidth(yBottom), y: margin + size - 10)
            try FileAccess.write(canvas.png(), to: png, example: "boundary.png")
            session.say("wrote \(png) (\(canvas.width)×\(canvas.height) PNG)")
        }
    }

    /// The region in 24-bit half blocks: two grid rows per line, points as dark pixels.
    static func regionBlocks(_ region: DecisionRegion, _ grid: [[Float]], points: (x: Tensor, y: Tensor)?,
                             columns: Int, rows: Int) -> [String] {
        var canvas = Canvas(width: columns, height: rows)
        for r in 0..<rows { for c in 0..<columns { canvas.set(c, r, region.color(grid[r * columns + c], region: true)) } }
        if let points {
            for i in 0..<(points.x.shape.first ?? 0) {
                let (c, r) = region.pixel(points.x.scalars[2 * i], points.x.scalars[2 * i + 1], columns: columns, rows: rows)
                let p = region.color(region.target(points.y, i), region: false)
                canvas.set(c, r, (UInt8(Double(p.0) * 0.8), UInt8(Double(p.1) * 0.8), UInt8(Double(p.2) * 0.8)))
            }
        }
        return canvas.halfBlocks()
    }

    /// The region in characters, one grid cell per character: '.' / '+' (or a class's digit,
    /// or a level of ' .:-=+*#%@' for regression), points as 'o' / 'x' (or their class's letter).
    static func regionCharacters(_ region: DecisionRegion, _ grid: [[Float]], points: (x: Tensor, y: Tensor)?,
                                 columns: Int, rows: Int) -> [String] {
        let levels = Array(" .:-=+*#%@")
        var cells = (0..<rows).map { r in
            (0..<columns).map { c -> Character in
                let p = grid[r * columns + c]
                switch region.kind {
                case .binary: return p[0] > 0.5 ? "+" : "."
                case .classes: return Character(String(region.label(p) ?? 0))
                case .regression:
                    let v = max(0, min(1, (Double(p[0]) / region.scale + 1) / 2))
                    return levels[min(levels.count - 1, Int(v * Double(levels.count)))]
                }
            }
        }
        if let points {
            let letters = Array("abcdefghij")
            for i in 0..<(points.x.shape.first ?? 0) {
                let (c, r) = region.pixel(points.x.scalars[2 * i], points.x.scalars[2 * i + 1], columns: columns, rows: rows)
                guard r >= 0, r < rows, c >= 0, c < columns else { continue }
                let t = region.target(points.y, i)
                switch region.kind {
                case .binary: cells[r][c] = t[0] > 0.5 ? "x" : "o"
                case .classes: cells[r][c] = letters[(region.label(t) ?? 0) % letters.count]
                case .regression: break
                }
            }
        }
        return cells.map { String($0) }
    }

    /// What the colours mean, and how many of the points the model gets right.
    static func regionLegend(_ region: DecisionRegion, model: Model, points: (x: Tensor, y: Tensor)?, style: Style) -> String {
        func swatch(_ c: Canvas.Color, _ fallback: String) -> String {
            style.enabled ? "\u{1B}[38;2;\(c.0);\(c.1);\(c.2)m██\u{1B}[0m" : fallback
        }
        var text: String
        switch region.kind {
        case .binary: text = swatch(DecisionRegion.negative, ". o") + " class 0   " + swatch(DecisionRegion.positive, "+ x") + " class 1"
        case .classes(let k, _):
            text = (0..<k).map { swatch(LineChart.palette[$0 % LineChart.palette.count], "\($0) " + String(Array("abcdefghij")[$0 % 10])) + " class \($0)" }.joined(separator: "   ")
        case .regression:
            text = swatch(DecisionRegion.negative, "' '") + " −\(Format.compact(region.scale, 3))   "
                + swatch(DecisionRegion.positive, "@") + " +\(Format.compact(region.scale, 3))  (the model's output)"
        }
        if let points, let input = model.inputs.first, let n = points.x.shape.first, n > 0,
           let predicted = try? region.predict(model, points.x.scalars) {
            switch region.kind {
            case .binary, .classes:
                let right = (0..<n).filter { region.label(predicted[$0]) == region.label(region.target(points.y, $0)) }.count
                text += "  —  \(right) of \(n) points on the right side (\(Format.compact(100 * Double(right) / Double(n), 3)) %)"
            case .regression:
                let mse = (0..<n).map { i in Double(predicted[i][0] - points.y.scalars[i]) }.map { $0 * $0 }.reduce(0, +) / Double(n)
                text += "  —  mean squared error on the \(n) points: \(Format.compact(mse, 4))"
            }
            _ = input
        }
        return text
    }
}

extension Canvas {
    /// A filled disc of `radius` pixels around (x, y).
    mutating func disc(_ x: Int, _ y: Int, radius: Int, _ c: Color) {
        for dy in -radius...radius { for dx in -radius...radius where dx * dx + dy * dy <= radius * radius { set(x + dx, y + dy, c) } }
    }
}
