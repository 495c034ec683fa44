/// The coupon QR format, version 1:
///
///     KC1.<payload, base64url>.<Ed25519 signature, base64url>
///
/// base64url is RFC 4648 section 5 without padding. The signature covers the ASCII bytes of
/// `KC1.<payload>` (prefix and encoded payload exactly as printed), so neither the version nor
/// a single payload character can change. The payload is ASCII text, `;`-separated `key=value`
/// fields, each key at most once, in any order:
///
/// | key | value | |
/// | --- | --- | --- |
/// | `id` | 1-32 of `A-Z a-z 0-9 - _` | required: the one-time id |
/// | `off` | integer minor units, 1 to 10^11 | exactly one of `off` and `pct` |
/// | `pct` | integer percent, 1 to 100 | |
/// | `cur` | ISO 4217 code, e.g. `CNY` | required with `off` or `min` |
/// | `min` | integer minor units | optional minimum spend |
/// | `gtin` | 1-20 GTINs, comma-separated | optional: only with (and on) these items |
/// | `from` | Unix seconds | optional start of validity |
/// | `until` | Unix seconds | required end of validity (inclusive) |
///
/// Example payload: `id=SPRING-0042;off=500;cur=CNY;min=3000;until=1767225599`.
/// Unknown keys are an error: a later format gets a new version prefix rather than fields an
/// older lane would ignore.
public struct SignedCoupon: Hashable, Sendable {
    public static let prefix = "KC1."

    public let coupon: Coupon
    /// The payload as text.
    public let payload: String
    /// The signed bytes: `KC1.<payload base64url>`.
    public let message: [UInt8]
    public let signature: [UInt8]

    /// True for data that claims to be a coupon (so errors in it are reported as coupon errors).
    public static func looksLikeCoupon(_ code: some StringProtocol) -> Bool {
        code.hasPrefix(prefix) || code.hasPrefix("kc1.")
    }

    /// Reads the structure and the payload; does not check the signature or the dates. Amounts
    /// are in `currency`, the store's: a coupon in another currency is refused.
    public static func parse(_ text: String, currency: Currency) throws(CouponError) -> SignedCoupon {
        let bytes = Array(text.utf8)
        guard bytes.starts(with: Array(prefix.utf8)) else {
            throw CouponError(.notACoupon, position: 1)
        }
        var dots: [Int] = []
        for i in 0..<bytes.count where bytes[i] == 46 { dots.append(i) }
        guard dots.count >= 2 else { throw CouponError(.missingPart("signature"), position: bytes.count) }
        guard dots.count == 2 else { throw CouponError(.format("more than two \".\" separators"), position: dots[2] + 1) }
        let payloadRange = (dots[0] + 1)..<dots[1]
        let signatureRange = (dots[1] + 1)..<bytes.count
        guard !payloadRange.isEmpty else { throw CouponError(.missingPart("payload"), position: dots[1] + 1) }
        guard !signatureRange.isEmpty else { throw CouponError(.missingPart("signature"), position: dots[1] + 1) }
        let payloadBytes = try Base64URL.decode(bytes[payloadRange], offset: payloadRange.lowerBound)
        let signature = try Base64URL.decode(bytes[signatureRange], offset: signatureRange.lowerBound)
        guard signature.count == 64 else {
            throw CouponError(.format("the signature is \(signature.count) bytes, an Ed25519 signature is 64"),
                              position: signatureRange.lowerBound + 1)
        }
        for at in 0..<payloadBytes.count where payloadBytes[at] < 32 || payloadBytes[at] >= 127 {
            throw CouponError(.payload("byte \(payloadBytes[at]) is not printable ASCII"), position: payloadRange.lowerBound + 1,
                              payloadPosition: at + 1)
        }
        let payload = String(decoding: payloadBytes, as: UTF8.self)
        let coupon = try CouponPayload.read(payload, position: payloadRange.lowerBound + 1, currency: currency)
        return SignedCoupon(coupon: coupon, payload: payload,
                            message: Array(bytes[..<dots[1]]), signature: signature)
    }

