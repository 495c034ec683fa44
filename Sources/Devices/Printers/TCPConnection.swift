import Foundation

/// A failure on a TCP printer connection: what was being done, to which address, and errno.
public struct TCPError: Error, Sendable, Hashable, CustomStringConvertible {
    public let operation: String
    public let address: String
    /// errno, or ETIMEDOUT when the deadline passed.
    public let code: Int32

    public var timedOut: Bool { code == ETIMEDOUT }
    public var description: String { "\(operation) \(address) failed: \(String(cString: strerror(code))) (\(code))" }
}

/// One TCP connection: the one owner of its socket, closed in `deinit`. Every call waits at most
/// its timeout (poll), so an unplugged network cable costs a timeout, never a hang.
final class TCPConnection: @unchecked Sendable {
    let descriptor: Int32
    let address: String

    /// Connects to an IPv4 or IPv6 literal or a host name (resolved each time, so a printer that
    /// moves with DHCP and DNS is found again on reconnect).
    init(host: String, port: UInt16, timeout: Duration) throws(TCPError) {
        address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw TCPError(operation: "resolve", address: address, code: EHOSTUNREACH)
        }
        defer { freeaddrinfo(list) }
        var lastError = TCPError(operation: "connect to", address: address, code: ECONNREFUSED)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            if Foundation.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                let code = Self.wait(fd, events: Int16(POLLOUT), timeout: timeout) ? Self.socketError(fd) : ETIMEDOUT
                if code == 0 {
                    var yes: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                    descriptor = fd
                    return
                }
                lastError = TCPError(operation: "connect to", address: address, code: code)
            } else {
                lastError = TCPError(operation: "connect to", address: address, code: errno)
            }
            close(fd)
        }
        throw lastError
    }

    deinit { close(descriptor) }

    /// Sends every byte, or throws (a peer that stops reading makes it time out).
    func write(_ bytes: [UInt8], timeout: Duration) throws(TCPError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            guard n < 0, errno == EAGAIN || errno == EINTR else { throw TCPError(operation: "send to", address: address, code: n == 0 ? EPIPE : errno) }
            guard Self.wait(descriptor, events: Int16(POLLOUT), timeout: timeout) else {
                throw TCPError(operation: "send to", address: address, code: ETIMEDOUT)
            }
        }
    }

    /// Up to `limit` bytes; nil when none came within the timeout. A closed peer throws.
    func read(limit: Int, timeout: Duration) throws(TCPError) -> [UInt8]? {
        guard Self.wait(descriptor, events: Int16(POLLIN), timeout: timeout) else { return nil }
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, limit, 0) }
        if n > 0 { return Array(buffer.prefix(n)) }
        if n < 0, errno == EAGAIN || errno == EINTR { return nil }
        throw TCPError(operation: "read from", address: address, code: n == 0 ? ECONNRESET : errno)
    }

    /// Throws away whatever already arrived (a late answer to an earlier question).
    func drain() throws(TCPError) {
        while try read(limit: 256, timeout: .zero) != nil {}
    }

    static func wait(_ fd: Int32, events: Int16, timeout: Duration) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        let result = poll(&entry, 1, milliseconds)
        return result > 0
    }

    static func socketError(_ fd: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
        return code
    }
}
