/// A GS1 element string as scanners send it from GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR
/// or GS1 DotCode: an optional AIM symbology identifier (`]C1`, `]e0`, `]d2`, `]Q3`, `]J1`),
/// then AIs and their data, with GS (ASCII 29, the transmitted FNC1) after every element that
/// is not of predefined length. The bracketed human-readable form `(01)09506000134352(10)AB`
/// is read too (a literal "(" in data is written "\(").
public struct GS1ElementString: GS1Data, Hashable, Sendable {
    public let elements: [GS1Element]
    /// The AIM identifier the data came with, if any.
    public let symbology: String?

    /// GS, ASCII 29: how scanners transmit FNC1 used as a separator.
    public static let groupSeparator: UInt8 = 29

    public static func parse(_ data: String) throws(GS1Error) -> GS1ElementString {
        let bytes = Array(data.utf8)
        do {
            return try parse(bytes: bytes).atCharacterPositions(bytes)
        } catch {
            throw error.moved(to: GS1Positions.character(error.position, in: bytes))
        }
    }

    /// As `parse(_:)`, with positions counted in bytes.
    public static func parse(bytes: [UInt8]) throws(GS1Error) -> GS1ElementString {
        let elements = try elements(bytes)
        try GS1Association.check(elements)
        return GS1ElementString(elements: elements, symbology: bytes.first == UInt8(ascii: "]")
                                    ? String(decoding: bytes.prefix(3), as: UTF8.self) : nil)
    }

    /// The elements, each valid on its own (pairings not yet checked). After an AIM identifier
    /// the data is what a GS1 symbol carries: no leading GS (the FNC1 in first position is not
    /// transmitted) and no bracketed form (that is for typed input).
    static func elements(_ bytes: [UInt8]) throws(GS1Error) -> [GS1Element] {
        guard !bytes.isEmpty else { throw GS1Error(.empty, position: 1) }
        var start = 0
        if bytes[0] == UInt8(ascii: "]") {
            let id = String(decoding: bytes.prefix(3), as: UTF8.self)
            guard GS1Carrier.elementStringSymbologies.contains(id) else { throw GS1Error(.notGS1(symbology: id), position: 1) }
            start = 3
            guard bytes.count > 3 else { throw GS1Error(.empty, position: 3) }
            if bytes[3] == groupSeparator { throw GS1Error(.leadingSeparator, position: 4) }
            if bytes[3] == UInt8(ascii: "(") { throw GS1Error(.bracketsInSymbol, position: 4) }
        } else if bytes[0] == groupSeparator {
            throw GS1Error(.leadingSeparator, position: 1)
        }
        let elements = bytes[start] == UInt8(ascii: "(")
            ? try bracketed(bytes, from: start)
            : try plain(bytes, from: start, guessMissingSeparator: true)
        guard !elements.isEmpty else { throw GS1Error(.empty, position: bytes.count) }
        return elements
    }

    private func atCharacterPositions(_ bytes: [UInt8]) -> GS1ElementString {
        GS1ElementString(elements: elements.map { GS1Positions.character($0, in: bytes) }, symbology: symbology)
    }

    // MARK: Plain form

    private static func plain(_ bytes: [UInt8], from start: Int,
                              guessMissingSeparator: Bool) throws(GS1Error) -> [GS1Element] {
        let gs = groupSeparator
        var i = start
        var elements: [GS1Element] = []
        while i < bytes.count {
            let (ai, definition) = try readAI(bytes, at: i)
            let valueStart = i + ai.count
            var end = valueStart
            // A predefined-length value ends by its length; any other at the next GS.
            let limit = definition.isPredefinedLength
                ? min(bytes.count, valueStart + definition.lengthRange.upperBound) : bytes.count
            while end < limit && bytes[end] != gs { end += 1 }
            let raw = GS1RawElement(ai: ai, aiPosition: i + 1, value: Array(bytes[valueStart..<end]),
                                    positions: Array((valueStart + 1)..<(end + 1)))
            do {
                elements.append(try GS1Checks.validate(raw, definition))
            } catch {
                // Data that runs on into the next element is the classic missing-FNC1 mistake.
                if guessMissingSeparator, !definition.isPredefinedLength,
                   let cut = separatorCut(raw, definition, in: bytes, valueStart: valueStart) {
                    throw GS1Error(.missingSeparator(variableLength: !definition.lengthRange.isSingle),
                                   ai: ai, position: valueStart + cut + 1)
                }
                throw error
            }
            i = end
            if i < bytes.count, bytes[i] == gs {
                i += 1 // a separator; after a predefined-length element it is superfluous but harmless
                if i < bytes.count, bytes[i] == gs { throw GS1Error(.unexpectedSeparator, position: i + 1) }
            }
        }
        return elements
    }