    /// Parses and checks the signature against the store's keys.
    public static func verified(_ text: String, currency: Currency,
                                by verifier: (any CouponSignatureVerifier)?) throws(CouponError) -> SignedCoupon {
        let signed = try parse(text, currency: currency)
        guard let verifier else { throw CouponError(.noKeys, position: 1) }
        guard verifier.isValidSignature(signed.signature, for: signed.message) else {
            throw CouponError(.badSignature, position: signed.message.count + 2)
        }
        return signed
    }

    /// The text to sign and print for `payload` (head office and `kiosk coupon make`): call
    /// `signingInput(payload)`, sign its bytes, then `assemble(payload:signature:)`.
    public static func signingInput(_ payload: String) -> String {
        prefix + Base64URL.encode(Array(payload.utf8))
    }

    public static func assemble(payload: String, signature: [UInt8]) -> String {
        signingInput(payload) + "." + Base64URL.encode(signature)
    }

    /// The payload text for a coupon (keys in the documented order).
    public static func payload(for coupon: Coupon) -> String {
        var fields = ["id=\(coupon.id)"]
        var currency: Currency?
        switch coupon.value {
        case .amountOff(let money):
            fields.append("off=\(money.minorUnits)")
            currency = money.currency
        case .percentOff(let percent):
            fields.append("pct=\(percent)")
        }
        if let min = coupon.minimumSpend {
            currency = currency ?? min.currency
        }
        if let currency { fields.append("cur=\(currency.code)") }
        if let min = coupon.minimumSpend { fields.append("min=\(min.minorUnits)") }
        if !coupon.gtins.isEmpty { fields.append("gtin=" + coupon.gtins.map(\.displayForm).joined(separator: ",")) }
        if let from = coupon.validFrom { fields.append("from=\(from)") }
        fields.append("until=\(coupon.validUntil)")
        return fields.joined(separator: ";")
    }
}

/// Why a coupon code was refused; `position` is the 1-based byte offset in the scanned code,
/// `payloadPosition` the offset inside the decoded payload text for payload errors.
public struct CouponError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case notACoupon
        case missingPart(String)
        case format(String)
        case base64(String)
        case payload(String)
        case badSignature
        case noKeys
    }

    public let reason: Reason
    public let position: Int
    public let payloadPosition: Int?

    public init(_ reason: Reason, position: Int, payloadPosition: Int? = nil) {
        self.reason = reason
        self.position = position
        self.payloadPosition = payloadPosition
    }

    public var description: String {
        switch reason {
        case .notACoupon: return "coupon: does not start with KC1."
        case .missingPart(let part): return "coupon: no \(part) at position \(position)"
        case .format(let why): return "coupon: \(why) at position \(position)"
        case .base64(let why): return "coupon: \(why) at position \(position)"
        case .payload(let why):
            return "coupon payload: \(why)" + (payloadPosition.map { " at payload character \($0)" } ?? "")
        case .badSignature: return "coupon: the signature does not match any of the store's coupon keys (forged or altered)"
        case .noKeys: return "coupon: this store has no coupon keys configured, so it accepts no coupons"
        }
    }
}

/// Reading the payload's fields.
enum CouponPayload {
    static let keys = ["id", "off", "pct", "cur", "min", "gtin", "from", "until"]

