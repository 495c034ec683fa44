/// A character code table for narrow non-ASCII text, selected with ESC t n: it decides
/// what bytes 0x80...0xFF print outside Chinese mode (0x20...0x7E are ASCII in all of them).
/// Profiles list the ones their printer has by these names (`PrinterProfile.codePages`).
///
/// The numbers are Epson's, which Bixolon, Samsung, Xprinter and most Chinese ESC/POS
/// printers follow for these pages; 0 (PC437) is what ESC @ and power-on select. A printer
/// whose table numbers differ must not list the page.
public enum CodePage: String, Codable, Sendable, Hashable, CaseIterable {
    /// PC437, USA and standard Europe: accented letters, box drawing, Greek and maths.
    case pc437
    /// PC850, multilingual Latin-1: the Western European letters, fewer symbols.
    case pc850
    /// PC858: PC850 with the euro sign at 0xD5 instead of the dotless i.
    case pc858
    /// WPC1252 (Windows-1252): ISO 8859-1 plus the euro sign at 0x80, typographic
    /// quotes and dashes, Œ œ Š š Ž ž Ÿ.
    case wpc1252

    /// n of ESC t n.
    public var number: UInt8 {
        switch self {
        case .pc437: 0
        case .pc850: 2
        case .pc858: 19
        case .wpc1252: 16
        }
    }

    /// The byte that prints `character` on this page, or nil if the page does not have it.
    /// Only the upper half is looked up: ASCII needs no page. Canonically equivalent
    /// spellings match ("e" + U+0301 is "é").
    public func byte(for character: Character) -> UInt8? {
        Self.bytes[self]?[character]
    }

    /// What `byte` (0x80...0xFF) prints on this page; nil for the bytes it leaves undefined.
    public func character(for byte: UInt8) -> Character? {
        upperHalf[byte]
    }

    var upperHalf: [UInt8: Character] {
        switch self {
        case .pc437: Self.pc437Table
        case .pc850: Self.pc850Table
        case .pc858: Self.pc858Table
        case .wpc1252: Self.wpc1252Table
        }
    }

    private static let bytes: [CodePage: [Character: UInt8]] = Dictionary(uniqueKeysWithValues: allCases.map { page in
        (page, Dictionary(uniqueKeysWithValues: page.upperHalf.map { ($0.value, $0.key) }))
    })

    // The tables follow IBM's code page definitions (CP00437, CP00850, CP00858) and
    // Microsoft's for Windows-1252, as Unicode's mapping files give them. Look-alikes are
    // written as escapes: U+00B7 middle dot, U+2219 bullet operator, U+00B5 micro sign,
    // U+00A0 no-break space, U+00AD soft hyphen.

    private static let pc437Table: [UInt8: Character] = [
        0x80: "Ç", 0x81: "ü", 0x82: "é", 0x83: "â", 0x84: "ä", 0x85: "à", 0x86: "å", 0x87: "ç",
        0x88: "ê", 0x89: "ë", 0x8A: "è", 0x8B: "ï", 0x8C: "î", 0x8D: "ì", 0x8E: "Ä", 0x8F: "Å",
        0x90: "É", 0x91: "æ", 0x92: "Æ", 0x93: "ô", 0x94: "ö", 0x95: "ò", 0x96: "û", 0x97: "ù",
        0x98: "ÿ", 0x99: "Ö", 0x9A: "Ü", 0x9B: "¢", 0x9C: "£", 0x9D: "¥", 0x9E: "₧", 0x9F: "ƒ",
        0xA0: "á", 0xA1: "í", 0xA2: "ó", 0xA3: "ú", 0xA4: "ñ", 0xA5: "Ñ", 0xA6: "ª", 0xA7: "º",
        0xA8: "¿", 0xA9: "⌐", 0xAA: "¬", 0xAB: "½", 0xAC: "¼", 0xAD: "¡", 0xAE: "«", 0xAF: "»",
        0xB0: "░", 0xB1: "▒", 0xB2: "▓", 0xB3: "│", 0xB4: "┤", 0xB5: "╡", 0xB6: "╢", 0xB7: "╖",
        0xB8: "╕", 0xB9: "╣", 0xBA: "║", 0xBB: "╗", 0xBC: "╝", 0xBD: "╜", 0xBE: "╛", 0xBF: "┐",
        0xC0: "└", 0xC1: "┴", 0xC2: "┬", 0xC3: "├", 0xC4: "─", 0xC5: "┼", 0xC6: "╞", 0xC7: "╟",
        0xC8: "╚", 0xC9: "╔", 0xCA: "╩", 0xCB: "╦", 0xCC: "╠", 0xCD: "═", 0xCE: "╬", 0xCF: "╧",
        0xD0: "╨", 0xD1: "╤", 0xD2: "╥", 0xD3: "╙", 0xD4: "╘", 0xD5: "╒", 0xD6: "╓", 0xD7: "╫",
        0xD8: "╪", 0xD9: "┘", 0xDA: "┌", 0xDB: "█", 0xDC: "▄", 0xDD: "▌", 0xDE: "▐", 0xDF: "▀",
        0xE0: "α", 0xE1: "ß", 0xE2: "Γ", 0xE3: "π", 0xE4: "Σ", 0xE5: "σ", 0xE6: "\u{B5}", 0xE7: "τ",
        0xE8: "Φ", 0xE9: "Θ", 0xEA: "Ω", 0xEB: "δ", 0xEC: "∞", 0xED: "φ", 0xEE: "ε", 0xEF: "∩",
        0xF0: "≡", 0xF1: "±", 0xF2: "≥", 0xF3: "≤", 0xF4: "⌠", 0xF5: "⌡", 0xF6: "÷", 0xF7: "≈",
        0xF8: "°", 0xF9: "\u{2219}", 0xFA: "\u{B7}", 0xFB: "√", 0xFC: "ⁿ", 0xFD: "²", 0xFE: "■", 0xFF: "\u{A0}",
    ]

