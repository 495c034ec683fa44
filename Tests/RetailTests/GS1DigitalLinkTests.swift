import KioskTestSupport
import Testing
import Retail

@Suite struct GS1DigitalLinkTests {
    @Test func pathQualifiersAndQueryAttributes() throws {
        let link = try GS1DigitalLink.parse("https://id.gs1.org/01/09506000134352/10/ABC%2F123/21/12345?17=211231")
        #expect(link.host == "id.gs1.org")
        #expect(link.pathPrefix == "")
        #expect(link.elements.map(\.description) == ["(01)09506000134352", "(10)ABC/123", "(21)12345", "(17)211231"])
        #expect(link.elements.map(\.position) == [20, 38, 51, 60])
        #expect(link.elements.map(\.context) == ["path segment 01", "path segment 10", "path segment 21", "query parameter 17"])
        #expect(link.gtin == gtin("0950600013435"))
        #expect(link.expiry == GS1Date(yy: 21, month: 12, day: 31))
    }

    @Test func pathPrefixMeasuresAndOtherParameters() throws {
        let link = try GS1DigitalLink.parse(
            "https://shop.example.com/shop/products/01/09506000134352?3103=000500&3922=1234&linktype=gs1%3Apip&x")
        #expect(link.pathPrefix == "/shop/products")
        #expect(link.elements.map(\.ai) == ["01", "3103", "3922"])
        #expect(link.netWeightKg == GS1Decimal(units: 500, decimals: 3))
        #expect(link.price?.money(cny) == Fixture.yuan("12.34"))
        #expect(link.otherParameters.map(\.name) == ["linktype", "x"])
        #expect(link.otherParameters.first?.value == "gs1:pip")
    }

    @Test(arguments: [
        "https://id.gs1.org/01/9506000134352",  // GTIN-13
        "https://id.gs1.org/01/614141123452",   // GTIN-12 (UPC-A)
        "https://id.gs1.org/01/95060002",       // GTIN-8
    ])
    func shortGTINsAreRefused(url: String) throws {
        // The current Digital Link URI syntax writes every GTIN in the path with 14 digits.
        #expect(throws: GS1Error.self) { try GS1DigitalLink.parse(url) }
    }

    @Test(arguments: [
        "https://example.com/00/106141411234567897",
        "https://example.com/414/9506000000008/254/DOOR-1",
        "https://example.com/8006/095060001343520102/10/ABC",
        "https://example.com/8013/1987654Ad4X4bL5ttr2310c2K",
        "https://example.com/253/9506000000008ABC",
        "https://example.com/401/9506000XYZ",
        "https://example.com/8004/9506000ASSET",
        "https://example.com/01/09506000134352/22/V1/10/A/21/B",
        "https://example.com/01/09506000134352/235/TPX",
        "HTTPS://ID.GS1.ORG/01/09506000134352",
        "http://localhost:8080/01/09506000134352#top",
        "]Q1https://id.gs1.org/01/09506000134352?15=261200",
        "https://example.com/01/09506000134352/10/ABC?17=261231&3103=000500&3922=1234&422=156",
        "https://example.com/01/09506000134352?linktype=%zz&&context=x=y",
    ])
    func validLinks(url: String) throws {
        let link = try GS1DigitalLink.parse(url)
        #expect(!link.elements.isEmpty)
    }

