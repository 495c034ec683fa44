/// A product name in the languages the shopper page offers.
public struct LocalizedName: Hashable, Codable, Sendable {
    public var en: String
    /// Simplified Chinese; nil where the catalog has none (the page then shows English).
    public var zh: String?

    public init(en: String, zh: String? = nil) {
        self.en = en
        self.zh = zh
    }
}

/// "N for the price of M", e.g. 3 for 2, applied per GTIN across the cart.
public struct MultiBuy: Hashable, Codable, Sendable, CustomStringConvertible {
    public let quantity: Int
    public let payFor: Int

    public init?(quantity: Int, payFor: Int) {
        guard quantity >= 2, payFor >= 1, payFor < quantity, quantity <= 100 else { return nil }
        self.quantity = quantity
        self.payFor = payFor
    }

    /// Parses the catalog form "3for2".
    public init?(_ text: some StringProtocol) {
        let parts = text.lowercased().split(separator: "for", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(quantity: n, payFor: m)
    }

    public var description: String { "\(quantity)for\(payFor)" }

    private enum CodingKeys: String, CodingKey { case quantity, payFor }

    /// Same shape as synthesized, but decoded values must pass the same limits as `init(quantity:payFor:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let quantity = try container.decode(Int.self, forKey: .quantity)
        let payFor = try container.decode(Int.self, forKey: .payFor)
        guard let offer = MultiBuy(quantity: quantity, payFor: payFor) else {
            throw DecodingError.dataCorruptedError(forKey: .payFor, in: container,
                                                   debugDescription: "\(quantity)for\(payFor) is not a valid multi-buy")
        }
        self = offer
    }
}

/// How an item's amount is found when it is scanned.
public enum PricingKind: String, Hashable, Codable, Sendable {
    /// Price per unit from the catalog, times quantity.
    case unit
    /// Weighed at the scale in store: the scanned in-store code carries the line's price.
    case embeddedPrice = "embedded-price"
}

public struct CatalogItem: Hashable, Codable, Sendable {
    public let gtin: GTIN
    public let name: LocalizedName
    /// Unit price; for embedded-price items the reference price per kilogram (shown, not charged).
    public let price: Money
    public let memberPrice: Money?
    /// Key into the store's tax rates.
    public let taxCode: String
    /// Minimum age to buy (alcohol, tobacco, knives); nil when unrestricted.
    public let minimumAge: Int?
    public let multiBuy: MultiBuy?
    public let pricing: PricingKind

    public init(gtin: GTIN, name: LocalizedName, price: Money, memberPrice: Money? = nil, taxCode: String,
                minimumAge: Int? = nil, multiBuy: MultiBuy? = nil, pricing: PricingKind = .unit) {
        self.gtin = gtin
        self.name = name
        self.price = price
        self.memberPrice = memberPrice
        self.taxCode = taxCode
        self.minimumAge = minimumAge
        self.multiBuy = multiBuy
        self.pricing = pricing
    }
}

/// A VAT rate in basis points (13% = 1300), prices include it.
public struct TaxRate: Hashable, Codable, Sendable {
    public let code: String
    public let basisPoints: Int
    public let label: String

    public init(code: String, basisPoints: Int, label: String) {
        self.code = code
        self.basisPoints = basisPoints
        self.label = label
    }
}
