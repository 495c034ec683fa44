import CatalogStore
import Foundation
import Retail

/// `kiosk catalog import`: a catalog CSV into the lane's catalog store, as a new version.
public enum CatalogCommands {
    /// Imports `file`; with `maxRejected`, more rejected rows than that fail the import and leave the
    /// current catalog in force. `progress` shows the rows as they are read.
    public static func importCSV(file: String, configFile: URL?, assets: String?, stateDirectory: URL,
                                 maxRejected: Int? = nil, progress: CatalogImportProgressLine? = nil) throws -> String {
        let config = try KioskConfig.forCommand(configFile)
        let assetsURL = try AssetLocator.find(explicit: assets)
        let profile = try StoreSetup.loadProfile(AssetLocator.resolve(config.storeOrDemo, in: assetsURL))
        try StateFolder.makePrivate(stateDirectory)
        let store = try CatalogStore(directory: stateDirectory.appendingPathComponent("catalog").path)
        var options = CatalogImportOptions(maximumRejectedRows: maxRejected)
        if let progress { options.progress = { progress.update($0) } }
        let result: CatalogImportResult
        do {
            defer { progress?.finish() }
            result = try store.importCSV(file: file, format: CatalogCSV(store: profile), options: options)
        } catch CatalogStoreError.tooManyRejectedRows(let report, let limit) {
            throw CatalogImportRefused(report: report, limit: limit)
        }
        let summary = "catalog version \(result.version.id) is current: \(result.report.items) items, "
            + "\(result.report.rejectedRows) rows rejected (a running lane uses it within a second)"
        return ([summary] + rowErrors(result.report)).joined(separator: "\n")
    }

    /// The first 20 row errors, one a line, and how many more there were.
    static func rowErrors(_ report: CatalogImportReport) -> [String] {
        var lines = report.errors.prefix(20).map { "  \($0)" }
        if report.errorCount > 20 { lines.append("  ... \(report.errorCount - 20) more") }
        return lines
    }
}

/// More rows were rejected than `--max-rejected` allows: the import is not switched to.
public struct CatalogImportRefused: Error, CustomStringConvertible {
    public let report: CatalogImportReport
    public let limit: Int

    public var description: String {
        (["\(report.rejectedRows) rows rejected, more than the \(limit) allowed (--max-rejected); the current catalog stays"]
            + CatalogCommands.rowErrors(report)).joined(separator: "\n")
    }
}
