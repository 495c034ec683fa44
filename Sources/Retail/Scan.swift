/// What a scanned code means to the lane.
public enum ScanMeaning: Hashable, Codable, Sendable {
    /// A trade item, looked up in the catalog by GTIN.
    case item(GTIN)
    /// A weighed item from the in-store scale: `key` is the code with its price digits zeroed
    /// (how the catalog lists it), `price` the amount printed in the code.
    case embeddedPrice(key: GTIN, price: Money)
    /// A store member card (in-store numbers with GS1 prefix 04).
    case memberCard(String)
    /// A trade item in GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR) or a GS1 Digital
    /// Link URL: its GTIN (AI 01) and, when the code carries one, its price (AI 392n).
    case gs1Item(gtin: GTIN, price: Money?)
}

public enum ScanError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case unsupported(String)
    case badGTIN(GTINError)
    case gs1(GS1Error)

    public var description: String {
        switch self {
        case .empty: return "empty scan"
        case .tooLong(let n): return "scan of \(n) characters is longer than any code the kiosk reads"
        case .unsupported(let why): return why
        case .badGTIN(let e): return e.description
        case .gs1(let e): return e.description
        }
    }
}

/// Turns raw scanner data into a `ScanMeaning`.
///
/// In-store codes follow one layout: EAN-13 `PP IIIII VVVVV C` with PP = 02 or 20-29, item
/// reference I and price V in minor units. Member cards are EAN-13 with prefix 04.
public struct ScanInterpreter: Sendable {
    /// AIM identifiers of symbologies that carry GS1 element strings (FNC1 in first position).
    static let gs1Symbologies: Set<Substring> = ["]C1", "]e0", "]d2", "]Q3", "]J1"]

    public let currency: Currency
    static let maximumLength = 512

    public init(currency: Currency) {
        self.currency = currency
    }

    public func interpret(_ raw: String) throws(ScanError) -> ScanMeaning {
        var code = Substring(raw)
        // "\r\n" is one Character in Swift, so test isNewline rather than comparing with "\r" and "\n".
        while let last = code.last, last.isNewline { code = code.dropLast() }
        guard !code.isEmpty else { throw .empty }
        guard code.utf8.count <= Self.maximumLength else { throw .tooLong(code.utf8.count) }
        if let data = try Self.gs1Data(code) { return try gs1Item(data) }
        // An AIM symbology identifier ("]E0") says which symbology the scanner read; the digits follow.
        if code.hasPrefix("]"), code.utf8.count >= 3 { code = code.dropFirst(3) }
        guard code.allSatisfy(\.isASCIIDigit) else {
            throw .unsupported("not a product code: only digits are read as items")
        }
        let gtin: GTIN
        do { gtin = try GTIN(code) } catch { throw .badGTIN(error) }
        // Judged on the EAN-13 form: a scanner may send the same code as 12-digit UPC-A.
        if InStoreCode.isPriceEmbedded(gtin) {
            let price = Money(minorUnits: InStoreCode.price(gtin), currency: currency)
            return .embeddedPrice(key: InStoreCode.key(gtin), price: price)
        }
        if InStoreCode.isMemberCard(gtin), let number = InStoreCode.ean13(gtin) {
            return .memberCard(String(number))
        }
        return .item(gtin)
    }

    /// GS1 content of a scan, or nil when the code is not GS1 (plain digits stay on the GTIN path:
    /// 13 digits would otherwise parse as AI 400).
    public static func gs1Data(_ code: Substring) throws(ScanError) -> (any GS1Data)? {
        var link = code
        if link.hasPrefix("]Q1") || link.hasPrefix("]d1") { link = link.dropFirst(3) }
        do {
            if link.hasPrefix("http://") || link.hasPrefix("https://") {
                return try GS1DigitalLink.parse(String(link))
            }
            if gs1Symbologies.contains(code.prefix(3)) || code.hasPrefix("(") || code.utf8.contains(29) {
                return try GS1ElementString.parse(String(code))
            }
        } catch {
            if case .noPrimaryKey = error.reason { throw .unsupported("a web link, not a product code") }
            throw .gs1(error)
        }
        return nil
    }

    func gs1Item(_ data: any GS1Data) throws(ScanError) -> ScanMeaning {
        guard let gtin = data.gtin else { throw .unsupported("GS1 code without a product (AI 01)") }
        var price: Money?
        if let amount = data.price {
            guard let money = amount.money(currency) else {
                throw .unsupported("price \(amount) in AI 392n is not in whole \(currency.code) minor units")
            }
            price = money
        }
        return .gs1Item(gtin: gtin, price: price)
    }
}
