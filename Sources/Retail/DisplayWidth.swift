/// How many printer columns text takes: East Asian Wide and Fullwidth characters and emoji
/// take two (a Chinese glyph in font A is 24 dots, an ASCII one 12), combining marks none.
/// Widths are counted per grapheme cluster, so "e" + U+0301 or a flag is one unit.
public func displayWidth(_ text: some StringProtocol) -> Int {
    // Receipts are mostly printable ASCII, one column a byte: skip the Unicode property look-ups,
    // which are most of the cost of laying out a receipt.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
    return text.reduce(0) { $0 + displayWidth($1) }
}

public func displayWidth(_ character: Character) -> Int {
    let utf8 = character.utf8
    if let ascii = character.asciiValue, utf8.count == 1 {
        return ascii >= 0x20 && ascii < 0x7F ? 1 : 0
    }
    // A lone Chinese or Korean character (3 UTF-8 bytes: exactly one scalar) is wide, and no mark
    // or emoji lives in these blocks: skip the property look-ups, most of a Chinese name's cost.
    if utf8.count == 3, let scalar = character.unicodeScalars.first, isPlainWide(scalar.value) { return 2 }
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    // Emoji: those shown as pictures by default, or made so by VS16 (U+FE0F).
    if first.properties.isEmojiPresentation { return 2 }
    if first.properties.isEmoji && scalars.contains("\u{FE0F}") { return 2 }
    switch first.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control, .lineSeparator, .paragraphSeparator:
        return 0
    default:
        return isWide(first.value) ? 2 : 1
    }
}

/// Blocks of `isWide` holding only wide letters: no combining marks, no emoji.
@inline(__always) private func isPlainWide(_ v: UInt32) -> Bool {
    (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v)
}

/// East Asian Width W or F (Unicode UAX #11), the blocks a receipt can meet; emoji are
/// found by their Unicode properties above instead.
/// Ambiguous characters (·, ×, é) count as narrow: that is how printers' ASCII fonts show them.
private func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F,    // Hangul Jamo leading consonants
         0x2E80...0x303E,    // CJK radicals, Kangxi radicals, CJK symbols and punctuation
         0x3041...0x33FF,    // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
         0x3400...0x4DBF,    // CJK Unified Ideographs Extension A
         0x4E00...0x9FFF,    // CJK Unified Ideographs
         0xA000...0xA4CF,    // Yi
         0xA960...0xA97F,    // Hangul Jamo Extended-A
         0xAC00...0xD7A3,    // Hangul syllables
         0xF900...0xFAFF,    // CJK compatibility ideographs
         0xFE10...0xFE19,    // vertical forms
         0xFE30...0xFE6F,    // CJK compatibility forms, small form variants
         0xFF00...0xFF60,    // fullwidth ASCII variants
         0xFFE0...0xFFE6,    // fullwidth signs: ￠ ￡ ￢ ￣ ￤ ￥ ￦
         0x20000...0x3FFFD:  // CJK extensions B and later
        return true
    default:
        return false
    }
}
