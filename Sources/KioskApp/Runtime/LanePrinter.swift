import Devices
import Peripherals
import Receipts

/// The lane's receipt printer: the configured network printer; else the USB printer when one is
/// attached; in demo mode the simulated printer until the first USB printer shows up. Outside demo
/// mode, and once a USB printer has been seen, its absence is "missing" (as is an unreachable
/// network printer): receipts are never silently sent to a file while a shopper waits at a real lane.
actor LanePrinter: ReceiptPrinter {
    nonisolated let name = "lane"
    /// Demo and training mode only.
    let simulated: SimulatedPrinter?
    /// Configured: the lane's printer whatever is plugged in.
    let network: NetworkReceiptPrinter?
    private var usb: USBReceiptPrinter?
    private var sawUSB = false

    init(simulated: SimulatedPrinter?, network: NetworkReceiptPrinter? = nil) {
        self.simulated = simulated
        self.network = network
    }

    func attach(_ printer: USBReceiptPrinter?) {
        usb = printer
        if printer != nil { sawUSB = true }
    }

    private var current: (any ReceiptPrinter)? { network ?? usb ?? (sawUSB ? nil : simulated) }

    func status() async -> PrinterStatus {
        guard let current else { return .offline }
        return await current.status()
    }

    func print(_ job: PrintJob) async throws(PrinterError) {
        guard let current else { throw .notReady(.offline) }
        try await current.print(job)
    }

    func receiptProfile() async -> PrinterProfile? {
        if let network { return await network.receiptProfile() }
        return await usb?.receiptProfile()
    }

    /// What the page shows for the printer.
    func state() async -> DeviceState {
        state(for: await status())
    }

    /// The same, for a status just read (so a caller that has one does not ask the printer twice).
    func state(for status: PrinterStatus) -> DeviceState {
        if network == nil && usb == nil { return sawUSB || simulated == nil ? .missing : .simulated }
        return DeviceState(status)
    }
}
