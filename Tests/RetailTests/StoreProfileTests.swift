import Foundation
import KioskTestSupport
import Testing
import Retail

@Suite struct StoreProfileTests {
    func profile(currency: Currency = cny, rates: [TaxRate] = Fixture.rates, nameEN: String = "Shop") -> StoreProfile {
        StoreProfile(name: LocalizedName(en: nameEN), address: [], currency: currency, taxRates: rates)
    }

    @Test func validProfilePasses() throws {
        try Fixture.store.validate()
        try profile(currency: Currency(code: "JPY", minorDigits: 0)).validate()
        try profile(rates: [TaxRate(code: "X", basisPoints: 10_000, label: "100%")]).validate()
    }

    @Test(arguments: ["cny", "CN", "CNYY", "C1Y", "", "ÇNY"])
    func rejectsCurrencyCode(code: String) {
        #expect(throws: StoreProfileError.badCurrencyCode(code)) {
            try profile(currency: Currency(code: code, minorDigits: 2)).validate()
        }
    }

    @Test(arguments: [-1, 4, 18])
    func rejectsMinorDigits(digits: Int) {
        #expect(throws: StoreProfileError.badMinorDigits(digits)) {
            try profile(currency: Currency(code: "CNY", minorDigits: digits)).validate()
        }
    }

    @Test func rejectsTaxRates() {
        let a = TaxRate(code: "A", basisPoints: 1300, label: "VAT 13%")
        #expect(throws: StoreProfileError.duplicateTaxCode("A")) {
            try profile(rates: [a, TaxRate(code: "B", basisPoints: 900, label: ""), a]).validate()
        }
        #expect(throws: StoreProfileError.emptyTaxCode) {
            try profile(rates: [TaxRate(code: " ", basisPoints: 900, label: "")]).validate()
        }
        #expect(throws: StoreProfileError.taxRateOutOfRange(code: "A", basisPoints: 10_001)) {
            try profile(rates: [TaxRate(code: "A", basisPoints: 10_001, label: "")]).validate()
        }
        #expect(throws: StoreProfileError.taxRateOutOfRange(code: "N", basisPoints: -5)) {
            try profile(rates: [TaxRate(code: "N", basisPoints: -5, label: "")]).validate()
        }
        #expect(throws: StoreProfileError.noTaxRates) { try profile(rates: []).validate() }
        #expect(throws: StoreProfileError.emptyName) { try profile(nameEN: "  ").validate() }
    }

    @Test func messagesNameTheCulprit() {
        #expect(StoreProfileError.duplicateTaxCode("A").description == "tax code \"A\" is defined more than once")
        #expect(StoreProfileError.badCurrencyCode("cny").description.contains("\"cny\""))
        #expect(StoreProfileError.taxRateOutOfRange(code: "A", basisPoints: 10_001).description.contains("10001"))
    }

    @Test func decodesWithoutFooterAndGivesPricingRules() throws {
        let json = #"""
        {"name":{"en":"Shop","zh":"店"},"address":["Line 1"],"currency":{"code":"CNY","minorDigits":2},
         "taxRates":[{"code":"A","basisPoints":1300,"label":"VAT 13%"}]}
        """#
        let store = try JSONDecoder().decode(StoreProfile.self, from: Data(json.utf8))
        #expect(store.receiptFooter == nil)
        #expect(store.name.zh == "店")
        #expect(store.pricingRules == PricingRules(currency: cny, taxRates: [TaxRate(code: "A", basisPoints: 1300, label: "VAT 13%")]))
        let again = try JSONDecoder().decode(StoreProfile.self, from: JSONEncoder().encode(store))
        #expect(again == store)
    }

    /// GS1 relaxations are off unless the profile turns one on; unknown ones stay off.
    @Test func gs1RelaxationsDefaultToStrict() throws {
        let base = #"{"name":{"en":"Shop"},"address":[],"currency":{"code":"CNY","minorDigits":2},"#
            + #""taxRates":[{"code":"A","basisPoints":1300,"label":"VAT 13%"}]"#
        let strict = try JSONDecoder().decode(StoreProfile.self, from: Data((base + "}").utf8))
        #expect(strict.gs1Relaxations == .none)
        let relaxed = try JSONDecoder().decode(StoreProfile.self, from: Data(
            (base + #","gs1Relaxations":{"bracketedFromScanner":true}}"#).utf8))
        #expect(relaxed.gs1Relaxations == GS1Relaxations(bracketedFromScanner: true))
        #expect(try JSONDecoder().decode(StoreProfile.self, from: JSONEncoder().encode(relaxed)) == relaxed)
    }
}
