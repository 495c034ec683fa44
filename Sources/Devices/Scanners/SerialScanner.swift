import Foundation
import Logging
import Peripherals
import Synchronization

/// A failure on a serial scanner's tty: what was being done, to which file, and errno.
public struct SerialError: Error, Sendable, Hashable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let code: Int32

    public var description: String { "\(operation) \(path) failed: \(String(cString: strerror(code))) (\(code))" }
}

/// A scanner on a tty (/dev/ttyACM0 for USB CDC-ACM, /dev/ttyUSB0, /dev/serial/by-id/...): raw
/// mode, read on its own thread (never the cooperative pool's), codes cut by the profile's
/// terminator. `run` ends when the task is cancelled, and throws when the tty goes away (unplugged).
public final class SerialScanner: BarcodeScanner, @unchecked Sendable {
    public let name: String
    public let path: String
    let profile: DeviceProfile
    let logger: Logger

    public init(path: String, profile: DeviceProfile, logger: Logger = Logger(label: "kiosk-serial-scanner")) {
        self.path = path
        self.profile = profile
        self.logger = logger
        name = "\(profile.name) (\(path))"
    }

    public func run(deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome) async throws {
        try await run(deliver: deliver, onOpen: {})
    }

    /// The same, telling `onOpen` once the tty is open (the page shows the scanner present).
    public func run(deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome, onOpen: () async -> Void) async throws {
        let descriptor = try Self.openRaw(path)
        let stopping = Atomic<Bool>(false)
        let (chunks, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        continuation.onTermination = { _ in stopping.store(true, ordering: .releasing) }
        let reader = Thread { [path] in
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: 512)
            while !stopping.load(ordering: .acquiring) {
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 100) > 0 else { continue } // wakes to see a cancellation
                let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if n > 0 {
                    continuation.yield(Array(buffer.prefix(n)))
                } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                    continue
                } else { // 0: hung up; EIO: unplugged
                    continuation.finish(throwing: SerialError(operation: "read", path: path, code: n == 0 ? ENODEV : errno))
                    return
                }
            }
            continuation.finish()
        }
        reader.name = "serial-scanner"
        reader.start()
        defer { continuation.finish() }
        await onOpen()

        var decoder = SerialLineDecoder(terminator: profile.terminator, prefix: profile.prefix, suffix: profile.suffix)
        for try await chunk in chunks {
            let readAt = ContinuousClock.now
            for result in decoder.feed(chunk) {
                switch result {
                case .code(let data, let symbology):
                    await hand(ScannedCode(data: data, symbology: symbology, source: name, readAt: readAt), to: deliver, logger: logger)
                case .dropped(let reason):
                    logger.warning("serial scanner data dropped", metadata: ["scanner": "\(name)", "reason": "\(reason)"])
                case .pending:
                    break
                }
            }
        }
    }

    /// Opens the tty without making it the controlling terminal, in raw mode: no echo, no line
    /// editing, no CR/LF translation, 8 bits (CDC-ACM ignores the speed; RS-232 scanners default to 9600).
    static func openRaw(_ path: String) throws(SerialError) -> Int32 {
        let descriptor = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw SerialError(operation: "open", path: path, code: errno) }
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else {
            let code = errno
            close(descriptor)
            throw SerialError(operation: "read the settings of", path: path, code: code)
        }
        cfmakeraw(&settings)
        cfsetispeed(&settings, speed_t(B9600))
        cfsetospeed(&settings, speed_t(B9600))
        settings.c_cflag |= tcflag_t(CLOCAL | CREAD)
        guard tcsetattr(descriptor, TCSANOW, &settings) == 0 else {
            let code = errno
            close(descriptor)
            throw SerialError(operation: "set raw mode on", path: path, code: code)
        }
        return descriptor
    }
}
