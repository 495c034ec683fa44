import Foundation
import Testing
@testable import Receipts

/// Golden files: the complete bytes of a document, checked into Tests/ReceiptsTests/Golden/
/// as a hex dump a reviewer can read, one command per line:
///
///     1B 74 13                 # ESC t 19: code page PC858
///     8A 74 72 65 20 D5 35     # "ètre €5"
///
/// Only the hex counts when comparing; "#" starts a comment. To rewrite the files after an
/// intended change, run the tests with UPDATE_GOLDEN=1 and review the diff:
///
///     UPDATE_GOLDEN=1 swift test --skip-build --filter ReceiptsTests.GoldenReceiptTests
///
/// Without it a missing file or a different byte fails the test.
enum GoldenFile {
    struct Malformed: Error, CustomStringConvertible {
        let line: Int, text: String
        var description: String { "golden file line \(line) is not hex bytes: \(text)" }
    }

    /// Found from this source file, so the tests work from any working directory.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// Compares `bytes` with the golden file `name`, or rewrites it when UPDATE_GOLDEN=1.
    static func check(_ bytes: [UInt8], name: String, title: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        let dump = try ESCPOSDump.text(bytes, title: title)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(dump.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing golden file \(url.path); run with UPDATE_GOLDEN=1 to write it", sourceLocation: sourceLocation)
            return
        }
        let golden = String(decoding: data, as: UTF8.self)
        let expected = try parse(golden)
        guard expected != bytes else { return }
        let offset = zip(expected, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expected.count, bytes.count)
        Issue.record("""
            \(name): \(bytes.count) bytes, golden \(expected.count); first difference at byte \(offset)
            golden \(line(containing: offset, in: golden))
            now    \(line(containing: offset, in: dump))
            (UPDATE_GOLDEN=1 rewrites the file if the change is intended)
            """, sourceLocation: sourceLocation)
    }

    /// "line N: text" of the dump line holding byte `offset`.
    static func line(containing offset: Int, in dump: String) -> String {
        var count = 0
        for (number, line) in dump.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            count += line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace).count
            if count > offset { return "line \(number + 1): \(line)" }
        }
        return "(past the end)"
    }

    /// The bytes of a dump: every hex pair before each line's "#".
    static func parse(_ text: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line.prefix { $0 != "#" }
            for token in code.split(whereSeparator: \.isWhitespace) {
                guard token.count == 2, let byte = UInt8(token, radix: 16) else {
                    throw Malformed(line: number + 1, text: String(line))
                }
                bytes.append(byte)
            }
        }
        return bytes
    }
}

/// Disassembles the ESC/POS our encoder writes into one line per command, text run or
/// image row, each with what it does. Text is decoded as the printer would (code pages
/// with the encoder's own tables; the emulator checks those against iconv).
enum ESCPOSDump {
    struct Unknown: Error { let offset: Int }

    static func text(_ bytes: [UInt8], title: String) throws -> String {
        let header = """
            # \(title)
            # ESC/POS golden bytes, one command per line: hex, then "#" and what it does.
            # Only the hex is compared. Regenerate after an intended change with
            #   UPDATE_GOLDEN=1 swift test --skip-build --filter ReceiptsTests.GoldenReceiptTests
            # and review the diff. \(bytes.count) bytes.

            """
        return header + (try lines(bytes)).map { $0 + "\n" }.joined()
    }

