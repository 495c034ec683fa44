import CatalogStore
import Foundation
import Retail

/// `kiosk catalog import`: a catalog CSV into the lane's catalog store, as a new version.
public enum CatalogCommands {
    public static func importCSV(file: String, configFile: URL?, assets: String?, stateDirectory: URL) throws -> String {
        let config = try KioskConfig.forCommand(configFile)
        let assetsURL = try AssetLocator.find(explicit: assets)
        let profile = try StoreSetup.loadProfile(AssetLocator.resolve(config.storeOrDemo, in: assetsURL))
        let store = try CatalogStore(directory: stateDirectory.appendingPathComponent("catalog").path)
        let result = try store.importCSV(file: file, format: CatalogCSV(store: profile))
        var lines = ["catalog version \(result.version.id) is current: \(result.report.items) items, "
                     + "\(result.report.rejectedRows) rows rejected (a running lane uses it within a second)"]
        lines += result.report.errors.prefix(20).map { "  \($0)" }
        if result.report.errorCount > 20 { lines.append("  ... \(result.report.errorCount - 20) more") }
        return lines.joined(separator: "\n")
    }
}
