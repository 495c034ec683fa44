import Testing
@testable import Receipts

@Suite struct ESCPOSEncoderTests {
    static let chinese = PrinterProfile(name: "Chinese", paperWidth: .mm58, supportsChinese: true, cutter: true)
    static let western = PrinterProfile(name: "Western", paperWidth: .mm80, supportsChinese: false, cutter: true)

    func bytes(_ command: ESCPOSCommand, profile: PrinterProfile = chinese) -> [UInt8] {
        ESCPOSEncoder(profile: profile).encode([command])
    }

    @Test(arguments: [
        (ESCPOSCommand.initialize, [0x1B, 0x40] as [UInt8]),
        (.align(.left), [0x1B, 0x61, 0x00]),
        (.align(.center), [0x1B, 0x61, 0x01]),
        (.align(.right), [0x1B, 0x61, 0x02]),
        (.bold(true), [0x1B, 0x45, 0x01]),
        (.bold(false), [0x1B, 0x45, 0x00]),
        (.underline(.off), [0x1B, 0x2D, 0x00]),
        (.underline(.single), [0x1B, 0x2D, 0x01]),
        (.underline(.double), [0x1B, 0x2D, 0x02]),
        (.size(width: 1, height: 1), [0x1D, 0x21, 0x00]),
        (.size(width: 2, height: 2), [0x1D, 0x21, 0x11]),
        (.size(width: 1, height: 2), [0x1D, 0x21, 0x01]),
        (.size(width: 8, height: 8), [0x1D, 0x21, 0x77]),
        (.size(width: 0, height: 9), [0x1D, 0x21, 0x07]),     // clamped to 1 x 8
        (.text("Hi!"), [0x48, 0x69, 0x21]),
        (.text("a\nb"), [0x61, 0x0A, 0x62]),
        (.newline, [0x0A]),
        (.feed(lines: 3), [0x1B, 0x64, 0x03]),
        (.feed(lines: -1), [0x1B, 0x64, 0x00]),
        (.feed(lines: 300), [0x1B, 0x64, 0xFF]),
        (.cut(.partial), [0x1D, 0x56, 0x42, 0x00]),
        (.cut(.full), [0x1D, 0x56, 0x41, 0x00]),
        (.chineseMode(true), [0x1C, 0x26]),
        (.chineseMode(false), [0x1C, 0x2E]),
        (.internationalCharacterSet(.japan), [0x1B, 0x52, 0x08]),
        (.internationalCharacterSet(.uk), [0x1B, 0x52, 0x03]),
        (.internationalCharacterSet(.usa), [0x1B, 0x52, 0x00]),
        (.codePage(.pc437), [0x1B, 0x74, 0x00]),
        (.codePage(.pc850), [0x1B, 0x74, 0x02]),
        (.codePage(.pc858), [0x1B, 0x74, 0x13]),
        (.codePage(.wpc1252), [0x1B, 0x74, 0x10]),
    ])
    func commandBytes(command: ESCPOSCommand, expected: [UInt8]) {
        #expect(bytes(command) == expected)
    }

    @Test func commandsAreConcatenatedInOrder() {
        let encoded = ESCPOSEncoder(profile: Self.chinese).encode([.initialize, .bold(true), .text("A"), .newline, .cut(.partial)])
        #expect(encoded == [0x1B, 0x40, 0x1B, 0x45, 0x01, 0x41, 0x0A, 0x1D, 0x56, 0x42, 0x00])
    }

    @Test func chineseRunsGoInChineseModeAsGB18030() {
        #expect(bytes(.text("苹果 Apple")) == [0x1C, 0x26, 0xC6, 0xBB, 0xB9, 0xFB, 0x1C, 0x2E, 0x20, 0x41, 0x70, 0x70, 0x6C, 0x65])
        // Fullwidth forms and CJK punctuation are 2-byte GB codes too.
        #expect(bytes(.text("，Ａ")) == [0x1C, 0x26, 0xA3, 0xAC, 0xA3, 0xC1, 0x1C, 0x2E])
    }

    @Test func yenAndPoundPrintThroughInternationalCharacterSets() {
        let yen: [UInt8] = [0x1B, 0x52, 0x08, 0x5C, 0x1B, 0x52, 0x00]
        #expect(bytes(.text("¥3.50")) == yen + [0x33, 0x2E, 0x35, 0x30])
        #expect(bytes(.text("¥1"), profile: Self.western) == yen + [0x31])
        #expect(bytes(.text("£2")) == [0x1B, 0x52, 0x03, 0x23, 0x1B, 0x52, 0x00, 0x32])
        // The fullwidth yen is an ordinary GB2312 character.
        #expect(bytes(.text("￥")) == [0x1C, 0x26, 0xA3, 0xA4, 0x1C, 0x2E])
    }

    @Test(arguments: [
        ("😀", "??"),          // GB18030 has it only as a 4-byte code no printer font has
        ("한", "??"),          // Hangul: 4-byte in GB18030
        ("Zł", "Z?"),          // ł is in no code page we know (and GB18030 would print it two columns wide)
        ("€5", "?5"),          // not in PC437, the default code page
        ("q\u{301}", "?"),     // one cluster, one column, one "?" (no page has q with acute)
        ("a\u{1B}@b", "a@b"),  // ESC must never reach the printer
        ("\u{301}x", "x"),     // a lone combining mark takes no column
        ("2 × 3 · 4 – 5", "2 x 3 . 4 - 5"),
    ])
    func unprintableCharactersBecomeQuestionMarks(text: String, printed: String) {
        #expect(bytes(.text(text)) == Array(printed.utf8))
    }

    @Test func withoutChineseModeEveryNonASCIICharacterIsAQuestionMarkPerColumn() {
        #expect(bytes(.text("苹果 Apple"), profile: Self.western) == Array("???? Apple".utf8))
        #expect(!bytes(.text("鲜果超市，欢迎！"), profile: Self.western).contains { $0 >= 0x80 || $0 == 0x1C })
    }

    @Test func chineseSurvivesTheRoundTripThroughGB18030() throws {
        let texts = ["鲜果超市", "上海市示例路88号", "富士苹果", "谢谢惠顾，欢迎再次光临", "牛奶 Milk 2 x ¥3.50", "ひらがな"]
        for text in texts {
            #expect(try PrinterEmulator.printedLines(bytes(.text(text))) == [text])
        }
        let decoder = try Iconv(from: "GB18030", to: "UTF-8")
        let encoder = try Iconv(from: "UTF-8", to: "GB18030")
        #expect(try decoder.convert(encoder.convert(Array("富士苹果".utf8))) == Array("富士苹果".utf8))
    }

    @Test func iconvReportsErrors() throws {
        #expect(throws: IconvError.self) { try Iconv(from: "UTF-8", to: "NO-SUCH-CHARSET") }
        let decoder = try Iconv(from: "GB18030", to: "UTF-8")
        #expect(throws: IconvError.self) { try decoder.convert([0xC6]) }  // cut mid-character
        #expect(try decoder.convert([]) == [])
    }
}
