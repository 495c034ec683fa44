/// One validated AI with its data, as read from an element string or a Digital Link.
public struct GS1Element: Hashable, Sendable, CustomStringConvertible {
    public let ai: String
    /// The data exactly as carried (a GTIN from a Digital Link path is padded to 14 digits).
    public let value: String
    /// 1-based position of the AI in the input (of the path segment or query key for a Digital Link).
    public let position: Int
    public let meaning: GS1Meaning
    /// For a Digital Link, "path segment 01" or "query parameter 17"; nil for element strings.
    public let context: String?

    public var definition: GS1ApplicationIdentifier { GS1ApplicationIdentifier.lookup(ai)! }

    /// The human-readable form, "(01)09506000134352".
    public var description: String { "(\(ai))\(value)" }
}

/// What an element's data means, where that is more than its text.
public enum GS1Meaning: Hashable, Sendable {
    case text
    /// 01, 02, 03.
    case gtin(GTIN)
    /// 11–17.
    case date(GS1Date)
    /// 7003 (hour and minute), 8008 (hour, optional minute and second).
    case dateTime(GS1Date, hour: Int, minute: Int?, second: Int?)
    /// 310n–369n measures, 390n/392n amounts, 394n percentage, 395n price per unit of measure.
    case decimal(GS1Decimal)
    /// 391n/393n: an amount in the currency named by its ISO 4217 numeric prefix.
    case amount(GS1Decimal, currency: GS1Currency)
    /// 30, 37.
    case count(Int)
    /// 422: ISO 3166 numeric country of origin.
    case country(String)
    /// 8110.
    case coupon(GS1Coupon)
    /// 8112.
    case paperlessCoupon(GS1PaperlessCoupon)
}

/// A GS1 YYMMDD date. The century is not in the data: `year(near:)` applies the GS1 rule
/// (General Specifications 7.12) against the current year, which this pure module cannot know.
public struct GS1Date: Hashable, Sendable, CustomStringConvertible {
    public let yy: Int
    public let month: Int
    /// 0 means "end of the month" (allowed in 11–17): the last day of `month`.
    public let day: Int

    public init(yy: Int, month: Int, day: Int) {
        self.yy = yy
        self.month = month
        self.day = day
    }

    public var isEndOfMonth: Bool { day == 0 }

    /// Full year: within 49 years ahead or 50 back of `currentYear`, as GS1 prescribes.
    public func year(near currentYear: Int) -> Int {
        let difference = yy - currentYear % 100
        let century = currentYear - currentYear % 100
        if difference >= 51 { return century - 100 + yy }
        if difference <= -50 { return century + 100 + yy }
        return century + yy
    }

    /// Year, month and day with day 00 turned into the month's last day.
    public func resolved(near currentYear: Int) -> (year: Int, month: Int, day: Int) {
        let year = year(near: currentYear)
        return (year, month, day == 0 ? GS1Date.daysIn(month: month, year: year) : day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// "26-12-31", or "26-12 end of month" for day 00.
    public var description: String {
        let yymm = two(yy) + "-" + two(month)
        return day == 0 ? yymm + " end of month" : yymm + "-" + two(day)
    }
}

private func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// A number with an implied decimal point: `units` = 500, `decimals` = 3 is 0.500.
public struct GS1Decimal: Hashable, Sendable, CustomStringConvertible {
    public let units: Int64
    public let decimals: Int

    public init(units: Int64, decimals: Int) {
        self.units = units
        self.decimals = decimals
    }

    public var description: String {
        guard decimals > 0 else { return String(units) }
        var digits = String(units)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        return String(digits.dropLast(decimals)) + "." + String(digits.suffix(decimals))
    }

    /// The same amount with `target` decimals, or nil if that would drop non-zero digits
    /// (a price of 1.995 is not a whole number of cents) or overflow.
    public func units(withDecimals target: Int) -> Int64? {
        var value = units
        if target >= decimals {
            for _ in 0..<(target - decimals) {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = product
            }
            return value
        }
        for _ in 0..<(decimals - target) {
            guard value % 10 == 0 else { return nil }
            value /= 10
        }
        return value
    }

    /// As money of `currency`, if exact in its minor units and within `Money.limit`.
    public func money(_ currency: Currency) -> Money? {
        guard let minor = units(withDecimals: currency.minorDigits), minor <= Money.limit else { return nil }
        return Money(minorUnits: minor, currency: currency)
    }
}

/// An ISO 4217 currency as carried by 391n/393n.
public struct GS1Currency: Hashable, Sendable, CustomStringConvertible {
    /// Three digits, "978".
    public let numeric: String
    /// "EUR".
    public let code: String

    public var description: String { code }
}

/// Read access shared by element strings and Digital Links.
public protocol GS1Data {
    var elements: [GS1Element] { get }
}

extension GS1Data {
    /// The first element with this exact AI ("3103"), or with an AI matching a family
    /// pattern ("310n", "392n").
    public func element(_ ai: String) -> GS1Element? {
        elements.first { GS1Association.matches(ai, $0.ai) }
    }

    /// AI 01.
    public var gtin: GTIN? {
        if case .gtin(let g)? = element("01")?.meaning { return g }
        return nil
    }

    /// AI 17.
    public var expiry: GS1Date? {
        if case .date(let d)? = element("17")?.meaning { return d }
        return nil
    }

    /// AI 310n, in kilograms.
    public var netWeightKg: GS1Decimal? {
        if case .decimal(let d)? = element("310n")?.meaning { return d }
        return nil
    }

    /// AI 392n, the price to pay in the local currency.
    public var price: GS1Decimal? {
        if case .decimal(let d)? = element("392n")?.meaning { return d }
        return nil
    }
}
