/// What each barcode symbology may carry, by its AIM symbology identifier (GS1 General
/// Specifications 5.1 and 7.8; ISO/IEC 15424), and the rules a store may relax.
public enum GS1Carrier {
    /// Symbologies whose data is a GS1 element string (FNC1 in first position):
    /// GS1-128, GS1 DataBar and composite 2D parts, GS1 DataMatrix, GS1 QR, GS1 DotCode.
    public static let elementStringSymbologies: Set<String> = ["]C1", "]e0", "]d2", "]Q3", "]J1"]
    /// Symbologies that carry a GTIN as plain digits, with the one length each transmits:
    /// EAN-13 and UPC-A (as 13 digits), EAN-8, ITF-14.
    public static let gtinLengths: [String: Int] = ["]E0": 13, "]E4": 8, "]I1": 14]
    /// Symbologies that may carry a GS1 Digital Link URI as plain text: QR, DataMatrix, DotCode.
    public static let digitalLinkSymbologies: Set<String> = ["]Q1", "]d1", "]J0"]
    /// Separator of a composite code's linear part and its 2D part.
    public static let compositeSeparator = "|"
}

/// Rules of GS1 a store may turn off for the scanners it has, each off by default (store
/// profile `gs1Relaxations`). `kiosk explain` names the one a scan needed.
public struct GS1Relaxations: Hashable, Codable, Sendable {
    /// GS1 element strings (with GS separators) from a scanner that strips AIM identifiers.
    public var elementStringsWithoutIdentifier: Bool
    /// The bracketed "(01)..." form from a scanner (GS1 meant it for typed input only).
    public var bracketedFromScanner: Bool
    /// Digital Link short names (`/gtin/`, `/lot/`, ...) of the withdrawn first Digital Link standard.
    public var digitalLinkShortNames: Bool

    public init(elementStringsWithoutIdentifier: Bool = false, bracketedFromScanner: Bool = false,
                digitalLinkShortNames: Bool = false) {
        self.elementStringsWithoutIdentifier = elementStringsWithoutIdentifier
        self.bracketedFromScanner = bracketedFromScanner
        self.digitalLinkShortNames = digitalLinkShortNames
    }

    public static let none = GS1Relaxations()

    enum CodingKeys: String, CodingKey { case elementStringsWithoutIdentifier, bracketedFromScanner, digitalLinkShortNames }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(elementStringsWithoutIdentifier: try c.decodeIfPresent(Bool.self, forKey: .elementStringsWithoutIdentifier) ?? false,
                  bracketedFromScanner: try c.decodeIfPresent(Bool.self, forKey: .bracketedFromScanner) ?? false,
                  digitalLinkShortNames: try c.decodeIfPresent(Bool.self, forKey: .digitalLinkShortNames) ?? false)
    }

    /// The store setting that relaxes the rule `reason` enforces, or nil if none does.
    public static func setting(relaxing reason: GS1Error.Reason) -> String? {
        switch reason {
        case .noSymbologyIdentifier: return "elementStringsWithoutIdentifier"
        case .bracketsFromScanner: return "bracketedFromScanner"
        case .shortName: return "digitalLinkShortNames"
        default: return nil
        }
    }
}
