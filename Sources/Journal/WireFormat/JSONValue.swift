import Foundation

/// A JSON document as plain values: what the journal's wire format is written in. Numbers are
/// integers only (money is in minor units, times in milliseconds): a fraction is an error.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Compact text with keys sorted: the same value always gives the same bytes, which the hash
    /// chain covers. Written directly (every scan is journaled, so this is on the scan-to-cart
    /// path); the bytes are those of `JSONEncoder` with sorted keys and unescaped slashes, which
    /// the committed v1 journal pins.
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .string(let s): Self.write(string: s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(string: key, to: &out)
                out.append(UInt8(ascii: ":"))
                fields[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func write(string: String, to out: inout [UInt8]) {
        appendQuoted(string, to: &out)
    }

    /// Appends `string` as a JSON string, escaped exactly as `text` escapes strings (`"`, `\`,
    /// and control characters; nothing else). Runs without escapes are copied whole: the sync API
    /// writes a million stored payloads this way.
    public static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            for i in bytes.indices {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                appendEscape(byte, to: &out)
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                    hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)]])
        }
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an integer, string, bool, array, object or null")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// Why a record of the wire format cannot be read: where (a path like `sale.lines[2].item.gtin`)
/// and what.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path.isEmpty ? "record" : path): \(problem)" }
}

/// Reads one JSON object field by field, naming the path in every error.
public struct WireObject: Sendable {
    public let fields: [String: JSONValue]
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(WireError) {
        guard case .object(let fields) = value else { throw WireError(path: path, problem: "not an object") }
        self.fields = fields
        self.path = path
    }

    func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func error(_ key: String, _ problem: String) -> WireError { WireError(path: at(key), problem: problem) }

    /// nil when the key is absent or null.
    public func optional(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    public func value(_ key: String) throws(WireError) -> JSONValue {
        guard let value = optional(key) else { throw error(key, "missing") }
        return value
    }

    public func string(_ key: String) throws(WireError) -> String {
        guard case .string(let s) = try value(key) else { throw error(key, "not a string") }
        return s
    }

    public func optionalString(_ key: String) throws(WireError) -> String? {
        guard optional(key) != nil else { return nil }
        return try string(key)
    }

    public func int(_ key: String) throws(WireError) -> Int64 {
        guard case .int(let i) = try value(key) else { throw error(key, "not an integer") }
        return i
    }

    public func optionalInt(_ key: String) throws(WireError) -> Int64? {
        guard optional(key) != nil else { return nil }
        return try int(key)
    }

    /// An Int field within `range` (counts, ids, percentages).
    public func int(_ key: String, in range: ClosedRange<Int>) throws(WireError) -> Int {
        let i = try int(key)
        guard i >= range.lowerBound, i <= range.upperBound else { throw error(key, "\(i) is outside \(range)") }
        return Int(i)
    }

    public func bool(_ key: String) throws(WireError) -> Bool {
        guard case .bool(let b) = try value(key) else { throw error(key, "not true or false") }
        return b
    }

    public func object(_ key: String) throws(WireError) -> WireObject {
        try WireObject(try value(key), path: at(key))
    }

    public func optionalObject(_ key: String) throws(WireError) -> WireObject? {
        guard let value = optional(key) else { return nil }
        return try WireObject(value, path: at(key))
    }

    /// The elements of an array field (absent means empty), each read by `read`.
    public func array<T>(_ key: String, _ read: (JSONValue, String) throws(WireError) -> T) throws(WireError) -> [T] {
        guard let value = optional(key) else { return [] }
        guard case .array(let elements) = value else { throw error(key, "not an array") }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() { result.append(try read(element, "\(at(key))[\(i)]")) }
        return result
    }

    /// An array of objects.
    public func objects<T>(_ key: String, _ read: (WireObject) throws(WireError) -> T) throws(WireError) -> [T] {
        try array(key) { (value, path) throws(WireError) in try read(try WireObject(value, path: path)) }
    }

    /// The `type` of a variant (an enum case written as an object with a `type` key).
    public func type() throws(WireError) -> String { try string("type") }
}

/// Builds a JSON object, leaving out nil values (an absent key and null mean the same).
struct WireWriter {
    private(set) var fields: [String: JSONValue] = [:]

    init(type: String? = nil) {
        if let type { fields["type"] = .string(type) }
    }

    subscript(key: String) -> JSONValue? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    var value: JSONValue { .object(fields) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
