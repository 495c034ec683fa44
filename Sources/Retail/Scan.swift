/// What a scanned code means to the lane.
public enum ScanMeaning: Hashable, Codable, Sendable {
    /// A trade item, looked up in the catalog by GTIN.
    case item(GTIN)
    /// A weighed item from the in-store scale: `key` is the code with its price digits zeroed
    /// (how the catalog lists it), `price` the amount printed in the code.
    case embeddedPrice(key: GTIN, price: Money)
    /// A store member card (in-store numbers with GS1 prefix 04).
    case memberCard(String)
}

public enum ScanError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case unsupported(String)
    case badGTIN(GTINError)

    public var description: String {
        switch self {
        case .empty: return "empty scan"
        case .tooLong(let n): return "scan of \(n) characters is longer than any code the kiosk reads"
        case .unsupported(let why): return why
        case .badGTIN(let e): return e.description
        }
    }
}

/// Turns raw scanner data into a `ScanMeaning`.
///
/// In-store codes follow one layout: EAN-13 `PP IIIII VVVVV C` with PP = 02 or 20-29, item
/// reference I and price V in minor units. Member cards are EAN-13 with prefix 04.
public struct ScanInterpreter: Sendable {
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
}
