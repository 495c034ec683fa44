/// What a HID report descriptor declares at its top level: the usage page and usage of each
/// application collection (a POS barcode scanner is usage page 0x8C, a keyboard 0x01/0x06).
/// Pure: the bytes come from sysfs or a GET_DESCRIPTOR request.
public struct HIDReportDescriptor: Sendable, Hashable {
    public struct Application: Sendable, Hashable {
        public let usagePage: UInt16
        public let usage: UInt16

        public init(usagePage: UInt16, usage: UInt16) {
            self.usagePage = usagePage
            self.usage = usage
        }
    }

    /// The POS barcode scanner usage page (HID Point of Sale usage tables).
    public static let barcodeScannerPage: UInt16 = 0x8C

    public let applications: [Application]

    public var declaresBarcodeScanner: Bool { applications.contains { $0.usagePage == Self.barcodeScannerPage } }

    /// Walks the short items; nil when the bytes are not a well-formed descriptor (an item runs
    /// past the end, or a collection is closed that was never opened).
    public init?(_ bytes: [UInt8]) {
        var applications: [Application] = []
        var usagePage: UInt16 = 0
        var usage: UInt16 = 0
        var depth = 0
        var index = 0
        while index < bytes.count {
            let prefix = bytes[index]
            if prefix == 0xFE { // long item: its size is in the next byte
                guard index + 2 < bytes.count else { return nil }
                index += 3 + Int(bytes[index + 1])
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            guard index + size < bytes.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<size { value |= UInt32(bytes[index + 1 + offset]) << (8 * offset) }
            switch prefix & 0xFC {
            case 0x04: usagePage = UInt16(truncatingIfNeeded: value) // global: Usage Page
            case 0x08: // local: Usage (a 4-byte usage carries its own page in the high half)
                usage = UInt16(truncatingIfNeeded: value)
                if size == 4 { usagePage = UInt16(truncatingIfNeeded: value >> 16) }
            case 0xA0: // main: Collection
                if depth == 0 && value == 0x01 { applications.append(Application(usagePage: usagePage, usage: usage)) }
                depth += 1
            case 0xC0: // main: End Collection
                guard depth > 0 else { return nil }
                depth -= 1
            default: break
            }
            index += 1 + size
        }
        guard index == bytes.count else { return nil }
        self.applications = applications
    }
}
