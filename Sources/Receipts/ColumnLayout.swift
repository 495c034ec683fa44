import Retail

/// Fitting text into a fixed number of printer columns, counting width with `displayWidth`.
/// Every function returns lines no wider than `width`, except when a single character is
/// wider than the whole line (a CJK character on a 1-column line), which then stands alone.
public enum ColumnLayout {
    /// Wraps text into lines of at most `width` columns, each prefixed with `indent` spaces.
    /// Spaced text breaks between words, CJK text between characters; a word longer than a
    /// line is cut between grapheme clusters. Runs of spaces and control characters become
    /// one space; an empty text gives no lines.
    public static func wrap(_ text: String, width: Int, indent: Int = 0) -> [String] {
        let indent = indent < width ? max(indent, 0) : 0
        let room = max(width - indent, 1)
        // Short printable-ASCII text with single spaces is its own one line: skip the break units.
        let bytes = text.utf8
        if !text.isEmpty, bytes.count <= room, bytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }),
           bytes.first != 0x20, bytes.last != 0x20, !hasDoubleSpace(bytes) {
            return [String(repeating: " ", count: indent) + text]
        }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for unit in breakUnits(text) {
            let unitWidth = displayWidth(unit.text)
            let gap = unit.spaceBefore && !line.isEmpty ? 1 : 0
            if lineWidth + gap + unitWidth <= room {
                if gap == 1 { line += " " }
                line += unit.text
                lineWidth += gap + unitWidth
                continue
            }
            if !line.isEmpty { lines.append(line) }
            var pieces = splitCharacters(unit.text, width: room)
            line = pieces.removeLast()
            lineWidth = displayWidth(line)
            lines += pieces
        }
        if !line.isEmpty { lines.append(line) }
        let prefix = String(repeating: " ", count: indent)
        return lines.map { prefix + $0 }
    }

    /// "left      right": `right` (an amount) goes flush right on the last line of `left` if
    /// it fits with one space to spare, else on a line of its own. It is never shortened;
    /// only if it is wider than the whole line is it cut into right-aligned pieces.
    public static func justify(_ left: String, _ right: String, width: Int, indent: Int = 0) -> [String] {
        var lines = wrap(left, width: width, indent: indent)
        let right = singleLine(right)
        let rightWidth = displayWidth(right)
        guard rightWidth > 0 else { return lines }
        guard rightWidth <= width else {
            return lines + splitCharacters(right, width: width).map { align($0, .right, width: width) }
        }
        if let last = lines.last, displayWidth(last) + 1 + rightWidth <= width {
            lines[lines.count - 1] = last + spaces(width - displayWidth(last) - rightWidth) + right
        } else {
            lines.append(spaces(width - rightWidth) + right)
        }
        return lines
    }

    /// A table whose first column is left-aligned and whose other columns are right-aligned,
    /// one space apart, or nil when the widest cells do not fit in `width`.
    public static func table(_ rows: [[String]], width: Int) -> [String]? {
        let rows = rows.map { $0.map(singleLine) }
        let columnCount = rows.map(\.count).max() ?? 0
        guard columnCount > 0 else { return [] }
        var columnWidths = (0..<columnCount).map { column in
            rows.map { column < $0.count ? displayWidth($0[column]) : 0 }.max() ?? 0
        }
        // The first column takes whatever the numbers leave.
        let numbersWidth = columnWidths.dropFirst().reduce(0) { $0 + $1 + 1 }
        guard columnWidths[0] + numbersWidth <= width else { return nil }
        columnWidths[0] = width - numbersWidth
        return rows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                let padding = spaces(columnWidths[column] - displayWidth(cell))
                line += column == 0 ? cell + padding : " " + padding + cell
            }
            return trimTrailingSpaces(line)
        }
    }

    /// Pads a line that fits in `width` so it sits left, centred or right.
    /// No trailing spaces are added.
    public static func align(_ line: String, _ alignment: TextAlignment, width: Int) -> String {
        let free = max(width - displayWidth(line), 0)
        switch alignment {
        case .left: return line
        case .center: return spaces(free / 2) + line
        case .right: return spaces(free) + line
        }
    }

    // MARK: - Pieces

    /// A run of text that is kept on one line if at all possible.
    private struct Unit {
        var text: String
        var spaceBefore: Bool
    }

    /// Words of narrow characters stay whole; each wide character is a unit of its own so
    /// CJK text can break anywhere, except that punctuation such as "，" "。" ")" stays with
    /// what precedes it rather than starting a line.
    private static func breakUnits(_ text: String) -> [Unit] {
        var units: [Unit] = []
        var word = ""
        var spaceBefore = false
        func endWord() {
            guard !word.isEmpty else { return }
            units.append(Unit(text: word, spaceBefore: spaceBefore))
            word = ""
            spaceBefore = false
        }
        for character in text {
            if isBlank(character) {
                endWord()
                spaceBefore = true
            } else if !word.isEmpty, isClosing(character) {
                word.append(character)
            } else if word.isEmpty, !spaceBefore, !units.isEmpty, isClosing(character) {
                units[units.count - 1].text.append(character)
            } else if displayWidth(character) == 2 {
                endWord()
                word = String(character)
                endWord()
            } else {
                word.append(character)
            }
        }
        endWord()
        return units
    }

    /// Cuts text between grapheme clusters into lines of at most `width` columns.
    /// Always returns at least one (possibly empty) line.
    private static func splitCharacters(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for character in text {
            let characterWidth = displayWidth(character)
            if lineWidth + characterWidth > width, !line.isEmpty {
                lines.append(line)
                line = ""
                lineWidth = 0
            }
            line.append(character)
            lineWidth += characterWidth
        }
        lines.append(line)
        return lines
    }

    /// Two spaces in a row (a byte scan: the generic substring search costs more than the wrap).
    private static func hasDoubleSpace(_ bytes: String.UTF8View) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x20, previous == 0x20 { return true }
            previous = byte
        }
        return false
    }

    /// Spaces, tabs, newlines and control characters: a receipt line has no use for them
    /// and a stray ESC must never reach the printer.
    private static func isBlank(_ character: Character) -> Bool {
        if let ascii = character.asciiValue { return asciiBlank[Int(ascii)] }
        return isBlankByProperties(character)
    }

    private static func isBlankByProperties(_ character: Character) -> Bool {
        character.isWhitespace || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func isClosing(_ character: Character) -> Bool {
        if let ascii = character.asciiValue { return asciiClosing[Int(ascii)] }
        return isClosingByProperties(character)
    }

    private static func isClosingByProperties(_ character: Character) -> Bool {
        switch character.unicodeScalars.first?.properties.generalCategory {
        case .closePunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    // The same answers for ASCII, worked out once: most of a receipt is ASCII, and the Unicode
    // property look-ups per character were a third of laying one out.
    private static let asciiBlank = (0..<128).map { isBlankByProperties(Character(Unicode.Scalar(UInt8($0)))) }
    private static let asciiClosing = (0..<128).map { isClosingByProperties(Character(Unicode.Scalar(UInt8($0)))) }

    /// The text with blanks collapsed to single spaces and trimmed.
    static func singleLine(_ text: String) -> String {
        wrap(text, width: Int.max).joined(separator: " ")
    }

    static func spaces(_ count: Int) -> String {
        String(repeating: " ", count: max(count, 0))
    }

    private static func trimTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
