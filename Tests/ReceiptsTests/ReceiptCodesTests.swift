import Foundation
import KioskTestSupport
import Testing
@testable import Receipts
import Retail

/// The logo, QR code, barcode and drawer on receipts: which way each is printed for a
/// profile, and that nothing a receipt holds can crash the document.
@Suite struct ReceiptCodesTests {
    static func profile(_ paper: PaperWidth, nativeQR: Bool = false, nativeBarcode: Bool = false, raster: Bool = true,
                        cashDrawer: Bool = false, cutter: Bool = true) -> PrinterProfile {
        PrinterProfile(name: "Test", paperWidth: paper, supportsChinese: true, cutter: cutter,
                       nativeQR: nativeQR, nativeBarcode: nativeBarcode, raster: raster, cashDrawer: cashDrawer)
    }

    static let native = profile(.mm80, nativeQR: true, nativeBarcode: true)
    static let rasterOnly = profile(.mm80)
    static let textOnly = profile(.mm80, raster: false)

    static var withCodes: Receipt {
        var receipt = Sample.small
        receipt.qrCode = "https://r.example.com/e/S1"
        receipt.barcode = "S1-0042"
        return receipt
    }

    static func codeCommands(_ commands: [ESCPOSCommand]) -> [ESCPOSCommand] {
        commands.filter {
            switch $0 {
            case .qrCode, .barcode128, .raster, .drawerKick: true
            default: false
            }
        }
    }

    static func texts(_ commands: [ESCPOSCommand]) -> [String] {
        commands.compactMap { if case .text(let text) = $0 { text } else { nil } }
    }

    // MARK: - Native, raster or text

