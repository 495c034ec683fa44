/// An ISO 4217 currency and how many minor-unit digits it has (2 for CNY/EUR, 0 for JPY).
public struct Currency: Hashable, Codable, Sendable, CustomStringConvertible {
    public let code: String
    public let minorDigits: Int

    public init(code: String, minorDigits: Int) {
        self.code = code
        self.minorDigits = minorDigits
    }

    public var description: String { code }

    /// The symbol shown to shoppers; falls back to the ISO code.
    public var symbol: String {
        switch code {
        case "CNY", "JPY": return "¥"
        case "EUR": return "€"
        case "GBP": return "£"
        case "USD": return "$"
        default: return code + " "
        }
    }
}

public enum MoneyError: Error, Equatable, CustomStringConvertible {
    case malformedAmount(String)
    case tooManyDecimals(String, allowed: Int)
    case outOfRange(String)

    public var description: String {
        switch self {
        case .malformedAmount(let s): return "malformed amount \"\(s)\""
        case .tooManyDecimals(let s, let n): return "amount \"\(s)\" has more than \(n) decimal digits"
        case .outOfRange(let s): return "amount \"\(s)\" is out of range"
        }
    }
}

/// An amount of money in integer minor units (cents, fen). No floating point anywhere.
public struct Money: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: Currency

    /// Largest amount the kiosk accepts in one price or line: 10^11 minor units, far below overflow.
    public static let limit: Int64 = 100_000_000_000

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    /// Parses "12.34", "12.3", "12" or "-0.50" into minor units of `currency`.
    public static func parse(_ text: String, currency: Currency) throws(MoneyError) -> Money {
        var s = text.trimmedSpaces
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !s.isEmpty, parts.count <= 2,
              let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit))
        else { throw .malformedAmount(text) }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= currency.minorDigits else { throw .tooManyDecimals(text, allowed: currency.minorDigits) }
        guard whole.count <= 12 else { throw .outOfRange(text) }
        var units: Int64 = 0
        for c in whole { units = units * 10 + Int64(c.asciiValue! - 48) }
        var fractionUnits: Int64 = 0
        for i in 0..<currency.minorDigits {
            let digit: Int64 = i < fraction.count ? Int64(fraction[fraction.index(fraction.startIndex, offsetBy: i)].asciiValue! - 48) : 0
            fractionUnits = fractionUnits * 10 + digit
            units *= 10
        }
        units += fractionUnits
        guard units <= limit else { throw .outOfRange(text) }
        return Money(minorUnits: negative ? -units : units, currency: currency)
    }

    /// "12.34" (no symbol), exact for any number of minor digits.
    public var decimalString: String {
        let digits = currency.minorDigits
        let magnitude = minorUnits.magnitude
        guard digits > 0 else { return (minorUnits < 0 ? "-" : "") + String(magnitude) }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        var fraction = String(magnitude % scale)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return (minorUnits < 0 ? "-" : "") + String(magnitude / scale) + "." + fraction
    }

    /// "¥12.34", "-¥0.50".
    public var description: String {
        let text = decimalString
        return text.hasPrefix("-") ? "-" + currency.symbol + text.dropFirst() : currency.symbol + text
    }

    public static func < (a: Money, b: Money) -> Bool {
        precondition(a.currency == b.currency, "comparing \(a.currency) with \(b.currency)")
        return a.minorUnits < b.minorUnits
    }

    public static func + (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "adding \(a.currency) to \(b.currency)")
        return Money(minorUnits: a.minorUnits + b.minorUnits, currency: a.currency)
    }

    public static func - (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "subtracting \(b.currency) from \(a.currency)")
        return Money(minorUnits: a.minorUnits - b.minorUnits, currency: a.currency)
    }

    public static func * (a: Money, quantity: Int) -> Money {
        Money(minorUnits: a.minorUnits * Int64(quantity), currency: a.currency)
    }

    public static func += (a: inout Money, b: Money) { a = a + b }
    public static func -= (a: inout Money, b: Money) { a = a - b }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmedSpaces: Substring {
        let chars = self[...]
        guard let start = chars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = chars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return Substring("") }
        return Substring(chars[start...end])
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
