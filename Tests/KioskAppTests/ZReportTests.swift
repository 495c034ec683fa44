import Checkout
import Foundation
import GRDB
import Journal
import KioskTestSupport
import Peripherals
import Retail
import Testing
@testable import KioskApp

/// The Z report against the journal: a day walked through the real lane, then every figure
/// checked against the journal's own sale tables (which the report does not read: it reads the
/// sale records and the events), to the cent.
@Suite struct ZReportTests {
    static let assets = repositoryRoot.appendingPathComponent("assets")

    func scan(_ lane: TestLane, _ gtin: String) async {
        #expect(await lane.runtime.scan(ScannedCode(data: gtin, source: "test")) == .accepted, "\(gtin)")
    }

    func pay(_ lane: TestLane) async throws -> CompletedSale {
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let state = try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }
        #expect(await lane.runtime.submit(.finish).succeeded)
        return try #require(state.lastSale)
    }

    @Test func aDayWalkedThroughTheLaneGivesAZReportEqualToTheJournal() async throws {
        let carrots = "6907674936533", broccoli = "6938615649854", spinach = "6902942849812"
        let strawberries = "6942260971871", enoki = "6947813758558"
        // Carrots alone (¥3.50) are declined: no other total of the day ends in 50 fen.
        let lane = try TestLane(rules: .init(approvalDelayMilliseconds: 0, declineWhenCentsAre: [50], noAnswerWhenCentsAre: []))
        let currency = lane.setup.profile.currency

        // 1. A declined payment, then the same shopper adds spinach and pays ¥8.00.
        await scan(lane, carrots)
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        _ = try await lane.waitFor { $0.phase == .shopping && $0.notice != nil }
        await scan(lane, spinach)
        let first = try await pay(lane)
        #expect(first.priced.total == Money(minorUnits: 800, currency: currency))

        // 2. A promotion (3 enoki for the price of 2) and a coupon.
        let now = Int64(Date().timeIntervalSince1970)
        let coupon = Coupon(id: "Z-DAY", value: .amountOff(Money(minorUnits: 100, currency: currency)), validFrom: now - 60, validUntil: now + 3600)
        for _ in 0..<3 { await scan(lane, enoki) }
        await scan(lane, try CouponSigner.demo(assets: Self.assets).sign(coupon))
        let second = try await pay(lane)
        #expect(second.priced.total == Money(minorUnits: 480, currency: currency))

        // 3. A void approved by staff, and the receipt lost to paper out, printed when paper is back.
        await scan(lane, broccoli)
        await scan(lane, strawberries)
        #expect(await lane.runtime.submit(.removeLine(id: 1)).succeeded)
        #expect(await lane.runtime.submit(.staffApproved(staffID: "1001")).succeeded)
        await lane.printer.setStatus(.paperOut)
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let missed = try await lane.waitFor { $0.phase == .receipt(saleID: $0.sessionID ?? "", printed: false) }
        #expect(await lane.runtime.submit(.finish).succeeded)
        await lane.printer.setStatus(.ready)
        await lane.runtime.reprintMissedReceipts()
        #expect(try lane.journal.missedReceiptCount() == 0)
        #expect(missed.lastSale?.priced.total == Money(minorUnits: 2990, currency: currency))

        // 4. A cancelled cart.
        await scan(lane, carrots)
        #expect(await lane.runtime.submit(.cancelRequested).succeeded)
        #expect(await lane.runtime.submit(.staffApproved(staffID: "1001")).succeeded)

        // 5. Staff reprint the last receipt, then print the Z report.
        let token = try await lane.runtime.openStaffMode(badge: "1001", pin: "1234")
        #expect(try await lane.runtime.printCopy(saleID: nil, token: token).result == "printed")
        let (z, printed) = try await lane.runtime.printZReport(token: token)
        #expect(printed == "printed")
        #expect(z.number == 1)

        // The figures against the journal's tables, over the report's own day.
        let range = try ReportDay(z.day).range
        let db = try DatabaseQueue(path: lane.directory.appendingPathComponent("journal.sqlite").path)
        try await db.read { db in
            let sales = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, SUM(total) AS total FROM sale WHERE completed_at >= ? AND completed_at < ?",
                                         arguments: [range.lowerBound, range.upperBound])!
            #expect(z.sales.count == sales["n"] as Int)
            #expect(z.sales.amount.minorUnits == sales["total"] as Int64)
            let inDay = "sale_id IN (SELECT id FROM sale WHERE completed_at >= \(range.lowerBound) AND completed_at < \(range.upperBound))"
            for row in try Row.fetchAll(db, sql: "SELECT tax_code, SUM(gross) AS gross, SUM(tax) AS tax FROM sale_tax WHERE \(inDay) GROUP BY tax_code") {
                let figure = try #require(z.taxes[row["tax_code"] as String])
                #expect(figure.gross.minorUnits == row["gross"] as Int64 && figure.tax.minorUnits == row["tax"] as Int64)
            }
            #expect(z.taxes.count == (try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT tax_code) FROM sale_tax WHERE \(inDay)") ?? 0))
            for row in try Row.fetchAll(db, sql: "SELECT tender, COUNT(*) AS n, SUM(amount) AS amount FROM sale_payment WHERE \(inDay) GROUP BY tender") {
                let tally = try #require(z.tenders[row["tender"] as String])
                #expect(tally.count == row["n"] as Int && tally.amount.minorUnits == row["amount"] as Int64)
            }
            let discounted = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM sale_discount WHERE \(inDay)") ?? 0
            let promotions = z.discounts.values.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
            #expect(promotions + z.coupons.amount.minorUnits == discounted)
            let cancelled = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM session s JOIN event e ON e.seq = s.ended_seq
                WHERE s.outcome = 'cancelled' AND e.at >= ? AND e.at < ?
                """, arguments: [range.lowerBound, range.upperBound]) ?? 0
            #expect(z.sessions["cancelled", default: 0] == cancelled)
        }

        // What the day held, when it did not straddle midnight (the usual case).
        let sameDay = try lane.journal.entries().allSatisfy { range.contains($0.at) }
        if sameDay {
            #expect(z.sales.count == 3 && z.sales.amount == Money(minorUnits: 800 + 480 + 2990, currency: currency))
            #expect(z.items == 2 + 3 + 1)
            #expect(z.discounts["3for2"]?.count == 1 && z.discounts["3for2"]?.amount == Money(minorUnits: 290, currency: currency))
            #expect(z.coupons.count == 1 && z.coupons.amount == Money(minorUnits: 100, currency: currency))
            #expect(z.voids.count == 1 && z.voids.amount == Money(minorUnits: 590, currency: currency))
            #expect(z.sessions == ["completed": 3, "cancelled": 1])
            #expect(z.refusals == ["payment-declined": 1])
            #expect(z.receipts == ["printed": 2, "missed": 1, "printed-late": 1, "copies": 1])
            #expect(z.staffActions == ["staff-approved": 2, "mode-opened": 1, "receipt-copy": 1])
            #expect(z.tenders.keys.sorted() == ["card"])
        }

        // Saved, numbered, in the journal: the figures as printed.
        guard case .admin(.zReport(let number, let day, let badge, let saved))? = try lane.journal.entries().last?.event else {
            Issue.record("the Z report is not the last journal entry"); return
        }
        #expect(number == 1 && day == z.day && badge == "1001" && saved == z.wire)
        let paper = try String(contentsOf: lane.directory.appendingPathComponent("receipts/z-report-1.txt"), encoding: .utf8)
        #expect(paper.contains("No. 1") && paper.contains(z.sales.amount.description))
        // The next one is number 2.
        #expect(try await lane.runtime.printZReport(token: token).report.number == 2)

        // The command line gives the same figures (unnumbered: it only previews).
        // Awaited, not waited for: a blocked thread of the cooperative pool would starve the other suites.
        let cli = try await run(KioskProcess.binary.path, ["report", "z", "--state-dir", lane.directory.path, "--date", z.day,
                                                           "--format", "json", "--assets", Self.assets.path], in: lane.directory)
        #expect(cli.status == 0, "\(cli.output)")
        guard case .object(var fromCLI) = try JSONValue.parse(cli.output.trimmingCharacters(in: .whitespacesAndNewlines)),
              case .object(var fromLane) = z.wire else { Issue.record("not JSON: \(cli.output)"); return }
        // The lane id comes from the settings (none here: the default lane id).
        for key in ["number", "lane"] { fromCLI[key] = nil; fromLane[key] = nil }
        #expect(fromCLI == fromLane)
    }

    @Test(arguments: ["2026-02-30", "2026-2-3", "yesterday", "2026-12-07T00:00", ""])
    func aDayThatIsNotADateIsRefused(_ text: String) {
        #expect(throws: ReportDayError.self) { try ReportDay(text) }
    }

    @Test func aDayIsTwentyFourHoursOfItsTimeZoneExceptAcrossDaylightSaving() throws {
        let utc = try ReportDay("2026-03-14", timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.range == 1_773_446_400_000..<1_773_532_800_000)
        let shanghai = try ReportDay("2026-03-14", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(shanghai.range.lowerBound == utc.range.lowerBound - 8 * 3_600_000)
        // Berlin springs forward on 29 March 2026: that day has 23 hours.
        let berlin = try ReportDay("2026-03-29", timeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(berlin.range.upperBound - berlin.range.lowerBound == 23 * 3_600_000)
    }
}
