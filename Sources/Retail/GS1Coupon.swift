/// AI 8110: a North American coupon code (all digits, fields prefixed by length indicators,
/// optional fields 1–6 and 9 in increasing order). Structure per the GS1 US coupon guideline.
public struct GS1Coupon: Hashable, Sendable {
    public struct Purchase: Hashable, Sendable {
        /// Quantity or value the shopper must buy.
        public let requirement: Int
        /// 0–4 or 9, as the coupon guideline defines them.
        public let requirementCode: Int
        public let familyCode: String
        /// Company prefix of the 2nd/3rd purchase; nil for the first (it is `companyPrefix`) or when "9" (same).
        public let companyPrefix: String?
    }

    public let companyPrefix: String
    public let offerCode: String
    /// Minor units, or meaning set by `saveValueCode`.
    public let saveValue: Int
    /// The first is always there; optional fields 1 and 2 add a second and third.
    public let purchases: [Purchase]
    public let additionalPurchaseRules: Int?
    public let expiry: GS1Date?
    public let start: GS1Date?
    public let serial: String?
    public let retailer: String?
    public let saveValueCode: Int?
    public let appliesToItem: Int?
    public let storeCoupon: Int?
    public let dontMultiply: Bool?
}

/// AI 8112: a paperless coupon offer presented at the point of sale.
public struct GS1PaperlessCoupon: Hashable, Sendable {
    public let formatCode: Int
    public let funder: String
    public let offerCode: String
    public let serial: String
}

/// A content error inside one value: byte offset from the value's start, and why.
struct GS1ValueFault: Error {
    let offset: Int
    let why: String
    /// Set for a wrong check digit, which callers report as a typed reason.
    var checkDigit: (found: Int, expected: Int)? = nil
}

/// Reads a digit string field by field, failing at the offset where the structure breaks.
struct GS1DigitReader {
    let digits: [Int]
    var offset = 0

    init(_ bytes: ArraySlice<UInt8>) throws(GS1ValueFault) {
        if let bad = bytes.firstIndex(where: { $0 < 48 || $0 > 57 }) {
            throw GS1ValueFault(offset: bad - bytes.startIndex, why: "coupon data must be digits")
        }
        digits = bytes.map { Int($0) - 48 }
    }

    var atEnd: Bool { offset == digits.count }

    mutating func digit(_ name: String, allowed: Set<Int>? = nil) throws(GS1ValueFault) -> Int {
        guard offset < digits.count else { throw GS1ValueFault(offset: offset, why: "missing \(name)") }
        let d = digits[offset]
        if let allowed, !allowed.contains(d) { throw GS1ValueFault(offset: offset, why: "\(name) \(d) is not allowed") }
        offset += 1
        return d
    }

    mutating func field(_ name: String, length: Int) throws(GS1ValueFault) -> String {
        guard digits.count - offset >= length else { throw GS1ValueFault(offset: offset, why: "\(name) is cut short") }
        defer { offset += length }
        return digits[offset..<offset + length].map(String.init).joined()
    }

    /// A length indicator digit then that many digits (plus `extra`, as the spec adds 6 to some).
    mutating func sized(_ name: String, allowed: Set<Int>, extra: Int = 0) throws(GS1ValueFault) -> String {
        let vli = try digit("\(name) length", allowed: allowed)
        return try field(name, length: vli + extra)
    }

    mutating func date(_ name: String) throws(GS1ValueFault) -> GS1Date {
        let start = offset
        let text = try field(name, length: 6)
        let value = Array(text.utf8)
        do { return try GS1Linters.date(value[...], yearDigits: 2, dayZero: false) } catch {
            throw GS1ValueFault(offset: start + error.offset, why: "\(name) \(error.why)")
        }
    }
}

