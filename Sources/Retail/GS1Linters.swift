/// The content rules of GS1's Barcode Syntax Dictionary ("linters"), by the names the
/// dictionary gives them. Each checks one component's data and fails at an offset within it.
/// Character sets are checked before linters run (by the component's type), so most linters
/// here see only digits or only set-82 characters. Kiosk's own code, following the rules GS1
/// describes for each linter.
public enum GS1Linter: String, Hashable, Sendable, CaseIterable {
    case csum, csumalpha, gcppos1, gcppos2
    case yymmd0, yymmdd, yyyymmd0, yyyymmdd, hh, mi, ss, hhmi
    case iso4217, iso3166, iso3166999, iso3166alpha2, iso5218
    case pieceoftotal, zero, nozeroprefix, nonzero, hasnondigit, yesno, hyphen, winding
    case latitude, longitude, iban, importeridx, mediatype, packagetype, pcenc, posinseqslash
    case couponcode, couponposoffer

    /// The shortest GS1 Company Prefix (the dictionary's GCP_MIN_LENGTH).
    static let companyPrefixMinimum = 4

    func check(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        func fail(_ offset: Int, _ why: String) -> GS1ValueFault { GS1ValueFault(offset: offset, why: why) }
        let text = String(decoding: part, as: UTF8.self)
        switch self {
        case .csum: try GS1Linters.checkDigit(part)
        case .csumalpha: try GS1Linters.checkPair(part)
        case .gcppos1: try GS1Linters.companyPrefix(part, at: 0)
        case .gcppos2: try GS1Linters.companyPrefix(part, at: 1)
        case .yymmd0: _ = try GS1Linters.date(part, yearDigits: 2, dayZero: true)
        case .yymmdd: _ = try GS1Linters.date(part, yearDigits: 2, dayZero: false)
        case .yyyymmd0: _ = try GS1Linters.date(part, yearDigits: 4, dayZero: true)
        case .yyyymmdd: _ = try GS1Linters.date(part, yearDigits: 4, dayZero: false)
        case .hh: try GS1Linters.range(part, "hour", 0...23)
        case .mi: try GS1Linters.range(part, "minute", 0...59)
        case .ss: try GS1Linters.range(part, "second", 0...59)
        case .hhmi:
            guard part.count == 4 else { throw fail(0, "hour and minute need 4 digits") }
            try GS1Linters.range(part.prefix(2), "hour", 0...23)
            do { try GS1Linters.range(part.suffix(2), "minute", 0...59) } catch { throw fail(2, error.why) }
        case .iso4217:
            if !GS1CodeLists.iso4217.contains(text) { throw fail(0, "currency \(text) is not ISO 4217") }
        case .iso3166:
            if !GS1CodeLists.iso3166.contains(text) { throw fail(0, "country \(text) is not ISO 3166") }
        case .iso3166999:
            if text != "999" && !GS1CodeLists.iso3166.contains(text) { throw fail(0, "country \(text) is neither ISO 3166 nor 999") }
        case .iso3166alpha2:
            if !GS1CodeLists.iso3166Alpha2.contains(text) { throw fail(0, "country \(text) is not ISO 3166 alpha-2") }
        case .iso5218:
            if !["0", "1", "2", "9"].contains(text) { throw fail(0, "sex code \(text) is not ISO 5218 (0, 1, 2 or 9)") }
        case .pieceoftotal: try GS1Linters.pieceOfTotal(part)
        case .zero:
            if text != "0" { throw fail(0, "must be 0") }
        case .nozeroprefix:
            if part.first == UInt8(ascii: "0") { throw fail(0, "leading zero") }
        case .nonzero:
            if part.allSatisfy({ $0 == UInt8(ascii: "0") }) { throw fail(0, "must not be zero") }
        case .hasnondigit:
            if part.allSatisfy({ $0 &- 48 < 10 }) { throw fail(0, "must contain a character other than a digit") }
        case .yesno:
            if text != "0" && text != "1" { throw fail(0, "must be 0 or 1") }
        case .hyphen:
            if part.isEmpty || part.contains(where: { $0 != UInt8(ascii: "-") }) { throw fail(0, "must be \"-\"") }
        case .winding:
            if !["0", "1", "9"].contains(text) { throw fail(0, "winding direction \(text) is not 0, 1 or 9") }
        case .latitude:
            if GS1Linters.number(part) > 1_800_000_000 { throw fail(0, "latitude out of range") }
        case .longitude:
            if GS1Linters.number(part) > 3_600_000_000 { throw fail(0, "longitude out of range") }
        case .iban: try GS1Linters.iban(part)
        case .importeridx:
            guard part.count == 1, let c = part.first,
                  c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || GS1Linters.isAlphanumeric(c) else {
                throw fail(0, "importer index must be one of 0-9, A-Z, a-z, \"-\" or \"_\"")
            }
        case .mediatype:
            let n = part.count == 2 ? GS1Linters.number(part) : -1
            if !(1...10).contains(n) && !(80...99).contains(n) { throw fail(0, "media type \(text) is not assigned") }
        case .packagetype:
            if !GS1CodeLists.packageTypes.contains(text) { throw fail(0, "package type \(text) is not a UN/ECE Rec 21 code") }
        case .pcenc: try GS1Linters.percentEncoding(part)
        case .posinseqslash: try GS1Linters.positionInSequence(part)
        case .couponcode: _ = try GS1Coupon.decode(part)
        case .couponposoffer: _ = try GS1PaperlessCoupon.decode(part)
        }
    }
}

