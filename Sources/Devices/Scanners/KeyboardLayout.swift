/// The keyboard layout a keyboard-wedge scanner is programmed to "type" in. The scanner sends key
/// positions (HID usages), not characters, so the kiosk must read them with the same layout the
/// scanner assumed, or "-" arrives as "ß" (a US scanner read as German).
public enum KeyboardLayout: String, Codable, Sendable, Hashable, CaseIterable {
    case us, de, fr

    /// The character a key gives, or nil when the layout has none there.
    public func character(usage: UInt8, shift: Bool, altGr: Bool) -> Character? {
        let table: [UInt8: (String, String, String)]
        switch self {
        case .us: table = Self.usKeys
        case .de: table = Self.deKeys
        case .fr: table = Self.frKeys
        }
        if altGr { return table[usage]?.2.first }
        if let letter = letter(usage: usage) { return shift ? Character(letter.uppercased()) : letter }
        guard let (plain, shifted, _) = table[usage] else { return nil }
        return (shift ? shifted : plain).first
    }

    /// Letters move between layouts (QWERTZ swaps y and z, AZERTY moves a, q, w, z and m).
    func letter(usage: UInt8) -> Character? {
        guard (0x04...0x1D).contains(usage) else { return nil }
        let us = Character(UnicodeScalar(UInt8(ascii: "a") + usage - 0x04))
        switch (self, us) {
        case (.de, "y"): return "z"
        case (.de, "z"): return "y"
        case (.fr, "a"): return "q"
        case (.fr, "q"): return "a"
        case (.fr, "w"): return "z"
        case (.fr, "z"): return "w"
        case (.fr, "m"): return nil // a comma on AZERTY; in the table below
        default: return us
        }
    }

    // usage: (plain, shift, AltGr); "" = no character.
    static let usKeys: [UInt8: (String, String, String)] = [
        0x1E: ("1", "!", ""), 0x1F: ("2", "@", ""), 0x20: ("3", "#", ""), 0x21: ("4", "$", ""), 0x22: ("5", "%", ""),
        0x23: ("6", "^", ""), 0x24: ("7", "&", ""), 0x25: ("8", "*", ""), 0x26: ("9", "(", ""), 0x27: ("0", ")", ""),
        0x2C: (" ", " ", ""), 0x2D: ("-", "_", ""), 0x2E: ("=", "+", ""), 0x2F: ("[", "{", ""), 0x30: ("]", "}", ""),
        0x31: ("\\", "|", ""), 0x33: (";", ":", ""), 0x34: ("'", "\"", ""), 0x35: ("`", "~", ""), 0x36: (",", "<", ""),
        0x37: (".", ">", ""), 0x38: ("/", "?", ""),
        0x54: ("/", "/", ""), 0x55: ("*", "*", ""), 0x56: ("-", "-", ""), 0x57: ("+", "+", ""),
        0x59: ("1", "1", ""), 0x5A: ("2", "2", ""), 0x5B: ("3", "3", ""), 0x5C: ("4", "4", ""), 0x5D: ("5", "5", ""),
        0x5E: ("6", "6", ""), 0x5F: ("7", "7", ""), 0x60: ("8", "8", ""), 0x61: ("9", "9", ""), 0x62: ("0", "0", ""),
        0x63: (".", ".", ""),
    ]

    static let deKeys = usKeys.merging(deChanges) { _, german in german }
    static let frKeys = usKeys.merging(frChanges) { _, french in french }

    static let deChanges: [UInt8: (String, String, String)] = [
        0x08: ("e", "E", "€"), 0x14: ("q", "Q", "@"),
        0x1F: ("2", "\"", "²"), 0x20: ("3", "§", "³"), 0x23: ("6", "&", ""), 0x24: ("7", "/", "{"),
        0x25: ("8", "(", "["), 0x26: ("9", ")", "]"), 0x27: ("0", "=", "}"),
        0x2D: ("ß", "?", "\\"), 0x2E: ("´", "`", ""), 0x2F: ("ü", "Ü", ""), 0x30: ("+", "*", "~"),
        0x31: ("#", "'", ""), 0x32: ("#", "'", ""), 0x33: ("ö", "Ö", ""), 0x34: ("ä", "Ä", ""), 0x35: ("^", "°", ""),
        0x36: (",", ";", ""), 0x37: (".", ":", ""), 0x38: ("-", "_", ""), 0x64: ("<", ">", "|"),
    ]

    static let frChanges: [UInt8: (String, String, String)] = [
        0x08: ("e", "E", "€"), 0x10: (",", "?", ""),
        0x1E: ("&", "1", ""), 0x1F: ("é", "2", "~"), 0x20: ("\"", "3", "#"), 0x21: ("'", "4", "{"), 0x22: ("(", "5", "["),
        0x23: ("-", "6", "|"), 0x24: ("è", "7", "`"), 0x25: ("_", "8", "\\"), 0x26: ("ç", "9", "^"), 0x27: ("à", "0", "@"),
        0x2D: (")", "°", "]"), 0x2E: ("=", "+", "}"), 0x2F: ("^", "¨", ""), 0x30: ("$", "£", "¤"),
        0x31: ("*", "µ", ""), 0x32: ("*", "µ", ""), 0x33: ("m", "M", ""), 0x34: ("ù", "%", ""), 0x35: ("²", "", ""),
        0x36: (";", ".", ""), 0x37: (":", "/", ""), 0x38: ("!", "§", ""), 0x64: ("<", ">", ""),
    ]
}
