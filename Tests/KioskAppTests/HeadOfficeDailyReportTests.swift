import Foundation
import GRDB
import KioskTestSupport
import Testing

/// The issue's "done when": the daily report of what head office collected equals the sum of the
/// lanes' own journals, to the cent, per tax rate and per tender. Two real demo lanes of one store
/// sell varied baskets (three VAT rates, a weighed item, a member, a coupon, card and wallet
/// payments, a cancelled cart that is no sale); kiosk-hq collects them and reports the day.
@Suite(.serialized) struct HeadOfficeDailyReportTests {
    let rig = HeadOfficeCollectTests()

    /// What a lane's own tables say about its sales on one UTC day.
    struct Figures: Equatable, CustomStringConvertible {
        var sales: Int64 = 0
        var gross: Int64 = 0
        /// "code/basisPoints" → (gross, tax)
        var taxes: [String: [Int64]] = [:]
        /// tender → (count, amount)
        var tenders: [String: [Int64]] = [:]

        mutating func add(_ other: Figures) {
            sales += other.sales
            gross += other.gross
            taxes.merge(other.taxes) { zip($0, $1).map(+) }
            tenders.merge(other.tenders) { zip($0, $1).map(+) }
        }

        var description: String { "\(sales) sales, gross \(gross), taxes \(taxes.sorted { $0.key < $1.key }), tenders \(tenders.sorted { $0.key < $1.key })" }
    }

