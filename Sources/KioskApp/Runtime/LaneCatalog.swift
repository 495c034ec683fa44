import CatalogStore
import Foundation
import Logging
import Retail

/// Where the lane looks items up: the catalog store head office imports into (`kiosk catalog
/// import`: up to millions of items, switched to a new version atomically, seen by a running
/// lane within a second), or, when nothing has been imported, the CSV catalog read at start.
struct LaneCatalog: Sendable {
    let csv: Catalog
    let store: CatalogStore?
    let logger: Logger

    func item(for gtin: GTIN) -> CatalogItem? {
        guard let store else { return csv.item(for: gtin) }
        do {
            return try store.item(for: gtin)
        } catch {
            // A damaged store must not sell from a stale CSV: the item is not found, and it is logged.
            logger.error("catalog store lookup failed", metadata: ["gtin": "\(gtin)", "error": "\(error)"])
            return nil
        }
    }

    /// The store in the state folder's catalog/, when an import has made a version current.
    static func importedStore(stateDirectory: URL) throws -> CatalogStore? {
        let directory = stateDirectory.appendingPathComponent("catalog")
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(CatalogStore.controlFileName).path) else {
            return nil
        }
        let store = try CatalogStore(directory: directory.path)
        return try store.currentVersion() == nil ? nil : store
    }
}
