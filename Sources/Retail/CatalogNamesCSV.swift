/// Item names in one more language, in a side file beside the catalog: a header `gtin,name`,
/// then one item a row. A store adds a language by adding such a file (and the page's translation
/// file); the catalog's columns and the catalog store stay as they are.
///
/// Rows with problems are reported with their line and left out, as in the catalog itself; only
/// a file without the two columns fails as a whole.
public enum CatalogNamesCSV {
    public struct Names: Sendable, Equatable {
        public var byGTIN: [GTIN: String] = [:]
        public var errors: [CatalogRowError] = []
    }

    public enum FileError: Error, Equatable, CustomStringConvertible {
        case noHeader
        public var description: String { "the first row must name the columns gtin and name" }
    }

    /// Longer names are refused: the page and the receipt have a line for a name, not a page.
    public static let maximumNameLength = 200

    public static func read(_ bytes: some Collection<UInt8>) throws(FileError) -> Names {
        var names = Names()
        var columns: (gtin: Int, name: Int)?
        var firstLineOf: [GTIN: Int] = [:]
        for output in CSVTokenizer.records(bytes, maximumRecordBytes: 4096) {
            let record: CSVTokenizer.Record
            switch output {
            case .failure(let problem):
                guard columns != nil else { throw .noHeader }
                names.errors.append(CatalogRowError(line: problem.line, problem: .unreadable, message: problem.message))
                continue
            case .success(let r): record = r
            }
            if record.isBlank { continue }
            guard let (gtinColumn, nameColumn) = columns else {
                let header = record.fields.map { $0.trimmedSpaces.lowercased() }
                guard let g = header.firstIndex(of: "gtin"), let n = header.firstIndex(of: "name") else { throw .noHeader }
                columns = (g, n)
                continue
            }
            guard record.fields.count > max(gtinColumn, nameColumn) else {
                names.errors.append(CatalogRowError(line: record.line, problem: .fieldCount, message: "too few fields"))
                continue
            }
            let name = String(record.fields[nameColumn].trimmedSpaces)
            let gtin: GTIN
            do throws(GTINError) { gtin = try GTIN(String(record.fields[gtinColumn].trimmedSpaces)) } catch {
                names.errors.append(CatalogRowError(line: record.line, problem: .invalid(column: "gtin"), message: error.description))
                continue
            }
            guard !name.isEmpty, name.count <= maximumNameLength else {
                names.errors.append(CatalogRowError(line: record.line, problem: .invalid(column: "name"),
                                                    message: "a name is 1 to \(maximumNameLength) characters"))
                continue
            }
            if let first = firstLineOf[gtin] {
                names.errors.append(.duplicate(gtin, line: record.line, firstLine: first))
                continue
            }
            firstLineOf[gtin] = record.line
            names.byGTIN[gtin] = name
        }
        guard columns != nil else { throw .noHeader }
        return names
    }
}
