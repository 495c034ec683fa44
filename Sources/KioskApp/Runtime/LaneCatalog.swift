import CatalogStore
import Foundation
import Logging
import Retail

/// Where the lane looks items up: the state folder's catalog store (`catalog/`), which head
/// office's pushes and `kiosk catalog import` add versions to (up to millions of items, switched
/// atomically, seen by a running lane within a second); until the store has a version, the CSV
/// catalog of the settings, read at start.
struct LaneCatalog: Sendable {
    let csv: Catalog
    let store: CatalogStore
    /// The store profile's catalog format (currency, tax codes, in-store layout), as
    /// `kiosk catalog import` reads files.
    let format: CatalogCSV
    let logger: Logger

    /// Opens (or creates) the store in `stateDirectory`.
    init(csv: Catalog, stateDirectory: URL, format: CatalogCSV, logger: Logger) throws {
        let directory = stateDirectory.appendingPathComponent("catalog").path
        do { store = try CatalogStore(directory: directory) } catch {
            throw KioskSetupError.state("catalog store \(directory) cannot be opened: \(error)")
        }
        self.csv = csv
        self.format = format
        self.logger = logger
        if let version = try store.currentVersion() {
            logger.info("lane looks items up in the imported catalog", metadata: [
                "version": "\(version.id)", "items": "\(version.itemCount)", "source": "\(version.source)"])
        }
    }

    func item(for gtin: GTIN) -> CatalogItem? {
        do {
            // A version, once current, is only ever replaced by another: the CSV never comes back.
            guard try store.hasCurrentVersion() else { return csv.item(for: gtin) }
            return try store.item(for: gtin)
        } catch {
            // A damaged store must not sell from a stale CSV: the item is not found, and it is logged.
            logger.error("catalog store lookup failed", metadata: ["gtin": "\(gtin)", "error": "\(error)"])
            return nil
        }
    }

    /// Imports a catalog file as a new version and makes it current, on a thread of its own (a
    /// large file takes seconds; scans go on meanwhile). Refusals are `PushError`s.
    func install(csvFile: URL) async throws(PushError) -> CatalogImportResult {
        var options = CatalogImportOptions()
        // Enough errors for the first 1000 rejected rows: a row has at most one per column, and a duplicate.
        options.reportedErrorLimit = CatalogPushResult.listedRows * (CatalogCSV.requiredColumns.count + CatalogCSV.optionalColumns.count + 1)
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<CatalogImportResult, any Error>, Never>) in
            let (store, format, options) = (store, format, options)
            Thread.detachNewThread {
                continuation.resume(returning: Result { try store.importCSV(file: csvFile.path, format: format, options: options) })
            }
        }
        switch result {
        case .success(let imported): return imported
        case .failure(let error as CatalogStoreError):
            switch error {
            case .file, .noItems, .tooManyRejectedRows:
                throw PushError(.catalogRefused, "\(error); the lane keeps its catalog")
            case .importInProgress:
                throw PushError(.catalogImportInProgress, "\(error); the lane keeps its catalog")
            case .io, .corrupt:
                logger.error("catalog push not imported", metadata: ["error": "\(error)"])
                throw PushError(.storageUnavailable, "the catalog could not be stored; the lane keeps its catalog")
            }
        case .failure(let error):
            logger.error("catalog push not imported", metadata: ["error": "\(error)"])
            throw PushError(.storageUnavailable, "the catalog could not be stored; the lane keeps its catalog")
        }
    }
}
