/// Turns ESC/POS commands into the bytes for one printer profile. Every command, text
/// included, goes through `Writer.write`, the one place bytes are produced.
public struct ESCPOSEncoder: Sendable {
    public var profile: PrinterProfile

    public init(profile: PrinterProfile) {
        self.profile = profile
    }

    /// Rows per GS v 0 command: taller images go in several, so no printer has to buffer
    /// a whole logo, and yH is always 0.
    public static let rasterBandHeight = 255

    /// The most bytes GS ( k function 180 takes (pL pH = bytes + 3 <= 7092).
    public static let maximumQRBytes = 7089

    /// The data bytes of GS k 73 for `text` in code set B: "{B", then the text with "{"
    /// doubled. Nil when a character is not printable ASCII or the data exceeds 255 bytes.
    public static func code128Data(_ text: String) -> [UInt8]? {
        var data: [UInt8] = [0x7B, 0x42]
        for scalar in text.unicodeScalars {
            guard (0x20...0x7E).contains(scalar.value) else { return nil }
            if scalar == "{" { data.append(0x7B) }
            data.append(UInt8(scalar.value))
        }
        return data.count > 2 && data.count <= 255 ? data : nil
    }

    /// The bytes for `commands`, sent to a printer in the state ESC @ leaves (the
    /// document starts with `.initialize`, which makes it so).
    public func encode(_ commands: [ESCPOSCommand]) -> [UInt8] {
        // No converter means every wide character prints as "?": right for printers
        // without Chinese mode, and the safe fallback if glibc lacks its GB18030 module.
        var writer = Writer(
            gb18030: profile.supportsChinese ? try? Iconv(from: "UTF-8", to: "GB18030") : nil,
            codePages: profile.codePages, hasChineseMode: profile.supportsChinese
        )
        for command in commands { writer.write(command) }
        return writer.bytes
    }
}

private struct Writer {
    let gb18030: Iconv?
    let codePages: [CodePage]
    /// Many Chinese models start in Chinese mode, and ESC @ returns them to it: there a
    /// code page byte would start a GB18030 character. So until FS . has been sent, a
    /// printer with Chinese mode may be in it.
    let hasChineseMode: Bool
    var bytes: [UInt8] = []
    /// The ESC t table selected: 0 after ESC @.
    var codeTable: UInt8 = 0
    var chineseModeMayBeOn: Bool

    init(gb18030: Iconv?, codePages: [CodePage], hasChineseMode: Bool) {
        self.gb18030 = gb18030
        self.codePages = codePages
        self.hasChineseMode = hasChineseMode
        self.chineseModeMayBeOn = hasChineseMode
    }

    private static let esc: UInt8 = 0x1B, gs: UInt8 = 0x1D, fs: UInt8 = 0x1C, lf: UInt8 = 0x0A

    mutating func write(_ command: ESCPOSCommand) {
        switch command {
        case .initialize:
            bytes += [Self.esc, 0x40]
            codeTable = 0
            chineseModeMayBeOn = hasChineseMode
        case .align(let alignment):
            let n: UInt8 = switch alignment { case .left: 0; case .center: 1; case .right: 2 }
            bytes += [Self.esc, 0x61, n]
        case .bold(let on):
            bytes += [Self.esc, 0x45, on ? 1 : 0]
        case .underline(let mode):
            bytes += [Self.esc, 0x2D, mode.rawValue]
        case .size(let width, let height):
            // Bits 4-6: width - 1; bits 0-2: height - 1.
            let w = UInt8(min(max(width, 1), 8) - 1), h = UInt8(min(max(height, 1), 8) - 1)
            bytes += [Self.gs, 0x21, w << 4 | h]
        case .text(let text):
            for piece in PrinterText.pieces(text, gb18030: gb18030, codePages: codePages, selectedTable: codeTable) {
                switch piece {
                case .ascii(let run):
                    bytes += run
                case .chinese(let run):
                    write(.chineseMode(true))
                    bytes += run
                    write(.chineseMode(false))
                case .international(let set, let byte):
                    write(.internationalCharacterSet(set))
                    bytes.append(byte)
                    write(.internationalCharacterSet(.usa))
                case .codePage(let page, let run):
                    // The page stays selected afterwards (ASCII is the same on every page),
                    // and the next characters keep using it while it has them.
                    if chineseModeMayBeOn { write(.chineseMode(false)) }
                    if codeTable != page.number { write(.codePage(page)) }
                    bytes += run
                }
            }
        case .newline:
            bytes.append(Self.lf)
        case .feed(let lines):
            bytes += [Self.esc, 0x64, UInt8(min(max(lines, 0), 255))]
        case .cut(let cut):
            // Function B (65/66): feed to the cutter first, so the last line is not cut off.
            bytes += [Self.gs, 0x56, cut == .full ? 0x41 : 0x42, 0x00]
        case .chineseMode(let on):
            bytes += [Self.fs, on ? 0x26 : 0x2E]
            chineseModeMayBeOn = on
        case .internationalCharacterSet(let set):
            bytes += [Self.esc, 0x52, set.rawValue]
        case .codePage(let page):
            bytes += [Self.esc, 0x74, page.number]
            codeTable = page.number
        case .raster(let image):
            guard image.width > 0, image.height > 0, image.bytesPerRow <= 0xFFFF else { return }
            let bytesPerRow = image.bytesPerRow
            var top = 0
            while top < image.height {
                let rows = min(ESCPOSEncoder.rasterBandHeight, image.height - top)
                bytes += [Self.gs, 0x76, 0x30, 0x00] + Self.littleEndian(bytesPerRow) + Self.littleEndian(rows)
                bytes += image.packed[(top * bytesPerRow)..<((top + rows) * bytesPerRow)]
                top += rows
            }
        case .qrCode(let text, let moduleSize, let errorCorrection):
            let data = Array(text.utf8)
            guard !data.isEmpty, data.count <= ESCPOSEncoder.maximumQRBytes else { return }
            let level: UInt8 = switch errorCorrection {
                case .low: 48
                case .medium: 49
                case .quartile: 50
                case .high: 51
            }
            bytes += [Self.gs, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]        // fn 165: model 2
            bytes += [Self.gs, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, UInt8(min(max(moduleSize, 1), 16))]  // fn 167
            bytes += [Self.gs, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, level]            // fn 169
            bytes += [Self.gs, 0x28, 0x6B] + Self.littleEndian(data.count + 3) + [0x31, 0x50, 0x30] + data  // fn 180
            bytes += [Self.gs, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]             // fn 181: print
        case .barcode128(let text, let height, let moduleWidth, let humanReadable):
            guard let data = ESCPOSEncoder.code128Data(text) else { return }
            bytes += [Self.gs, 0x68, UInt8(min(max(height, 1), 255))]
            bytes += [Self.gs, 0x77, UInt8(min(max(moduleWidth, 2), 6))]
            bytes += [Self.gs, 0x48, humanReadable ? 2 : 0]                          // HRI below, or none
            bytes += [Self.gs, 0x6B, 0x49, UInt8(data.count)] + data
        case .drawerKick(let pin):
            // On 50 × 2 ms, off 250 × 2 ms: long enough for common solenoids.
            bytes += [Self.esc, 0x70, UInt8(min(max(pin, 0), 1)), 50, 250]
        }
    }

    private static func littleEndian(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)]
    }
}
