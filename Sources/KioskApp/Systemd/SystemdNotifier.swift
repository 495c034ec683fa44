import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd how the kiosk is doing, the sd_notify(3) protocol without libsystemd: each
/// message is one datagram of `KEY=VALUE` lines to the Unix socket named by `$NOTIFY_SOCKET`.
final class SystemdNotifier: Sendable {
    enum Message: String {
        /// The page can be loaded.
        case ready = "READY=1"
        /// Shutdown has begun.
        case stopping = "STOPPING=1"
        /// The lane is alive; systemd restarts the kiosk when these stop for `WatchdogSec=`.
        case watchdog = "WATCHDOG=1"
    }

    let settings: SystemdNotifySettings
    private let logger: Logger

    /// Nil unless systemd started the kiosk as a notify service.
    init?(environment: [String: String] = ProcessInfo.processInfo.environment, processID: Int32 = getpid(), logger: Logger) {
        guard let settings = SystemdNotifySettings(environment: environment, processID: processID) else { return nil }
        if let problem = settings.problem { logger.warning("\(problem)") }
        guard settings.isUsable else { return nil }
        self.settings = settings
        self.logger = logger
    }

    /// Sends `message`; a failure is logged (systemd then acts on the silence), never thrown.
    func send(_ message: Message) {
        do {
            try SystemdSocket.send(Array(message.rawValue.utf8), to: settings.socket)
        } catch {
            logger.warning("could not notify systemd", metadata: ["message": "\(message.rawValue)", "error": "\(error)"])
        }
    }
}

/// A datagram to a Unix socket by path or, with a leading "@", by abstract name.
enum SystemdSocket {
    struct SendError: Error, CustomStringConvertible {
        let operation: String
        let errno: Int32
        var description: String { "\(operation): \(String(cString: strerror(errno)))" }
    }

    /// The address of a socket named by a path or "@name", and its length.
    static func socketAddress(_ socketName: String) throws -> (sockaddr_un, socklen_t) {
        var name = Array(socketName.utf8)
        let abstract = name.first == UInt8(ascii: "@")
        if abstract { name[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard name.count < MemoryLayout.size(ofValue: address.sun_path) else { throw SendError(operation: "socket name", errno: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        // An abstract name is exactly its bytes; a path ends at its NUL.
        return (address, socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count + (abstract ? 0 : 1)))
    }

    /// Never waits: with the receiver's queue full (systemd busy) the send fails at once, rather
    /// than blocking the lane's ticker on a thread of the concurrency pool.
    static func send(_ bytes: [UInt8], to socketName: String) throws {
        let (address, length) = try socketAddress(socketName)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SendError(operation: "socket", errno: errno) }
        defer { close(descriptor) }
        let sent = withUnsafePointer(to: address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), address, length) }
            }
        }
        guard sent == bytes.count else { throw SendError(operation: "sendto", errno: sent < 0 ? errno : EMSGSIZE) }
    }
}

/// Sends STOPPING=1 as soon as shutdown begins. Last in the service group, so first to hear of
/// the shutdown (the group stops services in reverse order).
struct SystemdStoppingNotice: Service {
    let notifier: SystemdNotifier

    func run() async {
        try? await gracefulShutdown()
        notifier.send(.stopping)
    }
}