    static func read(_ payload: String, position: Int, currency store: Currency) throws(CouponError) -> Coupon {
        var fields: [String: (value: Substring, at: Int)] = [:]
        var offset = 1
        for field in payload.split(separator: ";", omittingEmptySubsequences: false) {
            defer { offset += field.utf8.count + 1 }
            func fail(_ why: String, _ at: Int = offset) -> CouponError {
                CouponError(.payload(why), position: position, payloadPosition: at)
            }
            guard let eq = field.firstIndex(of: "=") else {
                throw fail(field.isEmpty ? "empty field" : "field \"\(field)\" has no \"=\"")
            }
            let key = String(field[..<eq])
            guard keys.contains(key) else { throw fail("unknown field \"\(key)\"") }
            guard fields[key] == nil else { throw fail("field \"\(key)\" appears twice") }
            fields[key] = (field[field.index(after: eq)...], offset + key.utf8.count + 1)
        }
        func fail(_ why: String, _ key: String) -> CouponError {
            CouponError(.payload(why), position: position, payloadPosition: fields[key]?.at)
        }
        func integer(_ key: String, _ range: ClosedRange<Int64>) throws(CouponError) -> Int64? {
            guard let (text, _) = fields[key] else { return nil }
            guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int64(text) else {
                throw fail("\(key) \"\(text)\" is not a whole number", key)
            }
            guard range.contains(value) else { throw fail("\(key) \(value) is outside \(range.lowerBound)...\(range.upperBound)", key) }
            return value
        }

        guard let (id, _) = fields["id"] else { throw CouponError(.payload("no id"), position: position) }
        guard (1...32).contains(id.utf8.count),
              id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 })
        else { throw fail("id \"\(id)\" is not 1 to 32 letters, digits, - or _", "id") }

        var currency: Currency?
        if let (code, _) = fields["cur"] {
            guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
                throw fail("currency \"\(code)\" is not three capital letters", "cur")
            }
            guard code == store.code else { throw fail("the coupon is in \(code); this store sells in \(store.code)", "cur") }
            currency = store
        }
        let off = try integer("off", 1...Money.limit)
        let pct = try integer("pct", 1...100)
        let min = try integer("min", 1...Money.limit)
        let value: CouponValue
        switch (off, pct) {
        case (let amount?, nil):
            guard let currency else { throw fail("off needs a currency (cur)", "off") }
            value = .amountOff(Money(minorUnits: amount, currency: currency))
        case (nil, let percent?): value = .percentOff(Int(percent))
        case (nil, nil): throw CouponError(.payload("no value: give off or pct"), position: position)
        case (.some, .some): throw fail("give off or pct, not both", "pct")
        }
        if min != nil, currency == nil { throw fail("min needs a currency (cur)", "min") }

        var gtins: [GTIN] = []
        if let (list, at) = fields["gtin"] {
            var itemOffset = at
            for text in list.split(separator: ",", omittingEmptySubsequences: false) {
                do { gtins.append(try GTIN(text)) } catch {
                    throw CouponError(.payload("gtin \"\(text)\": \(error)"), position: position, payloadPosition: itemOffset)
                }
                itemOffset += text.utf8.count + 1
            }
            guard gtins.count <= 20 else { throw fail("more than 20 GTINs", "gtin") }
            guard Set(gtins).count == gtins.count else { throw fail("a GTIN is listed twice", "gtin") }
        }
        let from = try integer("from", 0...253_402_300_799)
        guard let until = try integer("until", 0...253_402_300_799) else {
            throw CouponError(.payload("no end of validity (until)"), position: position)
        }
        if let from, from > until { throw fail("from is after until", "from") }
        let coupon = Coupon(id: String(id), value: value, minimumSpend: min.map { Money(minorUnits: $0, currency: currency!) },
                            gtins: gtins, validFrom: from, validUntil: until)
        return coupon
    }
}

/// RFC 4648 base64url without padding (padding "=" is accepted on input).
public enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func value(_ c: UInt8) -> UInt32? {
        switch c {
        case 65...90: return UInt32(c - 65)
        case 97...122: return UInt32(c - 71)
        case 48...57: return UInt32(c + 4)
        case 45: return 62
        case 95: return 63
        default: return nil
        }
    }

    /// Decodes `text`; `offset` is where it starts in the whole code, for error positions.
    public static func decode(_ text: ArraySlice<UInt8>, offset: Int = 0) throws(CouponError) -> [UInt8] {
        var chars = text
        while chars.last == UInt8(ascii: "=") { chars = chars.dropLast() }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var i = 0
        var index = chars.startIndex
        while index < chars.endIndex {
            let c = chars[index]
            guard let v = value(c) else {
                let shown = c >= 32 && c < 127 ? "\"\(Character(UnicodeScalar(c)))\"" : "byte \(c)"
                throw CouponError(.base64("\(shown) is not a base64url character"), position: offset + i + 1)
            }
            buffer = buffer << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(buffer >> UInt32(bits) & 0xFF))
            }
            i += 1
            index += 1
        }
        guard chars.count % 4 != 1 else {
            throw CouponError(.base64("base64url text cannot be \(chars.count) characters long"), position: offset + chars.count)
        }
        // Leftover bits must be zero in canonical base64url: otherwise two texts decode alike.
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else {
            throw CouponError(.base64("non-canonical final character"), position: offset + chars.count)
        }
        return out
    }
}
