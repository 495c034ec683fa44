import Foundation
import Synchronization

/// A network receipt printer for tests: listens on loopback (raw TCP, like port 9100), records
/// every byte it is sent, and answers the real-time status queries DLE EOT n with the byte the
/// test set (none: it stays silent, as a printer busy or not speaking ESC/POS). `stop` cuts the
/// network (listener and connections closed); `start` brings it back on the same port.
final class NetworkPrinterServer: @unchecked Sendable {
    private struct State {
        var listener: Int32 = -1
        var connections: [Int32] = []
        var received: [UInt8] = []
        var answers: [UInt8: UInt8] = [:]
        var queries = 0
    }

    private let state = Mutex(State())
    private(set) var port: UInt16 = 0

    init() throws { try start() }

    deinit { stop() }

    /// Answer to DLE EOT n; nil: no answer.
    func answer(_ n: UInt8, with byte: UInt8?) { state.withLock { $0.answers[n] = byte } }

    /// The bytes received since the last call, status queries left out.
    func takeReceived() -> [UInt8] {
        state.withLock { state in
            defer { state.received = [] }
            return state.received
        }
    }
    var statusQueries: Int { state.withLock { $0.queries } }

    func start() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError.failed("socket: \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw ServerError.failed("bind/listen on port \(port): \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        state.withLock { $0.listener = fd }
        Thread.detachNewThread { [self] in acceptLoop(fd) }
    }

    func stop() {
        let (listener, connections) = state.withLock { state in
            defer { state.listener = -1; state.connections = [] }
            return (state.listener, state.connections)
        }
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return } // closed by stop()
            let open = state.withLock { state in
                guard state.listener == listener else { return false }
                state.connections.append(fd)
                return true
            }
            guard open else { close(fd); return }
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var pending: [UInt8] = [] // the start of a status query split across reads
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            guard n > 0 else { return }
            var bytes = pending + buffer.prefix(n)
            pending = []
            var replies: [UInt8] = []
            state.withLock { state in
                var index = 0
                while index < bytes.count {
                    if bytes[index] == 0x10 {
                        if index + 2 >= bytes.count { pending = Array(bytes[index...]); break }
                        if bytes[index + 1] == 0x04, (1...4).contains(bytes[index + 2]) {
                            state.queries += 1
                            if let answer = state.answers[bytes[index + 2]] { replies.append(answer) }
                            index += 3
                            continue
                        }
                    }
                    state.received.append(bytes[index])
                    index += 1
                }
            }
            bytes = []
            if !replies.isEmpty {
                _ = replies.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    enum ServerError: Error { case failed(String) }
}
