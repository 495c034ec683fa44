/// The symbologies the camera can be set to read: libzbar's, and DataMatrix through libdmtx. The raw
/// value is the name used in settings, `kiosk decode` and scripts/make-frames' manifest.
public enum Symbology: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case ean13
    case ean8
    case upca
    case upce
    case code128
    case qrcode
    case databar
    case databarExpanded = "databar-exp"
    case i25
    case code39
    case code93
    case codabar
    case datamatrix

    /// What a lane needs: retail items (EAN-13, EAN-8, UPC-A), GS1-128 and store codes (Code 128),
    /// and phones' member cards, coupons and payment codes (QR). Every extra symbology costs scan
    /// time. UPC-E is left out: zbar reads part of a blurred EAN-13 as a valid UPC-E now and then
    /// (seen in the benchmark frames, the same wrong code in every frame); a store that sells
    /// UPC-E items can add it (see `ZBarDecoder.zbarSymbologies`). DataMatrix: GS1 DataMatrix on
    /// fresh food (expiry and lot), read by libdmtx only where a square candidate is found
    /// (`MatrixCandidates`), so it costs little on frames without one.
    /// Keep in step with the default of scripts/bench-reference/decode.c.
    public static let kioskDefault: Set<Symbology> = [.ean13, .ean8, .upca, .code128, .qrcode, .datamatrix]

    /// Two-dimensional codes carry Reed-Solomon error correction: one read is trusted.
    public var isTwoDimensional: Bool { self == .qrcode || self == .datamatrix }

    /// The AIM symbology identifier (ISO/IEC 15424) a scanner would send before the data; `gs1`
    /// when the symbol starts with FNC1 (GS1-128, GS1 QR).
    public func aimIdentifier(gs1: Bool) -> String {
        switch self {
        case .ean13, .upca, .upce: return "]E0"   // UPC-A and UPC-E travel as EAN-13 family, ]E0
        case .ean8: return "]E4"
        case .code128: return gs1 ? "]C1" : "]C0"
        case .qrcode: return gs1 ? "]Q3" : "]Q1"
        case .databar, .databarExpanded: return "]e0"
        case .i25: return "]I0"
        case .code39: return "]A0"
        case .code93: return "]G0"
        case .codabar: return "]F0"
        case .datamatrix: return gs1 ? "]d2" : "]d1"
        }
    }

    public static func < (a: Symbology, b: Symbology) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Parses a settings list such as ["ean13", "qrcode"]; the error names the unknown entry.
    public static func parse(_ names: [String]) throws(SymbologyError) -> Set<Symbology> {
        var result = Set<Symbology>()
        for name in names {
            guard let symbology = Symbology(rawValue: name.lowercased()) else { throw .unknown(name) }
            result.insert(symbology)
        }
        guard !result.isEmpty else { throw .empty }
        return result
    }
}

public enum SymbologyError: Error, Equatable, CustomStringConvertible {
    case unknown(String)
    case empty

    public var description: String {
        switch self {
        case .unknown(let name):
            return "unknown symbology \"\(name)\" (known: \(Symbology.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .empty:
            return "no symbology given"
        }
    }
}

/// One code read in one frame: what it says, and where it is.
public struct DecodedSymbol: Sendable, Hashable, Codable {
    public let symbology: Symbology
    /// The symbol started with FNC1: a GS1 element string (GS1-128, GS1 QR, GS1 DataMatrix).
    public let isGS1: Bool
    /// The data as zbar gives it (text as UTF-8; GS, 0x1D, between GS1 fields of variable length).
    public let data: String
    /// Bounding box of zbar's location points, in the pixels of the frame given to the decoder.
    public let bounds: Region
    /// Which way the code reads: "up" (left to right), "right", "down", "left", or nil if unknown.
    public let orientation: String?
    /// zbar's quality figure (for 1D codes, how many scan lines read it).
    public let quality: Int

    public init(symbology: Symbology, isGS1: Bool, data: String, bounds: Region, orientation: String?, quality: Int) {
        self.symbology = symbology
        self.isGS1 = isGS1
        self.data = data
        self.bounds = bounds
        self.orientation = orientation
        self.quality = quality
    }

    /// "gs1-128" / "gs1-datamatrix" for Code 128 / DataMatrix with FNC1 first, else the symbology's name.
    public var name: String { reading.name }

    public var aimIdentifier: String { symbology.aimIdentifier(gs1: isGS1) }

    /// What confirmation compares from frame to frame.
    public var reading: SymbolReading { SymbolReading(symbology: symbology, isGS1: isGS1, data: data) }
}

/// A symbol without its position: what the lane receives, and what must agree across frames.
public struct SymbolReading: Sendable, Hashable {
    public let symbology: Symbology
    public let isGS1: Bool
    public let data: String

    public init(symbology: Symbology, isGS1: Bool = false, data: String) {
        self.symbology = symbology
        self.isGS1 = isGS1
        self.data = data
    }

    public var aimIdentifier: String { symbology.aimIdentifier(gs1: isGS1) }

    /// The manifest's name: "gs1-128" and "gs1-datamatrix" for the GS1 forms, else the symbology's.
    public var name: String {
        switch (symbology, isGS1) {
        case (.code128, true): return "gs1-128"
        case (.datamatrix, true): return "gs1-datamatrix"
        default: return symbology.rawValue
        }
    }
}
