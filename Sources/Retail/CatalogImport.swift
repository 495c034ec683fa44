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
    /// What kind of problem, for machines (head office's push gets `code`); `message` says it for people.
    public enum Problem: Hashable, Sendable {
        /// The record cannot be split into fields (a stray or unclosed quote, invalid UTF-8).
        case unreadable
        /// Longer than the reader's limit (an unclosed quote, usually).
        case tooLong
        /// Not as many fields as the header has columns.
        case fieldCount
        /// The value in this column is not valid.
        case invalid(column: String)
        /// The GTIN is listed on an earlier row.
        case duplicateGTIN
    }

    /// 1-based physical line in the file where the row starts (quoted line breaks count).
    public let line: Int
    public let problem: Problem
    public let message: String

    public init(line: Int, problem: Problem, message: String) {
        self.line = line
        self.problem = problem
        self.message = message
    }

    /// The error of a row that lists a GTIN an earlier row (on `firstLine`) already listed.
    public static func duplicate(_ gtin: GTIN, line: Int, firstLine: Int) -> CatalogRowError {
        CatalogRowError(line: line, problem: .duplicateGTIN, message: "\(gtin.displayForm) is already listed on line \(firstLine)")
    }

    /// The header name of the column at fault; nil for problems with the row as a whole.
    public var column: String? {
        switch problem {
        case .invalid(let column): return column
        case .duplicateGTIN: return "gtin"
        case .unreadable, .tooLong, .fieldCount: return nil
        }
    }

    /// Stable, one per kind of problem: `unreadable-row`, `row-too-long`, `wrong-field-count`,
    /// `duplicate-gtin`, or `invalid-` and the column's header name (`invalid-price`, `invalid-min_age`).
    public var code: String {
        switch problem {
        case .unreadable: return "unreadable-row"
        case .tooLong: return "row-too-long"
        case .fieldCount: return "wrong-field-count"
        case .invalid(let column): return "invalid-" + column
        case .duplicateGTIN: return "duplicate-gtin"
        }
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
