import Peripherals
/// ESC/POS real-time status (DLE EOT n), read as the printer's own bits say. Pure.
public enum RealTimeStatus {
    /// DLE EOT 2: offline cause. Bit 2 cover open, bit 5 printing stopped by paper end.
    public static let offlineCause: UInt8 = 2
    /// DLE EOT 4: roll paper sensor. Bits 2-3 paper near end, bits 5-6 paper end.
    public static let paperSensor: UInt8 = 4

    public static func query(_ n: UInt8) -> [UInt8] { [0x10, 0x04, n] }

    /// Every answer byte has bit 1 set and bits 0 and 7 clear (Epson also fixes bit 4 to 1; not
    /// every clone does): anything else is not a status answer.
    static func isStatusByte(_ byte: UInt8) -> Bool { byte & 0x83 == 0x02 }

    /// The printer's state from the answers to DLE EOT 2 and DLE EOT 4; a missing or
    /// unrecognisable answer makes it `.unknown`, never `.ready`.
    public static func status(offlineCause: UInt8?, paperSensor: UInt8?) -> PrinterStatus {
        guard let offlineCause, let paperSensor, isStatusByte(offlineCause), isStatusByte(paperSensor) else { return .unknown }
        if offlineCause & 0x04 != 0 { return .coverOpen }
        if offlineCause & 0x20 != 0 || paperSensor & 0x60 != 0 { return .paperOut }
        if paperSensor & 0x0C != 0 { return .paperNearEnd }
        return .ready
    }
}

/// The IEEE 1284 device id a USB printer-class device answers GET_DEVICE_ID with:
/// "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;" after a 2-byte big-endian length.
public struct IEEE1284DeviceID: Sendable, Hashable {
    public let fields: [String: String]

    public init?(response: [UInt8]) {
        guard response.count >= 2 else { return nil }
        let length = min(Int(response[0]) << 8 | Int(response[1]), response.count)
        guard length > 2 else { return nil }
        let text = String(decoding: response[2..<length], as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in text.split(separator: ";") {
            guard let colon = pair.firstIndex(of: ":") else { continue }
            let key = pair[..<colon].trimmingWhitespace().uppercased()
            fields[key] = String(pair[pair.index(after: colon)...]).trimmingWhitespace()
        }
        guard !fields.isEmpty else { return nil }
        self.fields = fields
    }

    public var manufacturer: String? { fields["MFG"] ?? fields["MANUFACTURER"] }
    public var model: String? { fields["MDL"] ?? fields["MODEL"] }
    public var commandSets: [String] { (fields["CMD"] ?? fields["COMMAND SET"]).map { $0.split(separator: ",").map(String.init) } ?? [] }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Array(unicodeScalars)
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        let start = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.endIndex
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start...])
        return String(text)
    }
}
