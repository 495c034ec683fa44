/// Which mobile wallet a payment code belongs to.
public enum WalletKind: String, Hashable, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// WeChat Pay micropay "auth code": 18 digits starting 10-15.
    case wechatPay = "wechat-pay"
    /// Alipay "auth code": 16-24 digits starting 25-30.
    case alipay

    /// What the shopper knows it as, for screens and receipts.
    public var displayName: String {
        switch self {
        case .wechatPay: return "WeChat Pay"
        case .alipay: return "Alipay"
        }
    }

    public var description: String { rawValue }
}

/// A payment code shown by the shopper's phone (a bearer credential: whoever has it can charge
/// the shopper's wallet once, for about a minute).
///
/// Only `kind` and `masked` are ever written anywhere: `Codable` leaves `authCode` out, so a
/// journaled event, a stored sale or a pushed view cannot leak it. A value read back from storage
/// therefore has `authCode == nil`, which is all a restarted lane needs: it asks the wallet for
/// the status of the attempt it already sent, and never sends a code again.
public struct WalletCode: Hashable, Codable, Sendable, CustomStringConvertible {
    public let kind: WalletKind
    /// The full digits, in memory only while the payment is handed over; nil once stored.
    public let authCode: String?
    /// First 2 and last 4 digits, the rest as "*": "13************5678".
    public let masked: String

    /// Recognises a wallet code from plain digits; nil when `digits` is not one.
    /// WeChat Pay: exactly 18 digits starting 10-15. Alipay: 16-24 digits starting 25-30.
    /// GTINs are 8, 12, 13 or 14 digits, so the two never overlap.
    public init?(digits: some StringProtocol) {
        let bytes = Array(digits.utf8)
        guard (16...24).contains(bytes.count), bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let prefix = Int(bytes[0] - 48) * 10 + Int(bytes[1] - 48)
        if bytes.count == 18, (10...15).contains(prefix) {
            kind = .wechatPay
        } else if (25...30).contains(prefix) {
            kind = .alipay
        } else {
            return nil
        }
        let code = String(decoding: bytes, as: UTF8.self)
        authCode = code
        masked = Self.mask(code)
    }

    /// A stored code: kind and masked digits only.
    public init(kind: WalletKind, masked: String) {
        self.kind = kind
        self.authCode = nil
        self.masked = masked
    }

    static func mask(_ code: String) -> String {
        let chars = Array(code)
        guard chars.count > 6 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(2)) + String(repeating: "*", count: chars.count - 6) + String(chars.suffix(4))
    }

    /// "WeChat Pay 13************5678": never the full code.
    public var description: String { "\(kind.displayName) \(masked)" }

    private enum CodingKeys: String, CodingKey { case kind, masked }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(WalletKind.self, forKey: .kind), masked: try c.decode(String.self, forKey: .masked))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(masked, forKey: .masked)
    }
}

/// A staff badge scan: `STAFF:` followed by the badge number, 1 to 16 ASCII letters or digits,
/// printed as Code 128 or QR on the badge (e.g. `STAFF:1001`). The prefix is upper case; a
/// keyboard-wedge scanner on another layout still types these characters the same way except
/// the colon, so `STAFF-1001` is read too.
public enum StaffBadge {
    public static let prefixes = ["STAFF:", "STAFF-"]

    /// The badge number, or nil when `code` is not a staff badge.
    public static func badge(in code: some StringProtocol) -> String? {
        for prefix in prefixes where code.hasPrefix(prefix) {
            let badge = code.dropFirst(prefix.count)
            guard (1...16).contains(badge.utf8.count),
                  badge.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
            else { return nil }
            return String(badge)
        }
        return nil
    }

    /// True when `code` starts like a badge, so a malformed badge is reported as one.
    public static func looksLikeBadge(_ code: some StringProtocol) -> Bool {
        prefixes.contains { code.hasPrefix($0) }
    }
}
