/// An AI and its data as found in some input, before validation: where the AI was and where
/// each data byte came from (positions are 1-based byte offsets in the input).
struct GS1RawElement {
    var ai: String
    var aiPosition: Int
    var value: [UInt8]
    var positions: [Int]
    var context: String? = nil

    /// Position of value byte `offset`, kept inside the value (or on the AI when it is empty).
    func position(_ offset: Int) -> Int {
        guard !positions.isEmpty else { return aiPosition }
        return positions[max(0, min(offset, positions.count - 1))]
    }
}

/// Checks one element's data against its AI's format and content rules.
enum GS1Checks {
    static func validate(_ raw: GS1RawElement, _ ai: GS1ApplicationIdentifier) throws(GS1Error) -> GS1Element {
        func fail(_ reason: GS1Error.Reason, at offset: Int) -> GS1Error {
            GS1Error(reason, ai: raw.ai, position: raw.position(offset), context: raw.context)
        }
        let value = raw.value
        guard !value.isEmpty else { throw GS1Error(.noData, ai: raw.ai, position: raw.aiPosition, context: raw.context) }
        let range = ai.lengthRange
        if value.count > range.upperBound { throw fail(.tooLong(length: value.count, maximum: range.upperBound), at: 0) }
        if value.count < range.lowerBound { throw fail(.tooShort(length: value.count, minimum: range.lowerBound), at: 0) }

        // Walk the components: fixed ones take their length, the variable (last) one the rest.
        var offset = 0
        var parts: [ArraySlice<UInt8>] = []
        for component in ai.components {
            let remaining = value.count - offset
            if remaining == 0 && component.isOptional { break }
            if remaining < component.minLength {
                throw fail(.tooShort(length: value.count, minimum: offset + component.minLength), at: 0)
            }
            let part = value[offset..<offset + min(remaining, component.maxLength)]
            if let bad = part.firstIndex(where: { !allowed($0, component.characters) }) {
                throw fail(.invalidCharacter(shown(value, at: bad), allowed: component.characters), at: bad)
            }
            if let check = component.check {
                do throws(GS1ValueFault) { try apply(check, part) } catch {
                    let at = part.startIndex + error.offset
                    if let digits = error.checkDigit {
                        throw fail(.checkDigit(found: digits.found, expected: digits.expected), at: at)
                    }
                    throw fail(.invalid(error.why), at: at)
                }
            }
            parts.append(part)
            offset += part.count
        }
        return GS1Element(ai: raw.ai, value: String(decoding: value, as: UTF8.self), position: raw.aiPosition,
                          meaning: meaning(ai, parts), context: raw.context)
    }

