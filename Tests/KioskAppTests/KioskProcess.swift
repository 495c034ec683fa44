import Foundation
import KioskTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `kiosk` executable run as a child process, the way a store runs it.
final class KioskProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let output: OutputCollector

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["KIOSK_BINARY"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.appendingPathComponent(".build/debug/kiosk")
    }

    /// Starts `kiosk run --demo` (or without `--demo`, a store's lane) on a free port and waits
    /// for its ready line (off the concurrency pool: a start on a loaded machine must not hold up
    /// the other tests' tasks). `journald`: its output is "the journal", as systemd tells a service
    /// whose output it reads (`$JOURNAL_STREAM` names the output pipe's device and inode).
    /// `demoLane`: started as scripts/run starts it, through scripts/demo-lane (its payment
    /// simulators), which becomes `kiosk run --demo`.
    init(stateDirectory: URL, demo: Bool = true, extraArguments: [String] = [], environment: [String: String]? = nil,
         journald: Bool = false, demoLane: Bool = false) async throws {
        if let environment { process.environment = environment }
        let arguments = ["--state-dir", stateDirectory.path, "--listen", "127.0.0.1:0",
                         "--assets", repositoryRoot.appendingPathComponent("assets").path] + extraArguments
        if demoLane {
            process.executableURL = repositoryRoot.appendingPathComponent("scripts/demo-lane")
            process.arguments = [Self.binary.path] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = ["run"] + (demo ? ["--demo"] : []) + arguments
        }
        output = OutputCollector(process: process)
        if journald {
            var info = stat()
            guard fstat(output.writeEnd, &info) == 0 else { throw KioskProcessError.notReady("fstat of the output pipe failed") }
            var environment = process.environment ?? ProcessInfo.processInfo.environment
            environment["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)"
            process.environment = environment
        }
        try process.run()
        guard let line = await output.line(containing: "kiosk ready on", timeout: 180),
              let port = Int(line.split(separator: ":").last ?? "") else {
            process.terminate()
            throw KioskProcessError.notReady(output.text)
        }
        self.port = port
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then the exit status once the kiosk has shut down.
    func terminate(timeout: TimeInterval = 10) -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill9(); return nil }
        return process.terminationStatus
    }

    /// `terminate`, waiting without holding a thread of the cooperative pool: on a 2-core machine
    /// the pool has two, and in-process lanes of other tests answer on them.
    func stop(timeout: TimeInterval = 10) async -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        guard await poll(timeout, every: .milliseconds(20), { process.isRunning ? nil : true }) != nil else {
            kill9()
            return nil
        }
        return process.terminationStatus
    }

    var log: String { output.text }

    /// The first line of its output that contains `marker`, waiting up to `timeout` seconds for it.
    func waitForLine(containing marker: String, timeout: TimeInterval = 180) async -> String? {
        await output.line(containing: marker, timeout: timeout)
    }
}

enum KioskProcessError: Error {
    case notReady(String)
}

/// Collects a child's stdout and stderr on a background thread.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSCondition()
    private var buffer = ""
    private var closed = false
    /// The child's end: its stdout and stderr.
    let writeEnd: Int32

    init(process: Process) {
        let pipe = Pipe()
        writeEnd = pipe.fileHandleForWriting.fileDescriptor
        process.standardOutput = pipe
        process.standardError = pipe
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty {
                    lock.lock()
                    closed = true
                    lock.broadcast()
                    lock.unlock()
                    break
                }
                lock.lock()
                buffer += String(decoding: data, as: UTF8.self)
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }

    /// `waitForLine` on a thread of its own, for async callers: the wait blocks that thread, not
    /// one of the few the concurrency pool has (two on a 2-core machine).
    func line(containing marker: String, timeout: TimeInterval) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: waitForLine(containing: marker, timeout: timeout)) }
        }
    }

    func waitForLine(containing marker: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let line = buffer.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if closed || !lock.wait(until: deadline) { return nil }
        }
    }
}

/// JSON over HTTP to the kiosk's local API.
struct APIClient {
    let base: String

    struct Reply {
        let status: Int
        let json: [String: Any]
        let text: String
    }

    func get(_ path: String) async throws -> Reply {
        try await send(URLRequest(url: URL(string: base + path)!))
    }

    func post(_ path: String, _ body: String = "{}") async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        return try await send(request)
    }

    func scan(_ code: String) async throws -> Reply {
        try await post("/api/scan", "{\"code\":\"\(code)\"}")
    }

    private func send(_ request: URLRequest) async throws -> Reply {
        var request = request
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Reply(status: (response as! HTTPURLResponse).statusCode, json: json, text: String(decoding: data, as: UTF8.self))
    }

    /// Polls the state until `condition` holds, for at most `timeout` seconds.
    func waitForState(timeout: TimeInterval = 180, _ condition: ([String: Any]) -> Bool) async throws -> [String: Any]? {
        try await poll(timeout, every: .milliseconds(100)) {
            let state = try await get("/api/state").json
            return condition(state) ? state : nil
        }
    }
}

extension KioskProcess {
    /// The `"store"` and `"catalog"` settings a lane outside --demo must have, as a JSON fragment:
    /// the demo store's profile without the published demo coupon key (a store's lane refuses it),
    /// written into `folder`, and the demo catalog.
    static func storeSettings(in folder: URL) throws -> String {
        let assets = repositoryRoot.appendingPathComponent("assets")
        var profile = try JSONSerialization.jsonObject(with: Data(contentsOf: assets.appendingPathComponent("demo/store.json"))) as! [String: Any]
        profile["couponKeys"] = []
        let store = folder.appendingPathComponent("store.json")
        try JSONSerialization.data(withJSONObject: profile).write(to: store)
        return #""store": "\#(store.path)", "catalog": "\#(assets.appendingPathComponent("demo/catalog.csv").path)""#
    }
}
