/// Raw data from a barcode scanner, before anyone interprets it.
public struct ScannedCode: Sendable, Hashable {
    public let data: String
    /// AIM symbology identifier ("]E0") when the scanner reports one.
    public let symbology: String?
    /// Which device read it, for the journal and maintenance ("simulated", "usb 1-1").
    public let source: String
    /// When the device's transfer carrying the code's last report completed: the start of the
    /// scan-to-cart latency the kiosk reports.
    public let readAt: ContinuousClock.Instant?

    public init(data: String, symbology: String? = nil, source: String, readAt: ContinuousClock.Instant? = nil) {
        self.data = data
        self.symbology = symbology
        self.source = source
        self.readAt = readAt
    }
}

/// What the lane made of a scan: real scanners beep good or bad on it, the demo panel shows it.
public enum ScanOutcome: Sendable, Hashable {
    case accepted
    case refused(code: String, message: String)
}

/// A barcode scanner. `run` reads codes until cancelled and hands each to `deliver`, waiting for
/// the lane to take it (so a burst of scans is handled in order, never dropped).
public protocol BarcodeScanner: Sendable {
    var name: String { get }
    func run(deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome) async throws
}
