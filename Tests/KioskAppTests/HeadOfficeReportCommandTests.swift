import Foundation
import KioskTestSupport
import Testing

/// `kiosk-hq report ...` as a user runs it: the real binary against a real PostgreSQL holding
/// `HeadOfficeSalesFixture`'s sales.
@Suite struct HeadOfficeReportCommandTests {
    static var hq: URL { KioskProcess.binary.deletingLastPathComponent().appendingPathComponent("kiosk-hq") }

    @Test func everyReportInEveryFormatAndBadOptionsRefusedWithTheirCode() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = try await cluster.makeDatabase("hqreport")
        let name = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
        let migrated = try runTool(Self.hq, ["migrate", "--database", url], mergingErrors: true)
        #expect(migrated.status == 0, "\(migrated.output)")
        try await cluster.psql(database: name, HeadOfficeSalesFixture.sql)
        func report(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try runTool(Self.hq, ["report"] + arguments + ["--database", url], mergingErrors: true)
        }
        let day = ["--date", HeadOfficeSalesFixture.day]

        let csv = try report(["daily"] + day + ["--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.output.hasPrefix("level,store,lane,currency,figure,key,basis_points,count,amount,tax\r\n"))
        #expect(csv.output.contains("total,,,CNY,sales,,,3,44.61,\r\n") && csv.output.contains("total,,,USD,sales,,,2,9.69,\r\n"))
        #expect(csv.output.contains("store,sh-01,,CNY,tax,A,1300,,36.61,4.22\r\n"))

        let json = try report(["daily"] + day + ["--format", "json", "--store", "ny-01"])
        #expect(json.status == 0 && json.output.contains("\"gross\" : 969") && !json.output.contains("sh-01"))

        let hourly = try report(["hourly"] + day)
        #expect(hourly.status == 0 && hourly.output.contains("Hours of store sh-01 (CNY)"))
        #expect(hourly.output.split(separator: "\n").contains { $0.hasPrefix("23:00-24:00") && $0.hasSuffix("14.31") })

        let items = try report(["items"] + day + ["--format", "html", "--limit", "3"])
        #expect(items.status == 0 && items.output.contains("<svg") && items.output.contains("面包"))
        #expect(items.output.contains("Coffee &lt;script&gt;alert(1)&lt;/script&gt;") && !items.output.contains("<script"))

        let baskets = try report(["baskets"] + day + ["--store", "sh-01"])
        #expect(baskets.status == 0 && baskets.output.contains("66.67%"))

        let coupons = try report(["coupons"] + day)
        #expect(coupons.status == 0)
        #expect(coupons.output.split(separator: "\n").filter { $0.contains("double-redemption") }.map { String($0.prefix(11)) }
                == ["C-2026-0001", "C-OLD      "])

        for (arguments, code) in [(["daily", "--date", "2026-02-30"], "bad-date"), (["daily", "--date", "yesterday"], "bad-date"),
                                  (["daily", "--store", "xx-99"], "unknown-store"), (["daily", "--store", "a b"], "bad-store"),
                                  (["items", "--limit", "0"], "bad-limit")] {
            let refused = try report(arguments)
            #expect(refused.status != 0 && refused.output.contains(code), "\(arguments): \(refused.output)")
        }
        let badFormat = try report(["daily", "--format", "xml"])
        #expect(badFormat.status != 0 && badFormat.output.contains("xml"))
    }
}
