import Retail

/// A bar chart as inline SVG, lengths in whole pixels from integer values (no floating point),
/// every label escaped; each bar carries a <title> so a pointer shows its exact value.
enum SVGBarChart {
    static func render(_ chart: BarChart) -> String {
        guard !chart.bars.isEmpty else { return "<p class=\"none\">None.</p>\n" }
        switch chart.layout {
        case .columns: return columns(chart)
        case .rows: return rows(chart)
        }
    }

    /// `value` as a share of `length` pixels, the largest value filling it.
    static func scaled(_ value: Int64, _ largest: Int64, _ length: Int64) -> Int64 {
        largest <= 0 || value <= 0 ? 0 : max(1, value * length / largest)
    }

    private static func columns(_ chart: BarChart) -> String {
        let step: Int64 = 30, height: Int64 = 160, top: Int64 = 18, left: Int64 = 4
        let largest = chart.bars.map(\.value).max() ?? 0
        let width = left * 2 + step * Int64(chart.bars.count)
        var svg = "<svg viewBox=\"0 0 \(width) \(top + height + 22)\" role=\"img\" aria-label=\"\(e(chart.title))\">\n"
        for (index, bar) in chart.bars.enumerated() {
            let x = left + Int64(index) * step
            let length = scaled(bar.value, largest, height)
            let y = top + height - length
            svg += "<g><title>\(e(bar.label)): \(e(bar.valueText))</title>"
            svg += "<rect class=\"bar\" x=\"\(x + 3)\" y=\"\(y)\" width=\"\(step - 6)\" height=\"\(length)\" rx=\"2\"/>"
            if bar.value > 0 {
                svg += "<text class=\"value\" x=\"\(x + step / 2)\" y=\"\(y - 4)\" text-anchor=\"middle\">\(e(bar.valueText))</text>"
            }
            svg += "<text x=\"\(x + step / 2)\" y=\"\(top + height + 16)\" text-anchor=\"middle\">\(e(bar.label))</text></g>\n"
        }
        return svg + "</svg>\n"
    }

    private static func rows(_ chart: BarChart) -> String {
        let rowHeight: Int64 = 26, labelWidth: Int64 = 220, barSpace: Int64 = 330, width: Int64 = 660
        let largest = chart.bars.map(\.value).max() ?? 0
        var svg = "<svg viewBox=\"0 0 \(width) \(rowHeight * Int64(chart.bars.count) + 4)\" role=\"img\" aria-label=\"\(e(chart.title))\">\n"
        for (index, bar) in chart.bars.enumerated() {
            let y = Int64(index) * rowHeight + 2
            let length = scaled(bar.value, largest, barSpace)
            svg += "<g><title>\(e(bar.label)): \(e(bar.valueText))</title>"
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(e(shortened(bar.label, columns: 30)))</text>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" rx=\"2\"/>"
            svg += "<text class=\"value\" x=\"\(labelWidth + length + 6)\" y=\"\(y + 17)\">\(e(bar.valueText))</text></g>\n"
        }
        return svg + "</svg>\n"
    }

    /// At most `columns` display columns (a Chinese character takes two), "…" where cut.
    static func shortened(_ text: String, columns: Int) -> String {
        guard displayWidth(text) > columns else { return text }
        var result = ""
        var used = 0
        for character in text {
            let width = displayWidth(character)
            if used + width > columns - 1 { break }
            result.append(character)
            used += width
        }
        return result + "…"
    }

    private static func e(_ text: String) -> String { markupEscaped(text) }
}
