import GRDBSQLite
import Retail

/// One catalog version: a SQLite file written once by an import and never changed afterwards, so
/// the lane can open it `immutable=1` (no locks, no WAL, no change checks: each lookup is a bare
/// B-tree descent) and map it into memory.
///
/// The item table is keyed by the GTIN as a number (the 14 normalised digits; leading zeros are
/// implied by the fixed width), which makes it SQLite's rowid: one B-tree holds the key and the
/// columns, with 8-byte keys instead of 15-byte text keys. (Measured in C on 1,000,000 items, a
/// WITHOUT ROWID table keyed by text, or by integer, looked up no faster; page sizes of 8 to 64 KiB
/// and inserting in key order made no difference that rose above the noise either.)
///
/// Columns rather than a JSON record: `JSONDecoder` takes about 18 us per `CatalogItem` in a
/// release build, nine times the whole B-tree lookup, and JSON makes the file over three times
/// larger (a million short-named items: 193 MB against 53 MB in columns).
enum CatalogVersionFile {
    /// 2 added `offer` and `item_group` (promotions other than N-for-M, mix-and-match groups).
    /// Format-1 files still read, with neither.
    static let format: Int64 = 2

    static let schema = """
        CREATE TABLE catalog_info (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            format INTEGER NOT NULL,
            version INTEGER NOT NULL,
            currency TEXT NOT NULL,
            minor_digits INTEGER NOT NULL,
            items INTEGER NOT NULL
        );
        CREATE TABLE item (
            gtin INTEGER PRIMARY KEY,
            name_en TEXT NOT NULL,
            name_zh TEXT,
            price INTEGER NOT NULL,
            member_price INTEGER,
            tax TEXT NOT NULL,
            min_age INTEGER,
            multibuy_quantity INTEGER,
            multibuy_pay_for INTEGER,
            embedded_price INTEGER NOT NULL CHECK (embedded_price IN (0, 1)),
            line INTEGER NOT NULL,
            offer TEXT,
            item_group TEXT
        );
        """

    /// The lane's lookup; scripts/bench-reference/catalog_lookup.c runs the same text.
    static let lookupSQL = """
        SELECT name_en, name_zh, price, member_price, tax, min_age, multibuy_quantity, multibuy_pay_for, embedded_price, \
        offer, item_group FROM item WHERE gtin = ?1
        """
    /// The same for a format-1 file, which has no offer or group.
    static let lookupSQLFormat1 = """
        SELECT name_en, name_zh, price, member_price, tax, min_age, multibuy_quantity, multibuy_pay_for, embedded_price, \
        NULL, NULL FROM item WHERE gtin = ?1
        """

    /// How the lane opens a published version; the C reference uses the same URI parameters and pragma.
    static func readerURI(_ path: String) -> String { fileURI(path) + "?immutable=1" }
    static let readerPragmas = "PRAGMA mmap_size = 1073741824"

    /// The 14 digits as a number: the item table's key.
    @inline(__always) static func key(_ gtin: GTIN) -> Int64 {
        var value: Int64 = 0
        for byte in gtin.digits.utf8 { value = value &* 10 &+ Int64(byte &- 48) }
        return value
    }

    /// A `file:` URI for an absolute or relative path, with the characters URIs reserve escaped.
    static func fileURI(_ path: String) -> String {
        var uri = "file:"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                uri.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                uri += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return uri
    }
}

/// Builds one version file. Nothing reads it until the import publishes it, and a crash leaves a
/// file the next import deletes, so it is written without a rollback journal or fsyncs; the store
/// fsyncs it once, complete, before publishing.
final class CatalogVersionWriter {
    let connection: CatalogConnection
    private let insert: CatalogStatement
    private let lineOf: CatalogStatement
    let version: Int64
    let currency: Currency

