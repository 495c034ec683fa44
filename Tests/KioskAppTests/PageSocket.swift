import Foundation
import KioskTestSupport

/// The page's WebSocket (/ws) over a plain TCP socket, opened with the headers a browser sends
/// (Host, Origin), so tests choose them exactly: the handshake's answer, then the text messages
/// the kiosk pushes, collected on a background thread. (WSClient sends an Origin of its own,
/// `ws://host` without the port, which is no browser's and which the page guard refuses.)
final class PageSocket: @unchecked Sendable {
    /// 101 when upgraded; otherwise the refusal's status, with its body in `response`.
    let status: Int
    let response: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var pending: [UInt8]

    /// Opens the socket and does the handshake on a thread of its own: its reads block, and must
    /// not hold one of the concurrency pool's few threads while the kiosk answers.
    static func open(port: Int, host: String? = nil, origin: String?) async throws -> PageSocket {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try PageSocket(port: port, host: host, origin: origin) })
            }
        }
    }

    private init(port: Int, host: String?, origin: String?) throws {
        let handshake = try Self.handshake(port: port, host: host ?? "127.0.0.1:\(port)", origin: origin)
        (fd, status, response, pending) = (handshake.fd, handshake.status, handshake.response, handshake.rest)
        if status == 101 {
            Thread.detachNewThread { [self] in readFrames() }
        } else {
            Foundation.close(fd)
        }
    }

    /// Connects, sends the upgrade request, reads the answer's head (and, when refused, its body).
    private static func handshake(port: Int, host: String, origin: String?) throws
        -> (fd: Int32, status: Int, response: String, rest: [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PageSocketError.failed("socket") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Foundation.close(fd); throw PageSocketError.failed("connect") }
        var request = "GET /ws HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let origin { request += "Origin: \(origin)\r\n" }
        request += "\r\n"
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }

        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        func more() -> Bool {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n > 0 { buffer += chunk[0..<n] }
            return n > 0
        }
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.indices.dropLast(3).first { Array(buffer[$0..<$0 + 4]) == separator }
            if headEnd == nil && !more() { break }
        }
        guard let headEnd else { Foundation.close(fd); throw PageSocketError.failed("no answer to the handshake") }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        buffer = Array(buffer[(headEnd + 4)...])
        if status == 101 { return (fd, status, head, buffer) }
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        while buffer.count < length && more() {}
        return (fd, status, head + "\r\n\r\n" + String(decoding: buffer, as: UTF8.self), [])
    }

    /// The text messages so far.
    var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Waits up to `timeout` seconds for a message that satisfies `condition` (polling: no
    /// concurrency-pool thread is blocked while the reader thread collects).
    func waitForMessage(timeout: Double = 180, where condition: (String) -> Bool = { _ in true }) async -> String? {
        await poll(timeout) { messages.first(where: condition) }
    }

    /// Ends the connection; the reading thread then closes the socket.
    func disconnect() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Server frames are unmasked: FIN/opcode, a 7-, 16- or 64-bit length, the payload.
    private func readFrames() {
        func read(_ count: Int) -> [UInt8]? {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while pending.count < count {
                let n = recv(fd, &chunk, chunk.count, 0)
                guard n > 0 else { return nil }
                pending += chunk[0..<n]
            }
            defer { pending.removeFirst(count) }
            return Array(pending[0..<count])
        }
        while let header = read(2) {
            var length = Int(header[1] & 0x7f)
            if length == 126 { guard let bytes = read(2) else { break }; length = bytes.reduce(0) { $0 << 8 | Int($1) } }
            if length == 127 { guard let bytes = read(8) else { break }; length = bytes.reduce(0) { $0 << 8 | Int($1) } }
            guard let payload = read(length) else { break }
            let opcode = header[0] & 0x0f
            if opcode == 0x8 { break }
            if opcode == 0x1 {
                lock.lock()
                received.append(String(decoding: payload, as: UTF8.self))
                lock.unlock()
            }
        }
        Foundation.close(fd)
    }
}

enum PageSocketError: Error {
    case failed(String)
}
