/// What a scanned code means to the lane.
public enum ScanMeaning: Hashable, Codable, Sendable {
    /// A trade item, looked up in the catalog by GTIN.
    case item(GTIN)
    /// A weighed item from the in-store scale: `key` is the code with its price digits zeroed
    /// (how the catalog lists it), `price` the amount printed in the code.
    case embeddedPrice(key: GTIN, price: Money)
    /// A weighed item whose in-store code carries its weight: charged at the catalog price per kg.
    case embeddedWeight(key: GTIN, grams: Int64)
    /// A payment code on the shopper's phone: starts the payment.
    case walletPayment(WalletCode)
    /// A head-office coupon whose signature matched one of the store's keys (dates and
    /// one-time use are the lane's to check).
    case coupon(Coupon)
    /// A staff badge (`STAFF:1001`): opens the staff form with the badge filled in.
    case staffBadge(String)
    /// A store member card (in-store numbers with GS1 prefix 04).
    case memberCard(String)
    /// A trade item in GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR) or a GS1 Digital
    /// Link URL: its GTIN (AI 01) and, when the code carries one, its price (AI 392n).
    case gs1Item(gtin: GTIN, price: Money?)
}

public enum ScanError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case unsupported(String)
    case badGTIN(GTINError)
    case gs1(GS1Error)
    case coupon(CouponError)
    /// An in-store code whose price check digit does not match its value digits.
    case priceCheckDigit(found: Int, expected: Int, layout: String)

    public var description: String {
        switch self {
        case .empty: return "empty scan"
        case .tooLong(let n): return "scan of \(n) characters is longer than any code the kiosk reads"
        case .unsupported(let why): return why
        case .badGTIN(let e): return e.description
        case .gs1(let e): return e.description
        case .coupon(let e): return e.description
        case .priceCheckDigit(let found, let expected, let layout):
            return "price check digit is \(found), expected \(expected) (in-store code, layout \(layout))"
        }
    }
}

/// Turns raw scanner data into a `ScanMeaning`. In this order:
/// 1. `STAFF:` + badge: a staff badge.
/// 2. `KC1.` (after an optional AIM identifier): a signed coupon, checked with `couponVerifier`.
/// 3. GS1 element strings and Digital Link URLs.
/// 4. Plain digits (after an optional AIM identifier): 16-24 digits in the wallet ranges are a
///    payment code (WeChat Pay: 18 digits starting 10-15; Alipay: 16-24 digits starting 25-30);
///    8, 12, 13 or 14 digits a GTIN: an in-store variable-measure code when the store's
///    `layout` has a rule for its prefix (02, 20-29), a member card with prefix 04, else an item.
public struct ScanInterpreter: Sendable {
    /// AIM identifiers of symbologies that carry GS1 element strings (FNC1 in first position).
    public static let gs1Symbologies: Set<Substring> = ["]C1", "]e0", "]d2", "]Q3", "]J1"]

    public let currency: Currency
    public let layout: VariableMeasureLayout
    public let couponVerifier: (any CouponSignatureVerifier)?
    static let maximumLength = 512

    public init(currency: Currency, layout: VariableMeasureLayout = .default,
                couponVerifier: (any CouponSignatureVerifier)? = nil) {
        self.currency = currency
        self.layout = layout
        self.couponVerifier = couponVerifier
    }

