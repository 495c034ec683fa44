import Foundation
@testable import KioskApp

/// systemd's side of the sd_notify protocol, for tests: a datagram socket bound at a path or, for a
/// name starting with "@", in the abstract namespace; each datagram is one notification.
final class NotifySocket: @unchecked Sendable {
    let name: String
    private let descriptor: Int32

    /// A new socket with a unique abstract name (`abstract`) or a path in `folder`.
    init(abstract: Bool, folder: URL) throws {
        name = abstract ? "@kiosk-test-\(UUID().uuidString)" : folder.appendingPathComponent("notify.sock").path
        let (address, length) = try SystemdSocket.socketAddress(name)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
    }

    deinit { close(descriptor) }

    /// The next notification, or nil when none came within `timeout` seconds. Waits on a thread of
    /// its own, never holding one of the concurrency pool's few threads (the lane runs there).
    func receive(timeout: Double) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.receiveBlocking(timeout: timeout)) }
        }
    }

    private func receiveBlocking(timeout: Double) -> String? {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            let ready = poll(&entry, 1, left)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let size = buffer.count
            let count = recv(descriptor, &buffer, size, 0)
            guard count >= 0 else { return nil }
            return String(decoding: buffer[..<count], as: UTF8.self)
        }
    }

    /// The next notification that is `message`, skipping others; nil when none came within `timeout` seconds.
    func wait(for message: String, timeout: Double) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while let received = await receive(timeout: max(0, deadline.timeIntervalSinceNow)) {
            if received.split(separator: "\n").contains(Substring(message)) { return received }
        }
        return nil
    }

    /// Every notification already queued.
    func drain() -> [String] {
        var queued: [String] = []
        while let message = receiveBlocking(timeout: 0) { queued.append(message) }
        return queued
    }
}
