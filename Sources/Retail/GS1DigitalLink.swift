/// A GS1 Digital Link URI (uncompressed form), such as a QR code on a pack:
/// `https://id.gs1.org/01/09506000134352/10/ABC%2F123/21/12345?17=261231&3103=000500&linktype=all`.
///
/// The path ends with a primary key (01, 00, 414, 8006, 8013, ...) and its qualifiers in the
/// order the key allows (22, 10, 21 or 235 for 01); anything before is a free prefix
/// (`/shop/products`). Numeric query keys are AIs (data attributes); other keys such as
/// `linktype` are kept aside. Every element passes the same rules as in an element string.
public struct GS1DigitalLink: GS1Data, Hashable, Sendable {
    public struct Parameter: Hashable, Sendable {
        public let name: String
        public let value: String
    }

    /// Path elements first (key, then qualifiers), then query attributes, in URL order.
    public let elements: [GS1Element]
    public let host: String
    /// The path before the primary key, "" or "/shop/products".
    public let pathPrefix: String
    /// Query parameters that are not AIs, percent-decoded, in URL order.
    public let otherParameters: [Parameter]

    /// Convenience names from the first Digital Link standard, which the current one withdrew:
    /// read only where a store relaxed the rule (`GS1Relaxations.digitalLinkShortNames`).
    public static let shortNames: [String: String] = [
        "gtin": "01", "cpv": "22", "lot": "10", "ser": "21", "exp": "17", "sscc": "00", "gln": "414", "itip": "8006",
        "gmn": "8013",
    ]

    /// True for text that starts like an http or https URL (scheme in any case).
    public static func looksLikeURL(_ text: Substring) -> Bool {
        let lower = text.utf8.prefix(8).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        return lower.starts(with: "https://".utf8) || lower.starts(with: "http://".utf8)
    }

    public static func parse(_ url: String, shortNames allowShort: Bool = false) throws(GS1Error) -> GS1DigitalLink {
        let bytes = Array(url.utf8)
        do {
            let link = try parse(bytes: bytes, shortNames: allowShort)
            return GS1DigitalLink(elements: link.elements.map { GS1Positions.character($0, in: bytes) }, host: link.host,
                                  pathPrefix: link.pathPrefix, otherParameters: link.otherParameters)
        } catch {
            throw error.moved(to: GS1Positions.character(error.position, in: bytes))
        }
    }

    /// As `parse(_:)`, with positions counted in bytes.
    public static func parse(bytes: [UInt8], shortNames allowShort: Bool = false) throws(GS1Error) -> GS1DigitalLink {
        guard !bytes.isEmpty else { throw GS1Error(.empty, position: 1) }
        let parts = try split(bytes)
        if parts.path.count > 1, bytes[parts.path.upperBound - 1] == UInt8(ascii: "/") {
            throw GS1Error(.trailingSlash, position: parts.path.upperBound)
        }
        let segments = pathSegments(bytes, parts.path)
        let keyIndex = try primaryKey(segments, bytes: bytes, pathStart: parts.path.lowerBound)
        if !allowShort {
            for pair in stride(from: keyIndex, to: segments.count, by: 2) where isShortName(segments[pair].text) {
                let segment = segments[pair]
                throw GS1Error(.shortName(segment.text), ai: Self.shortNames[segment.text], position: segment.start + 1,
                               context: "path segment \(segment.text)")
            }
        }
        try checkQualifiers(Array(segments[keyIndex...]))
        let keyAI = aiName(segments[keyIndex].text)!
        let qualifiers = Set(GS1ApplicationIdentifier.lookup(keyAI)!.digitalLinkQualifiers!
            .split(whereSeparator: { $0 == "," || $0 == "|" }).map(String.init))
        // Each element is checked where it is read, so the first problem in the URL is reported.
        var elements: [GS1Element] = []
        for pair in stride(from: keyIndex, to: segments.count, by: 2) {
            let key = segments[pair], ai = aiName(segments[pair].text)!
            let raw = try decoded(segments[pair + 1].bytes, ai: ai, aiPosition: key.start + 1,
                                  context: "path segment \(key.text)")
            elements.append(try validated(raw))
        }
        var others: [Parameter] = []
        var attributes: Set<String> = []
        for parameter in bytes[parts.query].split(separator: UInt8(ascii: "&")) {
            if let raw = try attribute(parameter, shortNames: allowShort) {
                let at = { (reason: GS1Error.Reason) in
                    GS1Error(reason, ai: raw.ai, position: raw.aiPosition, context: raw.context)
                }
                if qualifiers.contains(raw.ai) { throw at(.qualifierInQuery(key: keyAI)) }
                if !attributes.insert(raw.ai).inserted { throw at(.repeatedAttribute) }
                elements.append(try validated(raw))
            } else {
                others.append(otherParameter(parameter))
            }
        }
        try GS1Association.check(elements)
        let prefixEnd = keyIndex == 0 ? parts.path.lowerBound : segments[keyIndex].start - 1
        return GS1DigitalLink(elements: elements, host: String(decoding: bytes[parts.host], as: UTF8.self),
                              pathPrefix: String(decoding: bytes[parts.path.lowerBound..<prefixEnd], as: UTF8.self),
                              otherParameters: others)
    }