    /// The lane's journal, read directly (sqlite), per UTC day of the sales.
    func laneFigures(_ state: URL) throws -> [String: Figures] {
        var configuration = Configuration()
        configuration.readonly = true
        let db = try DatabaseQueue(path: state.appendingPathComponent("journal.sqlite").path, configuration: configuration)
        return try db.read { db in
            var days: [String: Figures] = [:]
            let day = "strftime('%Y-%m-%d', s.completed_at / 1000, 'unixepoch')"
            for row in try Row.fetchAll(db, sql: "SELECT \(day) AS day, count(*) AS n, sum(total) AS gross FROM sale s GROUP BY day") {
                days[row["day"], default: Figures()].sales += row["n"]
                days[row["day"], default: Figures()].gross += row["gross"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT \(day) AS day, t.tax_code || '/' || t.basis_points AS rate, sum(t.gross) AS gross, sum(t.tax) AS tax
                FROM sale_tax t JOIN sale s ON s.id = t.sale_id GROUP BY day, rate
                """) {
                days[row["day"], default: Figures()].taxes[row["rate"]] = [row["gross"], row["tax"]]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT \(day) AS day, p.tender AS tender, count(*) AS n, sum(p.amount) AS amount
                FROM sale_payment p JOIN sale s ON s.id = p.sale_id GROUP BY day, tender
                """) {
                days[row["day"], default: Figures()].tenders[row["tender"]] = [row["n"], row["amount"]]
            }
            return days
        }
    }

    /// The figures of one lane (or of the store, `lane` nil) in kiosk-hq's JSON daily report.
    func reported(_ report: [String: Any], lane: String?) throws -> Figures {
        let rows = try #require((lane == nil ? report["stores"] : report["lanes"]) as? [[String: Any]])
        guard let row = rows.first(where: { $0["lane"] as? String == lane }) else { return Figures() }
        var figures = Figures(sales: (row["sales"] as? NSNumber)?.int64Value ?? -1, gross: (row["gross"] as? NSNumber)?.int64Value ?? -1)
        for tax in row["taxes"] as? [[String: Any]] ?? [] {
            figures.taxes["\(tax["code"] as? String ?? "?")/\(tax["basisPoints"] as? Int ?? -1)"] =
                [(tax["gross"] as? NSNumber)?.int64Value ?? -1, (tax["tax"] as? NSNumber)?.int64Value ?? -1]
        }
        for tender in row["tenders"] as? [[String: Any]] ?? [] {
            figures.tenders[tender["tender"] as? String ?? "?"] =
                [(tender["count"] as? NSNumber)?.int64Value ?? -1, (tender["amount"] as? NSNumber)?.int64Value ?? -1]
        }
        return figures
    }

    @Test func theDailyReportEqualsTheLanesOwnJournalsToTheCent() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let url = try await PostgresCluster.shared().makeDatabase("daily")
            let lanes = [try await rig.start("L01", in: folder, pki: pki), try await rig.start("L02", in: folder, pki: pki)]
            defer { for lane in lanes where lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            let demo = try await lanes[0].api.get("/api/demo/items")
            let items = try #require(JSONSerialization.jsonObject(with: Data(demo.text.utf8)) as? [[String: Any]])
            func code(_ hint: String?) throws -> String {
                try #require(items.first { ($0["hint"] as? String) == hint }?["code"] as? String, "no demo item \(String(describing: hint))")
            }
            let plain = try code(nil)
            // 0%, 9% and 13% VAT: a vegetable, a weighed item, a yogurt.
            let mixed = ["6907674936533", try code("weighed"), "6927744942066", plain]

            // L01: a card sale with three rates; a member's sale with the coupon, paid by a wallet code.
            try await rig.buy(lanes[0].api, items: mixed)
            for scanned in [try code("member"), try code("coupon")] + Array(repeating: "6927744942066", count: 2) {
                #expect(try await lanes[0].api.scan(scanned).status == 200)
            }
            #expect(try await lanes[0].api.scan(try code("wallet")).status == 200)
            _ = try await lanes[0].api.waitForState { ($0["phase"] as? String) == "receipt" }
            #expect(try await lanes[0].api.post("/api/finish").status == 200)
            // L02: a sale (and, below, a cart the shopper cancelled: no sale, not in the report).
            try await rig.buy(lanes[1].api, items: ["6927744942066", "6927744942066", "6907674936533"])

            #expect(try await rig.hq(["migrate", "--database", url], folder).status == 0)
            for lane in lanes {
                let added = try await rig.hq(["lanes", "add", lane.id, "--database", url, "--store", "S1", "--time-zone", "UTC",
                                              "--public-key", try rig.publicKey(lane, folder), "--address", lane.sync,
                                              "--token-file", folder.appendingPathComponent("\(lane.id).token").path,
                                              "--ca-file", pki.certificate("ca")], folder)
                #expect(added.status == 0, "\(added.output)")
            }
            let collected = try await rig.hq(["collect", "--once", "--database", url], folder)
            #expect(collected.status == 0, "\(collected.output)")

            // The coupon L01 redeemed is pushed to every lane: L02 refuses it from now on.
            let coupons = try await rig.hq(["push", "redeemed-coupons", "--database", url], folder)
            #expect(coupons.status == 0 && coupons.output.contains("L01\tok\t1 coupons") && coupons.output.contains("L02\tok\t1 coupons"),
                    "\(coupons.output)")
            let refused = try await lanes[1].api.scan(try code("coupon"))
            #expect(refused.status != 200 && refused.text.contains("coupon-already-redeemed"), "\(refused.text)")
            #expect(try await lanes[1].api.scan(plain).status == 200)
            #expect(try await lanes[1].api.post("/api/cancel").status == 200)
            #expect(try await rig.hq(["collect", "--once", "--database", url], folder).status == 0)

            // Per day the lanes sold on (one, unless the test ran across midnight UTC).
            let journals = try lanes.map { try laneFigures($0.state) }
            let days = Set(journals.flatMap(\.keys)).sorted()
            #expect(!days.isEmpty)
            for day in days {
                let output = try await rig.hq(["report", "daily", "--date", day, "--format", "json", "--database", url], folder)
                #expect(output.status == 0, "\(output.output)")
                let report = try #require(try JSONSerialization.jsonObject(with: Data(output.output.utf8)) as? [String: Any])
                var store = Figures()
                for (lane, journal) in zip(lanes, journals) {
                    let own = journal[day] ?? Figures()
                    #expect(try reported(report, lane: lane.id) == own, "\(lane.id) on \(day)")
                    store.add(own)
                }
                #expect(try reported(report, lane: nil) == store, "store S1 on \(day)")
                if day == days.last {
                    #expect(store.taxes.count == 3 && store.tenders.count == 2, "three rates, card and wallet: \(store)")
                    #expect(store.sales == 3)
                }
            }
        }
    }
}
