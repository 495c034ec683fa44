/// Paper roll widths the kiosk supports.
public enum PaperWidth: String, Codable, Sendable, Hashable, CaseIterable {
    case mm58
    case mm80

    /// Characters per line in font A (12 dots wide): 384 dots / 12 = 32, 576 dots / 12 = 48.
    public var fontAColumns: Int {
        switch self {
        case .mm58: return 32
        case .mm80: return 48
        }
    }

    /// Printable dots per line at 8 dots/mm: 48 mm and 72 mm of print width.
    public var dots: Int {
        switch self {
        case .mm58: return 384
        case .mm80: return 576
        }
    }
}

/// What a receipt printer model can do. Device files under devices/ decode into this;
/// every field but `name`, `paperWidth`, `supportsChinese` and `cutter` may be left out.
/// An unknown code page name is a decoding error, so a typo cannot silently print "?".
public struct PrinterProfile: Codable, Sendable, Hashable {
    public var name: String
    public var paperWidth: PaperWidth
    /// Characters per line in font A; usually `paperWidth.fontAColumns`, but some models
    /// have narrower print heads.
    public var columns: Int
    /// The printer has a GB18030 Chinese-character mode (FS & / FS .).
    public var supportsChinese: Bool
    /// The printer has an autocutter (GS V).
    public var cutter: Bool
    /// Dots across the printable width; images are made no wider than this.
    /// Usually `paperWidth.dots`.
    public var dotsPerLine: Int
    /// The printer draws QR codes itself (GS ( k, model 2). Without it a QR code is sent
    /// as a raster image, or as text when `raster` is false too.
    public var nativeQR: Bool
    /// The printer draws CODE128 barcodes itself (GS k 73).
    public var nativeBarcode: Bool
    /// The printer prints raster bit images (GS v 0): logos, and codes it cannot draw.
    public var raster: Bool
    /// A cash drawer hangs off the printer's drawer-kick port (ESC p).
    public var cashDrawer: Bool
    /// The ESC t code tables the printer has, most preferred first: a narrow non-ASCII
    /// character ("é", "€") prints from the selected page if it is listed and has it, else
    /// from the first listed page that has it, and as "?" when none does. Put the page with
    /// the most of a receipt's characters first, so the encoder rarely switches.
    public var codePages: [CodePage]

    /// PC437 alone: every ESC/POS printer has it as table 0, the one ESC @ selects, so the
    /// default never sends ESC t, yet prints accented letters. It has no euro sign: a
    /// profile must list PC858 or WPC1252 (after checking the model's table numbers) for €.
    public static let defaultCodePages: [CodePage] = [.pc437]

    /// The defaults are what almost every ESC/POS printer does: raster images but no
    /// trusted native QR or barcode support, and no drawer.
    public init(
        name: String, paperWidth: PaperWidth, columns: Int? = nil, supportsChinese: Bool, cutter: Bool,
        dotsPerLine: Int? = nil, nativeQR: Bool = false, nativeBarcode: Bool = false,
        raster: Bool = true, cashDrawer: Bool = false, codePages: [CodePage] = PrinterProfile.defaultCodePages
    ) {
        self.name = name
        self.paperWidth = paperWidth
        self.columns = columns ?? paperWidth.fontAColumns
        self.supportsChinese = supportsChinese
        self.cutter = cutter
        self.dotsPerLine = dotsPerLine ?? paperWidth.dots
        self.nativeQR = nativeQR
        self.nativeBarcode = nativeBarcode
        self.raster = raster
        self.cashDrawer = cashDrawer
        self.codePages = codePages
    }

    private enum CodingKeys: String, CodingKey {
        case name, paperWidth, columns, supportsChinese, cutter
        case dotsPerLine, nativeQR, nativeBarcode, raster, cashDrawer, codePages
    }

    /// Profiles written before a field existed still decode, with the `init` defaults.
    /// What a receipt printer can be: anything outside is a broken profile, and a layout of zero
    /// or negative width is no receipt at all.
    static let columnRange = 16...128
    static let dotsRange = 128...4096

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        for (key, range) in [(CodingKeys.columns, Self.columnRange), (.dotsPerLine, Self.dotsRange)] {
            if let value = try container.decodeIfPresent(Int.self, forKey: key), !range.contains(value) {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "\(key.stringValue) must be \(range.lowerBound)-\(range.upperBound)")
            }
        }
        self.init(
            name: try container.decode(String.self, forKey: .name),
            paperWidth: try container.decode(PaperWidth.self, forKey: .paperWidth),
            columns: try container.decodeIfPresent(Int.self, forKey: .columns),
            supportsChinese: try container.decode(Bool.self, forKey: .supportsChinese),
            cutter: try container.decode(Bool.self, forKey: .cutter),
            dotsPerLine: try container.decodeIfPresent(Int.self, forKey: .dotsPerLine),
            nativeQR: try container.decodeIfPresent(Bool.self, forKey: .nativeQR) ?? false,
            nativeBarcode: try container.decodeIfPresent(Bool.self, forKey: .nativeBarcode) ?? false,
            raster: try container.decodeIfPresent(Bool.self, forKey: .raster) ?? true,
            cashDrawer: try container.decodeIfPresent(Bool.self, forKey: .cashDrawer) ?? false,
            codePages: try container.decodeIfPresent([CodePage].self, forKey: .codePages) ?? Self.defaultCodePages
        )
    }

    public static let generic58mm = PrinterProfile(name: "Generic 58 mm", paperWidth: .mm58, supportsChinese: true, cutter: false)
    public static let generic80mm = PrinterProfile(name: "Generic 80 mm", paperWidth: .mm80, supportsChinese: true, cutter: true)
}
