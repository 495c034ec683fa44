/// What the page and maintenance show for a device: a code the page translates
/// (assets/l10n: `deviceStatus.<state>`; a test checks every state has a text in every language).
public enum DeviceState: String, Hashable, Codable, Sendable, CaseIterable {
    /// A USB scanner is attached and claimed.
    case usb
    /// Demo and training mode's simulated device.
    case simulated
    /// A device that was seen (or is configured) is not there now.
    case missing
    /// Nothing is configured (the camera).
    case none
    /// The camera delivers frames.
    case running
    /// The camera's frame sequence (a file) came to its end.
    case stopped
    /// The camera failed and is retried.
    case error
    // The printer's own states (`PrinterStatus`).
    case ready
    case paperNearEnd = "paper-near-end"
    case paperOut = "paper-out"
    case coverOpen = "cover-open"
    /// The printer did not answer: never assumed fine.
    case unknown

    /// What the page shows for a printer that answered `status` (an offline printer is missing).
    public init(_ status: PrinterStatus) {
        switch status {
        case .ready: self = .ready
        case .paperNearEnd: self = .paperNearEnd
        case .paperOut: self = .paperOut
        case .coverOpen: self = .coverOpen
        case .offline: self = .missing
        case .unknown: self = .unknown
        }
    }
}