    static func allowed(_ byte: UInt8, _ characters: GS1Component.Characters) -> Bool {
        switch characters {
        case .digits: return byte >= 48 && byte <= 57
        case .set82: return set82Index[Int(byte)] >= 0
        case .set39:
            return (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || byte == 35 || byte == 45 || byte == 47
        }
    }

    /// GS1 AI encodable character set 82, in the order the GMN check pair weights it.
    static let set82 = Array(#"!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"#.utf8)
    static let set82Index: [Int] = {
        var index = [Int](repeating: -1, count: 256)
        for (i, c) in set82.enumerated() { index[Int(c)] = i }
        return index
    }()

    /// The character starting at `index` as an error message shows it: "é" quoted; a control
    /// byte or broken UTF-8 by name or code.
    static func shown(_ bytes: [UInt8], at index: Int) -> String {
        let lead = bytes[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        if lead >= 0xC0, index + length <= bytes.count,
           let character = String(validating: bytes[index..<index + length], as: UTF8.self) {
            return "\"" + character + "\""
        }
        return shown(lead)
    }

    /// A byte as an error message shows it: "A" quoted, control bytes by name or code.
    static func shown(_ byte: UInt8) -> String {
        switch byte {
        case 29: return "GS"
        case 32...126: return "\"" + String(UnicodeScalar(byte)) + "\""
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
        }
    }

    /// Bytes for a message: printable ASCII as is, others as <GS> or <0xNN>.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { b in
            if (32...126).contains(b) { return String(UnicodeScalar(b)) }
            let quoted = shown(b)
            return "<" + (quoted.hasPrefix("byte ") ? String(quoted.dropFirst(5)) : quoted) + ">"
        }.joined()
    }

    // MARK: Content rules

    private static func apply(_ check: GS1Check, _ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        switch check {
        case .checkDigit: try checkDigit(part)
        case .date(let dayZero): _ = try date(part, dayZero: dayZero)
        case .hour: try range(part, "hour", 0...23)
        case .minute: try range(part, "minute", 0...59)
        case .second: try range(part, "second", 0...59)
        case .iso4217:
            let code = String(decoding: part, as: UTF8.self)
            if GS1Codes.currencies[code] == nil { throw GS1ValueFault(offset: 0, why: "currency \(code) is not ISO 4217") }
        case .iso3166:
            let code = String(decoding: part, as: UTF8.self)
            if !GS1Codes.countries.contains(code) { throw GS1ValueFault(offset: 0, why: "country \(code) is not ISO 3166") }
        case .checkPair: try checkPair(part)
        case .pieceOfTotal:
            let piece = number(part.prefix(2)), total = number(part.suffix(2))
            if piece == 0 { throw GS1ValueFault(offset: 0, why: "piece number 00") }
            if total == 0 { throw GS1ValueFault(offset: 2, why: "total 00") }
            if piece > total { throw GS1ValueFault(offset: 0, why: "piece \(piece) of \(total)") }
        case .zero:
            if part.first != 48 { throw GS1ValueFault(offset: 0, why: "must start with 0") }
        case .noZeroPrefix:
            if part.count > 1 && part.first == 48 { throw GS1ValueFault(offset: 0, why: "leading zero") }
        case .coupon: _ = try GS1Coupon.decode(part)
        case .couponPOS: _ = try GS1PaperlessCoupon.decode(part)
        }
    }

    static func number(_ digits: some Collection<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1) - 48 }
    }

    private static func range(_ part: ArraySlice<UInt8>, _ name: String,
                              _ allowed: ClosedRange<Int>) throws(GS1ValueFault) {
        let n = number(part)
        if !allowed.contains(n) { throw GS1ValueFault(offset: 0, why: "\(name) \(String(decoding: part, as: UTF8.self))") }
    }

    private static func checkDigit(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        let values = part.map { $0 - 48 }
        let expected = GTIN.checkDigit(of: values.dropLast())
        if expected != values.last! {
            throw GS1ValueFault(offset: part.count - 1, why: "", checkDigit: (Int(values.last!), Int(expected)))
        }
    }

    /// YYMMDD; February 29 needs a leap year, which YY % 4 decides within GS1's 100-year window.
    static func date(_ part: ArraySlice<UInt8>, dayZero: Bool) throws(GS1ValueFault) -> GS1Date {
        let s = part.startIndex
        let yy = number(part[s..<s + 2]), month = number(part[s + 2..<s + 4]), day = number(part[s + 4..<s + 6])
        guard (1...12).contains(month) else { throw GS1ValueFault(offset: 2, why: "month \(twoDigits(month))") }
        if day == 0 && dayZero { return GS1Date(yy: yy, month: month, day: 0) }
        let last = GS1Date.daysIn(month: month, year: 2000 + yy)
        guard (1...last).contains(day) else {
            let leap = month == 2 && day == 29 ? " in a non-leap year" : ""
            throw GS1ValueFault(offset: 4, why: "day \(twoDigits(day))" + leap)
        }
        return GS1Date(yy: yy, month: month, day: day)
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// GMN (8013): the last two characters are set-32 symbols of (sum mod 1021), where the sum
    /// weights each data character's set-82 index by primes 2, 3, 5, ... from the right.
    private static func checkPair(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        guard part.count >= 2 else { throw GS1ValueFault(offset: 0, why: "too short for its two check characters") }
        let data = part.dropLast(2)
        var sum = 0
        for (weight, byte) in zip(primes, data.reversed()) { sum += weight * set82Index[Int(byte)] }
        sum %= 1021
        let set32 = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
        let expected = [set32[sum >> 5], set32[sum & 31]]
        if Array(part.suffix(2)) != expected {
            let found = String(decoding: part.suffix(2), as: UTF8.self), want = String(decoding: expected, as: UTF8.self)
            throw GS1ValueFault(offset: part.count - 2, why: "check characters \(found) should be \(want)")
        }
    }

    /// Prime weights, more than enough: 8013 has at most 23 characters before its check pair.
    private static let primes: [Int] = {
        var found: [Int] = []
        var n = 2
        while found.count < 100 {
            if !found.contains(where: { $0 * $0 <= n && n % $0 == 0 }) { found.append(n) }
            n += 1
        }
        return found
    }()

    // MARK: Meaning

    private static func meaning(_ ai: GS1ApplicationIdentifier, _ parts: [ArraySlice<UInt8>]) -> GS1Meaning {
        let first = parts[0]
        let text = String(decoding: first, as: UTF8.self)
        switch ai.ai {
        case "01", "02", "03": return (try? GTIN(text)).map(GS1Meaning.gtin) ?? .text
        case "30", "37": return .count(number(first))
        case "422": return .country(text)
        case "8110": return (try? GS1Coupon.decode(first)).map(GS1Meaning.coupon) ?? .text
        case "8112": return (try? GS1PaperlessCoupon.decode(first)).map(GS1Meaning.paperlessCoupon) ?? .text
        default: break
        }
        if let decimals = ai.decimals {
            if ai.components[0].check == .iso4217, parts.count == 2 {
                let currency = GS1Currency(numeric: text, code: GS1Codes.currencies[text] ?? text)
                return .amount(GS1Decimal(units: Int64(number(parts[1])), decimals: decimals), currency: currency)
            }
            return .decimal(GS1Decimal(units: Int64(number(first)), decimals: decimals))
        }
        guard case .date(let dayZero)? = ai.components[0].check, let date = try? date(first, dayZero: dayZero) else {
            return .text
        }
        if parts.count == 1 { return .date(date) }
        return .dateTime(date, hour: number(parts[1]), minute: parts.count > 2 ? number(parts[2]) : nil,
                         second: parts.count > 3 ? number(parts[3]) : nil)
    }
}

