/// A Global Trade Item Number, normalised to 14 digits (GTIN-8/12/13 are left-padded with zeros),
/// so that the EAN-13 and UPC-A forms of one product are the same key.
public struct GTIN: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    /// Exactly 14 ASCII digits, check digit last and verified.
    public let digits: String

    public var description: String { digits }

    /// The shortest usual form: 13 digits for EAN-13/UPC-A (UPC-A shows with a leading 0), 8 for EAN-8.
    public var displayForm: String {
        if digits.hasPrefix("000000") { return String(digits.dropFirst(6)) }
        return digits.hasPrefix("0") ? String(digits.dropFirst()) : digits
    }

    public static func < (a: GTIN, b: GTIN) -> Bool { a.digits < b.digits }

    /// Parses an EAN-8, UPC-A, EAN-13 or GTIN-14 and verifies its check digit.
    public init(_ code: some StringProtocol) throws(GTINError) {
        let bytes = Array(code.utf8)
        guard !bytes.isEmpty else { throw .empty }
        if let bad = bytes.firstIndex(where: { $0 < 48 || $0 > 57 }) {
            throw .notADigit(position: bad + 1)
        }
        guard [8, 12, 13, 14].contains(bytes.count) else { throw .wrongLength(bytes.count) }
        let values = bytes.map { $0 - 48 }
        let expected = GTIN.checkDigit(of: values.dropLast())
        guard expected == values.last! else { throw .wrongCheckDigit(expected: expected, found: values.last!) }
        digits = String(repeating: "0", count: 14 - bytes.count) + String(decoding: bytes, as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey { case digits }

    /// Decodes the synthesized shape `{"digits": "..."}` but checks it again, so stored data
    /// cannot bring in a code that `init(_:)` refuses.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .digits)
        do { self = try GTIN(text) } catch {
            throw DecodingError.dataCorruptedError(forKey: .digits, in: container, debugDescription: error.description)
        }
    }

    /// As the generic version, for the array slices the scan path has (no generic iteration).
    public static func checkDigit(of digits: ArraySlice<UInt8>) -> UInt8 {
        var sum = 0
        var weight = 3
        var i = digits.endIndex
        while i > digits.startIndex {
            i -= 1
            sum += Int(digits[i]) * weight
            weight = 4 - weight
        }
        return UInt8((10 - sum % 10) % 10)
    }

    /// GS1 mod-10 check digit of the digits before it (values 0...9): weights 3,1,3,... from the right.
    public static func checkDigit(of digits: some BidirectionalCollection<UInt8>) -> UInt8 {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            sum += Int(d) * (i % 2 == 0 ? 3 : 1)
        }
        return UInt8((10 - sum % 10) % 10)
    }

    /// `digits` (without check digit) with its GS1 check digit appended.
    public static func appendingCheckDigit(_ digits: String) -> String {
        digits + String(checkDigit(of: digits.utf8.map { $0 - 48 }[...]))
    }

    /// Expands an 8-digit UPC-E code (number system 0 or 1, with check digit) to its UPC-A GTIN.
    public static func expandingUPCE(_ code: some StringProtocol) throws(GTINError) -> GTIN {
        let bytes = Array(code.utf8)
        if let bad = bytes.firstIndex(where: { $0 < 48 || $0 > 57 }) { throw .notADigit(position: bad + 1) }
        guard bytes.count == 8 else { throw .wrongLength(bytes.count) }
        let d = bytes.map { Character(UnicodeScalar($0)) }
        guard d[0] == "0" || d[0] == "1" else { throw .notUPCE }
        let m = d[1...6].map { String($0) }
        let body: String
        switch d[6] {
        case "0", "1", "2": body = m[0] + m[1] + String(d[6]) + "0000" + m[2] + m[3] + m[4]
        case "3": body = m[0] + m[1] + m[2] + "00000" + m[3] + m[4]
        case "4": body = m[0] + m[1] + m[2] + m[3] + "00000" + m[4]
        default: body = m[0] + m[1] + m[2] + m[3] + m[4] + "0000" + String(d[6])
        }
        return try GTIN(String(d[0]) + body + String(d[7]))
    }
}

public enum GTINError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case notADigit(position: Int)
    case wrongLength(Int)
    case wrongCheckDigit(expected: UInt8, found: UInt8)
    case notUPCE

    public var description: String {
        switch self {
        case .empty: return "empty code"
        case .notADigit(let p): return "not a digit at position \(p)"
        case .wrongLength(let n): return "\(n) digits is not a GTIN length (8, 12, 13 or 14)"
        case .wrongCheckDigit(let e, let f): return "check digit is \(f), expected \(e)"
        case .notUPCE: return "UPC-E must start with number system 0 or 1"
        }
    }
}
