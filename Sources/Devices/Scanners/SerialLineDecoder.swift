/// Serial scanners (USB CDC-ACM "USB COM" mode, RS-232): a code arrives as bytes ended by the
/// profile's terminator: `enter` is CR, LF or CR LF (scanners are set to any of the three), `tab`
/// is HT. Bytes are read as Latin-1, as HID POS data is; prefix and suffix are taken off. Pure.
public struct SerialLineDecoder: Sendable {
    public let terminator: WedgeTerminator
    public let prefix: String
    public let suffix: String
    private var partial: [UInt8] = []
    private var overflowed = false

    public init(terminator: WedgeTerminator = .enter, prefix: String = "", suffix: String = "") {
        self.terminator = terminator
        self.prefix = prefix
        self.suffix = suffix
    }

    /// The codes (or drops) the bytes finished, in order.
    public mutating func feed(_ bytes: [UInt8]) -> [ReportResult] {
        var results: [ReportResult] = []
        for byte in bytes {
            let ends = terminator == .enter ? (byte == 0x0D || byte == 0x0A) : byte == 0x09
            guard ends else {
                if partial.count < HIDPOSDecoder.maximumCode { partial.append(byte) } else { overflowed = true }
                continue
            }
            defer { partial = []; overflowed = false }
            if overflowed {
                results.append(.dropped("code longer than \(HIDPOSDecoder.maximumCode) bytes without a terminator"))
            } else if !partial.isEmpty { // the LF of a CR LF ends nothing
                results.append(KeyboardWedgeDecoder.finished(HIDPOSDecoder.latin1(partial), prefix: prefix, suffix: suffix))
            }
        }
        return results
    }
}