/// Rules between the elements of one scan: required companions, forbidden pairs, duplicates.
enum GS1Association {
    /// True if `ai` fits `pattern`, where "n" in the pattern stands for any digit.
    static func matches(_ pattern: String, _ ai: String) -> Bool {
        guard pattern.utf8.count == ai.utf8.count else { return false }
        return zip(pattern.utf8, ai.utf8).allSatisfy { p, a in p == a || p == UInt8(ascii: "n") }
    }

    static func check(_ elements: [GS1Element]) throws(GS1Error) {
        func fail(_ reason: GS1Error.Reason, _ e: GS1Element) -> GS1Error {
            GS1Error(reason, ai: e.ai, position: e.position, context: e.context)
        }
        // Duplicates and forbidden pairs are reported at the later element.
        for (j, later) in elements.enumerated() {
            for earlier in elements[..<j] {
                if earlier.ai == later.ai {
                    if earlier.value != later.value { throw fail(.duplicate, later) }
                } else if excludes(earlier, later) || excludes(later, earlier) {
                    throw fail(.excludes(earlier.ai), later)
                }
            }
        }
        for element in elements {
            for requirement in element.definition.requires {
                let alternatives = requirement.split(separator: ",").map { $0.split(separator: "+").map(String.init) }
                let met = alternatives.contains { all in
                    all.allSatisfy { pattern in elements.contains { matches(pattern, $0.ai) } }
                }
                if !met { throw fail(.requires(alternatives), element) }
            }
        }
    }

    private static func excludes(_ a: GS1Element, _ b: GS1Element) -> Bool {
        a.definition.excludes.contains { matches($0, b.ai) }
    }
}
