/// One ESC/POS instruction, as a value. `ESCPOSEncoder` turns a list of them into bytes;
/// new capabilities (images, QR codes, barcodes) are new cases here and in its one writer.
public enum ESCPOSCommand: Hashable, Sendable {
    /// ESC @: clears the print buffer and resets styles.
    case initialize
    /// ESC a n.
    case align(TextAlignment)
    /// ESC E n.
    case bold(Bool)
    /// ESC - n.
    case underline(Underline)
    /// GS ! n: character magnification, each 1...8 (clamped).
    case size(width: Int, height: Int)
    /// Text: ASCII as is, CJK as GB18030 in Chinese mode, other narrow characters from the
    /// profile's code pages (ESC t, sent only when the page changes), the rest as one "?"
    /// per column, control characters dropped (rules in PrinterText.swift). "\n" is a line feed.
    case text(String)
    /// LF: prints the buffer and moves to the next line.
    case newline
    /// ESC d n: prints the buffer and feeds n lines (0...255, clamped).
    case feed(lines: Int)
    /// GS V 65/66 0: feeds to the cutting position and cuts.
    case cut(Cut)
    /// FS & / FS .: double-byte GB18030 characters on or off.
    case chineseMode(Bool)
    /// ESC R n: which national glyphs replace a dozen ASCII codes.
    case internationalCharacterSet(InternationalCharacterSet)
    /// ESC t n: which character code table bytes 0x80...0xFF print from outside Chinese
    /// mode. ESC @ selects table 0 (PC437).
    case codePage(CodePage)
    /// GS v 0: a 1-bit image at the left margin, sent in bands of at most
    /// `ESCPOSEncoder.rasterBandHeight` rows. An empty image sends nothing.
    case raster(MonochromeImage)
    /// GS ( k: the printer draws a model 2 QR code of `text` (its UTF-8 bytes, at most
    /// `ESCPOSEncoder.maximumQRBytes`; longer text sends nothing), each module
    /// `moduleSize` dots (1...16, clamped). The caller leaves room for the quiet zone.
    case qrCode(String, moduleSize: Int, errorCorrection: QRCode.ErrorCorrection)
    /// GS h, GS w, GS H, GS k 73: the printer draws a CODE128 barcode of `text` in code
    /// set B. `height` in dots (1...255), `moduleWidth` in dots (2...6), both clamped;
    /// `humanReadable` prints the text under the bars. Text that code set B cannot hold
    /// (other than printable ASCII) or that makes the command too long sends nothing.
    case barcode128(String, height: Int, moduleWidth: Int, humanReadable: Bool)
    /// ESC p m t1 t2: a pulse on drawer-kick connector pin 2 (`pin: 0`) or pin 5 (`pin: 1`).
    case drawerKick(pin: Int)

    public enum Underline: UInt8, Hashable, Sendable {
        case off = 0, single = 1, double = 2
    }

    public enum Cut: Hashable, Sendable {
        case full, partial
    }

    /// The ESC R sets the encoder uses: Japan prints 0x5C as ¥, U.K. prints 0x23 as £.
    public enum InternationalCharacterSet: UInt8, Hashable, Sendable {
        case usa = 0, uk = 3, japan = 8
    }
}
