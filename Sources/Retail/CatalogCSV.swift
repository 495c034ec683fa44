/// Reads a catalog CSV file (the shell reads the file; this only parses it).
///
/// The header row names the columns, in any order; unknown columns are ignored:
///
///     gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing
///     6901234567892,"Noodles, beef",牛肉面,4.50,4.20,A,,3for2,
///
/// Two optional columns add promotions (files without them stay valid):
/// - `offer`: `3@10.00` (3 for 10.00), `15%` (percent off each unit) or `2.00off` (amount off
///   each unit). An item has at most one promotion: `multibuy` or `offer`. Weighed items may
///   only have a percent off.
/// - `group`: a mix-and-match group name (1-32 letters, digits, `-`, `_`). Items of one group
///   with the same `multibuy` or N-for-a-price `offer` pool their units for it; the cheapest
///   units are the free ones. A group needs one of those two offers.
///
/// A bad row is reported with its line number and left out; the other rows still import, so one
/// typo does not empty the shelves. Only a missing or unreadable header fails the whole file.
public struct CatalogCSV: Sendable {
    public static let requiredColumns = [
        "gtin", "name_en", "name_zh", "price", "member_price", "tax", "min_age", "multibuy", "pricing",
    ]

    public static let optionalColumns = ["offer", "group"]

    public let currency: Currency
    public let taxCodes: [String]
    /// Which codes are in-store variable-measure keys.
    public let layout: VariableMeasureLayout

    public init(currency: Currency, taxCodes: [String], layout: VariableMeasureLayout = .default) {
        self.currency = currency
        self.taxCodes = taxCodes
        self.layout = layout
    }

    public init(store: StoreProfile) {
        self.init(currency: store.currency, taxCodes: store.taxRates.map(\.code), layout: store.variableMeasure)
    }

    public func read(_ text: String) throws(CatalogFileError) -> CatalogImport {
        try read(text.utf8)
    }

