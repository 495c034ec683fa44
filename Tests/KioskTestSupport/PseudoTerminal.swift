import Foundation

/// A pseudo-terminal pair standing in for a serial device: the program under test opens `path`
/// (the tty side, as it would /dev/ttyACM0), the test writes what the device sends on the other.
public final class PseudoTerminal: @unchecked Sendable {
    public let path: String
    private var controller: Int32

    // <asm-generic/ioctls.h>: _IOR('T', 0x30, unsigned int) and _IOW('T', 0x31, int), which Swift
    // does not import (function-like macros).
    static let getNumber: UInt = 0x8004_5430 // TIOCGPTN
    static let setLock: UInt = 0x4004_5431 // TIOCSPTLCK

    public init() throws {
        controller = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard controller >= 0, ioctl(controller, Self.setLock, &unlock) == 0, ioctl(controller, Self.getNumber, &number) == 0 else {
            throw PseudoTerminalError(code: errno)
        }
        path = "/dev/pts/\(number)"
    }

    deinit { hangUp() }

    /// What the device sends.
    public func send(_ bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw PseudoTerminalError(code: errno) }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// The device goes away: the tty side reads EIO from now on.
    public func hangUp() {
        if controller >= 0 { close(controller) }
        controller = -1
    }

    public struct PseudoTerminalError: Error { public let code: Int32 }
}
