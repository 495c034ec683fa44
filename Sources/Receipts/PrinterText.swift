import Retail

/// How text becomes printer bytes without garbling and without moving columns: every
/// character prints exactly as wide as `displayWidth` says, or is replaced by that many "?".
///
/// - Printable ASCII goes as is; "\n" is a line feed; other control characters and
///   zero-width characters (lone combining marks, ZWJ, soft hyphens) are dropped.
/// - "¥" (U+00A5) and "£" go as 0x5C and 0x23 under the Japan and U.K. international
///   character sets (ESC R). GB18030 has "¥" only as the 4-byte sequence 81 30 84 36,
///   which printers with GB2312/GBK fonts do not print; the fullwidth "￥" (A3 A4) prints,
///   but two columns wide, which would push every amount one column past the edge.
///   PC437, PC850 and WPC1252 have both signs too, but ESC R is the surer one column:
///   it changes glyphs in the ASCII range, so it works on every printer whether or not it
///   lists a code page, whatever table its memory switches chose, and even in Chinese mode,
///   where a byte 0x80...0xFF would start a two-column GB18030 character.
/// - A few narrow typographic characters fold to their ASCII look-alikes ("×" to "x"),
///   which print without switching code pages.
/// - Other narrow characters print as a byte 0x80...0xFF of one of the profile's code
///   pages, outside Chinese mode: of the page already selected if it is listed and has the
///   character, else of the first listed page that has it (ESC t before it). So pages
///   switch only when a character needs it, and never back just because. "e" + U+0301
///   prints as "é". Characters none of its pages has become "?": GBK has some of them
///   (é, ·), but the printer would draw them two columns wide.
/// - Wide characters (CJK, fullwidth forms) go as GB18030 in Chinese mode when the printer
///   has it and the character is a 2-byte code; 4-byte codes (emoji, Hangul, rare
///   ideographs) are beyond printer fonts, so they become "??".
enum PrinterText {
    enum Piece: Equatable {
        case ascii([UInt8])
        /// GB18030 double-byte codes, printed in Chinese mode.
        case chinese([UInt8])
        /// One byte printed under another international character set.
        case international(ESCPOSCommand.InternationalCharacterSet, UInt8)
        /// Bytes 0x80...0xFF of one code page, printed with it selected and Chinese mode off.
        case codePage(CodePage, [UInt8])
    }

    private static let asciiFolds: [Character: UInt8] = [
        "×": 0x78, "·": 0x2E, "\u{2013}": 0x2D, "\u{2014}": 0x2D,
        "\u{2018}": 0x27, "\u{2019}": 0x27, "\u{201C}": 0x22, "\u{201D}": 0x22, "\u{00A0}": 0x20,
    ]

    /// Splits text into runs; `gb18030` is nil when the printer has no Chinese mode,
    /// `codePages` are the profile's, most preferred first, and `selectedTable` is the ESC t
    /// table selected when the text starts.
    static func pieces(_ text: String, gb18030: Iconv?, codePages: [CodePage], selectedTable: UInt8) -> [Piece] {
        // Most rows are printable ASCII: one piece, without the per-character work below.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) { return text.isEmpty ? [] : [.ascii(Array(text.utf8))] }
        var runs = Runs()
        var selected = codePages.first { $0.number == selectedTable }
        for character in text {
            if let byte = character.asciiValue {
                // "\n" and "\r\n" are line feeds; other control characters are dropped.
                if (0x20...0x7E).contains(byte) || byte == 0x0A { runs.add(byte, to: .ascii) }
                continue
            }
            if character == "¥" { runs.add(.international(.japan, 0x5C)); continue }
            if character == "£" { runs.add(.international(.uk, 0x23)); continue }
            if let byte = asciiFolds[character] { runs.add(byte, to: .ascii); continue }
            let width = displayWidth(character)
            // Only one-column characters: a code page byte always prints one column.
            if width == 1, let (page, byte) = codePageByte(for: character, codePages: codePages, selected: selected) {
                selected = page
                runs.add(byte, to: .codePage(page))
                continue
            }
            if width == 2, let gb18030, let (lead, trail) = doubleByteCode(for: character, gb18030) {
                runs.add(lead, to: .chinese)
                runs.add(trail, to: .chinese)
                continue
            }
            for _ in 0..<width { runs.add(0x3F, to: .ascii) }
        }
        return runs.finish()
    }

    /// The selected page's byte for the character if it has one, else the first listed page's.
    private static func codePageByte(for character: Character, codePages: [CodePage], selected: CodePage?) -> (CodePage, UInt8)? {
        if let selected, let byte = selected.byte(for: character) { return (selected, byte) }
        for page in codePages {
            if let byte = page.byte(for: character) { return (page, byte) }
        }
        return nil
    }

    /// The character's GB18030 code if it is exactly one 2-byte code (lead 81...FE, trail
    /// 40...FE except 7F; a 4-byte code has a trail byte 30...39). Converted on the stack:
    /// allocating per character was most of encoding a Chinese name.
    private static func doubleByteCode(for character: Character, _ gb18030: Iconv) -> (UInt8, UInt8)? {
        var text = String(character)
        return text.withUTF8 { input in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { output in
                guard gb18030.convert(input, into: output) == 2,
                      (0x81...0xFE).contains(output[0]), (0x40...0xFE).contains(output[1]), output[1] != 0x7F else { return nil }
                return (output[0], output[1])
            }
        }
    }

    private enum RunKind: Equatable {
        case ascii, chinese
        case codePage(CodePage)
    }

    /// Collects bytes into one run while they are of one kind, so a line becomes a few pieces
    /// without a new array per character.
    private struct Runs {
        private var pieces: [Piece] = []
        private var kind: RunKind = .ascii
        private var bytes: [UInt8] = []

        mutating func add(_ byte: UInt8, to kind: RunKind) {
            if kind != self.kind { flush() }
            self.kind = kind
            bytes.append(byte)
        }

        mutating func add(_ piece: Piece) {
            flush()
            pieces.append(piece)
        }

        mutating func finish() -> [Piece] {
            flush()
            return pieces
        }

        private mutating func flush() {
            guard !bytes.isEmpty else { return }
            switch kind {
            case .ascii: pieces.append(.ascii(bytes))
            case .chinese: pieces.append(.chinese(bytes))
            case .codePage(let page): pieces.append(.codePage(page, bytes))
            }
            bytes = []
        }
    }
}
