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

/// A promotion on one item, besides "N for M" (`MultiBuy`). An item has at most one of the two.
public enum ItemOffer: Hashable, Codable, Sendable, CustomStringConvertible {
    /// N units for a fixed price, e.g. 3 for 10.00 (catalog form "3@10.00").
    case forPrice(quantity: Int, price: Money)
    /// Percent off every unit, 1 to 99 (catalog form "15%").
    case percentOff(Int)
    /// A fixed amount off every unit, never below zero (catalog form "2.00off").
    case amountOff(Money)

    /// The promotion's name on discount lines: "3 for ¥10.00", "15% off", "¥2.00 off".
    public var description: String {
        switch self {
        case .forPrice(let n, let price): return "\(n) for \(price)"
        case .percentOff(let p): return "\(p)% off"
        case .amountOff(let money): return "\(money) off"
        }
    }

    /// The catalog CSV form: "3@10.00", "15%", "2.00off" (what `parse` reads back).
    public var catalogForm: String {
        switch self {
        case .forPrice(let n, let price): return "\(n)@\(price.decimalString)"
        case .percentOff(let p): return "\(p)%"
        case .amountOff(let money): return "\(money.decimalString)off"
        }
    }

    /// Parses the catalog forms "3@10.00", "15%" and "2.00off" in `currency`.
    public static func parse(_ text: String, currency: Currency) -> Result<ItemOffer, OfferParseError> {
        let t = text.lowercased()
        if let at = t.firstIndex(of: "@") {
            guard let n = Int(t[..<at]), (2...100).contains(n) else {
                return .failure(OfferParseError("\"\(text)\": the quantity before @ must be 2 to 100"))
            }
            guard let price = try? Money.parse(String(t[t.index(after: at)...]), currency: currency), price.minorUnits > 0 else {
                return .failure(OfferParseError("\"\(text)\": the price after @ is not an amount above zero"))
            }
            return .success(.forPrice(quantity: n, price: price))
        }
        if t.hasSuffix("%") {
            guard let p = Int(t.dropLast()), (1...99).contains(p) else {
                return .failure(OfferParseError("\"\(text)\": percent off must be 1 to 99"))
            }
            return .success(.percentOff(p))
        }
        if t.hasSuffix("off") {
            guard let amount = try? Money.parse(String(t.dropLast(3)), currency: currency), amount.minorUnits > 0 else {
                return .failure(OfferParseError("\"\(text)\": the amount before off is not an amount above zero"))
            }
            return .success(.amountOff(amount))
        }
        return .failure(OfferParseError("\"\(text)\" is not an offer like 3@10.00, 15% or 2.00off"))
    }
}

public struct OfferParseError: Error, Hashable, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
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
    /// Another kind of promotion (N for a price, percent or amount off); nil for none.
    public let offer: ItemOffer?
    /// Mix-and-match group: items of one group with the same multi-buy or N-for-a-price offer
    /// pool their units for it ("any 3 yogurts for 10.00"); nil for none.
    public let group: String?

    public init(gtin: GTIN, name: LocalizedName, price: Money, memberPrice: Money? = nil, taxCode: String,
                minimumAge: Int? = nil, multiBuy: MultiBuy? = nil, pricing: PricingKind = .unit,
                offer: ItemOffer? = nil, group: String? = nil) {
        self.gtin = gtin
        self.name = name
        self.price = price
        self.memberPrice = memberPrice
        self.taxCode = taxCode
        self.minimumAge = minimumAge
        self.multiBuy = multiBuy
        self.pricing = pricing
        self.offer = offer
        self.group = group
    }
}

/// A tax rate in basis points (13% = 1300): VAT included in prices, or sales tax added to them,
/// as the store's `TaxMode` says.
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
