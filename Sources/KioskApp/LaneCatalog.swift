import Foundation
import Journal
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

/// `kiosk catalog import`: a catalog CSV into the lane's catalog store, as a new version.
public enum CatalogCommands {
    public static func importCSV(file: String, configFile: URL?, assets: String?, stateDirectory: URL) throws -> String {
        let config = try configFile.map(KioskConfig.load) ?? KioskConfig()
        let assetsURL = try AssetLocator.find(explicit: assets)
        let profile = try StoreSetup.loadProfile(AssetLocator.resolve(config.store, in: assetsURL))
        let store = try CatalogStore(directory: stateDirectory.appendingPathComponent("catalog").path)
        let result = try store.importCSV(file: file, format: CatalogCSV(store: profile))
        var lines = ["catalog version \(result.version.id) is current: \(result.report.items) items, "
                     + "\(result.report.rejectedRows) rows rejected (a running lane uses it within a second)"]
        lines += result.report.errors.prefix(20).map { "  \($0)" }
        if result.report.errorCount > 20 { lines.append("  ... \(result.report.errorCount - 20) more") }
        return lines.joined(separator: "\n")
    }
}
