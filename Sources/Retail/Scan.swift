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
    /// Plain digits of a length no code has.
    case digitCount(Int)
    /// Plain digits that are no GTIN; `digits` = how many there were (the position of a check digit).
    case badGTIN(GTINError, digits: Int)
    case gs1(GS1Error)
    case coupon(CouponError)
    /// An in-store code whose price check digit does not match its value digits.
    case priceCheckDigit(found: Int, expected: Int, layout: String)

    /// Which rule refused the scan, the AI concerned and the 1-based position, for `kiosk explain`.
    public var refusal: (rule: String, ai: String?, position: Int) {
        switch self {
        case .empty: return ("data:empty", nil, 1)
        case .tooLong: return ("lane:length", nil, Self.maximumPosition)
        case .unsupported: return ("lane:unsupported", nil, 1)
        case .digitCount: return ("format:length", "01", 1)
        case .badGTIN(let e, let digits):
            switch e {
            case .notADigit(let p): return ("format:N", "01", p)
            case .wrongCheckDigit: return ("lint:csum", "01", digits)
            case .notUPCE: return ("format:upc-e", "01", 1)
            case .empty, .wrongLength: return ("format:length", "01", 1)
            }
        case .gs1(let e): return (e.rule, e.ai, e.position)
        case .coupon: return ("coupon:signature", nil, 1)
        case .priceCheckDigit: return ("in-store:price-check-digit", nil, 1)
        }
    }

    static let maximumPosition = ScanInterpreter.maximumLength + 1

    public var description: String {
        switch self {
        case .empty: return "empty scan"
        case .tooLong(let n): return "scan of \(n) characters is longer than any code the kiosk reads"
        case .unsupported(let why): return why
        case .digitCount(let n):
            return "\(n) digits at position 1: neither a product code (AI 01: 8, 12, 13 or 14 digits) nor a wallet "
                + "payment code (WeChat Pay: 18 digits starting 10-15; Alipay: 16-24 digits starting 25-30)"
        case .badGTIN(let e, let digits):
            let position: Int = switch e {
            case .notADigit(let p): p
            case .wrongCheckDigit: digits
            default: 1
            }
            return "GTIN (AI 01): \(e) at position \(position)"
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
    public let currency: Currency
    public let layout: VariableMeasureLayout
    public let couponVerifier: (any CouponSignatureVerifier)?
    /// GS1 rules this store relaxed (all off by default).
    public let relaxations: GS1Relaxations
    static let maximumLength = 512

    public init(currency: Currency, layout: VariableMeasureLayout = .default,
                couponVerifier: (any CouponSignatureVerifier)? = nil, relaxations: GS1Relaxations = .none) {
        self.currency = currency
        self.layout = layout
        self.couponVerifier = couponVerifier
        self.relaxations = relaxations
    }

    /// The same interpreter with every GS1 rule enforced.
    public var strict: ScanInterpreter {
        ScanInterpreter(currency: currency, layout: layout, couponVerifier: couponVerifier)
    }

    /// `typed`: the code was typed (or configured) rather than scanned, so the bracketed
    /// "(01)..." form GS1 meant for people is accepted.
    public func interpret(_ raw: String, typed: Bool = false) throws(ScanError) -> ScanMeaning {
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
        if let data = try gs1Data(code, typed: typed) { return try gs1Item(data) }
        // An AIM symbology identifier ("]E0") says which symbology the scanner read; the digits follow.
        var symbology: Substring?
        if code.hasPrefix("]"), code.utf8.count >= 3 {
            symbology = code.prefix(3)
            code = code.dropFirst(3)
        }
        guard code.utf8.allSatisfy({ $0 &- 48 < 10 }) else {
            throw .unsupported("not a product code: only digits are read as items")
        }
        if let wallet = WalletCode(digits: code) { return .walletPayment(wallet) }
        if let symbology { try Self.checkCarrier(String(symbology), digits: code.utf8.count) }
        return try digits(code)
    }

    /// Only EAN/UPC and ITF-14 carry a GTIN as plain digits, each in one length.
    static func checkCarrier(_ symbology: String, digits: Int) throws(ScanError) {
        guard let length = GS1Carrier.gtinLengths[symbology] else {
            throw .gs1(GS1Error(.carriesNoGTIN(symbology: symbology), ai: "01", position: 1))
        }
        if digits != length && digits > 0 {
            throw .gs1(GS1Error(.carrierLength(symbology: symbology, length: digits, expected: length), ai: "01", position: 4))
        }
    }

    /// Plain digits: a wallet code, or a GTIN (in-store code, member card or item).
    func digits(_ code: Substring) throws(ScanError) -> ScanMeaning {
        if let wallet = WalletCode(digits: code) { return .walletPayment(wallet) }
        if (15...24).contains(code.utf8.count) { throw .digitCount(code.utf8.count) }
        let gtin: GTIN
        do { gtin = try GTIN(code) } catch { throw .badGTIN(error, digits: code.utf8.count) }
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
    /// 13 digits would otherwise parse as AI 400). Carrier rules apply: element strings only
    /// from GS1 symbologies, Digital Links only from QR, DataMatrix and DotCode (or without an
    /// identifier), the bracketed form only when typed, unless the store relaxed the rule.
    public func gs1Data(_ code: Substring, typed: Bool = false) throws(ScanError) -> (any GS1Data)? {
        let symbology = code.hasPrefix("]") && code.utf8.count >= 3 ? String(code.prefix(3)) : nil
        do throws(GS1Error) {
            let link = symbology.map { GS1Carrier.digitalLinkSymbologies.contains($0) ? code.dropFirst(3) : code } ?? code
            if GS1DigitalLink.looksLikeURL(link) {
                return try GS1DigitalLink.parse(String(link), shortNames: relaxations.digitalLinkShortNames)
            }
            if let composite = try GS1Composite.parse(code) { return composite }
            if let symbology, GS1Carrier.elementStringSymbologies.contains(symbology) {
                return try GS1ElementString.parse(String(code))
            }
            guard symbology == nil else { return nil }
            if code.hasPrefix("(") {
                guard typed || relaxations.bracketedFromScanner else { throw GS1Error(.bracketsFromScanner, position: 1) }
                return try GS1ElementString.parse(String(code))
            }
            if code.utf8.contains(GS1ElementString.groupSeparator) {
                guard relaxations.elementStringsWithoutIdentifier else { throw GS1Error(.noSymbologyIdentifier, position: 1) }
                return try GS1ElementString.parse(String(code))
            }
        } catch {
            if case .noPrimaryKey = error.reason { throw .unsupported("a web link, not a product code") }
            throw .gs1(error)
        }
        return nil
    }

    /// The item of GS1 data: its GTIN (AI 01) and a price to pay, from 392n or from 393n when
    /// that names the store's currency.
    func gs1Item(_ data: any GS1Data) throws(ScanError) -> ScanMeaning {
        guard let gtin = data.gtin else {
            throw .gs1(GS1Error(.missingAI, ai: "01", position: data.elements.first?.position ?? 1))
        }
        var price: Money?
        if let element = data.element("392n"), case .decimal(let amount) = element.meaning {
            price = try money(amount, element)
        } else if let element = data.element("393n"), case .amount(let amount, let labelCurrency) = element.meaning {
            guard labelCurrency.code == currency.code else {
                throw .gs1(GS1Error(.foreignCurrency(labelCurrency.code, store: currency.code), ai: element.ai,
                                    position: element.position + element.ai.utf8.count, context: element.context))
            }
            price = try money(amount, element)
        }
        return .gs1Item(gtin: gtin, price: price)
    }

    private func money(_ amount: GS1Decimal, _ element: GS1Element) throws(ScanError) -> Money {
        guard let money = amount.money(currency) else {
            throw .gs1(GS1Error(.notMinorUnits(amount.description, currency: currency.code), ai: element.ai,
                                position: element.position, context: element.context))
        }
        return money
    }
}
