import KioskTestSupport
import Testing
@testable import Retail

/// Scan data exactly as strict as GS1's rules (issue 17): linters from the syntax dictionary,
/// carrier rules, Digital Link URI syntax, 393n, composites, and the store's relaxations.
@Suite struct GS1StrictnessTests {
    let scanner = ScanInterpreter(currency: cny)
    let gs = "\u{1D}"
    let item = ScanMeaning.gs1Item(gtin: try! GTIN("09506000134352"), price: nil)

    func refusal(_ code: String, typed: Bool = false, _ interpreter: ScanInterpreter? = nil) -> (rule: String, ai: String?, position: Int)? {
        do { _ = try (interpreter ?? scanner).interpret(code, typed: typed) } catch { return error.refusal }
        return nil
    }

    @Test func linterRulesFromTheDictionary() {
        // Company prefix (gcppos1): fewer than 4 digits at the start of 401/8004/8010.
        #expect(refusal("]C1401123A")?.rule == "lint:gcppos1")
        #expect(refusal("]C18004AB12345")?.rule == "lint:gcppos1")
        // A withdrawn ISO 4217 code (HRK 191) in 393n; an unassigned one in 391n's place.
        #expect(refusal("]C10109506000134352310200125039321911999")?.rule == "lint:iso4217")
        // hasnondigit (8014), yesno (4321), iso3166alpha2 (4307).
        #expect((try? GS1ElementString.parse("]C1401" + "1234ABC"))?.elements[0].ai == "401")
        #expect(throws: GS1Error.self) { try GS1ElementString.parse("]C100106141411234567897" + "43212") }
        #expect(throws: GS1Error.self) { try GS1ElementString.parse("]C100106141411234567897" + "4307XX") }
        #expect((try? GS1ElementString.parse("]C100106141411234567897" + "4307DE"))?.elements.count == 2)
    }

    @Test(arguments: GS1Linter.allCases)
    func everyLinterRefusesSomethingAndNamesItself(linter: GS1Linter) {
        // One bad value per linter, checked directly: the rule code in the error is the linter's name.
        let bad: [GS1Linter: String] = [
            .csum: "12", .csumalpha: "1234AA", .gcppos1: "12", .gcppos2: "012", .yymmd0: "261301", .yymmdd: "261200",
            .yyyymmd0: "20261301", .yyyymmdd: "20250229", .hh: "24", .mi: "60", .ss: "60", .hhmi: "2360",
            .iso4217: "191", .iso3166: "000", .iso3166999: "998", .iso3166alpha2: "XX", .iso5218: "3",
            .pieceoftotal: "0201", .zero: "1", .nozeroprefix: "01", .nonzero: "000", .hasnondigit: "123", .yesno: "2",
            .hyphen: "+", .winding: "2", .latitude: "1800000001", .longitude: "3600000001", .iban: "GB82WEST12345698765433",
            .importeridx: "%", .mediatype: "11", .packagetype: "QQQ", .pcenc: "a%2", .posinseqslash: "3/2",
            .couponcode: "0", .couponposoffer: "0",
        ]
        let value = Array(bad[linter]!.utf8)
        #expect(throws: (any Error).self, "\(linter)") { try linter.check(value[...]) }
    }

    @Test func goodValuesPassTheirLinters() throws {
        let good: [(GS1Linter, String)] = [
            (.iban, "GB82WEST12345698765432"), (.yyyymmdd, "20240229"), (.yymmd0, "261200"), (.posinseqslash, "2/3"),
            (.pieceoftotal, "0102"), (.importeridx, "_"), (.mediatype, "80"), (.packagetype, "1A"), (.hhmi, "2359"),
            (.iso3166999, "999"), (.csumalpha, "1987654Ad4X4bL5ttr2310c2K"),
        ]
        for (linter, value) in good { try linter.check(Array(value.utf8)[...]) }
    }

    @Test func gtinsOnlyFromCarriersThatMayCarryThem() throws {
        #expect(try scanner.interpret("]E09506000134352") == .item(GTIN("9506000134352")))
        #expect(try scanner.interpret("]E496385074") == .item(GTIN("96385074")))
        #expect(try scanner.interpret("]I109506000134352") == .item(GTIN("09506000134352")))
        for symbology in ["]C0", "]A0", "]F0", "]X0"] {
            #expect(refusal(symbology + "9506000134352")! == ("carrier:gtin-symbology", "01", 1), "\(symbology)")
        }
        #expect(refusal("]E095060001")! == ("carrier:length", "01", 4))
        #expect(refusal("]I19506000134352")?.rule == "carrier:length")
        // Wallet codes are not GTINs: any symbology may carry them.
        #expect(throws: Never.self) { try scanner.interpret("]C0134567890123456789") }
    }

