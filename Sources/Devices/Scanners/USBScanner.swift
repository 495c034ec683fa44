import Logging
import Peripherals

/// A HID scanner on USB (HID POS or keyboard wedge): keeps an interrupt IN transfer pending and
/// hands every finished code to the lane. A broken report is dropped with its reason logged.
public final class USBScanner: BarcodeScanner, @unchecked Sendable {
    public let name: String
    let handle: USBDeviceHandle
    let endpoint: USBEndpoint
    let makeDecoder: @Sendable () -> any ScanReportDecoder
    let logger: Logger

    init(name: String, handle: USBDeviceHandle, endpoint: USBEndpoint,
         makeDecoder: @escaping @Sendable () -> any ScanReportDecoder, logger: Logger) {
        self.name = name
        self.handle = handle
        self.endpoint = endpoint
        self.makeDecoder = makeDecoder
        self.logger = logger
    }

    /// Reads until the task is cancelled (returns) or the device fails or goes away (throws USBError).
    public func run(deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome) async throws {
        var decoder = makeDecoder()
        while !Task.isCancelled {
            let report: [UInt8]
            do {
                report = try await handle.read(endpoint, length: max(endpoint.maxPacketSize, 8), timeout: nil)
            } catch {
                if error.cancelled { return }
                throw error
            }
            let readAt = ContinuousClock.now
            switch decoder.feed(report) {
            case .pending:
                break
            case .code(let data, let symbology):
                await hand(ScannedCode(data: data, symbology: symbology, source: name, readAt: readAt), to: deliver, logger: logger)
            case .dropped(let reason):
                logger.warning("scanner report dropped", metadata: ["scanner": "\(name)", "reason": "\(reason)"])
            }
        }
    }
}

/// Hands a scanner's code to the lane and logs why it was refused, if it was (every scanner driver).
func hand(_ code: ScannedCode, to deliver: @Sendable (ScannedCode) async -> ScanOutcome, logger: Logger) async {
    if case .refused(let refusal, let message) = await deliver(code) {
        logger.info("scan refused", metadata: ["scanner": "\(code.source)", "code": "\(refusal)", "reason": "\(message)"])
    }
}
