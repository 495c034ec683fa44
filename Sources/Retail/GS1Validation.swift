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
            // Set 64 (base64url) may end in up to two "=" pads, only on a length divisible by 3.
            let pads = component.characters == .set64 ? part.reversed().prefix { $0 == UInt8(ascii: "=") }.count : 0
            if pads > 2 || (pads > 0 && part.count % 3 != 0) {
                throw fail(.invalidCharacter("\"=\"", allowed: .set64), at: part.endIndex - pads)
            }
            if let bad = part.dropLast(pads).firstIndex(where: { !allowed($0, component.characters) }) {
                throw fail(.invalidCharacter(shown(value, at: bad), allowed: component.characters), at: bad)
            }
            for linter in component.linters {
                do throws(GS1ValueFault) { try linter.check(part) } catch {
                    let at = part.startIndex + error.offset
                    if let digits = error.checkDigit {
                        throw fail(.checkDigit(found: digits.found, expected: digits.expected), at: at)
                    }
                    throw fail(.invalid(rule: linter, error.why), at: at)
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
        case .set64:
            return GS1Linters.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
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

    // MARK: Meaning

    private static func meaning(_ ai: GS1ApplicationIdentifier, _ parts: [ArraySlice<UInt8>]) -> GS1Meaning {
        let first = parts[0]
        let text = String(decoding: first, as: UTF8.self)
        switch ai.ai {
        case "01", "02", "03": return (try? GTIN(text)).map(GS1Meaning.gtin) ?? .text
        case "30", "37": return .count(GS1Linters.number(first))
        case "422": return .country(text)
        case "8110": return (try? GS1Coupon.decode(first)).map(GS1Meaning.coupon) ?? .text
        case "8112": return (try? GS1PaperlessCoupon.decode(first)).map(GS1Meaning.paperlessCoupon) ?? .text
        default: break
        }
        if let decimals = ai.decimals {
            if ai.components[0].linters.contains(.iso4217), parts.count == 2 {
                let currency = GS1Currency(numeric: text, code: GS1Codes.currencies[text] ?? text)
                return .amount(GS1Decimal(units: Int64(GS1Linters.number(parts[1])), decimals: decimals), currency: currency)
            }
            return .decimal(GS1Decimal(units: Int64(GS1Linters.number(first)), decimals: decimals))
        }
        let linters = ai.components[0].linters
        guard linters.contains(.yymmd0) || linters.contains(.yymmdd),
              let date = try? GS1Linters.date(first, yearDigits: 2, dayZero: linters.contains(.yymmd0)) else {
            return .text
        }
        // A time follows as HH (8008, then optional MI and SS) or as HHMI (7003, 4324, ...).
        guard parts.count > 1, let time = ai.components[1].linters.first, time == .hh || time == .hhmi else {
            return .date(date)
        }
        if time == .hhmi {
            return .dateTime(date, hour: GS1Linters.number(parts[1].prefix(2)), minute: GS1Linters.number(parts[1].suffix(2)), second: nil)
        }
        return .dateTime(date, hour: GS1Linters.number(parts[1]), minute: parts.count > 2 ? GS1Linters.number(parts[2]) : nil,
                         second: parts.count > 3 ? GS1Linters.number(parts[3]) : nil)
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
