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
}

/// What a receipt printer model can do. Device files under devices/ decode into this.
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

    public init(name: String, paperWidth: PaperWidth, columns: Int? = nil, supportsChinese: Bool, cutter: Bool) {
        self.name = name
        self.paperWidth = paperWidth
        self.columns = columns ?? paperWidth.fontAColumns
        self.supportsChinese = supportsChinese
        self.cutter = cutter
    }

    public static let generic58mm = PrinterProfile(name: "Generic 58 mm", paperWidth: .mm58, supportsChinese: true, cutter: false)
    public static let generic80mm = PrinterProfile(name: "Generic 80 mm", paperWidth: .mm80, supportsChinese: true, cutter: true)
}
