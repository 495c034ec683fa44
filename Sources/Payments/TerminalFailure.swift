import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// Sorts a failed HTTP exchange with a terminal or gateway by what it means for the money: no
/// connection at all (the request never left: `unreachable`) or anything after (`noAnswer`: it may
/// have been received and charged). When unsure, `noAnswer`, which only costs a status query.
enum TerminalFailure {
    static func classify(_ error: any Error, terminal: String) -> TerminalError {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout || error == .tlsHandshakeTimeout || error == .invalidURL {
                return .unreachable("\(terminal): \(error)")
            }
            return .noAnswer("\(terminal): \(error)")
        }
        if error is NIOConnectionError || error is NIOSSLError {
            return .unreachable("\(terminal): \(error)")
        }
        if let error = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) {
            return .unreachable("\(terminal): \(error)")
        }
        return .noAnswer("\(terminal): \(error)")
    }
}
