/// A receipt as ESC/POS: the same rows as `TextRenderer`, with styles as commands.
public enum ReceiptPrinterDocument {
    public static func commands(_ receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english) -> [ESCPOSCommand] {
        var commands: [ESCPOSCommand] = [.initialize]
        // What ESC @ leaves; a style command is sent only when a row needs a change.
        var alignment = TextAlignment.left, bold = false, size = (width: 1, height: 1)
        for line in ReceiptLayout.lines(for: receipt, profile: profile, labels: labels) {
            if line.alignment != alignment {
                alignment = line.alignment
                commands.append(.align(alignment))
            }
            if line.bold != bold {
                bold = line.bold
                commands.append(.bold(bold))
            }
            if line.widthScale != size.width || line.heightScale != size.height {
                size = (line.widthScale, line.heightScale)
                commands.append(.size(width: size.width, height: size.height))
            }
            if !line.text.isEmpty { commands.append(.text(line.text)) }
            commands.append(.newline)
        }
        // Without a cutter, feed the last row past the tear bar.
        commands.append(profile.cutter ? .cut(.partial) : .feed(lines: 4))
        return commands
    }

    public static func escpos(_ receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english) -> [UInt8] {
        ESCPOSEncoder(profile: profile).encode(commands(receipt, profile: profile, labels: labels))
    }
}
