import Checkout
import Retail

// The small store of the lane tests (CheckoutTests, JournalTests) and the yuan amounts most tests
// use: CNY, tax A 13% and B 9%. One copy, so a test target's cart means the same as another's.

/// Chinese yuan, two decimal places.
public let cny = Currency(code: "CNY", minorDigits: 2)

/// An amount in fen: `yuan(350)` is ¥3.50.
public func yuan(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: cny) }

/// A valid GTIN from its digits without the check digit (12 for a GTIN-13).
public func gtin(_ body: String) -> GTIN {
    // Fixture data: the check digit is appended, so the code is always valid.
    try! GTIN(GTIN.appendingCheckDigit(body))
}

/// The small store's pricing: CNY, tax A 13% and B 9%.
public let storeRules = PricingRules(currency: cny, taxRates: [
    TaxRate(code: "A", basisPoints: 1300, label: "13%"),
    TaxRate(code: "B", basisPoints: 900, label: "9%"),
])

/// Items of the small store (test targets add their own in extensions).
public enum Items {
    public static let apple = CatalogItem(gtin: gtin("690000000001"), name: LocalizedName(en: "Apple", zh: "苹果"),
                                          price: yuan(350), memberPrice: yuan(300), taxCode: "A")
    public static let milk = CatalogItem(gtin: gtin("690000000002"), name: LocalizedName(en: "Milk"),
                                         price: yuan(1200), taxCode: "B", multiBuy: MultiBuy(quantity: 3, payFor: 2))
    public static let beer = CatalogItem(gtin: gtin("690000000003"), name: LocalizedName(en: "Beer"),
                                         price: yuan(800), taxCode: "A", minimumAge: 18)
}

/// The lane event of scanning `item`'s barcode (no price in the code).
public func scan(_ item: CatalogItem) -> LaneEvent { .itemScanned(item, embeddedPrice: nil) }