    @Test func gs1SymbolsAreReadAsTransmitted() {
        #expect(refusal("]C1" + gs + "0109506000134352")! == ("carrier:leading-gs", nil, 4))
        #expect(refusal("]C1(01)09506000134352")! == ("carrier:brackets-in-symbol", nil, 4))
        #expect(refusal("(01)09506000134352")! == ("carrier:brackets-typed-only", nil, 1))
        #expect(refusal("(01)09506000134352", typed: true) == nil)
        #expect(refusal("0109506000134352" + "10AB" + gs + "17261231")! == ("carrier:symbology-identifier", nil, 1))
    }

    @Test func theStoreMayRelaxARuleAndExplainSaysWhich() throws {
        let relaxed = ScanInterpreter(currency: cny, relaxations: GS1Relaxations(
            elementStringsWithoutIdentifier: true, bracketedFromScanner: true, digitalLinkShortNames: true))
        #expect(try relaxed.interpret("(01)09506000134352") == item)
        #expect(try relaxed.interpret("0109506000134352" + "10AB" + gs + "17261231") == item)
        #expect(try relaxed.interpret("https://id.gs1.org/gtin/09506000134352") == item)
        #expect(relaxed.strict.relaxations == .none)
        #expect(GS1Relaxations.setting(relaxing: .bracketsFromScanner) == "bracketedFromScanner")
        // Never relaxed: brackets inside a scanned GS1 symbol.
        #expect(refusal("]C1(01)09506000134352", relaxed)?.rule == "carrier:brackets-in-symbol")
    }

    @Test func digitalLinkAsTheCurrentStandardWritesIt() throws {
        let base = "https://id.gs1.org/01/09506000134352"
        #expect(try scanner.interpret("HTTPS://ID.GS1.ORG/01/09506000134352") == item)
        #expect(try scanner.interpret("]J0" + base) == item)
        #expect(refusal(base + "/")?.rule == "digital-link:trailing-slash")
        #expect(refusal("https://id.gs1.org/01/9506000134352")?.rule == "format:length")
        #expect(refusal("https://id.gs1.org/gtin/09506000134352")! == ("digital-link:short-name", "01", 20))
        #expect(refusal(base + "?10=ABC")! == ("digital-link:qualifier-in-query", "10", 38))
        #expect(refusal(base + "?17=261231&17=261231")! == ("digital-link:repeated-attribute", "17", 48))
        // "+" in a query value is a space, which set 82 does not allow.
        #expect(refusal(base + "?3103=000500&240=A+B")! == ("format:X (cset82)", "240", 55))
        #expect(try scanner.interpret(base + "?240=A%2BB") == item)
    }

    @Test func pricesWithACurrency() throws {
        let code = "]C10109506000134352" + "3102001250" + "3932"
        #expect(try scanner.interpret(code + "156" + "1999") == .gs1Item(gtin: GTIN("09506000134352"), price: yuan(1999)))
        #expect(refusal(code + "978" + "1999")! == ("lane:currency", "3932", 34))
        #expect(try scanner.interpret("]C10109506000134352" + "3102001250" + "3922" + "1999")
            == .gs1Item(gtin: GTIN("09506000134352"), price: yuan(1999)))
    }

    @Test func compositeCodesAreReadTogether() throws {
        #expect(try scanner.interpret("]E09506000134352|]e010ABC" + gs + "17261231") == item)
        let data = try #require(try scanner.gs1Data("]E09506000134352|]e017261231"))
        #expect(data.elements.map(\.description) == ["(01)09506000134352", "(17)261231"])
        #expect(data.elements[1].position == 21)
        // Pairing rules span both parts: 10 needs the linear part's GTIN, and finds it.
        #expect(refusal("]E09506000134352|]e017261331")! == ("lint:yymmd0", "17", 25))
        #expect(refusal("]C0ABC|]e010ABC") != nil)
        // A GS1 DataBar linear part with its own element string; the pairing rule (10 needs an
        // item) is judged over both parts, so an SSCC with a batch is refused.
        #expect(try scanner.interpret("]e00109506000134352|]e010ABC") == item)
        #expect(refusal("]C100106141411234567897|]e010ABC")! == ("pairing:req", "10", 28))
    }

    @Test func refusalsOfPlainDigitsAndMissingAI01HaveAPosition() {
        #expect(refusal("9506000134353")! == ("lint:csum", "01", 13))
        #expect(refusal("123456789012345")! == ("format:length", "01", 1))
        #expect(refusal("]C100106141411234567897")! == ("lane:needs-ai", "01", 4))
        #expect(ScanError.digitCount(15).description.contains("at position 1"))
    }
}
