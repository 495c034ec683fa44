import Dispatch
import Foundation
import Logging
import Peripherals
import Receipts

/// Where a network receipt printer listens: "192.168.1.40", "printer.local:9100", "[fd00::7]:9100".
/// Raw TCP on port 9100 unless the address says otherwise.
public struct NetworkPrinterAddress: Sendable, Hashable, CustomStringConvertible {
    public static let rawPort: UInt16 = 9100

    public let host: String
    public let port: UInt16

    /// Nil for anything that is not a host (name or IP literal) with an optional port 1-65535.
    public init?(_ text: String) {
        var host = Substring(text)
        var port = Self.rawPort
        if host.hasPrefix("[") { // [IPv6]:port
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = UInt16(rest.dropFirst()), number > 0 else { return nil }
                port = number
            }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let number = UInt16(host[host.index(after: colon)...]), number > 0 else { return nil }
            port = number
            host = host[..<colon]
        }
        let allowed = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") }
        guard !host.isEmpty, host.utf8.count <= 253, allowed else { return nil }
        if host.contains(":") { // only an IPv6 literal has colons
            var bytes = in6_addr()
            guard inet_pton(AF_INET6, String(host), &bytes) == 1 else { return nil }
        }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// An ESC/POS receipt printer on the network (raw TCP, port 9100): the same documents and the
/// same real-time status (DLE EOT, answered on the socket) as over USB. The connection is made
/// when needed and made again after any failure; a printer that cannot be reached is `offline`
/// (the page's "missing"), one that is reached but does not answer is `unknown`.
public actor NetworkReceiptPrinter: ReceiptPrinter, ESCPOSTransport {
    public nonisolated let name: String
    public nonisolated let profile: DeviceProfile
    public nonisolated let address: NetworkPrinterAddress
    let logger: Logger
    private var connection: TCPConnection?
    /// Blocking socket calls wait here, not on the cooperative pool.
    private let queue = DispatchQueue(label: "kiosk.network-printer")

    static let connectTimeout: Duration = .seconds(2)
    static let writeTimeout: Duration = .seconds(10)

    public init(address: NetworkPrinterAddress, profile: DeviceProfile, logger: Logger) {
        name = "\(profile.name) (tcp \(address))"
        self.address = address
        self.profile = profile
        self.logger = logger
    }

    public func receiptProfile() async -> PrinterProfile? { profile.printer }

    public func status() async -> PrinterStatus {
        do {
            return try await currentStatus()
        } catch {
            return .offline
        }
    }

    public func print(_ job: PrintJob) async throws(PrinterError) {
        do {
            try await printChecked(job)
        } catch let error as PrinterError {
            throw error
        } catch {
            throw PrinterError.failed("\(error)")
        }
    }

    func send(_ bytes: [UInt8]) async throws(TCPError) {
        try await withConnection { connection throws(TCPError) in try connection.write(bytes, timeout: Self.writeTimeout) }
    }

    /// DLE EOT 2 then DLE EOT 4, each answered by one byte within the profile's timeout.
    func currentStatus() async throws(TCPError) -> PrinterStatus {
        guard profile.answersStatus else {
            try await withConnection { _ throws(TCPError) in } // reachable or not is all it can say
            return .unknown
        }
        let timeout = profile.statusTimeout
        let (cause, paper) = try await withConnection { connection throws(TCPError) -> (UInt8?, UInt8?) in
            func ask(_ n: UInt8) throws(TCPError) -> UInt8? {
                try connection.drain()
                try connection.write(RealTimeStatus.query(n), timeout: timeout)
                return try connection.read(limit: 1, timeout: timeout)?.first
            }
            return (try ask(RealTimeStatus.offlineCause), try ask(RealTimeStatus.paperSensor))
        }
        return RealTimeStatus.status(offlineCause: cause, paperSensor: paper)
    }

    /// Runs `body` on the open connection (opening it first), off the cooperative pool; any
    /// failure closes it, so the next call connects again.
    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (TCPConnection) throws(TCPError) -> T) async throws(TCPError) -> T {
        let existing = connection
        let address = address
        let result: Result<(TCPConnection, T), TCPError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(TCPError) {
                    let open: TCPConnection
                    if let existing { open = existing } else {
                        open = try TCPConnection(host: address.host, port: address.port, timeout: Self.connectTimeout)
                    }
                    continuation.resume(returning: .success((open, try body(open))))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let (open, value)):
            if connection == nil { logger.info("network printer connected", metadata: ["printer": "\(name)"]) }
            connection = open
            return value
        case .failure(let error):
            if connection != nil { logger.warning("network printer connection lost", metadata: ["printer": "\(name)", "error": "\(error)"]) }
            connection = nil
            throw error
        }
    }
}
