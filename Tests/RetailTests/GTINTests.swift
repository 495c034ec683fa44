import Testing
import Retail

@Suite struct GTINTests {
    @Test(arguments: [
        ("4006381333931", "04006381333931"),  // EAN-13
        ("036000291452", "00036000291452"),   // UPC-A
        ("96385074", "00000096385074"),       // EAN-8
        ("10012345678902", "10012345678902"), // GTIN-14
    ])
    func acceptsValidCodes(code: String, normalised: String) throws {
        #expect(try GTIN(code).digits == normalised)
    }

    @Test func checkDigitsOfKnownCodes() {
        #expect(GTIN.checkDigit(of: [4, 0, 0, 6, 3, 8, 1, 3, 3, 3, 9, 3]) == 1)
        #expect(GTIN.checkDigit(of: [0, 3, 6, 0, 0, 0, 2, 9, 1, 4, 5]) == 2)
        #expect(GTIN.checkDigit(of: [9, 6, 3, 8, 5, 0, 7]) == 4)
        #expect(GTIN.appendingCheckDigit("629104150021") == "6291041500213")
    }

    @Test func upcAAndEAN13FormsAreOneKey() throws {
        #expect(try GTIN("036000291452") == GTIN("0036000291452"))
        #expect(try GTIN("036000291452").displayForm == "0036000291452")
        #expect(try GTIN("96385074").displayForm == "96385074")
        #expect(try GTIN("4006381333931").displayForm == "4006381333931")
    }

    @Test func rejectsWrongCheckDigit() {
        #expect(throws: GTINError.wrongCheckDigit(expected: 1, found: 2)) { try GTIN("4006381333932") }
        #expect(throws: GTINError.wrongCheckDigit(expected: 4, found: 5)) { try GTIN("96385075") }
    }

    @Test(arguments: [("1234567", 7), ("12345678901", 11), ("123456789012345", 15), ("1", 1)])
    func rejectsWrongLength(code: String, length: Int) {
        #expect(throws: GTINError.wrongLength(length)) { try GTIN(code) }
    }

    @Test func reportsFirstNonDigitPosition() {
        #expect(throws: GTINError.notADigit(position: 5)) { try GTIN("4006X81333931") }
        #expect(throws: GTINError.notADigit(position: 1)) { try GTIN(" 4006381333931") }
        #expect(throws: GTINError.notADigit(position: 14)) { try GTIN("4006381333931\n") }
        #expect(throws: GTINError.empty) { try GTIN("") }
    }

    @Test(arguments: [
        ("01234505", "012000003455"), ("01234514", "012100003454"), ("01234523", "012200003453"),
        ("01234531", "012300000451"), ("01234543", "012340000053"), ("01234558", "012345000058"),
        ("01234565", "012345000065"), ("01234572", "012345000072"), ("01234589", "012345000089"),
        ("01234596", "012345000096"), ("04252614", "042100005264"), ("16543214", "165100004324"),
    ])
    func expandsUPCE(upcE: String, upcA: String) throws {
        #expect(try GTIN.expandingUPCE(upcE) == GTIN(upcA))
    }

    @Test func upcERejects() {
        #expect(throws: GTINError.notUPCE) { try GTIN.expandingUPCE("21234565") }
        #expect(throws: GTINError.wrongLength(7)) { try GTIN.expandingUPCE("0123456") }
        #expect(throws: GTINError.wrongCheckDigit(expected: 5, found: 4)) { try GTIN.expandingUPCE("01234564") }
        #expect(throws: GTINError.notADigit(position: 3)) { try GTIN.expandingUPCE("01-34565") }
    }

    @Test func sortsByDigits() throws {
        let codes = try ["4006381333931", "96385074", "036000291452"].map { try GTIN($0) }
        #expect(codes.sorted().map(\.displayForm) == ["96385074", "0036000291452", "4006381333931"])
    }
}
