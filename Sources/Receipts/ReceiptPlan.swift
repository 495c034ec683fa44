/// What goes on the paper for one printer profile, top to bottom: the layout's rows, and
/// for each code the way this printer can draw it. Both the ESC/POS document and the SVG
/// preview print these, so they cannot disagree about what a receipt looks like.
enum PrintBlock: Hashable {
    case line(PrintLine)
    /// A 1-bit image exactly as wide as the print area (`ReceiptPlan.printWidth`), its
    /// content already centred: the logo, or a code the printer cannot draw itself. A code
    /// image carries its own quiet zone.
    case image(MonochromeImage)
    /// A QR code the printer draws (GS ( k), centred, `symbolWidth` modules across. Blank rows
    /// around it keep the quiet zone. Only a preview draws the symbol itself (`preview`).
    case nativeQR(String, moduleSize: Int, errorCorrection: QRCode.ErrorCorrection, symbolWidth: Int)
    /// A CODE128 barcode the printer draws (GS k), centred, without its own text.
    case nativeBarcode(String, height: Int, moduleWidth: Int, preview: MonochromeImage)
}

/// The choices behind `PrintBlock`: a code is drawn by the printer if its profile says it
/// can and the payload is plain ASCII, else sent as a raster image if the printer prints
/// images, else left out (its payload is printed as text instead). A code that does not fit
/// the paper, or that its encoder refuses, is left out the same way.
enum ReceiptPlan {
    static let qrErrorCorrection = QRCode.ErrorCorrection.medium
    /// Modules of white around a QR code (ISO/IEC 18004) and either side of a CODE128 (ISO/IEC 15417).
    static let qrQuietZone = 4
    static let barcodeQuietZone = 10
    /// QR module sizes in dots: 2 (0.25 mm) still scans, 6 (0.75 mm) keeps a URL's code
    /// under 3 cm. The native code's quiet zone is a blank row, so it must stay <= 7 dots.
    static let qrModuleSizes = 2...6
    /// CODE128 module widths in dots: 0.25 mm to 0.375 mm.
    static let barcodeModuleWidths = 2...3
    /// Bar height in dots (10 mm at 8 dots/mm).
    static let barcodeHeight = 80

    /// The width images are made: the print area rounded down to whole bytes.
    static func printWidth(_ profile: PrinterProfile) -> Int {
        max(profile.dotsPerLine, 0) / 8 * 8
    }

    static func blocks(for receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels, logo: MonochromeImage?) -> [PrintBlock] {
        let width = printWidth(profile)
        var blocks: [PrintBlock] = []
        if let logo, profile.raster, width > 0, logo.width > 0, logo.height > 0 {
            blocks += [.image(logo.centered(inWidth: width)), .line(blank)]
        }
        for block in ReceiptLayout.blocks(for: receipt, profile: profile, labels: labels) {
            switch block {
            case .line(let line):
                blocks.append(.line(line))
            case .qrCode(let payload, let fallback):
                blocks += qrCode(payload, profile: profile, width: width) ?? fallback.map(PrintBlock.line)
            case .barcode(let payload):
                blocks += barcode(payload, profile: profile, width: width) ?? []
            }
        }
        return blocks
    }

    private static let blank = PrintLine("")

    private static func qrCode(_ payload: String, profile: PrinterProfile, width: Int) -> [PrintBlock]? {
        guard profile.nativeQR || profile.raster,
              let symbolWidth = try? QRCode.width(forBytes: payload.utf8.count, errorCorrection: qrErrorCorrection) else { return nil }
        let moduleSize = min(width / (symbolWidth + 2 * qrQuietZone), qrModuleSizes.upperBound)
        guard moduleSize >= qrModuleSizes.lowerBound else { return nil }
        // Printers differ in how they encode non-ASCII bytes (some assume Shift JIS).
        if profile.nativeQR, isPrintableASCII(payload), payload.utf8.count <= ESCPOSEncoder.maximumQRBytes {
            return [.line(blank), .nativeQR(payload, moduleSize: moduleSize, errorCorrection: qrErrorCorrection, symbolWidth: symbolWidth),
                    .line(blank)]
        }
        guard profile.raster, let matrix = try? QRCode.matrix(for: payload, errorCorrection: qrErrorCorrection) else { return nil }
        return [.image(MonochromeImage(matrix: matrix, scale: moduleSize, quietZone: qrQuietZone).centered(inWidth: width))]
    }

    /// Our drawing of a QR code the printer draws itself, as wide as the print area.
    static func preview(ofQR payload: String, moduleSize: Int, errorCorrection: QRCode.ErrorCorrection, width: Int) -> MonochromeImage? {
        guard let matrix = try? QRCode.matrix(for: payload, errorCorrection: errorCorrection) else { return nil }
        return MonochromeImage(matrix: matrix, scale: moduleSize, quietZone: 0).centered(inWidth: width)
    }

    private static func barcode(_ payload: String, profile: PrinterProfile, width: Int) -> [PrintBlock]? {
        guard profile.nativeBarcode || profile.raster, let modules = try? Code128.modules(for: payload) else { return nil }
        func widest(_ moduleCount: Int) -> Int? {
            barcodeModuleWidths.reversed().first { (moduleCount + 2 * barcodeQuietZone) * $0 <= width }
        }
        if profile.nativeBarcode, let data = ESCPOSEncoder.code128Data(payload) {
            // The printer encodes in code set B: start, one symbol per character, check, stop (13).
            let characters = data.count - 2 - payload.utf8.filter { $0 == UInt8(ascii: "{") }.count
            if let moduleWidth = widest(11 * characters + 35) {
                let preview = MonochromeImage(modules: modules, moduleWidth: moduleWidth, height: barcodeHeight, quietZone: 0)
                return [.line(blank), .nativeBarcode(payload, height: barcodeHeight, moduleWidth: moduleWidth, preview: preview.centered(inWidth: width))]
            }
        }
        guard profile.raster, let moduleWidth = widest(modules.count) else { return nil }
        let image = MonochromeImage(modules: modules, moduleWidth: moduleWidth, height: barcodeHeight, quietZone: barcodeQuietZone)
        return [.line(blank), .image(image.centered(inWidth: width))]
    }

    private static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
