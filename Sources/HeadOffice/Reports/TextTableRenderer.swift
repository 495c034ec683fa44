import Retail

/// A report as aligned text for a terminal. Columns are measured in display columns, so Chinese
/// names line up with Latin ones; control and bidirectional-override characters from a lane
/// (an item name is the lane's text) are shown as U+FFFD, so no name can move the cursor,
/// recolour the terminal or reorder a line.
enum TextTableRenderer {
    static func render(_ document: ReportDocument) -> String {
        var out = [terminalSafe(document.title), terminalSafe(document.subtitle)]
        for case .table(let table) in document.sections {
            out.append("")
            out.append(terminalSafe(table.title))
            out += lines(table)
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func lines(_ table: ReportTable) -> [String] {
        guard !table.rows.isEmpty else { return ["(none)"] }
        let header = table.columns.map { terminalSafe($0.name) }
        let rows = table.rows.map { $0.map(terminalSafe) }
        let widths = table.columns.indices.map { column in
            ([header] + rows).map { displayWidth($0[column]) }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - displayWidth(cells[column]))
                return table.columns[column].numeric ? padding + cells[column] : cells[column] + padding
            }
            return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
        return [line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
    }

    /// `text` with C0 and C1 controls (ESC among them) and bidirectional controls replaced.
    static func terminalSafe(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                result.unicodeScalars.append("\u{FFFD}")
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