    // MARK: Pieces of the URL

    private struct Segment {
        /// 0-based index of the segment's first byte in the URL.
        let start: Int
        let bytes: ArraySlice<UInt8>
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Scheme and host checked; where the host, the path and the query (without "?") are.
    /// A fragment ("#...") is ignored.
    private static func split(_ bytes: [UInt8]) throws(GS1Error)
        -> (host: Range<Int>, path: Range<Int>, query: Range<Int>) {
        // A plain QR or DataMatrix may come with its AIM identifier (]Q1, ]d1).
        let start = bytes.count > 3 && bytes[0] == UInt8(ascii: "]") && bytes[1] < 128 && bytes[2] < 128 ? 3 : 0
        let hostStart = try schemeEnd(bytes, from: start)
        let hostEnd = bytes[hostStart...].firstIndex { "/?#".utf8.contains($0) } ?? bytes.count
        guard hostStart < hostEnd else { throw GS1Error(.url("no host"), position: min(hostStart, bytes.count - 1) + 1) }
        if let bad = bytes[hostStart..<hostEnd].firstIndex(where: { !isHostCharacter($0) }) {
            throw GS1Error(.url("\(GS1Checks.shown(bytes, at: bad)) is not allowed in a host name"), position: bad + 1)
        }
        let pathEnd = bytes[hostEnd...].firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
        guard pathEnd < bytes.count, bytes[pathEnd] == UInt8(ascii: "?") else {
            return (hostStart..<hostEnd, hostEnd..<pathEnd, pathEnd..<pathEnd)
        }
        let queryEnd = bytes[pathEnd...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
        return (hostStart..<hostEnd, hostEnd..<pathEnd, (pathEnd + 1)..<queryEnd)
    }

    private static func validated(_ raw: GS1RawElement) throws(GS1Error) -> GS1Element {
        try GS1Checks.validate(raw, GS1ApplicationIdentifier.lookup(raw.ai)!)
    }

    /// A query parameter whose key is an AI (or a short name): a data attribute. nil for others.
    private static func attribute(_ parameter: ArraySlice<UInt8>, shortNames allowShort: Bool) throws(GS1Error) -> GS1RawElement? {
        let equals = parameter.firstIndex(of: UInt8(ascii: "=")) ?? parameter.endIndex
        let name = String(decoding: parameter[..<equals], as: UTF8.self)
        let isNumeric = !name.isEmpty && name.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        guard isNumeric || shortNames[name] != nil else { return nil }
        let position = parameter.startIndex + 1, context = "query parameter \(name)"
        if !isNumeric && !allowShort {
            throw GS1Error(.shortName(name), ai: shortNames[name], position: position, context: context)
        }
        guard let ai = aiName(name) else { throw GS1Error(.unknownAI(name), position: position, context: context) }
        guard GS1ApplicationIdentifier.lookup(ai)!.isDigitalLinkAttribute else {
            throw GS1Error(.notDataAttribute, ai: ai, position: position, context: context)
        }
        let value = equals < parameter.endIndex ? parameter[(equals + 1)...] : []
        return try decoded(value, ai: ai, aiPosition: position, context: context, plusIsSpace: true)
    }

    /// Any other parameter (linktype, ...): kept, and not judged; bad percent-encoding stays as it is.
    private static func otherParameter(_ parameter: ArraySlice<UInt8>) -> Parameter {
        let equals = parameter.firstIndex(of: UInt8(ascii: "=")) ?? parameter.endIndex
        let raw = equals < parameter.endIndex ? parameter[(equals + 1)...] : []
        let value = (try? decoded(raw, ai: "", aiPosition: 1, context: nil, plusIsSpace: true).value) ?? Array(raw)
        return Parameter(name: String(decoding: parameter[..<equals], as: UTF8.self),
                         value: String(decoding: value, as: UTF8.self))
    }

    private static func schemeEnd(_ bytes: [UInt8], from start: Int) throws(GS1Error) -> Int {
        let lower = bytes[start...].prefix(8).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        if lower.starts(with: "https://".utf8) { return start + 8 }
        if lower.starts(with: "http://".utf8) { return start + 7 }
        throw GS1Error(.url("not an http:// or https:// URL"), position: start + 1)
    }

    private static func isHostCharacter(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || "-._~:[]".utf8.contains(b)
    }

    /// The path split at "/", without the empty segment a trailing "/" makes.
    private static func pathSegments(_ bytes: [UInt8], _ path: Range<Int>) -> [Segment] {
        guard path.count > 1 else { return [] }
        var segments: [Segment] = []
        var start = path.lowerBound + 1
        for i in (path.lowerBound + 1)...path.upperBound where i == path.upperBound || bytes[i] == UInt8(ascii: "/") {
            segments.append(Segment(start: start, bytes: bytes[start..<i]))
            start = i + 1
        }
        if segments.count > 1, segments.last!.bytes.isEmpty { segments.removeLast() }
        return segments
    }

    private static func isShortName(_ text: String) -> Bool { shortNames[text] != nil }

    /// An AI from a path segment or query key: digits of a known AI, or a short name.
    private static func aiName(_ text: String) -> String? {
        if let ai = shortNames[text] { return ai }
        return GS1ApplicationIdentifier.lookup(text) != nil ? text : nil
    }

    /// Index of the primary key's segment: walking back from the end in (AI, value) pairs,
    /// the first AI that is a primary key. Segments before it are the free prefix.
    private static func primaryKey(_ segments: [Segment], bytes: [UInt8], pathStart: Int) throws(GS1Error) -> Int {
        var k = segments.count
        while k >= 2 {
            let key = segments[k - 2]
            guard let ai = aiName(key.text) else {
                let looksLikeAI = (2...4).contains(key.bytes.count) && key.bytes.allSatisfy { $0 >= 48 && $0 <= 57 }
                if looksLikeAI {
                    throw GS1Error(.unknownAI(key.text), position: key.start + 1, context: "path segment \(key.text)")
                }
                break
            }
            k -= 2
            if GS1ApplicationIdentifier.lookup(ai)!.digitalLinkQualifiers != nil { return k }
        }
        throw GS1Error(.noPrimaryKey, position: min(pathStart, bytes.count - 1) + 1)
    }

    /// Qualifiers must follow the key in one of its allowed sequences, each at most once.
    private static func checkQualifiers(_ path: [Segment]) throws(GS1Error) {
        let keyAI = aiName(path[0].text)!
        let sequences = GS1ApplicationIdentifier.lookup(keyAI)!.digitalLinkQualifiers!
            .split(separator: "|").map { $0.split(separator: ",").map(String.init) }
        let qualifiers = stride(from: 2, to: path.count, by: 2).map { (aiName(path[$0].text)!, path[$0]) }
        for n in qualifiers.indices {
            let sofar = qualifiers[...n].map(\.0)
            if sequences.contains(where: { isOrderedSubset(sofar, of: $0) }) { continue }
            let (ai, segment) = qualifiers[n]
            let allowed = sequences.map { $0.joined(separator: ", ") }.joined(separator: " or ")
            let why = sequences.contains(where: { $0.contains(ai) })
                ? "is out of order after AI \(qualifiers[n - 1].0) (order: \(allowed))"
                : sequences.allSatisfy(\.isEmpty) ? "is not a qualifier of AI \(keyAI), which takes none"
                : "is not a qualifier of AI \(keyAI) (allowed: \(allowed))"
            throw GS1Error(.qualifier(why), ai: ai, position: segment.start + 1, context: "path segment \(segment.text)")
        }
    }

    private static func isOrderedSubset(_ items: [String], of sequence: [String]) -> Bool {
        var rest = sequence[...]
        for item in items {
            guard let found = rest.firstIndex(of: item) else { return false }
            rest = rest[(found + 1)...]
        }
        return true
    }

    /// Percent-decodes a value, remembering for each byte where in the URL it came from. In a
    /// query (form encoding, as browsers and GS1's resolver read it) "+" is a space.
    private static func decoded(_ raw: ArraySlice<UInt8>, ai: String, aiPosition: Int,
                                context: String?, plusIsSpace: Bool = false) throws(GS1Error) -> GS1RawElement {
        var element = GS1RawElement(ai: ai, aiPosition: aiPosition, value: [], positions: [], context: context)
        var i = raw.startIndex
        while i < raw.endIndex {
            if raw[i] == UInt8(ascii: "%") {
                guard i + 2 < raw.endIndex, let high = hex(raw[i + 1]), let low = hex(raw[i + 2]) else {
                    throw GS1Error(.url("bad percent-encoding"), ai: ai.isEmpty ? nil : ai, position: i + 1,
                                   context: context)
                }
                element.value.append(high << 4 | low)
                element.positions.append(i + 1)
                i += 3
            } else {
                element.value.append(plusIsSpace && raw[i] == UInt8(ascii: "+") ? UInt8(ascii: " ") : raw[i])
                element.positions.append(i + 1)
                i += 1
            }
        }
        return element
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }
}
