import GRDB
import Retail

/// The lookup done the ordinary GRDB way, for kiosk-bench to measure against `CatalogStore`'s raw
/// path: the same version file, URI and pragma, a cached statement, one `inDatabase` call per
/// lookup (a `DatabaseQueue` serialises on a dispatch queue) and `Row` decoding.
package final class CatalogGRDBLookup {
    private let queue: DatabaseQueue
    private let currency: Currency

    /// Opens the current version of the store in `directory`.
    package init(directory: String) throws {
        let store = try CatalogStore(directory: directory)
        guard let version = try store.currentVersion() else { throw CatalogStoreError.corrupt(path: directory, "no current version") }
        var config = Configuration()
        config.readonly = true
        config.prepareDatabase { db in try db.execute(sql: CatalogVersionFile.readerPragmas) }
        queue = try DatabaseQueue(path: CatalogVersionFile.readerURI(store.path(CatalogStore.fileName(version.id))),
                                  configuration: config)
        currency = version.currency
    }

    package func item(for gtin: GTIN) throws -> CatalogItem? {
        let key = CatalogVersionFile.key(gtin)
        return try queue.inDatabase { db in
            let statement = try db.cachedStatement(sql: CatalogVersionFile.lookupSQL)
            guard let row = try Row.fetchOne(statement, arguments: [key]) else { return nil }
            let quantity: Int? = row[6], payFor: Int? = row[7]
            return CatalogItem(
                gtin: gtin, name: LocalizedName(en: row[0], zh: row[1]),
                price: Money(minorUnits: row[2], currency: currency),
                memberPrice: (row[3] as Int64?).map { Money(minorUnits: $0, currency: currency) },
                taxCode: row[4], minimumAge: row[5],
                multiBuy: quantity.flatMap { q in payFor.flatMap { MultiBuy(quantity: q, payFor: $0) } },
                pricing: (row[8] as Int64) == 1 ? .embeddedPrice : .unit,
                offer: (row[9] as String?).flatMap { try? ItemOffer.parse($0, currency: currency).get() },
                group: row[10])
        }
    }
}