    /// Reads a whole file. A GTIN listed twice is an error on the later rows (the first keeps it).
    public func read(_ bytes: some Sequence<UInt8>) throws(CatalogFileError) -> CatalogImport {
        let bytes = Array(bytes)
        var reader = Reader(self)
        var result = CatalogImport(items: [], errors: [])
        var firstLineOf: [GTIN: Int] = [:]
        func add(_ rows: [Row]) {
            for row in rows {
                switch row {
                case .item(let item, let line):
                    if let first = firstLineOf[item.gtin] {
                        result.errors.append(.duplicate(item.gtin, line: line, firstLine: first))
                    } else {
                        firstLineOf[item.gtin] = line
                        result.items.append(item)
                    }
                case .rejected(let line, let errors, let gtin):
                    result.errors += errors
                    // A row rejected for its other columns still lists its GTIN.
                    guard let gtin else { continue }
                    if let first = firstLineOf[gtin] {
                        result.errors.append(.duplicate(gtin, line: line, firstLine: first))
                    } else {
                        firstLineOf[gtin] = line
                    }
                }
            }
        }
        // In pieces, so that only a piece's records are held at once beside the file.
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 1 << 16)
            add(try reader.feed(bytes[start..<end]))
            start = end
        }
        add(try reader.finish())
        return result
    }

    /// One row of a catalog file after the header, judged on its own.
    public enum Row: Hashable, Sendable {
        case item(CatalogItem, line: Int)
        /// Left out, with why; `gtin` when that column was valid, which by `read`'s rule makes
        /// later rows with the same GTIN duplicates all the same.
        case rejected(line: Int, errors: [CatalogRowError], gtin: GTIN?)
    }

    /// Reads a catalog file fed in pieces of any size (for files too large to hold in memory),
    /// row by row, with the rules of `read`, save one: it does not look for GTINs listed twice,
    /// which needs every row seen so far; the caller does (`read` does it in memory).
    ///
    /// Memory is the row in progress; with `maximumRowBytes`, a longer row is reported as too
    /// long instead of being read into memory (a long header fails the file).
    public struct Reader: Sendable {
        public let format: CatalogCSV
        private var tokenizer: CSVTokenizer
        private var header: Header?

        public init(_ format: CatalogCSV, maximumRowBytes: Int? = nil) {
            self.format = format
            tokenizer = CSVTokenizer(maximumRecordBytes: maximumRowBytes)
        }

        /// The rows `chunk` completes (a row is complete at its line break), in file order,
        /// blank rows left out. Throws when the header is bad; do not feed it more after that.
        public mutating func feed(_ chunk: some Collection<UInt8>) throws(CatalogFileError) -> [Row] {
            try rows(tokenizer.feed(chunk))
        }

        /// At the end of the file: the last row when no line break ended it.
        public mutating func finish() throws(CatalogFileError) -> [Row] {
            let rows = try rows(tokenizer.finish())
            guard header != nil else { throw .noHeader }
            return rows
        }

        private mutating func rows(_ records: [CSVTokenizer.Output]) throws(CatalogFileError) -> [Row] {
            var rows: [Row] = []
            rows.reserveCapacity(records.count)
            for record in records {
                if let header {
                    if let row = format.row(record, header) { rows.append(row) }
                } else {
                    header = try format.header(record)
                }
            }
            return rows
        }
    }

    private struct Header: Sendable {
        /// Column name -> field index.
        let columns: [String: Int]
        let fieldCount: Int
    }

    /// The first non-blank record, which must name every required column once; nil for a blank record.
    private func header(_ next: CSVTokenizer.Output) throws(CatalogFileError) -> Header? {
        let record: CSVTokenizer.Record
        switch next {
        case .failure(let problem): throw .malformedHeader(line: problem.line, reason: problem.message)
        case .success(let r): record = r
        }
        if record.isBlank { return nil }
        var columns: [String: Int] = [:]
        for (index, raw) in record.fields.enumerated() {
            let name = String(raw.trimmedSpaces).lowercased()
            if columns[name] != nil, Self.requiredColumns.contains(name) || Self.optionalColumns.contains(name) {
                throw .duplicateColumn(name)
            }
            columns[name] = columns[name] ?? index
        }
        let missing = Self.requiredColumns.filter { columns[$0] == nil }
        guard missing.isEmpty else { throw .missingColumns(missing) }
        return Header(columns: columns, fieldCount: record.fields.count)
    }

    /// A record after the header; nil for a blank line or a spreadsheet's empty row ",,,,".
    private func row(_ next: CSVTokenizer.Output, _ header: Header) -> Row? {
        switch next {
        case .failure(let problem):
            let error = if case .tooLong(let limit) = problem.kind {
                CatalogRowError(line: problem.line, problem: .tooLong, message: "the row is longer than \(limit) bytes (an unclosed quote?)")
            } else {
                CatalogRowError(line: problem.line, problem: .unreadable, message: problem.message)
            }
            return .rejected(line: problem.line, errors: [error], gtin: nil)
        case .success(let record) where record.fields.allSatisfy({ $0.trimmedSpaces.isEmpty }):
            return nil
        case .success(let record) where record.fields.count != header.fieldCount:
            let hint = record.fields.count > header.fieldCount ? " (a comma in an unquoted field?)" : ""
            return .rejected(line: record.line, errors: [CatalogRowError(line: record.line, problem: .fieldCount, message:
                "\(record.fields.count) fields where the header has \(header.fieldCount)" + hint)], gtin: nil)
        case .success(let record):
            var row = RowReader(record: record, columns: header.columns)
            if let item = parseItem(&row), row.errors.isEmpty { return .item(item, line: record.line) }
            return .rejected(line: record.line, errors: row.errors, gtin: row.gtin)
        }
    }

    /// Checks every column of one row, collecting all its problems; nil when there are any.
    private func parseItem(_ row: inout RowReader) -> CatalogItem? {
        let pricing = row.parse("pricing") { (text: String) throws(Reason) -> PricingKind? in
            if text.isEmpty { return .unit }
            guard let kind = PricingKind(rawValue: text.lowercased()) else {
                throw "\(quoted(text)) is not unit or embedded-price"
            }
            return kind
        }
        let gtin = row.parse("gtin") { (text: String) throws(Reason) -> GTIN? in
            let gtin: GTIN
            do throws(GTINError) { gtin = try GTIN(text) } catch { throw Reason(text.isEmpty ? error.description : "\(quoted(text)): \(error)") }
            try checkInStoreRules(gtin, pricing: pricing)
            return gtin
        }
        row.gtin = gtin
        let nameEN = row.parse("name_en") { (text: String) throws(Reason) -> String? in
            guard !text.isEmpty else { throw "empty; every item needs an English name" }
            return text
        }
        let nameZH = row.value("name_zh")
        let price = row.parse("price") { (text: String) throws(Reason) -> Money? in
            guard !text.isEmpty else { throw "empty; every item needs a price" }
            return try positiveAmount(text)
        }
        let memberPrice = row.parse("member_price") { (text: String) throws(Reason) -> Money?? in
            if text.isEmpty { return .some(nil) }
            if pricing == .embeddedPrice { throw "weighed items are charged the price in their code; member prices do not apply" }
            let amount = try positiveAmount(text)
            if let price, amount >= price { throw "\(amount.decimalString) is not lower than price \(price.decimalString)" }
            return amount
        }
        let taxCode = row.parse("tax") { (text: String) throws(Reason) -> String? in
            guard !text.isEmpty else { throw "empty; the store defines \(taxCodes.joined(separator: ", "))" }
            guard taxCodes.contains(text) else {
                throw "unknown tax code \(quoted(text)); the store defines \(taxCodes.joined(separator: ", "))"
            }
            return text
        }
        let minimumAge = row.parse("min_age") { (text: String) throws(Reason) -> Int?? in
            if text.isEmpty { return .some(nil) }
            guard text.allSatisfy(\.isASCIIDigit), let age = Int(text), (1...99).contains(age) else {
                throw "\(quoted(text)) is not an age from 1 to 99"
            }
            return age
        }
        let multiBuy = row.parse("multibuy") { (text: String) throws(Reason) -> MultiBuy?? in
            if text.isEmpty { return .some(nil) }
            if pricing == .embeddedPrice { throw "weighed items are charged the price in their code; multi-buy does not apply" }
            guard let offer = MultiBuy(text) else { throw "\(quoted(text)) is not an offer like 3for2" }
            return offer
        }

        let offer = row.parse("offer") { (text: String) throws(Reason) -> ItemOffer?? in
            if text.isEmpty { return .some(nil) }
            let offer: ItemOffer
            switch ItemOffer.parse(text, currency: currency) {
            case .success(let parsed): offer = parsed
            case .failure(let error): throw Reason(error.message)
            }
            if let multiBuy, multiBuy != nil { throw "one promotion per item: this row has multibuy \(multiBuy!) too" }
            switch (offer, pricing) {
            case (.percentOff, _): break
            case (_, .embeddedPrice): throw "weighed items are charged the price in their code; only a percent off applies"
            case (.amountOff(let off), _):
                if let price, off >= price { throw "\(off.decimalString) off is not less than price \(price.decimalString)" }
            case (.forPrice(let n, let setPrice), _):
                if let price, setPrice >= price * n {
                    throw "\(n) for \(setPrice.decimalString) is not cheaper than \(n) x \(price.decimalString)"
                }
            }
            return offer
        }
        let group = row.parse("group") { (text: String) throws(Reason) -> String?? in
            if text.isEmpty { return .some(nil) }
            guard text.utf8.count <= 32, text.allSatisfy({ $0.isASCIIDigit || ($0.isASCII && $0.isLetter) || $0 == "-" || $0 == "_" }) else {
                throw "\(quoted(text)) is not a group name of 1 to 32 letters, digits, - or _"
            }
            let pools = (multiBuy ?? nil) != nil || { if case .forPrice?? = offer { true } else { false } }()
            guard pools else { throw "a mix-and-match group needs a multibuy or an N@price offer to share" }
            return text
        }

        guard let gtin, let nameEN, let price, let memberPrice, let taxCode, let minimumAge, let multiBuy,
              let pricing, let offer, let group else { return nil }
        return CatalogItem(gtin: gtin, name: LocalizedName(en: nameEN, zh: nameZH.isEmpty ? nil : nameZH),
                           price: price, memberPrice: memberPrice, taxCode: taxCode, minimumAge: minimumAge,
                           multiBuy: multiBuy, pricing: pricing, offer: offer, group: group)
    }

    /// In-store codes only make sense as weighed items listed by their key, because that is how
    /// `ScanInterpreter` reads them; any other use would be an item no scan can reach.
    private func checkInStoreRules(_ gtin: GTIN, pricing: PricingKind?) throws(Reason) {
        if InStoreCode.isMemberCard(gtin) {
            throw "\(gtin.displayForm) has prefix 04, which scans as a member card"
        }
        let rule = layout.rule(for: gtin)
        switch (pricing, rule) {
        case (.embeddedPrice, nil):
            throw "embedded-price items need a 13-digit in-store code with prefix \(layout.prefixSummary), not \(gtin.displayForm)"
        case (.embeddedPrice, let rule?) where layout.key(gtin, rule) != gtin:
            let zeros = String(repeating: "0", count: rule.valueDigits)
            throw "list weighed items by their key, with \(rule.measure.rawValue) digits \(zeros): \(layout.key(gtin, rule).displayForm)"
        case (.unit, .some):
            throw "\(gtin.displayForm) is an in-store code whose scans carry a price or weight; set pricing to embedded-price"
        default:
            break
        }
    }

    private func positiveAmount(_ text: String) throws(Reason) -> Money {
        let amount: Money
        do { amount = try Money.parse(text, currency: currency) } catch { throw Reason(error.description) }
        guard amount.minorUnits > 0 else { throw "\(quoted(text)) is not more than zero" }
        return amount
    }
}

