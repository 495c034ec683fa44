import Peripherals

/// What carries an ESC/POS printer's bytes (USB bulk endpoints, a TCP socket): the one print
/// path below is shared, so both check status the same way.
protocol ESCPOSTransport: Actor {
    nonisolated var profile: DeviceProfile { get }
    func send(_ bytes: [UInt8]) async throws
    /// DLE EOT 2 and 4, read as `RealTimeStatus` says.
    func currentStatus() async throws -> PrinterStatus
}

extension ESCPOSTransport {
    /// Status before, the receipt in chunks of the profile's size, status after: paper can run
    /// out or the cover open while the receipt prints, and then it is not whole. Transport
    /// errors are the caller's to name.
    func printChecked(_ job: PrintJob) async throws {
        try checkReady(try await currentStatus())
        var offset = 0
        while offset < job.escpos.count {
            let end = min(offset + profile.chunkSize, job.escpos.count)
            try await send(Array(job.escpos[offset..<end]))
            offset = end
        }
        try checkReady(try await currentStatus())
    }

    private func checkReady(_ status: PrinterStatus) throws(PrinterError) {
        guard status == .ready || status == .paperNearEnd || (status == .unknown && !profile.answersStatus) else {
            throw PrinterError.notReady(status)
        }
    }
}
