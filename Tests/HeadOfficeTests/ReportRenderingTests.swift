import Foundation
@testable import HeadOffice
@testable import Retail
import Testing

/// The renderers, on report values made here (no database): each format's promises, and the
/// attacks a lane's text can carry (an item name or a coupon id is whatever the lane stored).
@Suite struct ReportRenderingTests {
    static let cny = Currency(code: "CNY", minorDigits: 2)
    static let scope = ReportScope(date: try! ReportDate("2026-12-06"), store: nil)
    static let hostile = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "=HYPERLINK(\"evil.example\",\"x\")",
                          "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTAB", "plain, with a comma", "line\nbreak", "红富士苹果"]

    static func items(_ names: [String]) -> ItemsReport {
        let items = names.enumerated().map { index, name in
            ItemsReport.Item(rank: index + 1, gtin: "690123456789\(index % 10)", name: name, quantity: Int64(10 - index),
                             currency: cny, amount: Int64(12_345 - index * 1000), sales: 3)
        }
        return ItemsReport(scope: scope, limit: names.count, byQuantity: items, byAmount: items)
    }

    static func daily() -> DailyReport {
        func row(_ kind: DailyReport.Row.Kind, _ lane: String, _ key: String = "", bp: Int = 0, count: Int64 = 0, amount: Int64 = 0,
                 tax: Int64 = 0) -> DailyReport.Row {
            DailyReport.Row(kind: kind, store: "sh-01", lane: lane, currency: cny, key: key, basisPoints: bp, count: count, amount: amount, tax: tax)
        }
        return DailyReport(scope: scope, rows: [
            row(.sales, "a", count: 2, amount: 3001), row(.tax, "a", "A", bp: 1300, count: 2, amount: 3001, tax: 345),
            row(.tender, "a", "<b>card</b>", count: 2, amount: 3001), row(.discount, "a", "=promo", count: 1, amount: 100),
            row(.coupons, "a", count: 1, amount: 50), row(.sales, "b", count: 1, amount: 999),
            row(.tender, "b", "cash", count: 1, amount: 999), row(.idle, "c"),
        ])
    }

    @Test func theDailyReportSumsLanesIntoStoresAndTheChain() {
        let report = Self.daily()
        #expect(report.lanes.map(\.lane) == ["a", "b"])
        // 3001 / 2 = 1500.5 -> 1500 (half to even); 4000 / 3 = 1333.33 -> 1333.
        #expect(report.lanes[0].averageBasket == 1500)
        #expect(report.stores.map { [$0.sales, $0.gross, $0.averageBasket] } == [[3, 4000, 1333]])
        #expect(report.stores[0].tenders.map(\.tender) == ["<b>card</b>", "cash"])
        #expect(report.totals.count == 1 && report.totals[0].store == nil && report.totals[0].gross == 4000)
        #expect(report.idleLanes == [DailyReport.IdleLane(store: "sh-01", lane: "c")])
    }

    @Test func csvIsRFC4180AndParsesBackWithFormulasDefused() throws {
        let csv = try ReportFormat.csv.render(Self.items(Self.hostile))
        #expect(csv.hasSuffix("\r\n"))
        var tokenizer = CSVTokenizer()
        let records = try (tokenizer.feed(Array(csv.utf8)) + tokenizer.finish()).map { try $0.get().fields }
        let header = try #require(records.first)
        #expect(header == ["ranking", "rank", "gtin", "name", "quantity", "amount", "currency", "sales"])
        #expect(records.count == 1 + 2 * Self.hostile.count && records.allSatisfy { $0.count == header.count })
        let names = records.dropFirst().prefix(Self.hostile.count).map { $0[3] }
        #expect(names == Self.hostile.map { ["=", "+", "-", "@", "\t"].contains($0.first!) ? "'" + $0 : $0 })
        #expect(records[1][5] == "123.45" && records[1][6] == "CNY")
        // A number stays a number, negative or not; text that only starts like one does not.
        #expect(CSVRenderer.field("-1.50") == "-1.50" && CSVRenderer.field("-1+1") == "'-1+1" && CSVRenderer.field("-") == "'-")
        #expect(CSVRenderer.field("a\"b") == "\"a\"\"b\"")
    }

    @Test func jsonDecodesBackWithAmountsInMinorUnitsBesideTheirCurrency() throws {
        let daily = Self.daily()
        let json = try ReportFormat.json.render(daily)
        #expect(try JSONDecoder().decode(DailyReport.self, from: Data(json.utf8)) == daily)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let store = try #require((object["stores"] as? [[String: Any]])?.first)
        #expect(store["gross"] as? Int == 4000)
        #expect((store["currency"] as? [String: Any])?["code"] as? String == "CNY")
        #expect((object["scope"] as? [String: Any])?["date"] as? String == "2026-12-06")
        let items = Self.items(Self.hostile)
        #expect(try JSONDecoder().decode(ItemsReport.self, from: Data(try ReportFormat.json.render(items).utf8)) == items)
    }

    @Test func htmlIsOneSelfContainedPageWithEveryLaneValueEscaped() throws {
        let pages = [try ReportFormat.html.render(Self.items(Self.hostile)), try ReportFormat.html.render(Self.daily())]
        for page in pages {
            #expect(page.hasPrefix("<!DOCTYPE html>"))
            #expect(page.contains("<svg") && page.contains("<rect class=\"bar\""))
            #expect(page.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""))
            // Nothing from data became markup, and nothing is fetched from anywhere: no tag but the page's own,
            // no tag with a source, a link or an event handler.
            #expect(Set(Self.tagNames(page)) == ["!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "p", "main",
                                                  "section", "h2", "svg", "g", "rect", "text", "div", "table", "thead", "tbody", "tr",
                                                  "th", "td"])
            #expect(!Self.tags(page).contains { $0.contains("src=") || $0.contains("href=") || $0.contains(" on") })
            #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("url(") && !page.contains("@import"))
        }
        #expect(pages[0].contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(pages[0].contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(pages[0].contains("红富士苹果"))
        #expect(pages[1].contains("&lt;b&gt;card&lt;/b&gt;"))
    }

    /// The page's tags, "<...>" as written (the style sheet holds no "<").
    static func tags(_ page: String) -> [Substring] {
        page.split(separator: "<", omittingEmptySubsequences: false).dropFirst().compactMap { $0.split(separator: ">", maxSplits: 1, omittingEmptySubsequences: false).first }
    }

    static func tagNames(_ page: String) -> [String] {
        tags(page).compactMap { tag in tag.hasPrefix("/") ? nil : String(tag.prefix { $0 != " " && $0 != "/" }) }
    }

    @Test func theHourlyPageDrawsABarForEveryHourOfEachStore() throws {
        let hours = (0..<24).map { HourlyReport.Hour(hour: $0, sales: Int64($0 % 5), gross: Int64($0) * 100) }
        let report = HourlyReport(scope: Self.scope, stores: [
            .init(store: "sh-01", currency: Self.cny, hours: hours), .init(store: "sh-02", currency: Self.cny, hours: hours)])
        let page = try ReportFormat.html.render(report)
        #expect(page.components(separatedBy: "<rect class=\"bar\"").count - 1 == 48)
        #expect(page.components(separatedBy: "<svg").count - 1 == 2)
        let table = try ReportFormat.table.render(report)
        #expect(table.contains("23:00-24:00") && table.contains("Hours of store sh-02 (CNY)"))
    }

    @Test func theTerminalTableAlignsChineseByDisplayWidthAndNeutralisesControls() throws {
        let text = try ReportFormat.table.render(Self.items(["红富士苹果", "Bagel", "牛奶 Milk", "\u{1B}[2J\u{1B}]0;pwned\u{07}", "\u{202E}gnp.exe"]))
        #expect(!text.unicodeScalars.contains { [0x1B, 0x07, 0x202E].contains($0.value) })
        #expect(text.contains("\u{FFFD}[2J"))
        // The last column is a number, right-aligned: every line of a table is as wide as its header.
        let lines = text.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("Rank") })
        let table = lines[start..<(start + 7)]
        #expect(Set(table.map { displayWidth($0) }).count == 1, "\(table)")
    }
}
