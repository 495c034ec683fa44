/// What a catalog file gave: the rows that passed, and why each other row did not.
public struct CatalogImport: Hashable, Sendable {
    /// In file order; for a duplicated GTIN only the first row.
    public var items: [CatalogItem]
    /// In file order; a row may have several (one per bad column).
    public var errors: [CatalogRowError]

    public init(items: [CatalogItem], errors: [CatalogRowError]) {
        self.items = items
        self.errors = errors
    }
}

/// One problem with one row; the row was left out of the import.
public struct CatalogRowError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based physical line in the file where the row starts (quoted line breaks count).
    public let line: Int
    /// The header name of the column at fault; nil for problems with the row as a whole.
    public let column: String?
    public let message: String

    public init(line: Int, column: String?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// The error of a row that lists a GTIN an earlier row (on `firstLine`) already listed.
    public static func duplicate(_ gtin: GTIN, line: Int, firstLine: Int) -> CatalogRowError {
        CatalogRowError(line: line, column: "gtin", message: "\(gtin.displayForm) is already listed on line \(firstLine)")
    }

    /// `line 17: price: malformed amount "12,3"`
    public var description: String {
        "line \(line): " + (column.map { $0 + ": " } ?? "") + message
    }
}

/// A problem that stops the whole file from importing.
public enum CatalogFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No header row (the file is empty or blank).
    case noHeader
    /// The header row itself could not be read.
    case malformedHeader(line: Int, reason: String)
    case missingColumns([String])
    case duplicateColumn(String)

    public var description: String {
        switch self {
        case .noHeader:
            return "the catalog has no header row"
        case .malformedHeader(let line, let reason):
            return "line \(line): header: \(reason)"
        case .missingColumns(let names):
            return "the header lacks required column" + (names.count == 1 ? " " : "s ") + names.joined(separator: ", ")
        case .duplicateColumn(let name):
            return "the header names column \(name) more than once"
        }
    }
}
