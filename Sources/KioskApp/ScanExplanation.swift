import Foundation
import Retail

/// `kiosk explain`: what the lane makes of a code, and why, for staff and integrators.
public struct ScanExplanation: Encodable, Sendable {
    public struct Element: Encodable, Sendable {
        let ai: String
        let title: String
        let value: String
        let meaning: String?
    }

    public let input: String
    /// "item", "weighed-item", "member-card", "gs1-item", or "rejected".
    public private(set) var kind = "rejected"
    public private(set) var gtin: String?
    public private(set) var price: String?
    public private(set) var member: String?
    /// The catalog's name for the item, or nil when the catalog does not list it.
    public private(set) var catalogName: String?
    public private(set) var elements: [Element]?
    public private(set) var error: String?

    public var understood: Bool { error == nil }

    public init(_ data: String, currency: Currency, catalog: Catalog?) {
        input = data
        let interpreter = ScanInterpreter(currency: currency)
        let meaning: ScanMeaning
        do { meaning = try interpreter.interpret(data) } catch {
            self.error = error.description
            return
        }
        switch meaning {
        case .item(let g):
            kind = "item"
            gtin = g.digits
        case .embeddedPrice(let key, let amount):
            kind = "weighed-item"
            gtin = key.digits
            price = amount.description
        case .memberCard(let number):
            kind = "member-card"
            member = number
        case .gs1Item(let g, let amount):
            kind = "gs1-item"
            gtin = g.digits
            price = amount?.description
            if let parsed = try? ScanInterpreter.gs1Data(Substring(data)) {
                elements = parsed.elements.map {
                    Element(ai: $0.ai, title: $0.definition.title, value: $0.value, meaning: Self.describe($0.meaning))
                }
            }
        }
        if let gtin, let item = catalog?.item(for: try! GTIN(gtin)) { catalogName = item.name.en }
    }

    static func describe(_ meaning: GS1Meaning) -> String? {
        switch meaning {
        case .text: return nil
        case .gtin(let gtin): return "GTIN \(gtin.digits)"
        case .date(let date): return date.isEndOfMonth ? "\(date) (end of month)" : "\(date)"
        default: return "\(meaning)"
        }
    }

    public var text: String {
        var lines = ["input: \(input.debugDescription)", "kind: \(kind)"]
        if let gtin { lines.append("gtin: \(gtin)" + (catalogName.map { " (\($0))" } ?? " (not in the catalog)")) }
        if let price { lines.append("price: \(price)") }
        if let member { lines.append("member card: \(member)") }
        for element in elements ?? [] {
            lines.append("  (\(element.ai)) \(element.title): \(element.value)" + (element.meaning.map { " = \($0)" } ?? ""))
        }
        if let error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }

    /// Loads the configured store's currency and catalog, as `kiosk run` would.
    public static func context(configFile: URL?, assets: String?) throws -> (Currency, Catalog) {
        let config = try configFile.map(KioskConfig.load) ?? KioskConfig()
        let assetsURL = try AssetLocator.find(explicit: assets)
        let setup = try StoreSetup.load(store: AssetLocator.resolve(config.store, in: assetsURL),
                                        catalog: AssetLocator.resolve(config.catalog, in: assetsURL))
        return (setup.profile.currency, setup.catalog)
    }
}
