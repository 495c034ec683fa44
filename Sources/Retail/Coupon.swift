/// What a coupon takes off.
public enum CouponValue: Hashable, Codable, Sendable, CustomStringConvertible {
    /// A fixed amount off the eligible goods (never more than they cost).
    case amountOff(Money)
    /// 1 to 100 percent off the eligible goods, rounded half up to the minor unit.
    case percentOff(Int)

    public var description: String {
        switch self {
        case .amountOff(let money): return "\(money) off"
        case .percentOff(let percent): return "\(percent)% off"
        }
    }
}

/// A head-office coupon, once its signature was checked: the value, the conditions, the
/// validity window and the one-time id. Conditions are checked by pricing (a coupon whose
/// conditions are not met yet stays in the cart, pending, and says why); the window by the
/// lane when the coupon is scanned.
public struct Coupon: Hashable, Codable, Sendable, CustomStringConvertible {
    /// One-time id: the journal refuses a second redemption of it on this lane.
    public let id: String
    public let value: CouponValue
    /// The cart, after promotions and before coupons, must come to at least this.
    public let minimumSpend: Money?
    /// When not empty, the coupon needs one of these items in the cart and takes its value off
    /// them only; when empty it applies to the whole cart.
    public let gtins: [GTIN]
    /// Unix seconds (UTC): valid from `validFrom` (inclusive) to `validUntil` (inclusive).
    public let validFrom: Int64?
    public let validUntil: Int64

    public init(id: String, value: CouponValue, minimumSpend: Money? = nil, gtins: [GTIN] = [],
                validFrom: Int64? = nil, validUntil: Int64) {
        self.id = id
        self.value = value
        self.minimumSpend = minimumSpend
        self.gtins = gtins
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// "coupon SPRING-0042": the promotion name on discount lines.
    public var promotion: String { "coupon \(id)" }

    /// "¥5.00 off, minimum spend ¥30.00, on 6901234567892" and so on.
    public var description: String {
        var parts = [value.description]
        if let minimumSpend { parts.append("minimum spend \(minimumSpend)") }
        if !gtins.isEmpty { parts.append("on " + gtins.map(\.displayForm).joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }

    /// Why the coupon cannot be used at `unixSeconds`, or nil when it can.
    public func windowProblem(at unixSeconds: Int64) -> CouponWindowProblem? {
        if let from = validFrom, unixSeconds < from { return .notYetValid(from: from) }
        if unixSeconds > validUntil { return .expired(until: validUntil) }
        return nil
    }
}

public enum CouponWindowProblem: Hashable, Sendable, CustomStringConvertible {
    case notYetValid(from: Int64)
    case expired(until: Int64)

    public var description: String {
        switch self {
        case .notYetValid(let from): return "not valid before \(UTCTime.format(from))"
        case .expired(let until): return "expired \(UTCTime.format(until))"
        }
    }
}

/// Checks an Ed25519 signature; implemented with swift-crypto by the shell (Retail is pure and
/// has no crypto). `message` and `signature` are bytes as they appear in the coupon.
public protocol CouponSignatureVerifier: Sendable {
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool
}

/// Unix seconds as "2025-12-31 23:59:59 UTC", without Foundation (days-from-civil, H. Hinnant).
public enum UTCTime {
    public static func format(_ unixSeconds: Int64) -> String {
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let secondOfDay = unixSeconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) UTC"
    }

    /// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian.
    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// (year, month, day) -> days since 1970-01-01; nil for an impossible date.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64? {
        guard (1...12).contains(month), day >= 1 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[Int(month - 1)] else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
