import PostgresNIO
import Retail

/// Sales and gross per hour of each store's day, in its lanes' time zone: the flow a store
/// staffs its lanes by. Every hour is listed, quiet ones as zero. On the day clocks go back, the
/// repeated hour's sales are counted in it once; on the day they go forward, the skipped hour is
/// zero.
public struct HourlyReport: Codable, Hashable, Sendable {
    public let scope: ReportScope
    /// One per store and currency, by store.
    public let stores: [StoreHours]

    public struct StoreHours: Codable, Hashable, Sendable {
        public let store: String
        public let currency: Currency
        /// 24 entries, hour 0 to 23.
        public let hours: [Hour]
    }

    public struct Hour: Codable, Hashable, Sendable {
        public let hour: Int
        public let sales: Int64
        public let gross: Int64
    }
}

extension HeadOfficeReports {
    public func hourly(_ scope: ReportScope) async throws -> HourlyReport {
        let rows = try await rows(ReportSQL.query("""
            SELECT store, currency, minor_digits::int2, extract(hour FROM local_time)::int4, count(*)::int8, sum(total)::int8
            FROM scope GROUP BY 1, 2, 3, 4
            """, scope), as: (String, String, Int16, Int32, Int64, Int64).self)
        struct Key: Hashable { let store: String, currency: Currency }
        var hours: [Key: [Int: HourlyReport.Hour]] = [:]
        for (store, code, digits, hour, sales, gross) in rows {
            hours[Key(store: store, currency: Currency(code: code, minorDigits: digits)), default: [:]][Int(hour)] =
                HourlyReport.Hour(hour: Int(hour), sales: sales, gross: gross)
        }
        let stores = hours.map { key, byHour in
            HourlyReport.StoreHours(store: key.store, currency: key.currency,
                                    hours: (0..<24).map { byHour[$0] ?? HourlyReport.Hour(hour: $0, sales: 0, gross: 0) })
        }
        return HourlyReport(scope: scope, stores: stores.sorted { ($0.store, $0.currency.code) < ($1.store, $1.currency.code) })
    }
}
