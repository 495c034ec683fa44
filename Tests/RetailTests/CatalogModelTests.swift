import Foundation
import KioskTestSupport
import Testing
import Retail

@Suite struct MultiBuyTests {
    @Test(arguments: [("3for2", 3, 2), ("2for1", 2, 1), ("10FOR7", 10, 7), ("4For3", 4, 3)])
    func parses(text: String, quantity: Int, payFor: Int) throws {
        let offer = try #require(MultiBuy(text))
        #expect(offer.quantity == quantity)
        #expect(offer.payFor == payFor)
        #expect(offer.description == "\(quantity)for\(payFor)")
    }

    @Test(arguments: ["", "3", "for2", "3for", "2for3", "3for3", "1for0", "3for0", "3x2", "3 for 2", "3for2for1", "-3for2",
                      "101for100", "threefortwo"])
    func rejects(text: String) {
        #expect(MultiBuy(text) == nil)
    }

    @Test func decodingChecksLimits() throws {
        let good = try JSONDecoder().decode(MultiBuy.self, from: Data(#"{"quantity":3,"payFor":2}"#.utf8))
        #expect(good == MultiBuy(quantity: 3, payFor: 2))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MultiBuy.self, from: Data(#"{"quantity":2,"payFor":5}"#.utf8))
        }
    }
}

@Suite struct GTINCodingTests {
    @Test func roundTripsInTheSynthesizedShape() throws {
        let gtin = try GTIN("4006381333931")
        let json = try JSONEncoder().encode(gtin)
        #expect(String(decoding: json, as: UTF8.self) == #"{"digits":"04006381333931"}"#)
        #expect(try JSONDecoder().decode(GTIN.self, from: json) == gtin)
    }

    @Test func decodingRefusesABadCheckDigit() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(GTIN.self, from: Data(#"{"digits":"04006381333932"}"#.utf8))
        }
    }
}

@Suite struct CatalogTests {
    @Test func looksUpByGTINInAnyForm() throws {
        let upc = CatalogItem(gtin: try GTIN("036000291452"), name: LocalizedName(en: "Tissues"),
                              price: Fixture.yuan("9.90"), taxCode: "A")
        let catalog = Catalog(items: [upc, Fixture.item("690123456789", price: "3.50")])
        #expect(catalog.count == 2)
        #expect(catalog.item(for: try GTIN("0036000291452"))?.name.en == "Tissues")
        #expect(catalog.item(for: gtin("690123456789"))?.price == Fixture.yuan("3.50"))
        #expect(catalog.item(for: try GTIN("4006381333931")) == nil)
    }

    @Test func firstOfTwoItemsWithOneGTINWins() {
        let first = Fixture.item("690123456789", price: "1.00")
        let second = Fixture.item("690123456789", price: "2.00")
        let catalog = Catalog(items: [first, second])
        #expect(catalog.count == 1)
        #expect(catalog.items == [first])
        #expect(catalog.item(for: first.gtin)?.price == Fixture.yuan("1.00"))
    }
}
