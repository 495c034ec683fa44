/// A receipt as ESC/POS: the same rows as `TextRenderer`, with styles as commands, plus
/// the logo, the codes (drawn by the printer, sent as images, or left as text, as the
/// profile allows: see `ReceiptPlan`) and the drawer kick.
public enum ReceiptPrinterDocument {
    /// `logo` prints centred at the top when the printer prints images; the caller has
    /// already dithered it no wider than `profile.dotsPerLine` (wider ones are cropped).
    public static func commands(
        _ receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english, logo: MonochromeImage? = nil
    ) -> [ESCPOSCommand] {
        var commands: [ESCPOSCommand] = [.initialize]
        // First, so the drawer opens while the receipt prints.
        if receipt.openDrawer, profile.cashDrawer { commands.append(.drawerKick(pin: 0)) }
        // What ESC @ leaves; a style command is sent only when a row needs a change.
        var alignment = TextAlignment.left, bold = false, size = (width: 1, height: 1)
        func align(_ wanted: TextAlignment) {
            if wanted != alignment {
                alignment = wanted
                commands.append(.align(alignment))
            }
        }
        for block in ReceiptPlan.blocks(for: receipt, profile: profile, labels: labels, logo: logo) {
            switch block {
            case .line(let line):
                // An empty row only feeds: its alignment and weight do not matter.
                if !line.text.isEmpty { align(line.alignment) }
                if line.bold != bold, !line.text.isEmpty {
                    bold = line.bold
                    commands.append(.bold(bold))
                }
                if line.widthScale != size.width || line.heightScale != size.height {
                    size = (line.widthScale, line.heightScale)
                    commands.append(.size(width: size.width, height: size.height))
                }
                if !line.text.isEmpty { commands.append(.text(line.text)) }
                commands.append(.newline)
            case .image(let image):
                // As wide as the print area, so alignment does not move it.
                commands.append(.raster(image))
            case .nativeQR(let payload, let moduleSize, let errorCorrection, _):
                align(.center)
                commands.append(.qrCode(payload, moduleSize: moduleSize, errorCorrection: errorCorrection))
            case .nativeBarcode(let payload, let height, let moduleWidth, _):
                align(.center)
                commands.append(.barcode128(payload, height: height, moduleWidth: moduleWidth, humanReadable: false))
            }
        }
        // Without a cutter, feed the last row past the tear bar.
        commands.append(profile.cutter ? .cut(.partial) : .feed(lines: 4))
        return commands
    }

    public static func escpos(
        _ receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english, logo: MonochromeImage? = nil
    ) -> [UInt8] {
        ESCPOSEncoder(profile: profile).encode(commands(receipt, profile: profile, labels: labels, logo: logo))
    }
}
