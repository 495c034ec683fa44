import Logging
import Peripherals
import Receipts

/// An ESC/POS receipt printer on USB printer class (7/1/2): receipts go out on bulk OUT in
/// chunks, real-time status (DLE EOT) comes back on bulk IN. A printer that does not answer is
/// "unknown", never "ready". One actor, so a status query never lands inside a receipt.
public actor USBReceiptPrinter: ReceiptPrinter, ESCPOSTransport {
    public nonisolated let name: String
    public nonisolated let profile: DeviceProfile
    let handle: USBDeviceHandle
    let output: USBEndpoint
    let input: USBEndpoint?
    let interface: Int
    let logger: Logger
    /// What GET_DEVICE_ID said, for maintenance status.
    public private(set) var deviceID: IEEE1284DeviceID?

    static let writeTimeout: Duration = .seconds(10)

    init(name: String, profile: DeviceProfile, handle: USBDeviceHandle, interface: Int, output: USBEndpoint, input: USBEndpoint?,
         logger: Logger) {
        self.name = name
        self.profile = profile
        self.handle = handle
        self.interface = interface
        self.output = output
        self.input = input
        self.logger = logger
    }

    /// The receipt layout this model prints (paper width, code pages, native codes).
    public func receiptProfile() async -> PrinterProfile? { profile.printer }

    /// Asks the printer who it is (printer-class GET_DEVICE_ID). Nil if it does not say.
    public func identify() async -> IEEE1284DeviceID? {
        do {
            deviceID = try await Self.deviceID(handle: handle, interface: interface)
        } catch {
            logger.info("printer gave no device id", metadata: ["printer": "\(name)", "error": "\(error)"])
        }
        return deviceID
    }

    /// Printer-class GET_DEVICE_ID: a class request to the interface (wValue = configuration
    /// index, wIndex = interface << 8 | alternate). The kernel allows it without claiming.
    static func deviceID(handle: USBDeviceHandle, interface: Int) async throws(USBError) -> IEEE1284DeviceID? {
        let request = USBControlRequest(requestType: 0x21, request: 0x00, value: 0, index: UInt16(interface) << 8)
        return IEEE1284DeviceID(response: try await handle.controlIn(request, length: 1023, timeout: .seconds(1)))
    }

    public func status() async -> PrinterStatus {
        do {
            return try await currentStatus()
        } catch {
            return error.deviceGone ? .offline : .unknown
        }
    }

    public func print(_ job: PrintJob) async throws(PrinterError) {
        do {
            try await printChecked(job)
        } catch let error as PrinterError {
            throw error
        } catch let error as USBError {
            throw PrinterError.failed(error.deviceGone ? "the printer was unplugged" : error.description)
        } catch {
            throw PrinterError.failed("\(error)")
        }
    }

    func send(_ bytes: [UInt8]) async throws(USBError) {
        try await handle.write(output, bytes, timeout: Self.writeTimeout)
    }

    /// DLE EOT 2 then DLE EOT 4, each answered by one byte within the profile's timeout.
    func currentStatus() async throws(USBError) -> PrinterStatus {
        guard let input, profile.answersStatus else { return .unknown }
        let cause = try await ask(RealTimeStatus.offlineCause, on: input)
        let paper = try await ask(RealTimeStatus.paperSensor, on: input)
        return RealTimeStatus.status(offlineCause: cause, paperSensor: paper)
    }

    private func ask(_ n: UInt8, on input: USBEndpoint) async throws(USBError) -> UInt8? {
        try await handle.write(output, RealTimeStatus.query(n), timeout: profile.statusTimeout)
        do {
            let answer = try await handle.read(input, length: max(input.maxPacketSize, 1), timeout: profile.statusTimeout)
            return answer.last
        } catch {
            // (Not `catch where`: with typed throws in an async function it hangs Swift 6.3's code generation.)
            if error.timedOut { return nil }
            throw error
        }
    }
}
