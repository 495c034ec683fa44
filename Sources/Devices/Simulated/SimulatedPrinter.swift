import Foundation
import Peripherals

/// The printer of demo and training mode: each receipt becomes `<saleID>.escpos` (the exact bytes a
/// real printer would get) and `<saleID>.txt` (what it would show) in its folder.
public actor SimulatedPrinter: ReceiptPrinter {
    public nonisolated let name = "simulated"
    public nonisolated let folder: URL
    private var currentStatus: PrinterStatus

    public init(folder: URL, status: PrinterStatus = .ready) throws {
        self.folder = folder
        self.currentStatus = status
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Training mode: make the printer run out of paper, open its cover, or come back.
    public func setStatus(_ status: PrinterStatus) {
        currentStatus = status
    }

    public func status() async -> PrinterStatus { currentStatus }

    public func print(_ job: PrintJob) async throws(PrinterError) {
        guard currentStatus == .ready || currentStatus == .paperNearEnd else { throw .notReady(currentStatus) }
        guard Self.isSafeFileName(job.saleID) else { throw .failed("unusable sale id \"\(job.saleID)\"") }
        do {
            try Data(job.escpos).write(to: folder.appendingPathComponent(job.saleID + ".escpos"), options: .atomic)
            try Data(job.text.utf8).write(to: folder.appendingPathComponent(job.saleID + ".txt"), options: .atomic)
        } catch {
            throw .failed("\(error)")
        }
    }

    static func isSafeFileName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}
