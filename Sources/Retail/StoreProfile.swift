/// Who the store is and how it charges: read from the store's configuration (the shell reads the
/// file), checked with `validate()` before the lane opens.
public struct StoreProfile: Hashable, Codable, Sendable {
    public var name: LocalizedName
    /// Lines printed under the name on receipts.
    public var address: [String]
    public var currency: Currency
    public var taxRates: [TaxRate]
    /// Printed at the bottom of receipts; nil for none.
    public var receiptFooter: LocalizedName?

    public init(name: LocalizedName, address: [String], currency: Currency, taxRates: [TaxRate],
                receiptFooter: LocalizedName? = nil) {
        self.name = name
        self.address = address
        self.currency = currency
        self.taxRates = taxRates
        self.receiptFooter = receiptFooter
    }

    /// The pricing rules for this store's currency and tax rates.
    public var pricingRules: PricingRules {
        PricingRules(currency: currency, taxRates: taxRates)
    }

    /// Throws the first problem found; Codable alone accepts any values of the right types.
    public func validate() throws(StoreProfileError) {
        guard !name.en.trimmedSpaces.isEmpty else { throw .emptyName }
        let code = currency.code.utf8
        guard code.count == 3, code.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw .badCurrencyCode(currency.code)
        }
        guard (0...3).contains(currency.minorDigits) else {
            throw .badMinorDigits(currency.minorDigits)
        }
        guard !taxRates.isEmpty else { throw .noTaxRates }
        var seen: Set<String> = []
        for rate in taxRates {
            guard !rate.code.trimmedSpaces.isEmpty else { throw .emptyTaxCode }
            guard seen.insert(rate.code).inserted else { throw .duplicateTaxCode(rate.code) }
            guard (0...10_000).contains(rate.basisPoints) else {
                throw .taxRateOutOfRange(code: rate.code, basisPoints: rate.basisPoints)
            }
        }
    }
}

public enum StoreProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    case emptyName
    case badCurrencyCode(String)
    case badMinorDigits(Int)
    case noTaxRates
    case emptyTaxCode
    case duplicateTaxCode(String)
    case taxRateOutOfRange(code: String, basisPoints: Int)

    public var description: String {
        switch self {
        case .emptyName:
            return "store name: the English name is empty"
        case .badCurrencyCode(let code):
            return "currency code \"\(code)\" is not three uppercase letters (ISO 4217, e.g. CNY)"
        case .badMinorDigits(let n):
            return "currency minorDigits is \(n), expected 0 to 3"
        case .noTaxRates:
            return "no tax rates: every item needs one"
        case .emptyTaxCode:
            return "a tax rate has an empty code"
        case .duplicateTaxCode(let code):
            return "tax code \"\(code)\" is defined more than once"
        case .taxRateOutOfRange(let code, let bp):
            return "tax rate \"\(code)\" is \(bp) basis points, expected 0 to 10000 (0% to 100%)"
        }
    }
}
