/// The month partitions of `event` (by `at`, milliseconds since the epoch, UTC months): pure.
public enum EventPartitions {
    public struct Month: Hashable, Sendable, Comparable {
        public let year: Int
        public let month: Int

        /// `event_y2026m12`.
        public var table: String { "event_y\(year)m\(month < 10 ? "0" : "")\(month)" }
        /// The first millisecond of the month, and the first of the next.
        public var from: Int64 { EventPartitions.milliseconds(year: year, month: month) }
        public var to: Int64 { month == 12 ? EventPartitions.milliseconds(year: year + 1, month: 1) : EventPartitions.milliseconds(year: year, month: month + 1) }

        public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
    }

    static let dayMilliseconds: Int64 = 86_400_000
    /// From 1970-01 to 9999-12: a time outside is a lane clock no partition name can hold.
    static let range: Range<Int64> = 0..<253_402_300_800_000

    /// The month holding `at`, or nil outside 1970-9999.
    public static func month(of at: Int64) -> Month? {
        guard range.contains(at) else { return nil }
        // Howard Hinnant's civil-from-days, for days since 1970-01-01.
        let z = at / dayMilliseconds + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return Month(year: Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), month: Int(month))
    }

    /// The months a set of event times needs, oldest first.
    public static func months(of times: some Sequence<Int64>) -> [Month] {
        Set(times.compactMap(month(of:))).sorted()
    }

    /// Days-from-civil: the first millisecond of a month.
    static func milliseconds(year: Int, month: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = y / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return (era * 146_097 + dayOfEra - 719_468) * dayMilliseconds
    }

    /// The statement that makes a month's partition (nothing when it exists).
    static func createStatement(_ month: Month) -> String {
        "CREATE TABLE IF NOT EXISTS \(month.table) PARTITION OF event FOR VALUES FROM (\(month.from)) TO (\(month.to))"
    }
}
