import KioskTestSupport
import Testing
import Retail

@Suite struct ScanTests {
    let scanner = ScanInterpreter(currency: cny)

    @Test(arguments: ["4006381333931", "]E04006381333931", "4006381333931\r\n", "]E04006381333931\n", "04006381333931"])
    func readsAnEAN13WithOrWithoutAIMPrefix(raw: String) throws {
        #expect(try scanner.interpret(raw) == .item(GTIN("4006381333931")))
    }

    @Test func readsEAN8AndUPCA() throws {
        #expect(try scanner.interpret("]E496385074") == .item(GTIN("96385074")))
        #expect(try scanner.interpret("036000291452") == .item(GTIN("0036000291452")))
    }

    @Test func priceEmbeddedCodeGivesKeyAndPrice() throws {
        // 21 00001 01234 2: item reference 00001, price 12.34; the catalog key has price digits 00000.
        let meaning = try scanner.interpret("]E02100001012342")
        #expect(meaning == .embeddedPrice(key: try GTIN("2100001000004"), price: Fixture.yuan("12.34")))
    }

    @Test func prefix02IsPriceEmbeddedToo() throws {
        #expect(try scanner.interpret("0212345012345") ==
                .embeddedPrice(key: try GTIN("0212345000007"), price: Fixture.yuan("12.34")))
    }

    @Test func priceEmbeddedCodeSentAsUPCAReadsTheSame() throws {
        // A scanner set to send UPC-A as 12 digits drops the leading 0 of "0212345012345".
        #expect(try scanner.interpret("212345012345") ==
                .embeddedPrice(key: try GTIN("0212345000007"), price: Fixture.yuan("12.34")))
    }

    @Test func zeroPriceDigitsGiveZeroAmount() throws {
        #expect(try scanner.interpret("2100001000004") ==
                .embeddedPrice(key: try GTIN("2100001000004"), price: Fixture.yuan("0")))
    }

    @Test func memberCard() throws {
        #expect(try scanner.interpret("]E00412345678903") == .memberCard("0412345678903"))
        // Same card, sent as UPC-A: same member number.
        #expect(try scanner.interpret("412345678903") == .memberCard("0412345678903"))
    }

    @Test func otherPrefixesAreItems() throws {
        // 03 and 05 are ordinary GS1 prefixes, not in-store ranges.
        #expect(try scanner.interpret("0312345678906") == .item(GTIN("0312345678906")))
        #expect(try scanner.interpret("5012345678900") == .item(GTIN("5012345678900")))
    }

    @Test func rejectsJunk() throws {
        #expect(throws: ScanError.empty) { try scanner.interpret("") }
        #expect(throws: ScanError.empty) { try scanner.interpret("\r\n") }
        #expect(throws: ScanError.badGTIN(.empty, digits: 0)) { try scanner.interpret("]E0") }
        #expect(throws: ScanError.badGTIN(.wrongLength(3), digits: 3)) { try scanner.interpret("123") }
        #expect(throws: ScanError.badGTIN(.wrongCheckDigit(expected: 1, found: 2), digits: 13)) { try scanner.interpret("4006381333932") }
        #expect(throws: ScanError.badGTIN(.wrongCheckDigit(expected: 2, found: 3), digits: 13)) { try scanner.interpret("2100001012343") }
        #expect(throws: ScanError.tooLong(513)) { try scanner.interpret(String(repeating: "1", count: 513)) }
        // A GS1 Digital Link may live on any host; a web link without a product is not an item.
        #expect(try scanner.interpret("https://example.com/01/04006381333931") == .gs1Item(gtin: try GTIN("4006381333931"), price: nil))
        #expect(throws: ScanError.unsupported("a web link, not a product code")) { try scanner.interpret("https://example.com/about") }
        #expect(throws: ScanError.self) { try scanner.interpret("hello") }
        #expect(throws: ScanError.self) { try scanner.interpret("4006381333931 ") }
    }
}
