import Foundation

/// nexo's JSON names are PascalCase ("SaleID"), with "POI" in capitals ("POIID", "POIData").
/// Swift properties are camelCase ("saleID", "poiID"); these two rules map between them.
enum NexoCoding {
    static func jsonName(_ property: String) -> String {
        if property.hasPrefix("poi") { return "POI" + property.dropFirst(3) }
        return property.prefix(1).uppercased() + property.dropFirst()
    }

    static func propertyName(_ json: String) -> String {
        if json.hasPrefix("POI") { return "poi" + json.dropFirst(3) }
        return json.prefix(1).lowercased() + json.dropFirst()
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in Key(stringValue: jsonName(path.last!.stringValue)) }
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in Key(stringValue: propertyName(path.last!.stringValue)) }
        return decoder
    }
}
