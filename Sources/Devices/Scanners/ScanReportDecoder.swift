/// What one HID report did to the code being read.
public enum ReportResult: Sendable, Hashable {
    /// The report belongs to a code that is not finished yet (or carries no key press).
    case pending
    /// A whole code: data and, when the scanner reports it, the AIM symbology identifier.
    case code(String, symbology: String?)
    /// The report (and any partial code before it) was thrown away, for this reason.
    case dropped(String)
}

/// Turns a scanner's interrupt reports into codes. Pure: the USB driver feeds it bytes.
public protocol ScanReportDecoder: Sendable {
    mutating func feed(_ report: [UInt8]) -> ReportResult
}

/// HID POS scanners (usage page 0x8C), scanned-data report, with its report id first:
/// byte 0 report id 2, byte 1 data length (at most 56), bytes 2-4 the AIM symbology identifier
/// ("]E0"; zeros when the scanner sends none), data from byte 5, byte 61 a Honeywell symbology
/// code, byte 63 non-zero when more reports follow for the same code.
public struct HIDPOSDecoder: ScanReportDecoder {
    static let scannedDataReport: UInt8 = 0x02
    static let dataStart = 5
    static let maximumChunk = 56
    static let continuationByte = 63
    /// Longer than any code the kiosk reads (the interpreter stops at 512 characters).
    static let maximumCode = 4096

    private var partial: [UInt8] = []
    private var symbology: String?
    private var inCode = false

    public init() {}

    public mutating func feed(_ report: [UInt8]) -> ReportResult {
        guard report.count >= Self.dataStart else { return drop("truncated report of \(report.count) bytes") }
        guard report[0] == Self.scannedDataReport else { return drop("report id \(report[0]) is not scanned data (2)") }
        let length = Int(report[1])
        guard length <= Self.maximumChunk else { return drop("data length \(length) is more than \(Self.maximumChunk)") }
        guard report.count >= Self.dataStart + length else {
            return drop("truncated report: \(report.count) bytes cannot hold \(length) bytes of data")
        }
        if !inCode {
            inCode = true
            symbology = Self.aim(report[2...4])
        }
        partial += report[Self.dataStart..<(Self.dataStart + length)]
        guard partial.count <= Self.maximumCode else { return drop("code longer than \(Self.maximumCode) bytes") }
        let more = report.count > Self.continuationByte && report[Self.continuationByte] != 0
        if more { return .pending }
        defer { reset() }
        guard !partial.isEmpty else { return .dropped("empty code") }
        // Codes are bytes; GS1 and most symbologies are ASCII. Invalid UTF-8 keeps its bytes as Latin-1.
        let text: String = String(validating: partial, as: UTF8.self) ?? Self.latin1(partial)
        return .code(text, symbology: symbology)
    }

    static func latin1(_ bytes: [UInt8]) -> String {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(UnicodeScalar(byte)) }
        return String(text)
    }

    static func aim(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.first == UInt8(ascii: "]"), bytes.dropFirst().allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func drop(_ reason: String) -> ReportResult {
        let discarded = partial.count
        reset()
        guard discarded > 0 else { return .dropped(reason) }
        return .dropped(reason + "; \(discarded) bytes of an unfinished code discarded")
    }

    private mutating func reset() {
        partial = []
        symbology = nil
        inCode = false
    }
}

/// Keyboard-wedge scanners: 8-byte boot-keyboard reports (modifiers, reserved, six key usages).
/// A key counts when it appears in a report that did not have it (scanners send press, release);
/// the code ends with the terminator key. Prefix and suffix the scanner was programmed to add
/// are taken off. Ctrl with a letter gives its control character (Ctrl+] is GS, FNC1 in GS1 data).
public struct KeyboardWedgeDecoder: ScanReportDecoder {
    public let layout: KeyboardLayout
    public let terminator: WedgeTerminator
    public let prefix: String
    public let suffix: String

    private var text = ""
    private var pressed: Set<UInt8> = []
    private var garbled: String?

    static let maximumCode = 4096

    public init(layout: KeyboardLayout, terminator: WedgeTerminator = .enter, prefix: String = "", suffix: String = "") {
        self.layout = layout
        self.terminator = terminator
        self.prefix = prefix
        self.suffix = suffix
    }

    public mutating func feed(_ report: [UInt8]) -> ReportResult {
        guard report.count == 8 else {
            pressed = []
            return drop("keyboard report of \(report.count) bytes (boot reports have 8)")
        }
        let keys = report[2...].filter { $0 != 0 }
        // 0x01-0x03: "rollover" and error states, sent when too many keys are down at once.
        if keys.contains(where: { $0 <= 0x03 }) { return drop("keyboard rollover error report") }
        let modifiers = report[0]
        let shift = modifiers & 0x22 != 0
        let ctrl = modifiers & 0x11 != 0
        let altGr = modifiers & 0x40 != 0
        let fresh = keys.filter { !pressed.contains($0) }
        pressed = Set(keys)
        var result = ReportResult.pending
        for usage in fresh {
            if isTerminator(usage) {
                result = finish()
                continue
            }
            if let character = character(usage: usage, shift: shift, ctrl: ctrl, altGr: altGr) {
                text.append(character)
            } else if garbled == nil {
                let held: String = altGr ? " with AltGr" : (shift ? " with shift" : "")
                let key: String = String(usage, radix: 16)
                garbled = "key 0x" + key + held + " has no character in layout " + layout.rawValue
            }
            if text.utf8.count > Self.maximumCode { return drop("code longer than \(Self.maximumCode) characters without a terminator") }
        }
        return result
    }

    func isTerminator(_ usage: UInt8) -> Bool {
        switch terminator {
        case .enter: return usage == 0x28 || usage == 0x58
        case .tab: return usage == 0x2B
        }
    }

    func character(usage: UInt8, shift: Bool, ctrl: Bool, altGr: Bool) -> Character? {
        if ctrl && !altGr {
            switch usage {
            case 0x04...0x1D:
                guard let letter = layout.letter(usage: usage)?.asciiValue else { return nil }
                return Character(UnicodeScalar(letter & 0x1F))
            case 0x2F: return "\u{1B}"
            case 0x31: return "\u{1C}"
            case 0x30: return "\u{1D}" // GS: FNC1 separator in GS1 element strings
            default: return nil
            }
        }
        return layout.character(usage: usage, shift: shift, altGr: altGr)
    }

    private mutating func finish() -> ReportResult {
        defer {
            text = ""
            garbled = nil
        }
        if let garbled { return .dropped("code garbled: \(garbled)") }
        return Self.finished(text, prefix: prefix, suffix: suffix)
    }

    /// A whole code without the prefix and suffix the scanner was programmed to add.
    static func finished(_ text: String, prefix: String, suffix: String) -> ReportResult {
        var code = Substring(text)
        if !prefix.isEmpty, code.hasPrefix(prefix) { code = code.dropFirst(prefix.count) }
        if !suffix.isEmpty, code.hasSuffix(suffix) { code = code.dropLast(suffix.count) }
        guard !code.isEmpty else { return .dropped("empty code") }
        return .code(String(code), symbology: nil)
    }

    private mutating func drop(_ reason: String) -> ReportResult {
        let discarded = text.count
        text = ""
        garbled = nil
        guard discarded > 0 else { return .dropped(reason) }
        return .dropped(reason + "; \(discarded) characters of an unfinished code discarded")
    }
}
