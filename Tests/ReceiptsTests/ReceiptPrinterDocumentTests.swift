import Testing
import Receipts
import Retail

@Suite struct ReceiptPrinterDocumentTests {
    static let withCutter = PrinterProfile(name: "Cutter 58", paperWidth: .mm58, supportsChinese: true, cutter: true)

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }
    static let yen: [UInt8] = [0x1B, 0x52, 0x08, 0x5C, 0x1B, 0x52, 0x00]
    static let line = ascii(String(repeating: "-", count: 32)) + [0x0A]

    @Test func smallReceiptCommands() {
        let commands = ReceiptPrinterDocument.commands(Sample.small, profile: Self.withCutter)
        let dashes = String(repeating: "-", count: 32)
        #expect(commands == [
            .initialize,
            .align(.center), .bold(true), .size(width: 2, height: 2), .text("Shop"), .newline,
            .align(.left), .bold(false), .size(width: 1, height: 1), .text(dashes), .newline,
            .text("Tea                        ¥5.00"), .newline,
            .text(dashes), .newline,
            .text("Subtotal                   ¥5.00"), .newline,
            .bold(true), .size(width: 1, height: 2), .text("TOTAL                      ¥5.00"), .newline,
            .bold(false), .size(width: 1, height: 1), .text(dashes), .newline,
            .text("Cash                       ¥5.00"), .newline,
            .text("Sale                          S1"), .newline,
            .text("Time                       09:26"), .newline,
            .cut(.partial),
        ])
    }

    @Test func smallReceiptBytes() {
        let bytes = ReceiptPrinterDocument.escpos(Sample.small, profile: Self.withCutter)
        var expected: [UInt8] = [0x1B, 0x40]
        expected += [0x1B, 0x61, 0x01, 0x1B, 0x45, 0x01, 0x1D, 0x21, 0x11] + Self.ascii("Shop\n")
        expected += [0x1B, 0x61, 0x00, 0x1B, 0x45, 0x00, 0x1D, 0x21, 0x00] + Self.line
        expected += Self.ascii("Tea                        ") + Self.yen + Self.ascii("5.00\n")
        expected += Self.line
        expected += Self.ascii("Subtotal                   ") + Self.yen + Self.ascii("5.00\n")
        expected += [0x1B, 0x45, 0x01, 0x1D, 0x21, 0x01] + Self.ascii("TOTAL                      ") + Self.yen + Self.ascii("5.00\n")
        expected += [0x1B, 0x45, 0x00, 0x1D, 0x21, 0x00] + Self.line
        expected += Self.ascii("Cash                       ") + Self.yen + Self.ascii("5.00\n")
        expected += Self.ascii("Sale                          S1\n")
        expected += Self.ascii("Time                       09:26\n")
        expected += [0x1D, 0x56, 0x42, 0x00]
        #expect(bytes == expected)
        #expect(bytes.starts(with: [0x1B, 0x40]))
        #expect(bytes.suffix(4) == [0x1D, 0x56, 0x42, 0x00])
    }

    @Test func withoutCutterTheReceiptIsFedPastTheTearBar() {
        let bytes = ReceiptPrinterDocument.escpos(Sample.small, profile: .generic58mm)
        #expect(bytes.starts(with: [0x1B, 0x40]))
        #expect(bytes.suffix(3) == [0x1B, 0x64, 0x04])
        #expect(!bytes.contains(0x56))  // no GS V anywhere (0x56 is not in this receipt's text)
    }

    @Test(arguments: [PrinterProfile.generic58mm, .generic80mm])
    func printsTheSameLinesAsTheTextRenderer(profile: PrinterProfile) throws {
        let printed = try PrinterEmulator.printedLines(ReceiptPrinterDocument.escpos(Sample.full, profile: profile))
        let text = TextRenderer.render(Sample.full, profile: profile).split(separator: "\n").map(String.init)
        #expect(printed == ReceiptLayout.lines(for: Sample.full, profile: profile).map(\.text))
        // Same rows; the printer centres with ESC a where the text pads with spaces.
        #expect(printed.count == text.count)
        #expect(zip(text, printed).allSatisfy { $0.hasSuffix($1) })
    }

    @Test func storeNameIsDoubleSizeAndTotalDoubleHeight() {
        let commands = ReceiptPrinterDocument.commands(Sample.full, profile: .generic80mm)
        let chineseName = commands.firstIndex(of: .text("鲜果超市"))
        let total = commands.firstIndex { if case .text(let t) = $0 { t.hasPrefix("TOTAL") } else { false } }
        #expect(chineseName.map { commands[..<$0].last { if case .size = $0 { true } else { false } } } == .size(width: 2, height: 2))
        #expect(total.map { commands[..<$0].last { if case .size = $0 { true } else { false } } } == .size(width: 1, height: 2))
    }
}
