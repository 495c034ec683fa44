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

/// An item's name as the page gets it: `{"en", "zh", and one key per side language}`.
public struct ItemNameView: Codable, Sendable, Equatable {
    let name: LocalizedName
    let others: [String: String]

    init(_ name: LocalizedName, others: [String: String] = [:]) {
        self.name = name
        // The catalog's own columns win over a side file naming the same language.
        self.others = others.filter { $0.key != "en" && $0.key != "zh" }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name.en, forKey: Key(stringValue: "en"))
        try c.encodeIfPresent(name.zh, forKey: Key(stringValue: "zh"))
        for (language, text) in others { try c.encode(text, forKey: Key(stringValue: language)) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var texts: [String: String] = [:]
        for key in c.allKeys { texts[key.stringValue] = try c.decode(String.self, forKey: key) }
        guard let en = texts.removeValue(forKey: "en") else {
            throw DecodingError.keyNotFound(Key(stringValue: "en"), .init(codingPath: c.codingPath, debugDescription: "a name needs en"))
        }
        self.init(LocalizedName(en: en, zh: texts.removeValue(forKey: "zh")), others: texts)
    }
}