private func quoted(_ text: String) -> String { "\"" + text + "\"" }

/// Why a field was refused; validation code can `throw "reason"`.
private struct Reason: Error, ExpressibleByStringInterpolation {
    let text: String
    init(_ text: String) { self.text = text }
    init(stringLiteral text: String) { self.text = text }
    init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
}

/// One record's fields by column name, and the problems found so far.
private struct RowReader {
    let record: CSVTokenizer.Record
    let columns: [String: Int]
    var errors: [CatalogRowError] = []
    var gtin: GTIN?

    init(record: CSVTokenizer.Record, columns: [String: Int]) {
        self.record = record
        self.columns = columns
    }

    /// The field, without surrounding spaces; empty for an optional column the file lacks.
    func value(_ column: String) -> String {
        guard let index = columns[column] else { return "" }
        return String(record.fields[index].trimmedSpaces)
    }

    mutating func fail(_ column: String, _ message: String) {
        errors.append(CatalogRowError(line: record.line, problem: .invalid(column: column), message: message))
    }

    /// Runs `check` on the field; a thrown reason becomes this row's error for `column`.
    mutating func parse<T>(_ column: String, _ check: (String) throws(Reason) -> T?) -> T? {
        do { return try check(value(column)) } catch {
            fail(column, error.text)
            return nil
        }
    }
}
