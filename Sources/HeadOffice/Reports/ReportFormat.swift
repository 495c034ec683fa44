import Foundation

/// How a report is written out.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// Aligned columns for a terminal.
    case table
    /// One RFC 4180 table, safe to open in a spreadsheet.
    case csv
    /// The report value itself: amounts in integer minor units beside their currency.
    case json
    /// One self-contained page with charts.
    case html

    public func render(_ report: some RenderableReport) throws -> String {
        switch self {
        case .table: return TextTableRenderer.render(report.document)
        case .csv: return CSVRenderer.render(report.document.flat)
        case .html: return HTMLRenderer.render(report.document)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        }
    }
}
