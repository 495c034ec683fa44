import Foundation

/// A table as RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, quote or line
/// break, a quote doubled. Safe to open in a spreadsheet: a text cell starting with = + - @, tab
/// or carriage return (a formula to Excel or LibreOffice) gets a leading apostrophe, as OWASP's
/// CSV-injection advice says. A plain number ("-1.50") is left as it is: it cannot be a formula,
/// and a negative amount must stay a number.
enum CSVRenderer {
    static func render(_ table: ReportTable) -> String {
        ([table.columns.map(\.name)] + table.rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func field(_ cell: String) -> String {
        var text = cell
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first), !isPlainNumber(text) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// An optional minus, digits, and optionally a point and digits.
    static func isPlainNumber(_ text: String) -> Bool {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
    }
}
