import Foundation
@testable import HeadOffice
import Testing

@Suite struct ReportArithmeticTests {
    @Test(arguments: [(5, 2, 2), (7, 2, 4), (-5, 2, -2), (-7, 2, -4), (4461, 3, 1487), (2, 3, 1), (1, 3, 0), (0, 7, 0), (969, 2, 484)])
    func halfToEven(numerator: Int64, denominator: Int64, expected: Int64) {
        #expect(ReportArithmetic.dividedHalfEven(numerator, by: denominator) == expected)
    }

    @Test func sharesAndPercentages() {
        #expect(ReportArithmetic.basisPoints(2, of: 3) == 6667)
        #expect(ReportArithmetic.basisPoints(1, of: 0) == 0)
        #expect(ReportArithmetic.percentText(basisPoints: 1300) == "13.00%")
        #expect(ReportArithmetic.percentText(basisPoints: 5) == "0.05%")
        #expect(ReportArithmetic.percentText(basisPoints: 10_000) == "100.00%")
    }

    @Test(arguments: ["2024-02-29", "2026-12-06", "0001-01-01", "9999-12-31"])
    func daysThatExistAreRead(text: String) throws {
        #expect(try ReportDate(text).description == text)
    }

    @Test(arguments: ["2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-12-00", "2026-2-01", "2026-12-06T00:00",
                      "20261206", "", "0000-01-01", "２０２６-12-06", "2026-12-6 ", "-026-12-06"])
    func anythingElseIsRefused(text: String) {
        #expect(throws: ReportProblem.badDate(text)) { try ReportDate(text) }
    }

    @Test func dayBeforeAndTheNewestDayOverEverywhere() throws {
        #expect(try ReportDate("2026-03-01").dayBefore.description == "2026-02-28")
        #expect(try ReportDate("2024-03-01").dayBefore.description == "2024-02-29")
        #expect(try ReportDate("2027-01-01").dayBefore.description == "2026-12-31")
        // 2026-12-07 03:00 UTC: the 7th in Shanghai, still the 6th in New York.
        let now = Date(timeIntervalSince1970: 1_796_612_400)
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!, newYork = TimeZone(identifier: "America/New_York")!
        #expect(ReportDate.newestEndedDay(at: now, in: [shanghai])?.description == "2026-12-06")
        #expect(ReportDate.newestEndedDay(at: now, in: [shanghai, newYork])?.description == "2026-12-05")
        #expect(ReportDate.newestEndedDay(at: now, in: []) == nil)
    }
}
