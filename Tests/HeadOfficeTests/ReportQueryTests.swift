import Foundation
@testable import HeadOffice
import KioskTestSupport
import Retail
import Testing

/// The reports read from PostgreSQL filled with `HeadOfficeSalesFixture`'s known sales; each
/// figure checked to the cent (the fixture works them out).
@Suite struct ReportQueryTests {
    let day = try! ReportDate(HeadOfficeSalesFixture.day)
    let cny = Currency(code: "CNY", minorDigits: 2)
    let usd = Currency(code: "USD", minorDigits: 2)

    func withSales<T: Sendable>(_ body: @Sendable (HeadOfficeReports) async throws -> T) async throws -> T {
        try await withHeadOfficeDatabase { db, cluster, url in
            try await cluster.psql(database: databaseName(url), HeadOfficeSalesFixture.sql)
            return try await body(HeadOfficeReports(db))
        }
    }

    @Test func dailyFiguresAreEachStoresOwnDayPerLaneStoreAndChain() async throws {
        let report = try await withSales { try await $0.daily(ReportScope(date: day, store: nil)) }
        #expect(report.lanes.map { [$0.store, $0.lane] } == [["ny-01", "ny-01-a"], ["sh-01", "sh-01-a"], ["sh-01", "sh-01-b"]])
        let (ny, shA, shB) = (report.lanes[0], report.lanes[1], report.lanes[2])

        // S1 only: S2 was the day before in Shanghai.
        #expect((shA.currency, shA.sales, shA.gross, shA.averageBasket) == (cny, 1, 1180, 1180))
        #expect(shA.taxes == [TaxFigure(code: "A", basisPoints: 1300, gross: 780, tax: 90), TaxFigure(code: "B", basisPoints: 900, gross: 400, tax: 33)])
        #expect(shA.tenders == [TenderFigure(tender: "card", count: 1, amount: 1180)])
        #expect(shA.discounts == [DiscountFigure(promotion: "apple-pair", count: 1, amount: 100),
                                  DiscountFigure(promotion: "coupon-welcome", count: 1, amount: 200)])
        #expect(shA.coupons == CouponFigure(redemptions: 1, amount: 200))

        // S3 (23:59:59) and S4; S5 is the 7th. 3281 / 2 = 1640.5: half to even, 1640.
        #expect((shB.sales, shB.gross, shB.averageBasket) == (2, 3281, 1640))
        #expect(shB.taxes == [TaxFigure(code: "A", basisPoints: 1300, gross: 2881, tax: 332), TaxFigure(code: "B", basisPoints: 900, gross: 400, tax: 33)])
        #expect(shB.tenders == [TenderFigure(tender: "alipay", count: 1, amount: 1850), TenderFigure(tender: "wechat", count: 1, amount: 1431)])
        #expect(shB.coupons == CouponFigure(redemptions: 2, amount: 299))

        // N1 (23:30 in New York, the 7th in UTC) and N3; N2 was the 5th there. 969 / 2 = 484.5: 484.
        #expect((ny.currency, ny.sales, ny.gross, ny.averageBasket) == (usd, 2, 969, 484))
        #expect(ny.taxes == [TaxFigure(code: "S", basisPoints: 800, gross: 969, tax: 72)])
        #expect(ny.tenders == [TenderFigure(tender: "card", count: 1, amount: 430), TenderFigure(tender: "cash", count: 1, amount: 539)])
        #expect(ny.discounts == [DiscountFigure(promotion: "coupon-old", count: 1, amount: 50)])

        // The store is the sum of its lanes: 4461 / 3 = 1487.
        let sh = try #require(report.stores.first { $0.store == "sh-01" })
        #expect(sh.lane == nil)
        #expect((sh.sales, sh.gross, sh.averageBasket) == (3, 4461, 1487))
        #expect(sh.taxes == [TaxFigure(code: "A", basisPoints: 1300, gross: 3661, tax: 422), TaxFigure(code: "B", basisPoints: 900, gross: 800, tax: 66)])
        #expect(sh.tenders.map(\.tender) == ["alipay", "card", "wechat"])
        #expect(sh.discounts == [DiscountFigure(promotion: "apple-pair", count: 1, amount: 100),
                                 DiscountFigure(promotion: "coupon-autumn", count: 1, amount: 100),
                                 DiscountFigure(promotion: "coupon-welcome", count: 2, amount: 399)])
        #expect(sh.coupons == CouponFigure(redemptions: 3, amount: 499))

        // The chain: one total per currency, never CNY and USD added together.
        #expect(report.totals.map(\.currency) == [cny, usd])
        #expect(report.totals.map(\.gross) == [4461, 969])
        #expect(report.totals.allSatisfy { $0.store == nil && $0.lane == nil })
        #expect(report.idleLanes == [DailyReport.IdleLane(store: "sh-01", lane: "sh-01-c")])
    }

    @Test func oneStoreAndADayWithoutSales() async throws {
        let (ny, empty) = try await withSales { reports in
            (try await reports.daily(ReportScope(date: day, store: "ny-01")),
             try await reports.daily(ReportScope(date: try ReportDate("2026-12-01"), store: "sh-01")))
        }
        #expect(ny.lanes.map(\.lane) == ["ny-01-a"] && ny.stores.map(\.gross) == [969] && ny.idleLanes.isEmpty)
        #expect(empty.lanes.isEmpty && empty.totals.isEmpty)
        #expect(empty.idleLanes.map(\.lane) == ["sh-01-a", "sh-01-b", "sh-01-c"])
    }

    @Test func hourlyPlacesEachSaleInItsStoresOwnHour() async throws {
        let report = try await withSales { try await $0.hourly(ReportScope(date: day, store: nil)) }
        #expect(report.stores.map(\.store) == ["ny-01", "sh-01"])
        for store in report.stores { #expect(store.hours.map(\.hour) == Array(0..<24)) }
        let busy = report.stores.map { $0.hours.filter { $0.sales > 0 }.map { [$0.hour, Int($0.sales), Int($0.gross)] } }
        #expect(busy[0] == [[9, 1, 539], [23, 1, 430]])
        #expect(busy[1] == [[0, 1, 1180], [10, 1, 1850], [23, 1, 1431]])
    }

    @Test func itemsRankByQuantityAndByAmountWithinACurrencyUnderTheNewestName() async throws {
        let report = try await withSales { try await $0.items(ReportScope(date: day, store: nil), limit: 2) }
        func rows(_ items: [ItemsReport.Item]) -> [String] {
            items.map { "\($0.currency.code) \($0.rank) \($0.gtin) \($0.name) \($0.quantity) \($0.amount) \($0.sales)" }
        }
        #expect(rows(report.byQuantity) == ["CNY 1 6903148044718 面包 4 2600 2", "CNY 2 6901234567892 红富士苹果 3 1500 2",
                                            "USD 1 0012345678905 Bagel 3 597 2", "USD 2 0012345678912 \(HeadOfficeSalesFixture.scriptName) 1 350 1"])
        #expect(rows(report.byAmount) == rows(report.byQuantity))
        let milk = try await withSales { try await $0.items(ReportScope(date: day, store: "sh-01"), limit: 3) }
        #expect(milk.byAmount.last.map { [$0.name, String($0.amount)] } == ["牛奶", "960"])
    }

    @Test func basketsCountPairsBoughtTogetherWithSupportAndConfidence() async throws {
        let (all, shanghai) = try await withSales { reports in
            (try await reports.baskets(ReportScope(date: day, store: nil), limit: 10),
             try await reports.baskets(ReportScope(date: day, store: "sh-01"), limit: 1))
        }
        #expect(all.sales == 5)
        #expect(all.pairs.map { "\($0.rank) \($0.first.gtin)+\($0.second.gtin) \($0.together)" } == [
            "1 6901234567892+6902538005141 2", "2 0012345678905+0012345678912 1",
            "3 6901234567892+6903148044718 1", "4 6902538005141+6903148044718 1"])
        let applesAndMilk = all.pairs[0]
        #expect((applesAndMilk.first.name, applesAndMilk.second.name) == ("红富士苹果", "牛奶"))
        #expect((applesAndMilk.supportBasisPoints, applesAndMilk.confidenceFirstToSecondBasisPoints) == (4000, 10000))
        let appleAndBread = all.pairs[2]
        #expect((appleAndBread.first.sales, appleAndBread.second.sales, appleAndBread.confidenceSecondToFirstBasisPoints) == (2, 2, 5000))
        // In Shanghai alone: 2 of 3 sales, 6666.67 basis points, rounded to 6667.
        #expect(shanghai.sales == 3 && shanghai.pairs.count == 1 && shanghai.pairs[0].supportBasisPoints == 6667)
        let none = try await withSales { try await $0.baskets(ReportScope(date: try ReportDate("2026-12-01"), store: nil), limit: 5) }
        #expect(none.sales == 0 && none.pairs.isEmpty)
    }

    @Test func aCouponRedeemedTwiceOnTwoLanesOrDaysIsFlagged() async throws {
        let (all, newYork) = try await withSales { reports in
            (try await reports.coupons(ReportScope(date: day, store: nil)), try await reports.coupons(ReportScope(date: day, store: "ny-01")))
        }
        #expect(all.coupons.map { "\($0.couponID) \($0.currency.code) \($0.redemptions) \($0.amount) \($0.redemptionsEverywhere) \($0.lanes) \($0.flag ?? "-")" } == [
            "C-2026-0001 CNY 2 399 2 [\"sh-01-a\", \"sh-01-b\"] double-redemption",
            "C-OLD USD 1 50 2 [\"ny-01-a\", \"sh-01-a\"] double-redemption",
            "C-2026-0002 CNY 1 100 1 [\"sh-01-b\"] -"])
        #expect(all.doubleRedeemed == ["C-2026-0001", "C-OLD"])
        // One store's report still sees the other store's redemption of the same coupon.
        #expect(newYork.coupons.map(\.couponID) == ["C-OLD"] && newYork.doubleRedeemed == ["C-OLD"])
    }

    @Test func theDefaultDayIsYesterdayInEveryStoreAndBadScopesAreRefused() async throws {
        // 2026-12-07 03:00 UTC: 11:00 on the 7th in Shanghai, 22:00 on the 6th in New York.
        let now = Date(timeIntervalSince1970: 1_796_612_400)
        let day = self.day
        let defaults = try await withSales { reports in
            [try await reports.scope(date: nil, store: "sh-01", now: now), try await reports.scope(date: nil, store: "ny-01", now: now),
             try await reports.scope(date: nil, store: nil, now: now), try await reports.scope(date: day, store: nil, now: now)]
        }
        #expect(defaults.map(\.date.description) == ["2026-12-06", "2026-12-05", "2026-12-05", "2026-12-06"])
        #expect(defaults.map(\.store) == ["sh-01", "ny-01", nil, nil])
        let refusals: [ReportProblem?] = try await withSales { reports in
            func refusal(_ attempt: () async throws -> Void) async -> ReportProblem? {
                do { try await attempt(); return nil } catch { return error as? ReportProblem }
            }
            return [await refusal { _ = try await reports.scope(date: day, store: "xx-99") },
                    await refusal { _ = try await reports.scope(date: day, store: "sh-01' OR '1'='1") },
                    await refusal { _ = try await reports.items(ReportScope(date: day, store: nil), limit: 0) },
                    await refusal { _ = try await reports.baskets(ReportScope(date: day, store: nil), limit: 1001) }]
        }
        #expect(refusals == [.unknownStore("xx-99"), .badStore("sh-01' OR '1'='1"), .badLimit(0), .badLimit(1001)])
        let empty = try await withHeadOfficeDatabase { db, _, _ in
            do { _ = try await HeadOfficeReports(db).scope(date: nil, store: nil); return nil as ReportProblem? } catch {
                return error as? ReportProblem
            }
        }
        #expect(empty == .noLanes)
    }
}
