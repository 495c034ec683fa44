import KioskTestSupport
import Retail

/// Shared fixtures: a CNY store with the three demo tax rates (`cny` and `gtin` are
/// KioskTestSupport's).
enum Fixture {
    static let rates = [
        TaxRate(code: "A", basisPoints: 1300, label: "VAT 13%"),
        TaxRate(code: "B", basisPoints: 900, label: "VAT 9%"),
        TaxRate(code: "Z", basisPoints: 0, label: "VAT 0%"),
    ]
    static let store = StoreProfile(name: LocalizedName(en: "Test Store", zh: "测试店"), address: ["1 Test Road"],
                                    currency: cny, taxRates: rates)
    static let rules = PricingRules(currency: cny, taxRates: rates)

    static func yuan(_ text: String) -> Money { try! Money.parse(text, currency: cny) }

    static func item(_ body: String, price: String, member: String? = nil, tax: String = "A",
                     multiBuy: String? = nil, pricing: PricingKind = .unit) -> CatalogItem {
        CatalogItem(gtin: gtin(body), name: LocalizedName(en: "Item \(body)"), price: yuan(price),
                    memberPrice: member.map(yuan), taxCode: tax, multiBuy: multiBuy.flatMap { MultiBuy($0) },
                    pricing: pricing)
    }
}
