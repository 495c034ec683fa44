/// WeChat Pay API v2's messages: one flat `<xml>` element of named text fields, each usually in
/// CDATA. Read strictly by hand: no DTD, no entities beyond the five predefined, no nesting, so
/// an answer can carry nothing but fields (no XXE, no entity expansion).
public enum WeChatPayXML {
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let why: String
        public var description: String { "WeChat Pay XML malformed: \(why)" }
    }

    public static func encode(_ fields: [String: String]) -> String {
        "<xml>" + fields.keys.sorted().map { "<\($0)><![CDATA[\(fields[$0]!.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>"))]]></\($0)>" }.joined() + "</xml>"
    }

    public static func decode(_ text: String, limit: Int = 64 * 1024) throws(Malformed) -> [String: String] {
        guard text.utf8.count <= limit else { throw Malformed(why: "longer than \(limit) bytes") }
        var rest = Substring(text).drop { $0.isWhitespace }
        if rest.hasPrefix("<?xml") {
            guard let end = rest.range(of: "?>") else { throw Malformed(why: "unterminated declaration") }
            rest = rest[end.upperBound...].drop { $0.isWhitespace }
        }
        guard rest.hasPrefix("<xml>") else { throw Malformed(why: "no <xml> root") }
        rest = rest.dropFirst(5)
        var fields: [String: String] = [:]
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("</xml>") {
                guard rest.dropFirst(6).allSatisfy(\.isWhitespace) else { throw Malformed(why: "content after </xml>") }
                return fields
            }
            guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { throw Malformed(why: "field expected") }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw Malformed(why: "bad field name")
            }
            guard fields[String(name)] == nil else { throw Malformed(why: "field \(name) twice") }
            rest = rest[rest.index(after: close)...]
            // Text and CDATA sections, as many as there are ("]]>" inside a value splits it in two).
            var value = ""
            while !rest.hasPrefix("</") {
                if rest.hasPrefix("<![CDATA[") {
                    rest = rest.dropFirst(9)
                    guard let end = rest.range(of: "]]>") else { throw Malformed(why: "unterminated CDATA in \(name)") }
                    value += rest[..<end.lowerBound]
                    rest = rest[end.upperBound...]
                } else {
                    guard !rest.hasPrefix("<"), !rest.isEmpty else { throw Malformed(why: "field \(name) not closed") }
                    let end = rest.firstIndex(of: "<") ?? rest.endIndex
                    value += try unescape(rest[..<end])
                    rest = rest[end...]
                }
            }
            guard rest.hasPrefix("</\(name)>") else { throw Malformed(why: "field \(name) not closed") }
            rest = rest.dropFirst(name.count + 3)
            fields[String(name)] = value
        }
    }

    private static func unescape(_ text: Substring) throws(Malformed) -> String {
        guard text.contains("&") else { return String(text) }
        var out = "", rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw Malformed(why: "bad entity") }
            switch rest[rest.index(after: amp)..<semi] {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default: throw Malformed(why: "unknown entity")
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
