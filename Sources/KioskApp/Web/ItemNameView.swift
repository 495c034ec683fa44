import Retail

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
