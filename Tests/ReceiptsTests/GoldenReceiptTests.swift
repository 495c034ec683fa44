import Testing
@testable import Receipts
import Retail

/// The complete ESC/POS bytes of one fixed receipt, at both paper widths, against the hex
/// dumps in Golden/ (see `GoldenFile` for the format and UPDATE_GOLDEN=1). A change to
/// any byte of any command shows up here, with the line that changed.
@Suite struct GoldenReceiptTests {
    static let eur = Currency(code: "EUR", minorDigits: 2)
    static func euro(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: eur) }

    /// French labels, so the fixed words need the code pages too.
    static let labels = ReceiptLabels(
        subtotal: "Sous-total", total: "TOTAL", taxRate: "Taux", gross: "TTC", tax: "TVA", net: "HT",
        reference: "Réf.", member: "Fidélité", sale: "Vente", time: "Date", integrityCode: "Contrôle",
        eReceipt: "Votre ticket dématérialisé"
    )

    /// Accented Western names, Chinese names, a € unit price, a discount, two tax rates
    /// (5.5% food, 20% beer; tax rounded half up), payment, member, integrity code, barcode
    /// and e-receipt QR code, and a drawer kick for the printer that has a drawer.
    static let receipt = Receipt(
        storeName: ["Épicerie Fine", "精品食品店"],
        address: ["12 rue de la Paix, 75002 Paris", "巴黎和平街12号"],
        saleID: "P12-004711",
        time: "2025-06-21 18:42",
        lines: [
            .init(name: "Crème brûlée", secondName: "焦糖布丁", quantityText: "2 x €4.50", amount: euro(900)),
            .init(name: "Café moulu 250 g", secondName: "研磨咖啡", amount: euro(690)),
            .init(name: "Jamón ibérico 100 g", secondName: "伊比利亚火腿", amount: euro(1_240)),
            .init(name: "Müsli Äpfel & Nüsse", amount: euro(379)),
            .init(name: "Weißbier 0,5 l", amount: euro(129)),
            .init(name: "嫩豆腐", secondName: "Tofu soyeux", amount: euro(210)),
        ],
        discounts: [.init(label: "Remise fidélité", amount: euro(150))],
        subtotal: euro(3_548),
        total: euro(3_398),
        taxes: [
            .init(label: "TVA 5,5%", gross: euro(3_269), tax: euro(170), net: euro(3_099)),
            .init(label: "TVA 20%", gross: euro(129), tax: euro(22), net: euro(107)),
        ],
        payment: .init(tender: "Carte bancaire", reference: "AUTO 083417", amount: euro(3_398)),
        member: "33612345678",
        integrityCode: "9c41e0b7a2d35f18",
        footer: ["Merci et à bientôt !", "谢谢惠顾"],
        qrCode: "https://receipts.example.com/r/P12-004711",
        barcode: "P12-004711",
        openDrawer: true
    )

    /// A cheap 58 mm Chinese printer: codes as raster images, no cutter. PC437 is listed
    /// and selected after ESC @, so the first accents need no ESC t; the first "€" switches
    /// to PC858, which keeps serving the accents after it.
    static let raster58 = PrinterProfile(
        name: "Golden 58 mm raster", paperWidth: .mm58, supportsChinese: true, cutter: false,
        nativeQR: false, nativeBarcode: false, raster: true, codePages: [.pc437, .pc858]
    )
    /// An 80 mm printer that draws QR codes and barcodes itself, with cutter and drawer.
    /// PC437 is not listed, so the first accent selects WPC1252 (ESC t 16), which has every
    /// character of this receipt.
    static let native80 = PrinterProfile(
        name: "Golden 80 mm native", paperWidth: .mm80, supportsChinese: true, cutter: true,
        nativeQR: true, nativeBarcode: true, raster: true, cashDrawer: true, codePages: [.wpc1252, .pc858]
    )

    /// 24 x 8 dots: a frame with a diagonal, so its rows differ.
    static var tinyLogo: MonochromeImage {
        var image = MonochromeImage(width: 24, height: 8)
        for x in 0..<24 { image[x, 0] = true; image[x, 7] = true }
        for y in 0..<8 { image[0, y] = true; image[23, y] = true; image[y * 3, y] = true }
        return image
    }

    static let cases: [(name: String, profile: PrinterProfile, logo: MonochromeImage?)] = [
        ("eur-receipt-58mm-raster.hex", raster58, nil),
        ("eur-receipt-80mm-native.hex", native80, nil),
        ("eur-receipt-80mm-native-logo.hex", native80, tinyLogo),
    ]

    static func bytes(_ profile: PrinterProfile, logo: MonochromeImage?) -> [UInt8] {
        ReceiptPrinterDocument.escpos(receipt, profile: profile, labels: labels, logo: logo)
    }

    @Test(arguments: cases.indices)
    func completeBytesMatchTheGoldenFile(index: Int) throws {
        let (name, profile, logo) = Self.cases[index]
        let title = "\(profile.name) (\(profile.codePages.map(\.rawValue).joined(separator: ", ")))"
            + (logo == nil ? ": EUR receipt" : ": EUR receipt with a 24 x 8 logo")
        try GoldenFile.check(Self.bytes(profile, logo: logo), name: name, title: title)
    }

    /// What the golden bytes print, read back through iconv on a printer that starts in
    /// Chinese mode: every row of the layout, accents and "€" included, and the codes.
    @Test(arguments: cases.indices)
    func goldenBytesPrintTheLayout(index: Int) throws {
        let (_, profile, logo) = Self.cases[index]
        let printout = try PrinterEmulator.printout(Self.bytes(profile, logo: logo), chineseModeAtReset: true)
        let expected = ReceiptPlan.blocks(for: Self.receipt, profile: profile, labels: Self.labels, logo: logo)
            .compactMap { block -> String? in if case .line(let line) = block { line.text } else { nil } }
        #expect(printout.lines == expected)
        #expect(printout.lines.contains("Crème brûlée"))
        #expect(printout.lines.contains { $0.hasPrefix("  2 x €4.50") })
        let kinds = printout.graphics.map { graphic -> String in
            switch graphic {
            case .raster: "raster"
            case .qrCode(let text, _, _): "qr " + text
            case .barcode128(let text, _, _, _): "barcode " + text
            case .drawerKick: "drawer"
            case .cut: "cut"
            }
        }
        if profile.nativeQR {
            #expect(kinds == ["drawer"] + (logo == nil ? [] : ["raster"])
                    + ["barcode P12-004711", "qr https://receipts.example.com/r/P12-004711", "cut"])
        } else {
            #expect(kinds == ["raster", "raster"])  // barcode, QR code; no cutter, no drawer
        }
    }

    @Test func goldenFilesParseToTheirOwnBytes() throws {
        for (_, profile, logo) in Self.cases {
            let bytes = Self.bytes(profile, logo: logo)
            #expect(try GoldenFile.parse(ESCPOSDump.text(bytes, title: "t")) == bytes)
        }
        #expect(throws: GoldenFile.Malformed.self) { try GoldenFile.parse("1B 4\n") }
        #expect(try GoldenFile.parse("# only a comment\n\n1b 40  # ESC @\n") == [0x1B, 0x40])
    }
}
