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
    /// VAT included in prices (default) or sales tax added on top ("taxMode": "exclusive").
    public var taxMode: TaxMode
    /// "per-total" (default) or "per-line".
    public var taxRounding: TaxRounding
    /// How the store's scales print in-store codes: a preset name ("default", "de", "nl", "uk",
    /// "cn") or {"rules": [...]}.
    public var variableMeasure: VariableMeasureLayout
    /// Head office's Ed25519 public keys for signed coupons; none means no coupons are accepted.
    public var couponKeys: [CouponKey]
    /// GS1 rules relaxed for this store's scanners ("gs1Relaxations": {"bracketedFromScanner": true}); all off by default.
    public var gs1Relaxations: GS1Relaxations

    public init(name: LocalizedName, address: [String], currency: Currency, taxRates: [TaxRate],
                receiptFooter: LocalizedName? = nil, taxMode: TaxMode = .inclusive, taxRounding: TaxRounding = .perTotal,
                variableMeasure: VariableMeasureLayout = .default, couponKeys: [CouponKey] = [],
                gs1Relaxations: GS1Relaxations = .none) {
        self.name = name
        self.address = address
        self.currency = currency
        self.taxRates = taxRates
        self.receiptFooter = receiptFooter
        self.taxMode = taxMode
        self.taxRounding = taxRounding
        self.variableMeasure = variableMeasure
        self.couponKeys = couponKeys
        self.gs1Relaxations = gs1Relaxations
    }

    private enum CodingKeys: String, CodingKey {
        case name, address, currency, taxRates, receiptFooter, taxMode, taxRounding, variableMeasure, couponKeys, gs1Relaxations
    }

    /// Profiles written before the optional settings existed still decode, with their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(LocalizedName.self, forKey: .name), address: try c.decode([String].self, forKey: .address),
                  currency: try c.decode(Currency.self, forKey: .currency), taxRates: try c.decode([TaxRate].self, forKey: .taxRates),
                  receiptFooter: try c.decodeIfPresent(LocalizedName.self, forKey: .receiptFooter),
                  taxMode: try c.decodeIfPresent(TaxMode.self, forKey: .taxMode) ?? .inclusive,
                  taxRounding: try c.decodeIfPresent(TaxRounding.self, forKey: .taxRounding) ?? .perTotal,
                  variableMeasure: try c.decodeIfPresent(VariableMeasureLayout.self, forKey: .variableMeasure) ?? .default,
                  couponKeys: try c.decodeIfPresent([CouponKey].self, forKey: .couponKeys) ?? [],
                  gs1Relaxations: try c.decodeIfPresent(GS1Relaxations.self, forKey: .gs1Relaxations) ?? .none)
    }

    /// The pricing rules for this store's currency, tax rates and tax settings.
    public var pricingRules: PricingRules {
        PricingRules(currency: currency, taxRates: taxRates, taxMode: taxMode, rounding: taxRounding)
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
        var keyIDs: Set<String> = []
        for key in couponKeys {
            guard !key.id.trimmedSpaces.isEmpty, keyIDs.insert(key.id).inserted else { throw .badCouponKey(key.id, "empty or repeated id") }
            guard key.publicKeyBytes?.count == 32 else {
                throw .badCouponKey(key.id, "publicKey must be 32 bytes of Ed25519 public key in base64")
            }
        }
    }
}

/// One of head office's coupon-signing public keys.
public struct CouponKey: Hashable, Codable, Sendable {
    /// A name for the key, e.g. "ho-2025", for rotation: old and new keys are both listed for a while.
    public let id: String
    /// The 32-byte Ed25519 public key, base64 (standard or URL alphabet, padding optional).
    public let publicKey: String

    public init(id: String, publicKey: String) {
        self.id = id
        self.publicKey = publicKey
    }

    public var publicKeyBytes: [UInt8]? {
        let url = publicKey.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 }
        return try? Base64URL.decode(url[...])
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
    case badCouponKey(String, String)

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
        case .badCouponKey(let id, let why):
            return "coupon key \"\(id)\": \(why)"
        }
    }
}
