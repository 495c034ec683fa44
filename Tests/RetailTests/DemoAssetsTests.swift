import Foundation
import KioskTestSupport
import Testing
import Retail

/// The demo store and catalog in assets/demo must stay loadable: the kiosk's demo mode uses them.
@Suite struct DemoAssetsTests {
    static let demo = repositoryRoot.appendingPathComponent("assets/demo")

    func store() throws -> StoreProfile {
        let data = try Data(contentsOf: Self.demo.appendingPathComponent("store.json"))
        return try JSONDecoder().decode(StoreProfile.self, from: data)
    }

    @Test func storeDecodesAndValidates() throws {
        let store = try store()
        try store.validate()
        #expect(store.currency == Currency(code: "CNY", minorDigits: 2))
        #expect(store.taxRates.map(\.code) == ["A", "B", "Z"])
        #expect(store.taxRates.map(\.basisPoints) == [1300, 900, 0])
        #expect(store.name.zh?.isEmpty == false)
        #expect(!store.address.isEmpty)
        #expect(store.receiptFooter?.zh?.isEmpty == false)
    }

    @Test func catalogImportsCleanly() throws {
        let store = try store()
        let bytes = try Data(contentsOf: Self.demo.appendingPathComponent("catalog.csv"))
        let result = try CatalogCSV(store: store).read(bytes)
        #expect(result.errors.isEmpty, "\(result.errors.map(\.description).joined(separator: "\n"))")
        let items = result.items
        #expect(items.count >= 190)
        #expect(items.allSatisfy { $0.name.zh?.isEmpty == false })
        #expect(items.filter { $0.pricing == .embeddedPrice }.count >= 6)
        #expect(items.filter { $0.minimumAge != nil }.count >= 6)
        #expect(items.filter { $0.multiBuy != nil }.count >= 5)
        #expect(items.filter { $0.memberPrice != nil }.count >= 8)
        for code in ["A", "B", "Z"] {
            #expect(items.contains { $0.taxCode == code }, "no item uses tax code \(code)")
        }
        #expect(items.contains { $0.name.en.contains(",") }, "the demo should exercise quoted fields")
    }

    @Test func weighedItemsResolveFromAScaleLabel() throws {
        let store = try store()
        let bytes = try Data(contentsOf: Self.demo.appendingPathComponent("catalog.csv"))
        let catalog = Catalog(items: try CatalogCSV(store: store).read(bytes).items)
        let weighed = try #require(catalog.items.first { $0.pricing == .embeddedPrice })
        // A scale label for this item at 12.34: same reference, price digits filled in.
        let label = GTIN.appendingCheckDigit(String(weighed.gtin.digits.dropFirst().prefix(7)) + "01234")
        let meaning = try ScanInterpreter(currency: store.currency).interpret(label)
        guard case .embeddedPrice(let key, let price) = meaning else {
            Issue.record("scale label \(label) read as \(meaning)")
            return
        }
        #expect(catalog.item(for: key) == weighed)
        #expect(price == Fixture.yuan("12.34"))
    }
}