    /// Creates `path`, which must not exist.
    init(path: String, version: Int64, currency: Currency, cacheKiB: Int) throws(CatalogSQLiteError) {
        connection = try CatalogConnection(uri: CatalogVersionFile.fileURI(path), path: path,
                                           flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE)
        // Random-order inserts touch the whole B-tree: a page cache that holds it (about 50 MB
        // per million items) keeps them in memory; the pages reach the file when it is complete.
        try connection.execute("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
            PRAGMA cache_size = -\(cacheKiB);
            """)
        try connection.execute(CatalogVersionFile.schema)
        try connection.execute("BEGIN")
        insert = try connection.prepare("""
            INSERT INTO item (gtin, name_en, name_zh, price, member_price, tax, min_age, multibuy_quantity,
                              multibuy_pay_for, embedded_price, line, offer, item_group)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            ON CONFLICT (gtin) DO NOTHING
            """, persistent: true)
        lineOf = try connection.prepare("SELECT line FROM item WHERE gtin = ?1", persistent: true)
        self.version = version
        self.currency = currency
    }

    /// Adds an item; false when an item with its GTIN is already there (nothing is changed then).
    func add(_ item: CatalogItem, key: Int64, line: Int) throws(CatalogSQLiteError) -> Bool {
        precondition(item.price.currency == currency && (item.memberPrice?.currency ?? currency) == currency,
                     "catalog items must all be in the catalog's currency")
        insert.bind(1, key)
        insert.bind(2, item.name.en)
        insert.bind(3, item.name.zh)
        insert.bind(4, item.price.minorUnits)
        insert.bind(5, item.memberPrice?.minorUnits)
        insert.bind(6, item.taxCode)
        insert.bind(7, item.minimumAge.map(Int64.init))
        insert.bind(8, item.multiBuy.map { Int64($0.quantity) })
        insert.bind(9, item.multiBuy.map { Int64($0.payFor) })
        insert.bind(10, item.pricing == .embeddedPrice ? 1 : 0)
        insert.bind(11, Int64(line))
        insert.bind(12, item.offer?.catalogForm)
        insert.bind(13, item.group)
        try insert.run("insert item")
        return connection.changes == 1
    }

    /// The CSV line of the item stored under `key`, if any.
    func line(of key: Int64) throws(CatalogSQLiteError) -> Int? {
        lineOf.bind(1, key)
        defer { lineOf.reset() }
        return try lineOf.step() ? Int(lineOf.int64(0)) : nil
    }

    /// Records the summary and commits; the file is complete when this returns.
    func finish(items: Int) throws(CatalogSQLiteError) {
        let info = try connection.prepare("""
            INSERT INTO catalog_info (id, format, version, currency, minor_digits, items) VALUES (1, ?1, ?2, ?3, ?4, ?5)
            """)
        info.bind(1, CatalogVersionFile.format)
        info.bind(2, version)
        info.bind(3, currency.code)
        info.bind(4, Int64(currency.minorDigits))
        info.bind(5, Int64(items))
        try info.run("write catalog_info")
        try connection.execute("COMMIT")
    }
}

/// Point lookups in one published version file. Not thread-safe: `CatalogStore` serialises use.
final class CatalogVersionReader {
    let version: Int64
    let itemCount: Int
    let currency: Currency
    private let connection: CatalogConnection
    private let lookup: CatalogStatement

    /// Throws `CatalogSQLiteError` when SQLite cannot open it, `CatalogStoreError.corrupt` when it
    /// is not the version the store's pointer names.
    init(path: String, expectedVersion: Int64) throws {
        connection = try CatalogConnection(uri: CatalogVersionFile.readerURI(path), path: path, flags: SQLITE_OPEN_READONLY)
        try connection.execute(CatalogVersionFile.readerPragmas)
        // One read transaction for the reader's life: a published version never changes (the URI
        // says immutable), so there is nothing to see anew, and each lookup skips starting and
        // ending one of its own (a tenth of a lookup's time).
        try connection.execute("BEGIN")
        let info = try connection.prepare("SELECT format, version, currency, minor_digits, items FROM catalog_info")
        guard try info.step() else { throw CatalogStoreError.corrupt(path: path, "no catalog_info row") }
        defer { info.reset() }
        let format = info.int64(0)
        guard format == 1 || format == CatalogVersionFile.format else {
            throw CatalogStoreError.corrupt(path: path, "format \(format), expected 1 or \(CatalogVersionFile.format)")
        }
        guard info.int64(1) == expectedVersion else {
            throw CatalogStoreError.corrupt(path: path, "holds version \(info.int64(1)), expected \(expectedVersion)")
        }
        currency = Currency(code: info.string(2), minorDigits: Int(info.int64(3)))
        itemCount = Int(info.int64(4))
        lookup = try connection.prepare(format == 1 ? CatalogVersionFile.lookupSQLFormat1 : CatalogVersionFile.lookupSQL,
                                        persistent: true)
        version = expectedVersion
    }

    @inline(__always) func item(for gtin: GTIN) throws -> CatalogItem? {
        lookup.bind(1, CatalogVersionFile.key(gtin))
        guard try lookup.step() else { return nil }
        defer { lookup.reset() }
        let memberPrice = lookup.optionalInt64(3)
        let quantity = lookup.optionalInt64(6), payFor = lookup.optionalInt64(7)
        var multiBuy: MultiBuy?
        if let quantity, let payFor {
            guard let offer = MultiBuy(quantity: Int(quantity), payFor: Int(payFor)) else {
                throw CatalogStoreError.corrupt(path: connection.path, "item \(gtin): \(quantity)for\(payFor) is not a multi-buy")
            }
            multiBuy = offer
        }
        var offer: ItemOffer?
        if let text = lookup.optionalString(9) {
            switch ItemOffer.parse(text, currency: currency) {
            case .success(let parsed): offer = parsed
            case .failure(let error): throw CatalogStoreError.corrupt(path: connection.path, "item \(gtin): offer \(error.message)")
            }
        }
        return CatalogItem(
            gtin: gtin,
            name: LocalizedName(en: lookup.string(0), zh: lookup.optionalString(1)),
            price: Money(minorUnits: lookup.int64(2), currency: currency),
            memberPrice: memberPrice.map { Money(minorUnits: $0, currency: currency) },
            taxCode: lookup.string(4),
            minimumAge: lookup.optionalInt64(5).map { Int($0) },
            multiBuy: multiBuy,
            pricing: lookup.int64(8) == 1 ? .embeddedPrice : .unit,
            offer: offer,
            group: lookup.optionalString(10))
    }
}
