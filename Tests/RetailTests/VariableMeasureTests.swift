import Foundation
import KioskTestSupport
import Testing
import Retail

@Suite struct VariableMeasureTests {
    /// GS1 General Specifications 7.9.3 worked examples.
    @Test func priceCheckDigitsOfTheSpecExamples() {
        #expect(PriceCheckDigit.compute([2, 8, 7, 5]) == 9)
        #expect(PriceCheckDigit.compute([1, 4, 6, 8, 5]) == 6)
        #expect(PriceCheckDigit.compute([0, 0, 0, 0]) == 0)
        #expect(PriceCheckDigit.compute([0, 0, 0, 0, 0]) == 0)
    }

    @Test func theDefaultLayoutIsTheOldOne() throws {
        let scanner = ScanInterpreter(currency: cny)
        #expect(scanner.layout == .default)
        #expect(try scanner.interpret("2100001012342") == .embeddedPrice(key: try GTIN("2100001000004"), price: Fixture.yuan("12.34")))
        #expect(VariableMeasureLayout.default.prefixSummary == "02 or 20-29")
    }

    @Test func germanLikeCodesCarryAPriceCheckDigit() throws {
        let layout = VariableMeasureLayout.de
        let scanner = ScanInterpreter(currency: cny, layout: layout)
        let key = gtin("220123000000")  // 22 0123 K=0 00000
        let code = try #require(layout.code(key: key, value: 14685))
        #expect(code.dropFirst(6).prefix(1) == "6")  // the spec's check digit for 14685
        #expect(try scanner.interpret(code) == .embeddedPrice(key: key, price: Fixture.yuan("146.85")))

        // One price digit misread (14685 -> 14695): the GTIN check digit is recomputed here, so only
        // the price check digit can tell.
        let misread = GTIN.appendingCheckDigit(String(code.prefix(7)) + "14695")
        do {
            _ = try scanner.interpret(misread)
            Issue.record("a misread price was accepted")
        } catch {
            guard case .priceCheckDigit(let found, let expected, "de") = error else { Issue.record("got \(error)"); return }
            #expect(found == 6)
            #expect(expected == PriceCheckDigit.compute([1, 4, 6, 9, 5]))
            #expect(expected != 6)
        }
    }

    @Test func germanLikeWeightCodesCarryGrams() throws {
        let layout = VariableMeasureLayout.de
        let scanner = ScanInterpreter(currency: cny, layout: layout)
        let key = gtin("280456000000")
        let code = try #require(layout.code(key: key, value: 532))
        #expect(try scanner.interpret(code) == .embeddedWeight(key: key, grams: 532))
        // Priced at the catalog's price per kilogram: 0.532 kg x 15.80 = 8.4056 -> 8.41.
        #expect(VariableMeasure.price(grams: 532, perKilogram: Fixture.yuan("15.80")) == Fixture.yuan("8.41"))
        #expect(VariableMeasure.price(grams: 250, perKilogram: Fixture.yuan("0.02")) == Fixture.yuan("0.01")) // 0.5 fen rounds up
    }

    @Test func ukLikeCodesHaveFourPriceDigitsAndACheck() throws {
        let layout = VariableMeasureLayout.uk
        let scanner = ScanInterpreter(currency: cny, layout: layout)
        let key = gtin("021234500000")
        let code = try #require(layout.code(key: key, value: 2875))
        #expect(Array(code)[7] == "9")  // 2875 -> price check digit 9
        #expect(try scanner.interpret(code) == .embeddedPrice(key: key, price: Fixture.yuan("28.75")))
        // 21... is not an in-store code in this layout: an ordinary item.
        let other = gtin("210000101234")
        #expect(try scanner.interpret(other.displayForm) == .item(other))
        #expect(layout.code(key: key, value: 10_000) == nil)  // does not fit 4 digits
    }

    @Test func customRulesAreChecked() throws {
        #expect(throws: VariableMeasureError.wrongLength(prefix: "21", used: 13)) {
            try VariableMeasureRule(prefix: "21", itemDigits: 6, measure: .price, valueDigits: 5, priceCheckDigit: false)
        }
        #expect(throws: VariableMeasureError.notInStorePrefix("04")) {
            try VariableMeasureRule(prefix: "04", itemDigits: 5, measure: .price, valueDigits: 5, priceCheckDigit: false)
        }
        #expect(throws: VariableMeasureError.badValueDigits(6)) {
            try VariableMeasureRule(prefix: "2", itemDigits: 5, measure: .price, valueDigits: 6, priceCheckDigit: false)
        }
        let a = try VariableMeasureRule(prefix: "2", itemDigits: 6, measure: .price, valueDigits: 5, priceCheckDigit: false)
        let b = try VariableMeasureRule(prefix: "23", itemDigits: 5, measure: .weight, valueDigits: 5, priceCheckDigit: false)
        #expect(throws: VariableMeasureError.overlappingPrefixes("2", "23")) { try VariableMeasureLayout(rules: [a, b]) }
        #expect(throws: VariableMeasureError.noRules) { try VariableMeasureLayout(rules: []) }
    }

    @Test func storeProfilesNameAPresetOrListRules() throws {
        func profile(_ variableMeasure: String) throws -> StoreProfile {
            let json = """
                {"name": {"en": "S"}, "address": [], "currency": {"code": "CNY", "minorDigits": 2},
                 "taxRates": [{"code": "A", "basisPoints": 1300, "label": "13%"}], "variableMeasure": \(variableMeasure)}
                """
            return try JSONDecoder().decode(StoreProfile.self, from: Data(json.utf8))
        }
        #expect(try profile("\"uk\"").variableMeasure == .uk)
        let custom = try profile("""
            {"rules": [{"prefix": "2", "itemDigits": 6, "measure": "weight", "valueDigits": 5}]}
            """).variableMeasure
        #expect(custom.rules.count == 1)
        #expect(custom.rules[0].measure == .weight)
        #expect(throws: DecodingError.self) { try profile("\"xx\"") }
        #expect(throws: DecodingError.self) {
            try profile(#"{"rules": [{"prefix": "2", "itemDigits": 7, "measure": "weight", "valueDigits": 5}]}"#)
        }
        // A profile without the setting keeps the old layout; one with a preset encodes it back by name.
        let old = try JSONDecoder().decode(StoreProfile.self, from: JSONEncoder().encode(Fixture.store))
        #expect(old.variableMeasure == .default)
        let encoded = String(decoding: try JSONEncoder().encode(try profile("\"de\"")), as: UTF8.self)
        #expect(encoded.contains(#""variableMeasure":"de""#))
    }

    @Test func theCatalogListsWeighedItemsByTheLayoutsKey() throws {
        let store = StoreProfile(name: LocalizedName(en: "S"), address: [], currency: cny, taxRates: Fixture.rates,
                                 variableMeasure: .de)
        let csv = CatalogCSV(store: store)
        let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n"
        let key = gtin("280456000000").displayForm
        let notKey = try #require(VariableMeasureLayout.de.code(key: gtin("280456000000"), value: 10))
        let result = try csv.read(header + "\(key),Cheese,,19.90,,A,,,embedded-price\n\(notKey),Ham,,9.90,,A,,,embedded-price\n")
        #expect(result.items.map(\.gtin.displayForm) == [key])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("weight digits 00000") == true)
    }
}
