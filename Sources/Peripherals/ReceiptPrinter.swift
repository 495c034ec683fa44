import Receipts

/// A receipt ready to print, in both forms the kiosk makes of it.
public struct PrintJob: Sendable, Hashable {
    public let saleID: String
    public let escpos: [UInt8]
    public let text: String

    public init(saleID: String, escpos: [UInt8], text: String) {
        self.saleID = saleID
        self.escpos = escpos
        self.text = text
    }
}

public enum PrinterStatus: String, Sendable, Hashable, Codable {
    case ready
    case paperNearEnd = "paper-near-end"
    case paperOut = "paper-out"
    case coverOpen = "cover-open"
    case offline
    /// The printer did not answer: never assume it is fine.
    case unknown
}

public enum PrinterError: Error, Sendable, Hashable, CustomStringConvertible {
    case notReady(PrinterStatus)
    case failed(String)

    public var description: String {
        switch self {
        case .notReady(let status): return "printer not ready: \(status.rawValue)"
        case .failed(let why): return "printing failed: \(why)"
        }
    }
}

/// A receipt printer. Real printer-class drivers and the simulated printer implement it.
public protocol ReceiptPrinter: Sendable {
    var name: String { get }
    func status() async -> PrinterStatus
    func print(_ job: PrintJob) async throws(PrinterError)
    /// The layout this printer needs (paper width, code pages), when it knows better than the
    /// lane's configured profile.
    func receiptProfile() async -> PrinterProfile?
}

extension ReceiptPrinter {
    public func receiptProfile() async -> PrinterProfile? { nil }
}
