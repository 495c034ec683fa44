@testable import Receipts

/// Reads back the ESC/POS our encoder writes, as a printer would show it: the printed text
/// lines, with GB18030 decoded by iconv and ESC R national glyphs applied. Commands the
/// encoder never emits are an error, so a stray byte cannot hide in a test.
struct PrinterEmulator {
    struct UnexpectedByte: Error { let offset: Int; let byte: UInt8 }

    static func printedLines(_ bytes: [UInt8]) throws -> [String] {
        let gb18030 = try Iconv(from: "GB18030", to: "UTF-8")
        var lines: [String] = []
        var line = ""
        var characterSet: UInt8 = 0
        var i = 0
        func byte(_ offset: Int) throws -> UInt8 {
            guard i + offset < bytes.count else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
            return bytes[i + offset]
        }
        while i < bytes.count {
            switch (bytes[i], try? byte(1)) {
            case (0x1B, 0x40): i += 2                                  // ESC @
            case (0x1B, 0x61), (0x1B, 0x45), (0x1B, 0x2D), (0x1B, 0x64): i += 3
            case (0x1B, 0x52): characterSet = try byte(2); i += 3      // ESC R n
            case (0x1D, 0x21): i += 3                                  // GS ! n
            case (0x1D, 0x56): i += 4                                  // GS V m n
            case (0x1C, 0x26):                                         // FS & ... FS .
                var end = i + 2
                while end + 1 < bytes.count, !(bytes[end] == 0x1C && bytes[end + 1] == 0x2E) { end += 1 }
                guard end + 1 < bytes.count else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
                line += String(decoding: try gb18030.convert(Array(bytes[(i + 2)..<end])), as: UTF8.self)
                i = end + 2
            case (0x0A, _):
                lines.append(line)
                line = ""
                i += 1
            case (let b, _) where (0x20...0x7E).contains(b):
                if characterSet == 8, b == 0x5C { line += "¥" }
                else if characterSet == 3, b == 0x23 { line += "£" }
                else { line.append(Character(Unicode.Scalar(b))) }
                i += 1
            case (let b, _):
                throw UnexpectedByte(offset: i, byte: b)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
