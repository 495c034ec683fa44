import Foundation

/// The members of an answer's top-level JSON object as the exact bytes they were sent as: the
/// signature covers the `<method>_response` member's text, not any re-encoding of it. The whole
/// text is first checked to be JSON (JSONSerialization), so the scan only has to find spans.
enum AlipayJSON {
    struct Malformed: Error, Equatable, CustomStringConvertible {
        let why: String
        var description: String { "Alipay answer malformed: \(why)" }
    }

    static func members(_ bytes: [UInt8]) throws(Malformed) -> [String: ArraySlice<UInt8>] {
        guard (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any] else { throw Malformed(why: "not a JSON object") }
        var scanner = Scanner(bytes: bytes)
        var members: [String: ArraySlice<UInt8>] = [:]
        scanner.skipSpace()
        scanner.index += 1  // "{", as JSONSerialization saw
        while true {
            scanner.skipSpace()
            if scanner.peek == UInt8(ascii: "}") { return members }
            let key = scanner.string()
            scanner.skipSpace()
            scanner.index += 1  // ":"
            scanner.skipSpace()
            let name = String(decoding: bytes[key.dropFirst().dropLast()], as: UTF8.self)
            guard members[name] == nil else { throw Malformed(why: "member \(name) twice") }
            members[name] = bytes[scanner.value()]
            scanner.skipSpace()
            if scanner.peek == UInt8(ascii: ",") { scanner.index += 1 }
        }
    }

    /// Spans over text already known to be valid JSON.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = peek, [0x20, 0x09, 0x0A, 0x0D].contains(byte) { index += 1 }
        }

        /// A string with its quotes.
        mutating func string() -> Range<Int> {
            let start = index
            index += 1
            while let byte = peek, byte != UInt8(ascii: "\"") { index += byte == UInt8(ascii: "\\") ? 2 : 1 }
            index += 1
            return start..<index
        }

        mutating func value() -> Range<Int> {
            let start = index
            switch peek {
            case UInt8(ascii: "\"")?:
                _ = string()
            case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
                var depth = 0
                repeat {
                    switch peek {
                    case UInt8(ascii: "\"")?: _ = string(); continue
                    case UInt8(ascii: "{")?, UInt8(ascii: "[")?: depth += 1
                    case UInt8(ascii: "}")?, UInt8(ascii: "]")?: depth -= 1
                    default: break
                    }
                    index += 1
                } while depth > 0 && index < bytes.count
            default:
                while let byte = peek, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(byte) {
                    index += 1
                }
            }
            return start..<index
        }
    }
}