    @Test func aPrinterThatDrawsCodesGetsTheNativeCommands() {
        let commands = ReceiptPrinterDocument.commands(Self.withCodes, profile: Self.native)
        #expect(Self.codeCommands(commands) == [
            .barcode128("S1-0042", height: 80, moduleWidth: 3, humanReadable: false),
            .qrCode("https://r.example.com/e/S1", moduleSize: 6, errorCorrection: .medium),
        ])
        // Centred, with a blank row before each code and after the QR code for the quiet zone.
        let dashes = String(repeating: "-", count: 48)
        let barcode = commands.firstIndex { if case .barcode128 = $0 { true } else { false } }!
        #expect(Array(commands[(barcode - 4)...(barcode + 2)]) == [
            .text(dashes), .newline, .newline, .align(.center),
            .barcode128("S1-0042", height: 80, moduleWidth: 3, humanReadable: false), .text("S1-0042"), .newline,
        ])
        #expect(Array(commands[(barcode + 3)...]) == [
            .align(.left), .text(dashes), .newline,
            .align(.center), .text("Scan for your e-receipt"), .newline,
            .newline, .qrCode("https://r.example.com/e/S1", moduleSize: 6, errorCorrection: .medium), .newline,
            .cut(.partial),
        ])
        #expect(Self.texts(commands).contains("Scan for your e-receipt"))
        #expect(Self.texts(commands).contains("S1-0042"))
        #expect(!Self.texts(commands).contains("https://r.example.com/e/S1"))
    }

    @Test func withoutNativeSupportCodesAreRasterImages() throws {
        let commands = ReceiptPrinterDocument.commands(Self.withCodes, profile: Self.rasterOnly)
        let images = Self.codeCommands(commands).compactMap { if case .raster(let image) = $0 { image } else { nil } }
        #expect(images.count == 2 && Self.codeCommands(commands).count == 2)
        // As wide as the print area, so no alignment command can shift them.
        #expect(images.allSatisfy { $0.width == 576 })
        let qrMatrix = try QRCode.matrix(for: "https://r.example.com/e/S1")
        #expect(images[1] == MonochromeImage(matrix: qrMatrix, scale: 6, quietZone: 4).centered(inWidth: 576))
        let bars = try Code128.modules(for: "S1-0042")
        #expect(images[0] == MonochromeImage(modules: bars, moduleWidth: 3, height: 80, quietZone: 10).centered(inWidth: 576))
        #expect(!Self.texts(commands).contains("https://r.example.com/e/S1"))
    }

    @Test func mixedSupportUsesWhatEachCodeCan() {
        let qrOnly = Self.codeCommands(ReceiptPrinterDocument.commands(Self.withCodes, profile: Self.profile(.mm80, nativeQR: true)))
        #expect(qrOnly.count == 2)
        if case .raster = qrOnly[0] {} else { Issue.record("barcode should be raster: \(qrOnly[0])") }
        if case .qrCode = qrOnly[1] {} else { Issue.record("QR should be native: \(qrOnly[1])") }
        let nativeNoRaster = Self.codeCommands(ReceiptPrinterDocument.commands(Self.withCodes, profile: Self.profile(.mm58, nativeQR: true, nativeBarcode: true, raster: false)))
        #expect(nativeNoRaster.map { if case .raster = $0 { true } else { false } } == [false, false])
    }

    @Test func withoutImagesEitherCodesBecomeText() throws {
        let commands = ReceiptPrinterDocument.commands(Self.withCodes, profile: Self.textOnly)
        #expect(Self.codeCommands(commands) == [])
        let texts = Self.texts(commands)
        #expect(texts.contains("https://r.example.com/e/S1"))
        #expect(texts.contains("S1-0042"))
        #expect(texts.contains("Scan for your e-receipt"))
        // The printer shows exactly the text layout.
        let printed = try PrinterEmulator.printedLines(ReceiptPrinterDocument.escpos(Self.withCodes, profile: Self.textOnly))
        #expect(printed == ReceiptLayout.lines(for: Self.withCodes, profile: Self.textOnly).map(\.text))
    }

    @Test func nonASCIIPayloadsAreNotTrustedToThePrintersQREncoder() {
        var receipt = Self.withCodes
        receipt.qrCode = "https://例子.cn/票/1"
        let raster = Self.codeCommands(ReceiptPrinterDocument.commands(receipt, profile: Self.native))
        #expect(raster.count == 2)
        if case .raster = raster[1] {} else { Issue.record("expected a raster QR code, got \(raster[1])") }
        let text = ReceiptPrinterDocument.commands(receipt, profile: Self.profile(.mm80, nativeQR: true, raster: false))
        #expect(Self.texts(text).contains("https://例子.cn/票/1"))
    }

    @Test(arguments: [ReceiptCodesTests.native, ReceiptCodesTests.rasterOnly, ReceiptCodesTests.textOnly,
                      ReceiptCodesTests.profile(.mm58, nativeQR: true, nativeBarcode: true), ReceiptCodesTests.profile(.mm58)])
    func codesThatCannotBePrintedLeaveTheirText(profile: PrinterProfile) throws {
        var receipt = Self.withCodes
        receipt.qrCode = String(repeating: "https://example.com/", count: 200)  // 4000 bytes: beyond version 40-M
        receipt.barcode = "退货-0042"                                           // not ASCII: no CODE128
        let commands = ReceiptPrinterDocument.commands(receipt, profile: profile)
        #expect(Self.codeCommands(commands) == [])
        #expect(Self.texts(commands).contains("退货-0042"))
        #expect(Self.texts(commands).filter { $0.hasPrefix("https://example.com/") }.count > 10)
        #expect(try PrinterEmulator.printedLines(ReceiptPrinterDocument.escpos(receipt, profile: profile)).count > 20)
    }

    @Test func barcodesTooWideForThePaperAreLeftOut() {
        var receipt = Self.withCodes
        receipt.barcode = String(repeating: "AZ", count: 20)  // 40 characters of code set B
        for profile in [Self.native, Self.rasterOnly, Self.profile(.mm58, nativeBarcode: true)] {
            let codes = Self.codeCommands(ReceiptPrinterDocument.commands(receipt, profile: profile))
            #expect(!codes.contains { if case .barcode128 = $0 { true } else { false } })
            #expect(codes.count == 1)  // the QR code only
        }
        // A long run of digits packs two to a symbol in code set C, so the raster fits where
        // the printer's code set B would not.
        receipt.barcode = String(repeating: "12", count: 16)
        let codes = Self.codeCommands(ReceiptPrinterDocument.commands(receipt, profile: Self.profile(.mm80, nativeBarcode: true)))
        #expect(codes.count == 2)
        if case .raster = codes[0] {} else { Issue.record("expected a raster barcode, got \(codes[0])") }
    }

    @Test(arguments: [0, 7, -576])
    func profilesWithoutPrintWidthFallBackToText(dots: Int) {
        var profile = Self.native
        profile.dotsPerLine = dots
        let commands = ReceiptPrinterDocument.commands(Self.withCodes, profile: profile, logo: MonochromeImage(width: 8, height: 8))
        #expect(Self.codeCommands(commands) == [])
        #expect(Self.texts(commands).contains("https://r.example.com/e/S1"))
    }

    @Test(arguments: [20, 230, 1000])
    func theQRModuleShrinksToFitThePaper(length: Int) throws {
        var receipt = Self.withCodes
        receipt.qrCode = "https://receipts.example.com/r/" + String(repeating: "x", count: length)
        let size = try QRCode.matrix(for: receipt.qrCode!).width
        let commands = Self.codeCommands(ReceiptPrinterDocument.commands(receipt, profile: Self.profile(.mm58, nativeQR: true)))
        let moduleSize = min(6, 384 / (size + 8))
        #expect(commands.last == .qrCode(receipt.qrCode!, moduleSize: moduleSize, errorCorrection: .medium))
        #expect(moduleSize >= 2 && (length < 1000 || moduleSize == 2))
    }

    // MARK: - Logo and drawer

    @Test func theLogoIsCentredAtTheTopThenABlankRow() {
        var logo = MonochromeImage(width: 100, height: 40)
        logo[0, 0] = true
        let commands = ReceiptPrinterDocument.commands(Sample.small, profile: Self.profile(.mm58), logo: logo)
        #expect(commands.prefix(3) == [.initialize, .raster(logo.centered(inWidth: 384)), .newline])
        #expect(logo.centered(inWidth: 384)[142, 0])
        // No images on a printer that cannot print them; a too-wide logo is cropped.
        #expect(ReceiptPrinterDocument.commands(Sample.small, profile: Self.textOnly, logo: logo) == ReceiptPrinterDocument.commands(Sample.small, profile: Self.textOnly))
        let wide = ReceiptPrinterDocument.commands(Sample.small, profile: Self.profile(.mm58), logo: MonochromeImage(width: 1000, height: 3))
        #expect(wide[1] == .raster(MonochromeImage(width: 384, height: 3)))
    }

    @Test func theDrawerOpensFirstOnCashLanesWithADrawer() {
        var receipt = Sample.small
        receipt.openDrawer = true
        let commands = ReceiptPrinterDocument.commands(receipt, profile: Self.profile(.mm80, cashDrawer: true))
        #expect(commands.prefix(2) == [.initialize, .drawerKick(pin: 0)])
        #expect(commands.filter { $0 == .drawerKick(pin: 0) }.count == 1)
        #expect(!ReceiptPrinterDocument.commands(receipt, profile: Self.rasterOnly).contains(.drawerKick(pin: 0)))
        #expect(!ReceiptPrinterDocument.commands(Sample.small, profile: Self.profile(.mm80, cashDrawer: true)).contains(.drawerKick(pin: 0)))
    }

    // MARK: - The whole sample

    @Test(arguments: [PaperWidth.mm58, .mm80], [false, true])
    func sampleReceiptInESCPOS(paper: PaperWidth, native: Bool) throws {
        let profile = Self.profile(paper, nativeQR: native, nativeBarcode: native, cashDrawer: true)
        var receipt = SampleReceipt.make()
        receipt.openDrawer = true
        let logoFile = try PGM.parse(PGMTests.logoBytes())
        let logo = try MonochromeImage.dithered(gray: logoFile.gray, width: logoFile.width, height: logoFile.height, maxWidth: profile.dotsPerLine)
        let bytes = ReceiptPrinterDocument.escpos(receipt, profile: profile, logo: logo)
        #expect(bytes.starts(with: [0x1B, 0x40]))
        #expect(bytes.suffix(4) == [0x1D, 0x56, 0x42, 0x00])

        let printout = try PrinterEmulator.printout(bytes)
        let plan = ReceiptPlan.blocks(for: receipt, profile: profile, labels: .english, logo: logo)
        #expect(printout.lines == plan.compactMap { if case .line(let line) = $0 { line.text } else { nil } })
        #expect(printout.lines.allSatisfy { displayWidth($0) <= profile.columns })
        let barcode: PrinterEmulator.Graphic, qr: PrinterEmulator.Graphic
        if native {
            barcode = .barcode128(SampleReceipt.saleID, height: 80, moduleWidth: paper == .mm58 ? 2 : 3, humanReadable: false)
            qr = .qrCode(SampleReceipt.eReceiptURL, moduleSize: 6, errorCorrection: 0x31)
        } else {
            let bars = try Code128.modules(for: SampleReceipt.saleID)
            let moduleWidth = (bars.count + 20) * 3 <= profile.dotsPerLine ? 3 : 2
            barcode = .raster(MonochromeImage(modules: bars, moduleWidth: moduleWidth, height: 80, quietZone: 10).centered(inWidth: profile.dotsPerLine), bands: 1)
            let matrix = try QRCode.matrix(for: SampleReceipt.eReceiptURL)
            qr = .raster(MonochromeImage(matrix: matrix, scale: 6, quietZone: 4).centered(inWidth: profile.dotsPerLine), bands: 1)
        }
        #expect(printout.graphics == [.drawerKick(pin: 0), .raster(logo.centered(inWidth: profile.dotsPerLine), bands: 1), barcode, qr, .cut])
        // Codes sit after the sale details and the caption, before the footer.
        let captionRow = try #require(printout.lines.firstIndex(of: "Scan for your e-receipt"))
        let barcodeRow = try #require(printout.lines.firstIndex(of: SampleReceipt.saleID))
        #expect(printout.graphicLinePositions[2] <= barcodeRow && printout.graphicLinePositions[2] > captionRow - 10)
        #expect(printout.graphicLinePositions[3] == captionRow + 1 + (native ? 1 : 0))
        #expect(printout.lines.last == "谢谢惠顾，欢迎再次光临")
    }

    @Test func sampleReceiptAddsUp() {
        for currency in [Currency(code: "CNY", minorDigits: 2), Currency(code: "JPY", minorDigits: 0), Currency(code: "KWD", minorDigits: 3)] {
            let receipt = SampleReceipt.make(currency: currency)
            let lines = receipt.lines.reduce(Money.zero(currency)) { $0 + $1.amount }
            #expect(receipt.subtotal == lines)
            #expect(receipt.total == receipt.discounts.reduce(lines) { $0 - $1.amount })
            #expect(receipt.taxes.count == 2)
            #expect(receipt.taxes.reduce(Money.zero(currency)) { $0 + $1.gross } == receipt.total)
            #expect(receipt.taxes.allSatisfy { $0.gross == $0.tax + $0.net && $0.tax.minorUnits > 0 })
            #expect(receipt.payment.amount == receipt.total)
            #expect(receipt.qrCode == SampleReceipt.eReceiptURL && receipt.barcode == receipt.saleID)
        }
        let text = TextRenderer.render(SampleReceipt.make(), profile: .generic58mm)
        #expect(text.contains("VAT 9%") && text.contains("VAT 13%") && text.contains("鲜果超市") && text.contains("嫩豆腐"))
        // The text shows the link wrapped to the paper under the caption.
        #expect(text.contains("Scan for your e-receipt\n") && text.contains("https://receipts.example.com/r/L\n"))
        #expect(text.split(separator: "\n").allSatisfy { displayWidth($0) <= 32 })
    }

    // MARK: - Nothing crashes

    static let empty = Receipt(storeName: [], saleID: "", time: "", lines: [], subtotal: yuan(0), total: yuan(0),
                               payment: .init(tender: "", amount: yuan(0)))

    static var awkward: Receipt {
        var receipt = SampleReceipt.make()
        receipt.lines.append(.init(name: String(repeating: "Very long name with 中文 and <markup> & \"quotes\" ", count: 12),
                                   quantityText: "9999999999999999 x \(yuan(.max))", amount: yuan(.max)))
        receipt.lines.append(.init(name: String(repeating: "x", count: 500), amount: yuan(.min)))
        receipt.storeName.append(String(repeating: "名", count: 500))
        receipt.qrCode = " \u{1B}\u{0}\t"
        receipt.barcode = String(repeating: "\u{1B}", count: 3)
        receipt.footer.append("\u{1B}@\u{7}")
        return receipt
    }

    @Test(arguments: [ReceiptCodesTests.empty, ReceiptCodesTests.awkward, ReceiptCodesTests.withCodes])
    func anyReceiptPrintsOnAnyProfile(receipt: Receipt) throws {
        let profiles = [PrinterProfile.generic58mm, .generic80mm, Self.native, Self.textOnly,
                        PrinterProfile(name: "Tiny", paperWidth: .mm58, columns: 0, supportsChinese: false, cutter: true, dotsPerLine: 9)]
        for profile in profiles {
            for logo in [nil, MonochromeImage(width: 700, height: 300)] {
                let bytes = ReceiptPrinterDocument.escpos(receipt, profile: profile, logo: logo)
                #expect(bytes.starts(with: [0x1B, 0x40]))
                #expect(bytes.suffix(4) == [0x1D, 0x56, 0x42, 0x00] || bytes.suffix(3) == [0x1B, 0x64, 0x04])
                let printout = try PrinterEmulator.printout(bytes)
                #expect(printout.lines.count >= 6)
                let svg = SVGPreview.render(receipt, profile: profile, logo: logo)
                #expect(try SVGPreviewTests.parse(svg).root == "svg")
            }
        }
    }

    // MARK: - Old JSON

    @Test func jsonWrittenBeforeTheNewFieldsStillDecodes() throws {
        let profile = try JSONDecoder().decode(PrinterProfile.self, from: Data("""
            {"name": "TM-T20", "paperWidth": "mm80", "columns": 48, "supportsChinese": false, "cutter": true}
            """.utf8))
        #expect(profile == PrinterProfile(name: "TM-T20", paperWidth: .mm80, supportsChinese: false, cutter: true))
        #expect(profile.dotsPerLine == 576 && !profile.nativeQR && !profile.nativeBarcode && profile.raster && !profile.cashDrawer)
        let full = try JSONDecoder().decode(PrinterProfile.self, from: Data("""
            {"name": "X", "paperWidth": "mm58", "supportsChinese": true, "cutter": false, "dotsPerLine": 360,
             "nativeQR": true, "nativeBarcode": true, "raster": false, "cashDrawer": true}
            """.utf8))
        #expect(full == PrinterProfile(name: "X", paperWidth: .mm58, supportsChinese: true, cutter: false, dotsPerLine: 360,
                                       nativeQR: true, nativeBarcode: true, raster: false, cashDrawer: true))
        #expect(PrinterProfile.generic58mm.dotsPerLine == 384 && PrinterProfile.generic80mm.dotsPerLine == 576)

        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Sample.full)) as! [String: Any]
        #expect(old["openDrawer"] as? Bool == false)
        old["openDrawer"] = nil
        let receipt = try JSONDecoder().decode(Receipt.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(receipt == Sample.full && receipt.qrCode == nil && receipt.barcode == nil && !receipt.openDrawer)
        let sample = SampleReceipt.make()
        #expect(try JSONDecoder().decode(Receipt.self, from: JSONEncoder().encode(sample)) == sample)

        var labels = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ReceiptLabels.english)) as! [String: Any]
        labels["eReceipt"] = nil
        labels["total"] = "合计"
        let decoded = try JSONDecoder().decode(ReceiptLabels.self, from: JSONSerialization.data(withJSONObject: labels))
        #expect(decoded.eReceipt == "Scan for your e-receipt" && decoded.total == "合计")
    }
}
