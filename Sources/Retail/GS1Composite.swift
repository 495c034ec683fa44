/// A GS1 Composite symbol read whole: the linear part (EAN/UPC, GS1-128 or GS1 DataBar), "|",
/// then the 2D component (`]e0` + element string), such as `]E09501101530003|]e010ABC`. The
/// linear EAN/UPC digits are the GTIN (AI 01); the pairing rules apply to both parts together,
/// as GS1 states them for all the data marked on one item.
public struct GS1Composite: GS1Data, Hashable, Sendable {
    public let elements: [GS1Element]

    /// nil when `code` is not a composite (no "|" right before a `]e0` 2D component).
    public static func parse(_ code: Substring) throws(GS1Error) -> GS1Composite? {
        let bytes = Array(code.utf8)
        guard let bar = bytes.firstIndex(of: UInt8(ascii: "|")), bytes[(bar + 1)...].starts(with: "]e0".utf8) else {
            return nil
        }
        do {
            let composite = try parse(bytes: bytes, bar: bar)
            return GS1Composite(elements: composite.map { GS1Positions.character($0, in: bytes) })
        } catch {
            throw error.moved(to: GS1Positions.character(error.position, in: bytes))
        }
    }

    private static func parse(bytes: [UInt8], bar: Int) throws(GS1Error) -> [GS1Element] {
        let linear = Array(bytes[..<bar])
        let symbology = String(decoding: linear.prefix(3), as: UTF8.self)
        var elements: [GS1Element]
        if let length = GS1Carrier.gtinLengths[symbology], symbology != "]I1" {
            let digits = linear.dropFirst(3)
            guard digits.count == length, digits.allSatisfy({ $0 &- 48 < 10 }) else {
                throw GS1Error(.carrierLength(symbology: symbology, length: digits.count, expected: length), ai: "01", position: 4)
            }
            let gtin = [UInt8](repeating: 48, count: 14 - length) + digits
            let raw = GS1RawElement(ai: "01", aiPosition: 4, value: gtin,
                                    positions: [Int](repeating: 4, count: 14 - length) + Array(4..<(4 + length)))
            elements = [try GS1Checks.validate(raw, GS1ApplicationIdentifier.lookup("01")!)]
        } else if symbology == "]C1" || symbology == "]e0" {
            elements = try GS1ElementString.elements(linear)
        } else {
            throw GS1Error(.notGS1(symbology: symbology), position: 1)
        }
        let twoD = Array(bytes[(bar + 1)...])
        let offset = bar + 1
        do {
            elements += try GS1ElementString.elements(twoD).map { $0.shifted(by: offset) }
        } catch {
            throw error.moved(to: error.position + offset)
        }
        try GS1Association.check(elements)
        return elements
    }
}

extension GS1Element {
    func shifted(by offset: Int) -> GS1Element {
        GS1Element(ai: ai, value: value, position: position + offset, meaning: meaning, context: context)
    }
}
