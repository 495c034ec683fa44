import Devices
import Foundation
import KioskTestSupport

/// The test-support USB emulator (Tests/USBEmulator, umockdev) as a child process, and helpers
/// to make the reports real scanners send. Programs given `clientEnvironment` run their real
/// libusb code against the emulated devices.
final class USBEmulator: @unchecked Sendable {
    let process = Process()
    private let input: FileHandle
    private let replies: LineReader
    let directory: String

    static var binary: URL { KioskProcess.binary.deletingLastPathComponent().appendingPathComponent("kiosk-usb-emulator") }

    static func fixture(_ model: String) -> String {
        repositoryRoot.appendingPathComponent("devices/fixtures/\(model)/device.umockdev").path
    }

    init() throws {
        process.executableURL = Self.binary
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        input = stdin.fileHandleForWriting
        replies = LineReader(stdout.fileHandleForReading)
        guard let ready = replies.next(timeout: 30), ready.hasPrefix("ready UMOCKDEV_DIR=") else {
            process.terminate()
            throw EmulatorError.failed("no ready line from \(Self.binary.path)")
        }
        directory = String(ready.dropFirst("ready UMOCKDEV_DIR=".count))
    }

    deinit {
        try? input.write(contentsOf: Data("quit\n".utf8))
        process.waitUntilExit()
    }

    /// The environment a client needs to see the emulated devices.
    var clientEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["UMOCKDEV_DIR"] = directory
        environment["LD_PRELOAD"] = "libumockdev-preload.so.0"
        return environment
    }

    /// Sends a command; returns the text after "ok", throws on "error".
    @discardableResult
    func send(_ command: String) throws -> String {
        try input.write(contentsOf: Data((command + "\n").utf8))
        guard let reply = replies.next(timeout: 30) else { throw EmulatorError.failed("no reply to \(command)") }
        guard reply.hasPrefix("ok") else { throw EmulatorError.failed("\(command): \(reply)") }
        return String(reply.dropFirst(2)).trimmingCharacters(in: .whitespaces)
    }

    func plug(_ name: String, model: String, kernelDriver: String? = nil) throws {
        try send("add \(name) \(Self.fixture(model))" + (kernelDriver.map { " 0=\($0)" } ?? ""))
    }

    func report(_ name: String, _ bytes: [UInt8], endpoint: String = "81") throws {
        try send("in \(name) \(endpoint) " + bytes.map { String(format: "%02x", $0) }.joined())
    }

    func printed(_ name: String) throws -> [UInt8] {
        let hex = Array(try send("printed \(name)").utf8)
        return stride(from: 0, to: hex.count - 1, by: 2).map { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16)! }
    }

    enum EmulatorError: Error { case failed(String) }

    /// A demo lane run on these devices, returned once the page shows its USB scanner and a ready printer.
    func startLane(state: URL) async throws -> (KioskProcess, APIClient) {
        let kiosk = try await KioskProcess(stateDirectory: state, environment: clientEnvironment)
        let api = APIClient(base: kiosk.baseURL)
        guard try await api.waitForState({ Self.devices($0)["scanner"] == "usb" && Self.devices($0)["printer"] == "ready" }) != nil else {
            _ = kiosk.terminate()
            throw EmulatorError.failed("the lane's USB scanner and printer did not come up:\n\(kiosk.log)")
        }
        return (kiosk, api)
    }

    /// The page's device states.
    static func devices(_ state: [String: Any]) -> [String: String] { state["devices"] as? [String: String] ?? [:] }
}

/// Reads lines from a pipe on a background thread.
final class LineReader: @unchecked Sendable {
    private let condition = NSCondition()
    private var lines: [String] = []
    private var partial = ""
    private var closed = false

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                condition.lock()
                if data.isEmpty {
                    closed = true
                } else {
                    partial += String(decoding: data, as: UTF8.self)
                    while let newline = partial.firstIndex(of: "\n") {
                        lines.append(String(partial[..<newline]))
                        partial = String(partial[partial.index(after: newline)...])
                    }
                }
                condition.broadcast()
                condition.unlock()
                if data.isEmpty { break }
            }
        }
    }

    func next(timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while lines.isEmpty {
            if closed || !condition.wait(until: deadline) { return nil }
        }
        return lines.removeFirst()
    }
}

/// The reports scanners send for a code.
enum ScannerReports {
    /// HID POS scanned-data reports (report id 2), 56 data bytes each, continuation flag at byte 63.
    static func hidPOS(_ code: String, aim: String = "]E0") -> [[UInt8]] {
        let bytes = Array(code.utf8)
        var reports: [[UInt8]] = []
        var offset = 0
        repeat {
            let chunk = Array(bytes[offset..<min(offset + 56, bytes.count)])
            offset += chunk.count
            var report = [UInt8](repeating: 0, count: 64)
            report[0] = 2
            report[1] = UInt8(chunk.count)
            report.replaceSubrange(2..<5, with: Array(aim.utf8))
            report.replaceSubrange(5..<(5 + chunk.count), with: chunk)
            report[63] = offset < bytes.count ? 1 : 0
            reports.append(report)
        } while offset < bytes.count
        return reports
    }

    /// Boot-keyboard reports typing `code` in `layout`, then Enter: a press and a release per key.
    static func keyboard(_ code: String, layout: KeyboardLayout) -> [[UInt8]] {
        var reports: [[UInt8]] = []
        for character in code {
            guard let (usage, modifiers) = key(for: character, layout: layout) else { fatalError("no key for \(character) in \(layout)") }
            reports.append([modifiers, 0, usage, 0, 0, 0, 0, 0])
            reports.append([0, 0, 0, 0, 0, 0, 0, 0])
        }
        reports.append([0, 0, 0x28, 0, 0, 0, 0, 0])
        reports.append([0, 0, 0, 0, 0, 0, 0, 0])
        return reports
    }

    static func key(for character: Character, layout: KeyboardLayout) -> (UInt8, UInt8)? {
        for usage in UInt8(0x04)...UInt8(0x64) {
            if layout.character(usage: usage, shift: false, altGr: false) == character { return (usage, 0) }
            if layout.character(usage: usage, shift: true, altGr: false) == character { return (usage, 0x02) }
            if layout.character(usage: usage, shift: false, altGr: true) == character { return (usage, 0x40) }
        }
        return nil
    }
}