    /// The AI starting at `i`: its length comes from its first two digits.
    private static func readAI(_ bytes: [UInt8], at i: Int) throws(GS1Error) -> (String, GS1ApplicationIdentifier) {
        if bytes[i] == groupSeparator { throw GS1Error(.unexpectedSeparator, position: i + 1) }
        let isDigit = { (b: UInt8) in b >= 48 && b <= 57 }
        guard i + 1 < bytes.count, isDigit(bytes[i]), isDigit(bytes[i + 1]) else {
            if isDigit(bytes[i]) && i + 1 == bytes.count {
                throw GS1Error(.incompleteAI(String(UnicodeScalar(bytes[i]))), position: i + 1)
            }
            throw GS1Error(.expectedAI(found: GS1Checks.printable(bytes[i..<min(bytes.count, i + 2)])), position: i + 1)
        }
        let prefix = String(decoding: bytes[i..<i + 2], as: UTF8.self)
        guard let length = GS1ApplicationIdentifier.aiLength[prefix] else {
            throw GS1Error(.unknownAI(prefix), position: i + 1)
        }
        let digits = bytes[i..<min(bytes.count, i + length)]
        if let bad = digits.firstIndex(where: { !isDigit($0) }) {
            throw GS1Error(.unknownAI(String(decoding: bytes[i..<bad], as: UTF8.self)), position: i + 1)
        }
        let ai = String(decoding: digits, as: UTF8.self)
        guard digits.count == length else { throw GS1Error(.incompleteAI(ai), position: i + 1) }
        guard let definition = GS1ApplicationIdentifier.lookup(ai) else { throw GS1Error(.unknownAI(ai), position: i + 1) }
        return (ai, definition)
    }

    /// Where a GS was probably left out: the shortest valid cut of the value after which the
    /// rest of the input reads as AIs, or nil. Shortest, because every later element boundary
    /// would also qualify, while a cut inside the real value rarely leaves data that parses.
    private static func separatorCut(_ raw: GS1RawElement, _ definition: GS1ApplicationIdentifier,
                                     in bytes: [UInt8], valueStart: Int) -> Int? {
        let longest = min(raw.value.count - 1, definition.lengthRange.upperBound)
        guard longest >= definition.lengthRange.lowerBound, longest >= 1 else { return nil }
        for cut in max(1, definition.lengthRange.lowerBound)...longest {
            var head = raw
            head.value = Array(raw.value.prefix(cut))
            head.positions = Array(raw.positions.prefix(cut))
            guard (try? GS1Checks.validate(head, definition)) != nil else { continue }
            if (try? plain(bytes, from: valueStart + cut, guessMissingSeparator: false)) != nil { return cut }
        }
        return nil
    }

    // MARK: Bracketed form

    private static func bracketed(_ bytes: [UInt8], from start: Int) throws(GS1Error) -> [GS1Element] {
        let open = UInt8(ascii: "("), close = UInt8(ascii: ")"), escape = UInt8(ascii: "\\")
        var i = start
        var elements: [GS1Element] = []
        while i < bytes.count { // always at "(": a value runs to the next unescaped "("
            guard let closing = bytes[(i + 1)...].firstIndex(of: close) else {
                throw GS1Error(.brackets("missing \")\" after \"(\""), position: i + 1)
            }
            let aiBytes = bytes[(i + 1)..<closing]
            let ai = String(decoding: aiBytes, as: UTF8.self)
            guard (2...4).contains(aiBytes.count), aiBytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                // At most 5 bytes of what stands in the brackets: enough to see it is no AI, and never
                // a wallet code's digits (errors are logged and shown).
                let found = GS1Checks.printable(aiBytes.prefix(5)) + (aiBytes.count > 5 ? "…" : "")
                throw GS1Error(.expectedAI(found: found), position: i + 2)
            }
            guard let definition = GS1ApplicationIdentifier.lookup(ai) else {
                throw GS1Error(.unknownAI(ai), position: i + 2)
            }
            var raw = GS1RawElement(ai: ai, aiPosition: i + 2, value: [], positions: [])
            i = closing + 1
            while i < bytes.count && bytes[i] != open {
                if bytes[i] == escape, i + 1 < bytes.count, bytes[i + 1] == open { i += 1 }
                raw.value.append(bytes[i])
                raw.positions.append(i + 1)
                i += 1
            }
            elements.append(try GS1Checks.validate(raw, definition))
        }
        return elements
    }
}

extension ClosedRange where Bound == Int {
    fileprivate var isSingle: Bool { lowerBound == upperBound }
}

/// Positions are counted in bytes while parsing; the String entry points report characters.
enum GS1Positions {
    static func character(_ bytePosition: Int, in bytes: [UInt8]) -> Int {
        guard bytes.contains(where: { $0 >= 128 }) else { return bytePosition }
        // Count from the start of the character the byte belongs to (skip UTF-8 continuation bytes).
        var start = min(max(0, bytePosition - 1), bytes.count)
        while start > 0, start < bytes.count, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return String(decoding: bytes.prefix(start), as: UTF8.self).count + 1
    }

    static func character(_ e: GS1Element, in bytes: [UInt8]) -> GS1Element {
        GS1Element(ai: e.ai, value: e.value, position: character(e.position, in: bytes), meaning: e.meaning,
                   context: e.context)
    }
}
