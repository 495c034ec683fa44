import Foundation

/// A calendar day as a store names it, with no time zone of its own: the day a report covers.
/// Each lane's sales are placed on its store's calendar by the lane's time zone.
public struct ReportDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// "2026-12-06" and nothing else: another layout or a day the calendar lacks (2026-02-30) is refused.
    public init(_ text: String) throws(ReportProblem) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]), let day = Self.number(bytes[8..<10]),
              year >= 1, (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day)
        else { throw .badDate(text) }
        self.init(checkedYear: year, month: month, day: day)
    }

    /// The store's day at `instant`, in its time zone.
    public init(_ instant: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(checkedYear: parts.year!, month: parts.month!, day: parts.day!)
    }

    private init(checkedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The default day of a report: yesterday in each store reported on, the earliest of them.
    /// It is the newest day that is over everywhere, so a report run in the morning never shows a
    /// day still going on in a store further west. Nil without any time zone.
    public static func newestEndedDay(at now: Date, in zones: [TimeZone]) -> ReportDate? {
        zones.map { ReportDate(now, in: $0).dayBefore }.min()
    }

    public var dayBefore: ReportDate {
        if day > 1 { return ReportDate(checkedYear: year, month: month, day: day - 1) }
        if month > 1 { return ReportDate(checkedYear: year, month: month - 1, day: Self.days(inMonth: month - 1, of: year)) }
        return ReportDate(checkedYear: year - 1, month: 12, day: 31)
    }

    public var description: String {
        ReportArithmetic.zeroPadded(year, 4) + "-" + ReportArithmetic.zeroPadded(month, 2) + "-" + ReportArithmetic.zeroPadded(day, 2)
    }

    public static func < (a: ReportDate, b: ReportDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try ReportDate(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