    private static let pc850Table: [UInt8: Character] = [
        0x80: "Ç", 0x81: "ü", 0x82: "é", 0x83: "â", 0x84: "ä", 0x85: "à", 0x86: "å", 0x87: "ç",
        0x88: "ê", 0x89: "ë", 0x8A: "è", 0x8B: "ï", 0x8C: "î", 0x8D: "ì", 0x8E: "Ä", 0x8F: "Å",
        0x90: "É", 0x91: "æ", 0x92: "Æ", 0x93: "ô", 0x94: "ö", 0x95: "ò", 0x96: "û", 0x97: "ù",
        0x98: "ÿ", 0x99: "Ö", 0x9A: "Ü", 0x9B: "ø", 0x9C: "£", 0x9D: "Ø", 0x9E: "×", 0x9F: "ƒ",
        0xA0: "á", 0xA1: "í", 0xA2: "ó", 0xA3: "ú", 0xA4: "ñ", 0xA5: "Ñ", 0xA6: "ª", 0xA7: "º",
        0xA8: "¿", 0xA9: "®", 0xAA: "¬", 0xAB: "½", 0xAC: "¼", 0xAD: "¡", 0xAE: "«", 0xAF: "»",
        0xB0: "░", 0xB1: "▒", 0xB2: "▓", 0xB3: "│", 0xB4: "┤", 0xB5: "Á", 0xB6: "Â", 0xB7: "À",
        0xB8: "©", 0xB9: "╣", 0xBA: "║", 0xBB: "╗", 0xBC: "╝", 0xBD: "¢", 0xBE: "¥", 0xBF: "┐",
        0xC0: "└", 0xC1: "┴", 0xC2: "┬", 0xC3: "├", 0xC4: "─", 0xC5: "┼", 0xC6: "ã", 0xC7: "Ã",
        0xC8: "╚", 0xC9: "╔", 0xCA: "╩", 0xCB: "╦", 0xCC: "╠", 0xCD: "═", 0xCE: "╬", 0xCF: "¤",
        0xD0: "ð", 0xD1: "Ð", 0xD2: "Ê", 0xD3: "Ë", 0xD4: "È", 0xD5: "ı", 0xD6: "Í", 0xD7: "Î",
        0xD8: "Ï", 0xD9: "┘", 0xDA: "┌", 0xDB: "█", 0xDC: "▄", 0xDD: "¦", 0xDE: "Ì", 0xDF: "▀",
        0xE0: "Ó", 0xE1: "ß", 0xE2: "Ô", 0xE3: "Ò", 0xE4: "õ", 0xE5: "Õ", 0xE6: "\u{B5}", 0xE7: "þ",
        0xE8: "Þ", 0xE9: "Ú", 0xEA: "Û", 0xEB: "Ù", 0xEC: "ý", 0xED: "Ý", 0xEE: "¯", 0xEF: "´",
        0xF0: "\u{AD}", 0xF1: "±", 0xF2: "‗", 0xF3: "¾", 0xF4: "¶", 0xF5: "§", 0xF6: "÷", 0xF7: "¸",
        0xF8: "°", 0xF9: "¨", 0xFA: "\u{B7}", 0xFB: "¹", 0xFC: "³", 0xFD: "²", 0xFE: "■", 0xFF: "\u{A0}",
    ]

    /// IBM made PC858 from PC850 by putting the euro sign where the dotless i was.
    private static let pc858Table: [UInt8: Character] = pc850Table.merging([0xD5: "€"]) { $1 }

    /// 0x80...0x9F as Microsoft defines them (0x81, 0x8D, 0x8F, 0x90 and 0x9D are
    /// undefined); 0xA0...0xFF are ISO 8859-1, which is U+00A0...U+00FF.
    private static let wpc1252Table: [UInt8: Character] = [
        0x80: "€", 0x82: "‚", 0x83: "ƒ", 0x84: "„", 0x85: "…", 0x86: "†", 0x87: "‡",
        0x88: "ˆ", 0x89: "‰", 0x8A: "Š", 0x8B: "‹", 0x8C: "Œ", 0x8E: "Ž",
        0x91: "\u{2018}", 0x92: "\u{2019}", 0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "•", 0x96: "\u{2013}", 0x97: "\u{2014}",
        0x98: "˜", 0x99: "™", 0x9A: "š", 0x9B: "›", 0x9C: "œ", 0x9E: "ž", 0x9F: "Ÿ",
    ].merging((0xA0...0xFF).map { (UInt8($0), Character(Unicode.Scalar(UInt8($0)))) }) { $1 }
}