extension GS1Coupon {
    static func decode(_ bytes: ArraySlice<UInt8>) throws(GS1ValueFault) -> GS1Coupon {
        var r = try GS1DigitReader(bytes)
        let gcp = try r.sized("company prefix", allowed: Set(0...6), extra: 6)
        let offer = try r.field("offer code", length: 6)
        let save = Int(try r.sized("save value", allowed: Set(1...5)))!
        let codes: Set<Int> = [0, 1, 2, 3, 4, 9]
        var purchases = [try purchase(&r, codes: codes, withPrefix: false)]
        var rules: Int?
        if !r.atEnd, r.digits[r.offset] == 1 {
            r.offset += 1
            rules = try r.digit("additional purchase rules code", allowed: Set(0...3))
            purchases.append(try purchase(&r, codes: codes, withPrefix: true))
        }
        if !r.atEnd, r.digits[r.offset] == 2 {
            r.offset += 1
            purchases.append(try purchase(&r, codes: codes, withPrefix: true))
        }
        var expiry: GS1Date?, start: GS1Date?
        if !r.atEnd, r.digits[r.offset] == 3 {
            r.offset += 1
            expiry = try r.date("expiration date")
        }
        if !r.atEnd, r.digits[r.offset] == 4 {
            r.offset += 1
            let at = r.offset
            let s = try r.date("start date")
            if let e = expiry, (s.yy, s.month, s.day) > (e.yy, e.month, e.day) {
                throw GS1ValueFault(offset: at, why: "start date after expiration date")
            }
            start = s
        }
        var serial: String?, retailer: String?
        if !r.atEnd, r.digits[r.offset] == 5 {
            r.offset += 1
            serial = try r.sized("serial number", allowed: Set(0...9), extra: 6)
        }
        if !r.atEnd, r.digits[r.offset] == 6 {
            r.offset += 1
            retailer = try r.sized("retailer company prefix or GLN", allowed: Set(1...7), extra: 6)
        }
        var saveCode: Int?, applies: Int?, store: Int?, dontMultiply: Bool?
        if !r.atEnd, r.digits[r.offset] == 9 {
            r.offset += 1
            saveCode = try r.digit("save value code", allowed: [0, 1, 2, 5, 6])
            applies = try r.digit("save value applies to item", allowed: Set(0...2))
            store = try r.digit("store coupon flag")
            dontMultiply = try r.digit("don't multiply flag", allowed: [0, 1]) == 1
        }
        guard r.atEnd else { throw GS1ValueFault(offset: r.offset, why: "unexpected coupon field \(r.digits[r.offset])") }
        return GS1Coupon(companyPrefix: gcp, offerCode: offer, saveValue: save, purchases: purchases,
                         additionalPurchaseRules: rules, expiry: expiry, start: start, serial: serial,
                         retailer: retailer, saveValueCode: saveCode, appliesToItem: applies,
                         storeCoupon: store, dontMultiply: dontMultiply)
    }

    private static func purchase(_ r: inout GS1DigitReader, codes: Set<Int>,
                                 withPrefix: Bool) throws(GS1ValueFault) -> Purchase {
        let requirement = Int(try r.sized("purchase requirement", allowed: Set(1...5)))!
        let code = try r.digit("purchase requirement code", allowed: codes)
        let family = try r.field("purchase family code", length: 3)
        var prefix: String?
        if withPrefix {
            // VLI 9 means "same company prefix as the first purchase", with no digits following.
            let vli = try r.digit("purchase company prefix length", allowed: [0, 1, 2, 3, 4, 5, 6, 9])
            if vli != 9 { prefix = try r.field("purchase company prefix", length: vli + 6) }
        }
        return Purchase(requirement: requirement, requirementCode: code, familyCode: family, companyPrefix: prefix)
    }
}

extension GS1PaperlessCoupon {
    static func decode(_ bytes: ArraySlice<UInt8>) throws(GS1ValueFault) -> GS1PaperlessCoupon {
        var r = try GS1DigitReader(bytes)
        let format = try r.digit("format code", allowed: [0, 1])
        let funder = try r.sized("funder", allowed: Set(0...6), extra: 6)
        let offer = try r.field("offer code", length: 6)
        let serial = try r.sized("serial number", allowed: Set(0...9), extra: 6)
        guard r.atEnd else { throw GS1ValueFault(offset: r.offset, why: "extra data after serial number") }
        return GS1PaperlessCoupon(formatCode: format, funder: funder, offerCode: offer, serial: serial)
    }
}
