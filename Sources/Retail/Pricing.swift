/// One cart line as pricing sees it.
public struct PricingLine: Hashable, Codable, Sendable {
    public let id: Int
    public let item: CatalogItem
    public let quantity: Int
    /// For weighed items: the price read from the in-store code (already the line amount).
    public let embeddedPrice: Money?

    public init(id: Int, item: CatalogItem, quantity: Int, embeddedPrice: Money? = nil) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.embeddedPrice = embeddedPrice
    }
}

public struct PricedLine: Hashable, Codable, Sendable {
    public let id: Int
    /// The unit price charged (the member price when it applies).
    public let unitPrice: Money
    /// Unit price times quantity, or the embedded price; before multi-buy discounts.
    public let amount: Money
    /// How much the member price saved on this line (zero when none).
    public let memberSaving: Money

    public init(id: Int, unitPrice: Money, amount: Money, memberSaving: Money) {
        self.id = id
        self.unitPrice = unitPrice
        self.amount = amount
        self.memberSaving = memberSaving
    }
}

/// A promotion's reduction, positive, on one GTIN's lines.
public struct Discount: Hashable, Codable, Sendable {
    public let gtin: GTIN
    public let taxCode: String
    /// Which promotion made it, e.g. "3for2".
    public let promotion: String
    public let amount: Money

    public init(gtin: GTIN, taxCode: String, promotion: String, amount: Money) {
        self.gtin = gtin
        self.taxCode = taxCode
        self.promotion = promotion
        self.amount = amount
    }
}

/// Tax included in the total for one rate.
public struct TaxLine: Hashable, Codable, Sendable {
    public let rate: TaxRate
    /// Amount paid for goods at this rate, tax included.
    public let gross: Money
    public let tax: Money
    public var net: Money { gross - tax }

    public init(rate: TaxRate, gross: Money, tax: Money) {
        self.rate = rate
        self.gross = gross
        self.tax = tax
    }
}

public struct PricedCart: Hashable, Codable, Sendable {
    public let lines: [PricedLine]
    public let discounts: [Discount]
    /// Sum of line amounts before discounts.
    public let subtotal: Money
    public let total: Money
    public let taxes: [TaxLine]
    public let itemCount: Int

    public var discountTotal: Money { subtotal - total }

    public init(lines: [PricedLine], discounts: [Discount], subtotal: Money, total: Money, taxes: [TaxLine], itemCount: Int) {
        self.lines = lines
        self.discounts = discounts
        self.subtotal = subtotal
        self.total = total
        self.taxes = taxes
        self.itemCount = itemCount
    }
}

public enum PricingError: Error, Equatable, CustomStringConvertible {
    case unknownTaxCode(String, gtin: GTIN)
    case currencyMismatch(GTIN)

    public var description: String {
        switch self {
        case .unknownTaxCode(let c, let g): return "item \(g) has tax code \"\(c)\" that the store does not define"
        case .currencyMismatch(let g): return "item \(g) is priced in another currency than the store's"
        }
    }
}

/// Prices a cart: member prices, multi-buy per GTIN, VAT-inclusive tax per rate.
/// Deterministic: the result does not depend on the order of the lines.
public struct PricingRules: Hashable, Codable, Sendable {
    public let currency: Currency
    public let taxRates: [TaxRate]

    public init(currency: Currency, taxRates: [TaxRate]) {
        self.currency = currency
        self.taxRates = taxRates
    }

    public func price(_ lines: [PricingLine], member: Bool) throws(PricingError) -> PricedCart {
        let zero = Money.zero(currency)
        var priced: [PricedLine] = []
        var grossByTax: [String: Money] = [:]
        var unitsByGTIN: [GTIN: (item: CatalogItem, units: Int, unitPrice: Money)] = [:]
        var itemCount = 0

        for line in lines {
            let item = line.item
            guard taxRates.contains(where: { $0.code == item.taxCode }) else {
                throw .unknownTaxCode(item.taxCode, gtin: item.gtin)
            }
            guard item.price.currency == currency, item.memberPrice.map({ $0.currency == currency }) ?? true,
                  line.embeddedPrice.map({ $0.currency == currency }) ?? true else {
                throw .currencyMismatch(item.gtin)
            }
            let unitPrice: Money
            let amount: Money
            var saving = zero
            if let embedded = line.embeddedPrice {
                unitPrice = embedded
                amount = embedded
            } else {
                let memberPrice = member ? item.memberPrice.flatMap { $0 < item.price ? $0 : nil } : nil
                unitPrice = memberPrice ?? item.price
                amount = unitPrice * line.quantity
                saving = (item.price - unitPrice) * line.quantity
                if item.multiBuy != nil {
                    let previous = unitsByGTIN[item.gtin]?.units ?? 0
                    unitsByGTIN[item.gtin] = (item, previous + line.quantity, unitPrice)
                }
            }
            priced.append(PricedLine(id: line.id, unitPrice: unitPrice, amount: amount, memberSaving: saving))
            grossByTax[item.taxCode, default: zero] += amount
            itemCount += line.embeddedPrice == nil ? line.quantity : 1
        }

        var discounts: [Discount] = []
        for (gtin, group) in unitsByGTIN.sorted(by: { $0.key < $1.key }) {
            guard let offer = group.item.multiBuy else { continue }
            let freeUnits = (group.units / offer.quantity) * (offer.quantity - offer.payFor)
            guard freeUnits > 0 else { continue }
            let amount = group.unitPrice * freeUnits
            discounts.append(Discount(gtin: gtin, taxCode: group.item.taxCode, promotion: offer.description, amount: amount))
            grossByTax[group.item.taxCode, default: zero] -= amount
        }

        let subtotal = priced.reduce(zero) { $0 + $1.amount }
        let total = discounts.reduce(subtotal) { $0 - $1.amount }
        let taxes = taxRates.compactMap { rate -> TaxLine? in
            guard let gross = grossByTax[rate.code] else { return nil }
            return TaxLine(rate: rate, gross: gross, tax: Self.includedTax(in: gross, basisPoints: rate.basisPoints))
        }
        return PricedCart(lines: priced, discounts: discounts, subtotal: subtotal, total: total,
                          taxes: taxes, itemCount: itemCount)
    }

    /// Tax contained in a tax-inclusive amount, rounded half away from zero to the minor unit:
    /// gross * rate / (1 + rate).
    public static func includedTax(in gross: Money, basisPoints: Int) -> Money {
        let numerator = gross.minorUnits * Int64(basisPoints)
        let denominator = Int64(10_000 + basisPoints)
        let magnitude = (numerator.magnitude * 2 + denominator.magnitude) / (denominator.magnitude * 2)
        return Money(minorUnits: numerator < 0 ? -Int64(magnitude) : Int64(magnitude), currency: gross.currency)
    }
}
