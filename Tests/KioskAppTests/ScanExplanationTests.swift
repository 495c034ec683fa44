import Peripherals
import Retail
import Testing
@testable import KioskApp

@Suite struct GS1ScanTests {
    func plainItem(_ item: CatalogItem) -> Bool { item.pricing == .unit && item.minimumAge == nil }

    @Test func gs1DataMatrixAndDigitalLinkPutTheItemInTheCart() async throws {
        let lane = try TestLane()
        let item = try #require(lane.setup.catalog.items.first(where: plainItem))
        let dataMatrix = "]d201\(item.gtin.digits)17261231\u{1D}10LOT7"
        #expect(await lane.runtime.scan(ScannedCode(data: dataMatrix, source: "test")) == .accepted)
        let link = "https://id.gs1.org/01/\(item.gtin.digits)/10/LOT7?17=261231"
        #expect(await lane.runtime.scan(ScannedCode(data: link, source: "test")) == .accepted)
        #expect(await lane.runtime.state.lines.map(\.quantity) == [2])
    }

    @Test func aWeighedItemTakesItsPriceFromAI392() async throws {
        let lane = try TestLane()
        let weighed = try #require(lane.setup.catalog.items.first { $0.pricing == .embeddedPrice })
        // 0.532 kg (AI 3103) for ¥6.45 (AI 3922): a price needs its measure.
        #expect(await lane.runtime.scan(ScannedCode(data: "]C101\(weighed.gtin.digits)310300053239220645", source: "test")) == .accepted)
        #expect(await lane.runtime.state.lines.first?.embeddedPrice?.minorUnits == 645)
        // Without a price the weighed item cannot be sold.
        let noPrice = await lane.runtime.scan(ScannedCode(data: "]C101\(weighed.gtin.digits)", source: "test"))
        guard case .refused("unreadable-code", _) = noPrice else { Issue.record("got \(noPrice)"); return }
    }

    @Test func aBrokenGS1CodeSaysWhatAndWhere() async throws {
        let lane = try TestLane()
        let outcome = await lane.runtime.scan(ScannedCode(data: "]C10109506000134352" + "17261331", source: "test"))
        #expect(outcome == .refused(code: "unreadable-code", message: "AI 17: month 13 at position 24"))
        // The bracketed form is for typed input, not for scanners.
        let bracketed = await lane.runtime.scan(ScannedCode(data: "(01)09506000134352", source: "test"))
        #expect(bracketed == .refused(code: "unreadable-code",
                                      message: "bracketed AIs from a scanner (the form is for typed input) at position 1"))
    }

    @Test func explainShowsTheAIsAndTheCatalogName() throws {
        let lane = try TestLane()
        let item = try #require(lane.setup.catalog.items.first(where: plainItem))
        let explained = ScanExplanation("]d201\(item.gtin.digits)17260100", currency: lane.setup.profile.currency,
                                        catalog: lane.setup.catalog)
        #expect(explained.kind == "gs1-item")
        #expect(explained.catalogName == item.name.en)
        #expect(explained.elements?.map(\.ai) == ["01", "17"])
        #expect(explained.text.contains("end of month"))

        let bad = ScanExplanation("4006381333932", currency: lane.setup.profile.currency, catalog: lane.setup.catalog)
        #expect(!bad.understood)
        #expect(bad.error == "GTIN (AI 01): check digit is 2, expected 1 at position 13")
        #expect(bad.rule == "lint:csum" && bad.ai == "01" && bad.position == 13)
        #expect(bad.text.contains("rule: lint:csum, AI 01, position 13"))
    }

    @Test func explainNamesTheRuleAStoreRelaxed() throws {
        let relaxed = ScanInterpreter(currency: Currency(code: "CNY", minorDigits: 2), relaxations: GS1Relaxations(bracketedFromScanner: true))
        let explained = ScanExplanation("(01)09506000134352", interpreter: relaxed, catalog: nil)
        #expect(explained.kind == "gs1-item")
        #expect(explained.relaxed == "bracketedFromScanner: carrier:brackets-typed-only at position 1")
        #expect(explained.text.contains("relaxed by the store: bracketedFromScanner"))
        let strict = ScanExplanation("(01)09506000134352", interpreter: relaxed.strict, catalog: nil)
        #expect(strict.relaxed == nil && strict.rule == "carrier:brackets-typed-only" && strict.position == 1)
    }
}