/// The linters' arithmetic, apart from the dispatch above.
enum GS1Linters {
    static func number(_ digits: some Collection<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1) - 48 }
    }

    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    static func range(_ part: ArraySlice<UInt8>, _ name: String, _ allowed: ClosedRange<Int>) throws(GS1ValueFault) {
        if !allowed.contains(number(part)) {
            throw GS1ValueFault(offset: 0, why: "\(name) \(String(decoding: part, as: UTF8.self))")
        }
    }

    static func checkDigit(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        let values = part.map { $0 - 48 }
        let expected = GTIN.checkDigit(of: values.dropLast())
        if expected != values.last! {
            throw GS1ValueFault(offset: part.count - 1, why: "", checkDigit: (Int(values.last!), Int(expected)))
        }
    }

    /// The minimum-length GS1 Company Prefix starting at `offset` must be there and be digits.
    static func companyPrefix(_ part: ArraySlice<UInt8>, at offset: Int) throws(GS1ValueFault) {
        let minimum = GS1Linter.companyPrefixMinimum
        guard part.count >= offset + minimum else {
            throw GS1ValueFault(offset: 0, why: "too short for a GS1 Company Prefix (\(minimum) digits)")
        }
        let prefix = part.dropFirst(offset).prefix(minimum)
        if let bad = prefix.firstIndex(where: { $0 &- 48 >= 10 }) {
            throw GS1ValueFault(offset: bad - part.startIndex, why: "a GS1 Company Prefix has only digits")
        }
    }

    /// YYMMDD or YYYYMMDD; with `dayZero` a day of 00 means "end of the month". February 29
    /// needs a leap year; for YY, YY % 4 decides it within GS1's 100-year window around today.
    static func date(_ part: ArraySlice<UInt8>, yearDigits: Int, dayZero: Bool) throws(GS1ValueFault) -> GS1Date {
        let s = part.startIndex
        let year = number(part[s..<s + yearDigits])
        let month = number(part[s + yearDigits..<s + yearDigits + 2]), day = number(part[s + yearDigits + 2..<s + yearDigits + 4])
        guard (1...12).contains(month) else { throw GS1ValueFault(offset: yearDigits, why: "month \(twoDigits(month))") }
        let date = GS1Date(yy: year % 100, month: month, day: day)
        if day == 0 && dayZero { return date }
        let last = GS1Date.daysIn(month: month, year: yearDigits == 2 ? 2000 + year : year)
        guard (1...last).contains(day) else {
            let leap = month == 2 && day == 29 ? " in a non-leap year" : ""
            throw GS1ValueFault(offset: yearDigits + 2, why: "day \(twoDigits(day))" + leap)
        }
        return date
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// NN..piece then NN..total of the same length, neither zero, piece not above total.
    static func pieceOfTotal(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        guard !part.isEmpty, part.count % 2 == 0 else { throw GS1ValueFault(offset: 0, why: "piece and total differ in length") }
        let half = part.count / 2
        let piece = part.prefix(half), total = part.suffix(half)
        if piece.allSatisfy({ $0 == 48 }) { throw GS1ValueFault(offset: 0, why: "piece number zero") }
        if total.allSatisfy({ $0 == 48 }) { throw GS1ValueFault(offset: half, why: "total zero") }
        if piece.lexicographicallyPrecedes(total) || piece.elementsEqual(total) { return }
        throw GS1ValueFault(offset: 0, why: "piece \(String(decoding: piece, as: UTF8.self)) of \(String(decoding: total, as: UTF8.self))")
    }

    /// GMN (8013, 8014): the last two characters are set-32 symbols of (sum mod 1021), where the
    /// sum weights each data character's set-82 index by primes 2, 3, 5, ... from the right.
    static func checkPair(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        guard part.count >= 2 else { throw GS1ValueFault(offset: 0, why: "too short for its two check characters") }
        let data = part.dropLast(2)
        var sum = 0
        for (weight, byte) in zip(primes, data.reversed()) { sum += weight * GS1Checks.set82Index[Int(byte)] }
        sum %= 1021
        let set32 = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
        let expected = [set32[sum >> 5], set32[sum & 31]]
        if Array(part.suffix(2)) != expected {
            let found = String(decoding: part.suffix(2), as: UTF8.self), want = String(decoding: expected, as: UTF8.self)
            throw GS1ValueFault(offset: part.count - 2, why: "check characters \(found) should be \(want)")
        }
    }

    /// Prime weights, more than enough: the longest check-pair AI has 23 characters before its pair.
    private static let primes: [Int] = {
        var found: [Int] = []
        var n = 2
        while found.count < 100 {
            if !found.contains(where: { $0 * $0 <= n && n % $0 == 0 }) { found.append(n) }
            n += 1
        }
        return found
    }()

    /// ISO 13616: an ISO 3166 alpha-2 country, 10 < length <= 34, letters and digits, mod 97 = 1
    /// over the string rotated by four with letters as 10-35.
    static func iban(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        guard part.count >= 4 else { throw GS1ValueFault(offset: 0, why: "IBAN too short") }
        let country = String(decoding: part.prefix(2), as: UTF8.self)
        guard GS1CodeLists.iso3166Alpha2.contains(country) else {
            throw GS1ValueFault(offset: 0, why: "IBAN country \(country) is not ISO 3166 alpha-2")
        }
        guard part.count > 10, part.count <= 34 else { throw GS1ValueFault(offset: 0, why: "IBAN length \(part.count)") }
        let rotated = Array(part.dropFirst(4)) + Array(part.prefix(4))
        var remainder = 0
        for (i, c) in rotated.enumerated() {
            let value: Int
            switch c {
            case 48...57: value = Int(c) - 48
            case 65...90: value = Int(c) - 55
            default: throw GS1ValueFault(offset: (i + 4) % part.count, why: "IBAN allows only digits and capital letters")
            }
            remainder = (remainder * (value < 10 ? 10 : 100) + value) % 97
        }
        if remainder != 1 { throw GS1ValueFault(offset: 2, why: "IBAN check digits do not match") }
    }

    /// "%" must start a two-hex-digit escape.
    static func percentEncoding(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        var i = part.startIndex
        while i < part.endIndex {
            if part[i] == UInt8(ascii: "%") {
                guard i + 2 < part.endIndex, isHex(part[i + 1]), isHex(part[i + 2]) else {
                    throw GS1ValueFault(offset: i - part.startIndex, why: "bad percent-encoding")
                }
                i += 3
            } else {
                i += 1
            }
        }
    }

    static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }

    /// "position/total" (AI 7258): digits, one slash, no leading zeros, position not above total.
    static func positionInSequence(_ part: ArraySlice<UInt8>) throws(GS1ValueFault) {
        let pieces = part.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty,
              pieces.allSatisfy({ $0.allSatisfy { $0 &- 48 < 10 } }) else {
            throw GS1ValueFault(offset: 0, why: "must be position/total")
        }
        if pieces[0].first == 48 { throw GS1ValueFault(offset: 0, why: "leading zero") }
        if pieces[1].first == 48 { throw GS1ValueFault(offset: pieces[0].count + 1, why: "leading zero") }
        let position = pieces[0], total = pieces[1]
        let exceeds = position.count > total.count
            || (position.count == total.count && total.lexicographicallyPrecedes(position))
        if exceeds { throw GS1ValueFault(offset: 0, why: "position after the end of the sequence") }
    }
}
