import Checkout
import Logging
import Foundation
import KioskTestSupport
import Peripherals
import Retail
import Testing
@testable import KioskApp

/// Languages are files: the page's switch, the receipts' words and a third language come from
/// assets/l10n alone.
@Suite struct LanguageTests {
    static var l10n: URL { repositoryRoot.appendingPathComponent("assets/l10n") }

    @Test func thePageOffersEveryLanguageFileNamedInItself() throws {
        #expect(try LanguageRoutes.languages(in: Self.l10n)
                == [.init(tag: "en", name: "English"), .init(tag: "zh-Hans", name: "中文")])
    }

    /// JSON lets a key appear twice (the last wins): in a translation file that hides a text.
    @Test func noTranslationFileNamesAKeyTwice() throws {
        for tag in try Translations.languages(in: Self.l10n) {
            let text = try String(contentsOf: Self.l10n.appendingPathComponent(tag + ".json"), encoding: .utf8)
            let keys = text.split(separator: "\n").compactMap { line -> Substring? in
                let trimmed = line.drop { $0 == " " }
                guard trimmed.first == "\"", let end = trimmed.dropFirst().firstIndex(of: "\"") else { return nil }
                return trimmed[trimmed.index(after: trimmed.startIndex)..<end]
            }
            #expect(Dictionary(grouping: keys, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted() == [], "\(tag).json")
        }
    }

    /// A third language is a file dropped beside the others: the page lists it and receipts can
    /// print in it, with no code change.
    @Test func aThirdLanguageIsAddedByAddingItsFile() throws {
        let folder = try temporaryDirectory()
        for file in ["en.json", "zh-Hans.json"] {
            try FileManager.default.copyItem(at: Self.l10n.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        // The fixture language: English with every text marked, and its own name.
        var table = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: Self.l10n.appendingPathComponent("en.json")))
        for (key, text) in table { table[key] = "[xx] " + text }
        table["lang.name"] = "Testish"
        try JSONEncoder().encode(table).write(to: folder.appendingPathComponent("x-test.json"))
        // Not a language: a file whose name is not a tag.
        try Data("{}".utf8).write(to: folder.appendingPathComponent("read me.json"))

        #expect(try LanguageRoutes.languages(in: folder).map(\.tag) == ["en", "x-test", "zh-Hans"])
        #expect(try LanguageRoutes.languages(in: folder).first { $0.tag == "x-test" }?.name == "Testish")
        let words = try ReceiptWords(try Translations.load(["x-test"], from: folder), languages: ["x-test"])
        #expect(words.labels.total == "[xx] TOTAL")
    }

    @Test func aReceiptLanguageWithoutItsFileIsASetupError() throws {
        #expect(throws: KioskSetupError.self) { try Translations.load(["fr"], from: Self.l10n) }
        #expect(throws: KioskSetupError.self) { try Translations.load(["../en"], from: Self.l10n) }
        #expect(throws: KioskSetupError.self) {
            try KioskConfig.parse(Data(#"{"receiptLanguages": []}"#.utf8), source: "test")
        }
        #expect(throws: KioskSetupError.self) {
            try KioskConfig.parse(Data(#"{"receiptLanguages": ["en", "en"]}"#.utf8), source: "test")
        }
        #expect(try KioskConfig.parse(Data(#"{"receiptLanguages": ["zh-Hans", "en"]}"#.utf8), source: "test").receiptLanguages
                == ["zh-Hans", "en"])
    }

    /// A Chinese store's receipt: Chinese words (then English, as set), the same amounts.
    @Test func aChineseReceiptHasChineseLabelsAndTheSameTotals() async throws {
        let lane = try TestLane()
        #expect(await lane.runtime.scan(ScannedCode(data: try lane.code { $0.pricing == .unit && $0.minimumAge == nil }, source: "test")) == .accepted)
        #expect(await lane.runtime.scan(ScannedCode(data: try lane.code { $0.pricing == .unit && $0.minimumAge == nil }, source: "test")) == .accepted)
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let sale = try #require(try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }.lastSale)

        func composer(_ languages: [String]) throws -> ReceiptComposer {
            ReceiptComposer(store: lane.setup.profile, profile: .generic80mm, logo: nil, eReceiptBase: nil,
                            linkKey: ReceiptLinkKey(bytes: Array(repeating: 7, count: 32)),
                            words: try ReceiptWords(try Translations.load(languages, from: Self.l10n), languages: languages))
        }
        let english = try composer(["en"]).text(for: sale, integrityCode: "ABC")
        let chinese = try composer(["zh-Hans"]).text(for: sale, integrityCode: "ABC")
        let both = try composer(["zh-Hans", "en"]).text(for: sale, integrityCode: "ABC")

        #expect(english.contains("TOTAL") && english.contains("Subtotal"))
        #expect(chinese.contains("合计") && chinese.contains("小计") && chinese.contains("交易号"))
        #expect(!chinese.contains("TOTAL") && !chinese.contains("Subtotal"))
        #expect(both.contains("合计 / TOTAL") && both.contains("小计 / Subtotal"))
        // Every amount, in order, is the same whatever the language.
        func amounts(_ text: String) -> [String] {
            text.split(whereSeparator: \.isWhitespace).map(String.init).filter { $0.hasPrefix("¥") }
        }
        #expect(!amounts(english).isEmpty && amounts(chinese) == amounts(english) && amounts(both) == amounts(english))
        #expect(chinese.contains(sale.priced.total.description))
    }

    /// Item names in a third language come from a side file: the catalog and its store are untouched.
    @Test func itemNamesInAThirdLanguageComeFromASideFile() async throws {
        let folder = try temporaryDirectory()
        let probe = try TestLane()
        let item = try #require(probe.setup.catalog.items.first { $0.pricing == .unit && $0.minimumAge == nil && $0.multiBuy == nil })
        try Data("""
            gtin,name
            \(item.gtin.digits),"Article d'essai, français"
            12345,Pas un GTIN
            \(item.gtin.digits),Deux fois

            """.utf8).write(to: folder.appendingPathComponent("names.fr.csv"))
        let names = try CatalogNames.load(["fr": "names.fr.csv"], assets: folder, logger: Logger(label: "test"))
        #expect(names.names(for: item.gtin) == ["fr": "Article d'essai, français"], "the bad and the repeated rows are left out")
        #expect(throws: KioskSetupError.self) { try CatalogNames.load(["fr": "missing.csv"], assets: folder, logger: Logger(label: "test")) }

        let lane = try TestLane(catalogNames: names)
        #expect(await lane.runtime.scan(ScannedCode(data: item.gtin.displayForm, source: "test")) == .accepted)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(await lane.runtime.view())) as? [String: Any]
        let name = try #require((json?["lines"] as? [[String: Any]])?.first?["name"] as? [String: String])
        #expect(name["fr"] == "Article d'essai, français" && name["en"] == item.name.en && name["zh"] == item.name.zh)
    }
}
