import Retail

/// A report laid out for people, every value already text: titled tables and bar charts. The
/// renderers make a terminal table or a page of it; CSV takes its one flat table.
public struct ReportDocument: Hashable, Sendable {
    public let title: String
    public let subtitle: String
    public let sections: [Section]
    /// The whole report as one table: one header, the same columns on every row (RFC 4180).
    public let flat: ReportTable

    public enum Section: Hashable, Sendable {
        case table(ReportTable)
        case chart(BarChart)
    }
}

public struct ReportTable: Hashable, Sendable {
    public struct Column: Hashable, Sendable {
        public let name: String
        /// Right-aligned (amounts, counts).
        public let numeric: Bool
    }

    public let title: String
    public let columns: [Column]
    public let rows: [[String]]
    /// Rows that stand out (totals, a flagged coupon): bold on the page.
    public let highlighted: Set<Int>

    init(_ title: String, _ columns: [Column], _ rows: [[String]], highlighted: Set<Int> = []) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "\(title): a row's cells do not match the columns")
        self.title = title
        self.columns = columns
        self.rows = rows
        self.highlighted = highlighted
    }
}

extension ReportTable.Column {
    static func text(_ name: String) -> Self { Self(name: name, numeric: false) }
    static func number(_ name: String) -> Self { Self(name: name, numeric: true) }
}

public struct BarChart: Hashable, Sendable {
    public enum Layout: Hashable, Sendable {
        /// Upright bars side by side, labelled below (the hours of a day).
        case columns
        /// A bar a row, labelled on the left (tenders, items).
        case rows
    }

    public struct Bar: Hashable, Sendable {
        public let label: String
        /// What the bar's length shows, in any integer unit.
        public let value: Int64
        /// The value as people read it ("12.34", "7").
        public let valueText: String
    }

    public let title: String
    public let layout: Layout
    public let bars: [Bar]
}

/// A report value that can be laid out for people.
public protocol RenderableReport: Encodable, Sendable {
    var document: ReportDocument { get }
}

/// Text shared by the report layouts.
enum ReportText {
    static func amount(_ minorUnits: Int64, _ currency: Currency) -> String {
        Money(minorUnits: minorUnits, currency: currency).decimalString
    }

    static func scope(_ scope: ReportScope) -> String {
        "\(scope.date), " + (scope.store.map { "store \($0)" } ?? "every store") + " (each store's own day, in its time zone)"
    }
}
