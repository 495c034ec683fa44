/// Turns ESC/POS commands into the bytes for one printer profile. Every command, text
/// included, goes through `Writer.write`, the one place bytes are produced.
public struct ESCPOSEncoder: Sendable {
    public var profile: PrinterProfile

    public init(profile: PrinterProfile) {
        self.profile = profile
    }

    public func encode(_ commands: [ESCPOSCommand]) -> [UInt8] {
        // No converter means every non-ASCII character prints as "?": right for printers
        // without Chinese mode, and the safe fallback if glibc lacks its GB18030 module.
        var writer = Writer(gb18030: profile.supportsChinese ? try? Iconv(from: "UTF-8", to: "GB18030") : nil)
        for command in commands { writer.write(command) }
        return writer.bytes
    }
}

private struct Writer {
    let gb18030: Iconv?
    var bytes: [UInt8] = []

    private static let esc: UInt8 = 0x1B, gs: UInt8 = 0x1D, fs: UInt8 = 0x1C, lf: UInt8 = 0x0A

    mutating func write(_ command: ESCPOSCommand) {
        switch command {
        case .initialize:
            bytes += [Self.esc, 0x40]
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
            for piece in PrinterText.pieces(text, gb18030: gb18030) {
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
        case .internationalCharacterSet(let set):
            bytes += [Self.esc, 0x52, set.rawValue]
        }
    }
}
