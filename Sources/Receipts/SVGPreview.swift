import Retail

/// The receipt as a picture of the paper, for screens and review: an SVG as wide as the
/// print area (one unit per printer dot) with the same rows, logo and codes as the ESC/POS
/// document, in the same order. Codes are drawn as dark-module paths with their quiet
/// zones, so a camera (or zbarimg, on a rasterised copy) can read them.
public enum SVGPreview {
    /// Font A: a cell of 12 × 24 dots; rows 30 dots apart (ESC 2, 1/6 inch at 180 dpi).
    static let cellWidth = 12, cellHeight = 24, rowSpacing = 6
    /// A monospace font at 20 px has 12 px advances (0.6 em); `textLength` fixes the rest.
    static let fontSize = 20
    static let topMargin = 16, bottomMargin = 32

    public static func render(
        _ receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english, logo: MonochromeImage? = nil
    ) -> String {
        let width = max(profile.dotsPerLine, ReceiptPlan.printWidth(profile), 1)
        var body: [String] = []
        var y = topMargin
        for block in ReceiptPlan.blocks(for: receipt, profile: profile, labels: labels, logo: logo) {
            switch block {
            case .line(let line):
                let height = cellHeight * max(line.heightScale, 1)
                if let text = text(line, top: y, paperWidth: width) { body.append(text) }
                y += height + rowSpacing
            case .image(let image), .nativeBarcode(_, _, _, let image):
                let left = (width - image.width) / 2
                if let path = path(image, left: left, top: y) { body.append(path) }
                y += image.height
            case .nativeQR(let payload, let moduleSize, let errorCorrection, _):
                guard let image = ReceiptPlan.preview(ofQR: payload, moduleSize: moduleSize, errorCorrection: errorCorrection,
                                                      width: ReceiptPlan.printWidth(profile)) else { break }
                let left = (width - image.width) / 2
                if let path = path(image, left: left, top: y) { body.append(path) }
                y += image.height
            }
        }
        let height = y + bottomMargin
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#fff"/>

            """ + body.map { $0 + "\n" }.joined() + "</svg>\n"
    }

    /// One row as `<text>`, placed where the printer puts it: left rows at the margin,
    /// centred and right-aligned rows within the print area, scaled like GS !.
    static func text(_ line: PrintLine, top: Int, paperWidth: Int) -> String? {
        let columns = displayWidth(line.text)
        guard columns > 0 else { return nil }
        let scaleX = max(line.widthScale, 1), scaleY = max(line.heightScale, 1)
        let length = columns * cellWidth
        let x: Int = switch line.alignment {
            case .left: 0
            case .center: max((paperWidth - length * scaleX) / 2, 0)
            case .right: max(paperWidth - length * scaleX, 0)
        }
        // Baseline near the bottom of the 24-dot cell, leaving room for descenders.
        let baseline = top + 19 * scaleY
        let transform = scaleX == 1 && scaleY == 1 ? "translate(\(x) \(baseline))" : "translate(\(x) \(baseline)) scale(\(scaleX) \(scaleY))"
        let weight = line.bold ? " font-weight=\"bold\"" : ""
        let start = "<text xml:space=\"preserve\" transform=\"\(transform)\" font-family=\"monospace\" font-size=\"\(fontSize)\"\(weight)"
        let runs = columnRuns(line.text)
        guard runs.count > 1 else {
            return start + " \(fitted(length))>\(escape(line.text))</text>"
        }
        // A font's CJK glyphs are rarely exactly two ASCII advances wide, so each run of
        // narrow characters and each wide character starts at its own column, as on paper.
        let spans = runs.map { "<tspan x=\"\($0.column * cellWidth)\" \(fitted($0.columns * cellWidth))>\(escape($0.text))</tspan>" }
        return start + ">" + spans.joined() + "</text>"
    }

    /// Stretches or squeezes text to exactly `length` (renderers without `textLength`
    /// support, like librsvg, get the font's own advances, near enough for ASCII).
    private static func fitted(_ length: Int) -> String {
        "textLength=\"\(length)\" lengthAdjust=\"spacingAndGlyphs\""
    }

    /// The text cut before and after every character that is not one column wide, with
    /// the column each piece starts at. Text of one-column characters is one run.
    static func columnRuns(_ text: String) -> [(text: String, column: Int, columns: Int)] {
        var runs: [(text: String, column: Int, columns: Int)] = []
        var column = 0
        var previousWasNarrow = false
        for character in text {
            let width = displayWidth(character)
            let narrow = width == 1
            if narrow, previousWasNarrow {
                runs[runs.count - 1].text.append(character)
                runs[runs.count - 1].columns += 1
            } else if width == 0, !runs.isEmpty {
                runs[runs.count - 1].text.append(character)  // a lone mark stays with what precedes it
            } else {
                runs.append((String(character), column, width))
            }
            previousWasNarrow = narrow
            column += width
        }
        return runs
    }

    /// A code alone as an SVG (the page's e-receipt QR): one unit per module, quiet zone 4.
    public static func standalone(_ matrix: BitMatrix) -> String {
        let image = MonochromeImage(matrix: matrix, scale: 1, quietZone: 4)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(image.width) \(image.height)\">"
            + "<rect width=\"\(image.width)\" height=\"\(image.height)\" fill=\"#fff\"/>"
            + (path(image, left: 0, top: 0) ?? "") + "</svg>"
    }

    /// The dark dots of an image as one path of rectangles: a run of black dots in a row is
    /// one rectangle, and the same run in the rows below extends it downwards.
    static func path(_ image: MonochromeImage, left: Int, top: Int) -> String? {
        struct Rect { var x: Int, y: Int, width: Int, height: Int }
        var done: [Rect] = []
        var open: [Int: Rect] = [:]  // by x: rectangles that reach the previous row
        for y in 0..<image.height {
            var runs: [(x: Int, width: Int)] = []
            var x = 0
            while x < image.width {
                guard image[x, y] else { x += 1; continue }
                let start = x
                while x < image.width, image[x, y] { x += 1 }
                runs.append((start, x - start))
            }
            var next: [Int: Rect] = [:]
            for run in runs {
                if var rect = open[run.x], rect.width == run.width {
                    rect.height += 1
                    next[run.x] = rect
                    open[run.x] = nil
                } else {
                    next[run.x] = Rect(x: run.x, y: y, width: run.width, height: 1)
                }
            }
            done += open.values
            open = next
        }
        done += open.values
        guard !done.isEmpty else { return nil }
        let d = done.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
            .map { "M\(left + $0.x) \(top + $0.y)h\($0.width)v\($0.height)h-\($0.width)z" }
            .joined()
        return "<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"\(d)\"/>"
    }

    /// Text safe inside an element or attribute (see `markupEscaped`).
    static func escape(_ text: String) -> String { markupEscaped(text) }
}
