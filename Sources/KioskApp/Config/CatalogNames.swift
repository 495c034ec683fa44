import Foundation
import Logging
import Retail

/// Item names in languages beyond the catalog's own English and Chinese columns: the setting
/// `catalogNames` maps a language (as the page's translation file names it, e.g. "fr") to a side
/// file `gtin,name` (CatalogNamesCSV). A language is added with two files and no schema change:
/// neither the catalog's columns nor the catalog store know about it. Read at start.
struct CatalogNames: Sendable {
    let byLanguage: [String: [GTIN: String]]

    static let none = CatalogNames(byLanguage: [:])

    /// Reads every file; rows with problems are logged and left out, a missing or headerless file stops the start.
    static func load(_ files: [String: String], assets: URL, logger: Logger) throws -> CatalogNames {
        var byLanguage: [String: [GTIN: String]] = [:]
        for (language, path) in files {
            let url = AssetLocator.resolve(path, in: assets)
            guard let data = try? Data(contentsOf: url) else {
                throw KioskSetupError.config(url.path, "catalogNames[\"\(language)\"] cannot be read")
            }
            let names: CatalogNamesCSV.Names
            do { names = try CatalogNamesCSV.read(data) } catch { throw KioskSetupError.config(url.path, error.description) }
            for error in names.errors { logger.error("catalog name row skipped", metadata: ["file": "\(url.path)", "row": "\(error)"]) }
            byLanguage[language] = names.byGTIN
        }
        return CatalogNames(byLanguage: byLanguage)
    }

    /// The item's name in every side language that has one.
    func names(for gtin: GTIN) -> [String: String] {
        byLanguage.compactMapValues { $0[gtin] }
    }
}
