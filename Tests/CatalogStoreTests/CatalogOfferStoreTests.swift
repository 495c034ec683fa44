@testable import CatalogStore
import Foundation
import KioskTestSupport
import Retail
import Testing

/// Version files keep the promotions of the optional `offer` and `group` columns.
@Suite struct CatalogOfferStoreTests {
    @Test func offersAndGroupsSurviveImportAndLookup() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let offers = ["3@10.00", "15%", "0.50off", "", "2@7.00"]
        var text = CatalogFixture.header + ",offer,group\n"
        for n in 0..<2000 {
            let offer = offers[n % offers.count]
            let group = offer.contains("@") && n % 3 == 0 ? "g\(n % 4)" : ""
            text += "\(CatalogFixture.code(n)),Item \(n),,4.00,,\(n % 2 == 0 ? "A" : "B"),,,,\(offer),\(group)\n"
        }
        let expected = try CatalogFixture.format.read(text)
        #expect(expected.errors.count == 0, "\(expected.errors.prefix(3))")
        #expect(expected.items.count == 2000)
        #expect(expected.items.contains { $0.group != nil } && expected.items.contains { $0.offer == .percentOff(15) })

        let store = try CatalogStore(directory: dir.path)
        var options = CatalogImportOptions()
        options.chunkBytes = 4096
        options.buildCacheKiB = 2048
        try store.importCSV(file: CatalogFixture.write(text, in: dir), format: CatalogFixture.format, options: options)
        for item in expected.items {
            let stored = try store.item(for: item.gtin)
            #expect(stored == item)
            if stored != item { break }
        }
        let grdb = try CatalogGRDBLookup(directory: dir.path)
        let sample = try #require(expected.items.first { $0.group != nil })
        #expect(try grdb.item(for: sample.gtin) == sample)
    }
}