    public func interpret(_ raw: String) throws(ScanError) -> ScanMeaning {
        var code = Substring(raw)
        // "\r\n" is one Character in Swift, so test isNewline rather than comparing with "\r" and "\n".
        while let last = code.last, last.isNewline { code = code.dropLast() }
        guard !code.isEmpty else { throw .empty }
        guard code.utf8.count <= Self.maximumLength else { throw .tooLong(code.utf8.count) }
        // Most scans are plain digits (EAN-13, UPC-A, in-store, member, wallet): straight there.
        if code.utf8.allSatisfy({ $0 &- 48 < 10 }) { return try digits(code) }
        if StaffBadge.looksLikeBadge(code) {
            guard let badge = StaffBadge.badge(in: code) else {
                throw .unsupported("staff badge: after STAFF: come 1 to 16 letters or digits")
            }
            return .staffBadge(badge)
        }
        if let coupon = Self.couponText(code) {
            do {
                return .coupon(try SignedCoupon.verified(String(coupon), currency: currency, by: couponVerifier).coupon)
            } catch { throw .coupon(error) }
        }
        if let data = try Self.gs1Data(code) { return try gs1Item(data) }
        // An AIM symbology identifier ("]E0") says which symbology the scanner read; the digits follow.
        if code.hasPrefix("]"), code.utf8.count >= 3 { code = code.dropFirst(3) }
        guard code.utf8.allSatisfy({ $0 &- 48 < 10 }) else {
            throw .unsupported("not a product code: only digits are read as items")
        }
        return try digits(code)
    }

    /// Plain digits: a wallet code, or a GTIN (in-store code, member card or item).
    func digits(_ code: Substring) throws(ScanError) -> ScanMeaning {
        if let wallet = WalletCode(digits: code) { return .walletPayment(wallet) }
        if (15...24).contains(code.utf8.count) {
            throw .unsupported("\(code.utf8.count) digits: neither a product code (8, 12, 13 or 14 digits) nor a wallet "
                + "payment code (WeChat Pay: 18 digits starting 10-15; Alipay: 16-24 digits starting 25-30)")
        }
        let gtin: GTIN
        do { gtin = try GTIN(code) } catch { throw .badGTIN(error) }
        // Judged on the EAN-13 form: a scanner may send the same code as 12-digit UPC-A.
        if let rule = layout.rule(for: gtin) {
            if let mismatch = layout.priceCheckMismatch(gtin, rule) {
                throw .priceCheckDigit(found: mismatch.found, expected: mismatch.expected, layout: layout.name)
            }
            let value = layout.value(gtin, rule)
            switch rule.measure {
            case .price: return .embeddedPrice(key: layout.key(gtin, rule), price: Money(minorUnits: value, currency: currency))
            case .weight: return .embeddedWeight(key: layout.key(gtin, rule), grams: value)
            }
        }
        if InStoreCode.isMemberCard(gtin), let number = InStoreCode.ean13(gtin) {
            return .memberCard(String(number))
        }
        return .item(gtin)
    }

    /// The coupon text of a scan that is one (an AIM identifier such as "]Q1" may come first).
    static func couponText(_ code: Substring) -> Substring? {
        if SignedCoupon.looksLikeCoupon(code) { return code }
        if code.hasPrefix("]"), code.utf8.count > 3, SignedCoupon.looksLikeCoupon(code.dropFirst(3)) { return code.dropFirst(3) }
        return nil
    }

    /// GS1 content of a scan, or nil when the code is not GS1 (plain digits stay on the GTIN path:
    /// 13 digits would otherwise parse as AI 400).
    public static func gs1Data(_ code: Substring) throws(ScanError) -> (any GS1Data)? {
        var link = code
        if link.hasPrefix("]Q1") || link.hasPrefix("]d1") { link = link.dropFirst(3) }
        do {
            if link.hasPrefix("http://") || link.hasPrefix("https://") {
                return try GS1DigitalLink.parse(String(link))
            }
            if gs1Symbologies.contains(code.prefix(3)) || code.hasPrefix("(") || code.utf8.contains(29) {
                return try GS1ElementString.parse(String(code))
            }
        } catch {
            if case .noPrimaryKey = error.reason { throw .unsupported("a web link, not a product code") }
            throw .gs1(error)
        }
        return nil
    }

    func gs1Item(_ data: any GS1Data) throws(ScanError) -> ScanMeaning {
        guard let gtin = data.gtin else { throw .unsupported("GS1 code without a product (AI 01)") }
        var price: Money?
        if let amount = data.price {
            guard let money = amount.money(currency) else {
                throw .unsupported("price \(amount) in AI 392n is not in whole \(currency.code) minor units")
            }
            price = money
        }
        return .gs1Item(gtin: gtin, price: price)
    }
}