    static func lines(_ bytes: [UInt8]) throws -> [String] {
        let gb18030 = try Iconv(from: "GB18030", to: "UTF-8")
        var out: [String] = []
        var chineseMode = false, codeTable: UInt8 = 0, characterSet: UInt8 = 0
        var i = 0
        func hex(_ slice: ArraySlice<UInt8>) -> String { slice.map { String(format: "%02X", $0) }.joined(separator: " ") }
        func emit(_ count: Int, _ comment: String) {
            let code = hex(bytes[i..<(i + count)])
            out.append(code.padding(toLength: max(code.count, 24), withPad: " ", startingAt: 0) + "  # " + comment)
            i += count
        }
        func byte(_ offset: Int) throws -> UInt8 {
            guard i + offset < bytes.count else { throw Unknown(offset: i) }
            return bytes[i + offset]
        }
        func word(_ offset: Int) throws -> Int { Int(try byte(offset)) | Int(try byte(offset + 1)) << 8 }
        func quoted(_ text: String) -> String { "\"" + text + "\"" }
        while i < bytes.count {
            switch (bytes[i], i + 1 < bytes.count ? bytes[i + 1] : nil) {
            case (0x1B, 0x40):
                (chineseMode, codeTable, characterSet) = (false, 0, 0)
                emit(2, "ESC @: initialize")
            case (0x1B, 0x61):
                let n = try byte(2)
                emit(3, "ESC a \(n): align " + (n == 0 ? "left" : n == 1 ? "centre" : "right"))
            case (0x1B, 0x45): emit(3, "ESC E \(try byte(2)): bold " + (try byte(2) == 0 ? "off" : "on"))
            case (0x1B, 0x2D): emit(3, "ESC - \(try byte(2)): underline")
            case (0x1B, 0x64): emit(3, "ESC d \(try byte(2)): feed \(try byte(2)) lines")
            case (0x1B, 0x52):
                characterSet = try byte(2)
                let name = [0: "USA", 3: "U.K.: 0x23 prints £", 8: "Japan: 0x5C prints ¥"][characterSet] ?? "?"
                emit(3, "ESC R \(characterSet): international characters \(name)")
            case (0x1B, 0x74):
                codeTable = try byte(2)
                let page = CodePage.allCases.first { $0.number == codeTable }
                emit(3, "ESC t \(codeTable): code page " + (page.map { $0.rawValue.uppercased() } ?? "?"))
            case (0x1B, 0x70):
                emit(5, "ESC p \(try byte(2)): drawer kick, \(Int(try byte(3)) * 2) ms on, \(Int(try byte(4)) * 2) ms off")
            case (0x1D, 0x21):
                let n = try byte(2)
                emit(3, "GS ! \(n): size \((n >> 4) + 1) x \((n & 7) + 1)")
            case (0x1D, 0x56): emit(4, "GS V \(try byte(2)) \(try byte(3)): feed and " + (try byte(2) == 0x41 ? "full" : "partial") + " cut")
            case (0x1C, 0x26):
                chineseMode = true
                emit(2, "FS &: Chinese mode on")
            case (0x1C, 0x2E):
                chineseMode = false
                emit(2, "FS .: Chinese mode off")
            case (0x1D, 0x76):
                guard try byte(2) == 0x30 else { throw Unknown(offset: i) }
                let bytesPerRow = try word(4), rows = try word(6)
                emit(8, "GS v 0: raster image \(bytesPerRow * 8) x \(rows) dots, \(bytesPerRow) bytes a row")
                for row in 0..<rows {
                    guard i + bytesPerRow <= bytes.count else { throw Unknown(offset: i) }
                    // A picture of the row, one character a byte: "." blank, "#" all black.
                    let picture = bytes[i..<(i + bytesPerRow)].map { $0 == 0 ? "." : $0 == 0xFF ? "#" : "+" }.joined()
                    emit(bytesPerRow, "\(String(format: "%3d", row)) \(picture)")
                }
            case (0x1D, 0x28):
                guard try byte(2) == 0x6B else { throw Unknown(offset: i) }
                let length = try word(3)
                let function = try byte(6), value = try byte(7)
                let comment: String
                switch function {
                case 0x41: comment = "QR fn 165: model \(Int(value) - 0x30)"
                case 0x43: comment = "QR fn 167: module \(value) dots"
                case 0x45: comment = "QR fn 169: error correction " + ([0x30: "L", 0x31: "M", 0x32: "Q", 0x33: "H"][value] ?? "?")
                case 0x50: comment = "QR fn 180: store " + quoted(String(decoding: bytes[(i + 8)..<(i + 5 + length)], as: UTF8.self))
                case 0x51: comment = "QR fn 181: print"
                default: throw Unknown(offset: i)
                }
                emit(5 + length, "GS ( k: " + comment)
            case (0x1D, 0x68): emit(3, "GS h \(try byte(2)): barcode height \(try byte(2)) dots")
            case (0x1D, 0x77): emit(3, "GS w \(try byte(2)): barcode module \(try byte(2)) dots")
            case (0x1D, 0x48): emit(3, "GS H \(try byte(2)): barcode text " + (try byte(2) == 0 ? "none" : "below"))
            case (0x1D, 0x6B):
                guard try byte(2) == 0x49 else { throw Unknown(offset: i) }
                let count = Int(try byte(3))
                guard i + 4 + count <= bytes.count else { throw Unknown(offset: i) }
                emit(4 + count, "GS k 73: CODE128 " + quoted(String(decoding: bytes[(i + 4)..<(i + 4 + count)], as: UTF8.self)))
            case (0x0A, _):
                emit(1, "LF")
            case (let b, _) where b >= 0x20 && b != 0x7F:
                // A text run: up to the next control byte.
                var end = i, text = ""
                while end < bytes.count, bytes[end] >= 0x20, bytes[end] != 0x7F {
                    let b = bytes[end]
                    if b < 0x80 {
                        text += characterSet == 8 && b == 0x5C ? "¥" : characterSet == 3 && b == 0x23 ? "£" : String(UnicodeScalar(b))
                        end += 1
                    } else if chineseMode {
                        guard end + 1 < bytes.count else { throw Unknown(offset: end) }
                        text += String(decoding: try gb18030.convert(Array(bytes[end...(end + 1)])), as: UTF8.self)
                        end += 2
                    } else {
                        let page = CodePage.allCases.first { $0.number == codeTable }
                        text += page?.character(for: b).map(String.init) ?? "<\(String(format: "%02X", b))>"
                        end += 1
                    }
                }
                emit(end - i, quoted(text))
            default:
                throw Unknown(offset: i)
            }
        }
        return out
    }
}