    @Test func shortNamesMapToAIs() throws {
        // Only where the store relaxed the rule: the current standard withdrew them.
        let link = try GS1DigitalLink.parse("https://example.com/gtin/09506000134352/lot/ABC?exp=261231", shortNames: true)
        #expect(link.elements.map(\.ai) == ["01", "10", "17"])
        #expect(throws: GS1Error(.shortName("gtin"), ai: "01", position: 21, context: "path segment gtin")) {
            try GS1DigitalLink.parse("https://example.com/gtin/09506000134352")
        }
    }

    @Test(arguments: [
        ("https://id.gs1.org/01/09506000134353", "AI 01: check digit 3 should be 2 at position 36 in path segment 01"),
        ("https://id.gs1.org/01/09506000134352?17=211331", "AI 17: month 13 at position 43 in query parameter 17"),
        ("https://id.gs1.org/01/09506000134352?89=1", "unknown AI 89 at position 38 in query parameter 89"),
        ("https://id.gs1.org/01/09506000134352?21=123",
         "AI 21 is not allowed as a Digital Link query attribute at position 38 in query parameter 21"),
        ("https://id.gs1.org/01/09506000134352?17=", "AI 17 has no data at position 38 in query parameter 17"),
        ("https://id.gs1.org/01/09506000134352/21/1/10/A",
         "AI 10 is out of order after AI 21 (order: 22, 10, 21 or 235) at position 43 in path segment 10"),
        ("https://id.gs1.org/01/09506000134352/17/261231",
         "AI 17 is not a qualifier of AI 01 (allowed: 22, 10, 21 or 235) at position 38 in path segment 17"),
        ("https://id.gs1.org/00/106141411234567897/10/X",
         "AI 10 is not a qualifier of AI 00, which takes none at position 42 in path segment 10"),
        ("https://id.gs1.org/01/09506000134352/10/AB%2", "bad percent-encoding at position 43 in path segment 10"),
        ("https://id.gs1.org/01/09506000134352/10/AB%20C",
         "AI 10: \" \" is not in GS1 character set 82 at position 43 in path segment 10"),
        ("https://id.gs1.org/01/09506000134352/10/ABC?10=ABD",
         "AI 10 is a qualifier of AI 01 and belongs in the path at position 45 in query parameter 10"),
        ("https://id.gs1.org/01/09506000134352?3922=1234",
         "AI 3922 requires AI 01 with 30, 01 with 31nn, 01 with 32nn, 01 with 35nn or 01 with 36nn at position 38 in query parameter 3922"),
        ("https://id.gs1.org/01/09506000134352?02=09506000134352",
         "AI 02 cannot be used with AI 01 at position 38 in query parameter 02"),
        ("https://id.gs1.org/01/09506000134", "AI 01 too short (11 < 14) at position 23 in path segment 01"),
        ("https://id.gs1.org/01/0950600013435", "AI 01 too short (13 < 14) at position 23 in path segment 01"),
        ("https://id.gs1.org/89/123", "unknown AI 89 at position 20 in path segment 89"),
        ("https://example.com/products/123", "no GS1 primary key (such as /01/{gtin}) in the path at position 20"),
        ("https://example.com", "no GS1 primary key (such as /01/{gtin}) in the path at position 19"),
        ("ftp://example.com/01/09506000134352", "not an http:// or https:// URL at position 1"),
        ("https:///01/09506000134352", "no host at position 9"),
        ("https://exämple.com/01/09506000134352", "\"ä\" is not allowed in a host name at position 11"),
        ("https://example.com/商品/01/09506000134353",
         "AI 01: check digit 3 should be 2 at position 40 in path segment 01"),
        ("", "no data at position 1"),
    ])
    func errors(url: String, expected: String) {
        #expect(throws: GS1Error.self) { try GS1DigitalLink.parse(url) }
        do { _ = try GS1DigitalLink.parse(url) } catch { #expect(error.description == expected, "\(url)") }
    }

    @Test func sameElementsAsTheElementString() throws {
        let link = try GS1DigitalLink.parse("https://id.gs1.org/01/09506000134352/10/ABC?3103=000500&3922=1234&17=261200")
        let scanned = try GS1ElementString.parse("]d2" + "0109506000134352" + "3103000500" + "17261200" + "39221234\u{1D}10ABC")
        #expect(Set(link.elements.map(\.description)) == Set(scanned.elements.map(\.description)))
        #expect(Set(link.elements.map(\.meaning)) == Set(scanned.elements.map(\.meaning)))
    }
}
