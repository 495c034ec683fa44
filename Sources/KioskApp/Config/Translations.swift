import Foundation

/// The translation files (assets/l10n/<language>.json, flat `key: text` with `{name}` slots):
/// the page reads them and so do receipts. A language is its file: adding one adds the language,
/// with no change to the code.
struct Translations: Sendable {
    /// Text by key, by language tag.
    let tables: [String: [String: String]]

    /// The languages in `folder`: every `<tag>.json`, sorted; tags are BCP 47-ish (letters, digits, '-').
    static func languages(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(".json".count)) }
            .filter(isTag)
            .sorted()
    }

    static func isTag(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 35 && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
    }

    /// Reads the files of `languages`; a missing or unreadable one is a setup error naming it.
    static func load(_ languages: [String], from folder: URL) throws -> Translations {
        var tables: [String: [String: String]] = [:]
        for language in languages {
            let url = folder.appendingPathComponent(language + ".json")
            guard isTag(language), let data = try? Data(contentsOf: url) else {
                throw KioskSetupError.config(url.path, "no translation file for language \"\(language)\"")
            }
            guard let table = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw KioskSetupError.config(url.path, "must be a JSON object of texts")
            }
            tables[language] = table
        }
        return Translations(tables: tables)
    }

    /// The text of `key` in `language` with its `{name}` slots filled; nil when the file has none.
    func text(_ key: String, in language: String, _ parameters: [String: String] = [:]) -> String? {
        guard var text = tables[language]?[key] else { return nil }
        for (name, value) in parameters { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }
}
