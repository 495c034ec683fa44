import Foundation
import Hummingbird
import KioskTestSupport
import Logging
import Synchronization
@testable import Sync

/// Runs a command-line tool to its end without blocking a thread of the cooperative pool (the
/// server under test answers on that pool too): the exit status and standard output; standard
/// error is mixed in when `mergingErrors`.
func run(_ tool: String, _ arguments: [String], in folder: URL, mergingErrors: Bool = false) async throws -> (status: Int32, output: String) {
    let outputFile = folder.appendingPathComponent("output-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outputFile) }
    let output = try FileHandle(forWritingTo: outputFile)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.currentDirectoryURL = folder
    process.standardOutput = output
    process.standardError = mergingErrors ? output : FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    return (status, String(decoding: try Data(contentsOf: outputFile), as: UTF8.self))
}

struct ToolFailed: Error, CustomStringConvertible {
    let description: String
}

/// Every log line, with its metadata, for checks on what the listener logs (and never logs).
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger that records everything, trace level included.
    func logger() -> Logger {
        Logger(label: "sync-test") { _ in Handler(recorder: self) }
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            recorder.append("\(event.level) \(event.message) \(fields) \(event.error.map { "error=\($0)" } ?? "")")
        }
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
}

/// A test PKI made by the openssl command line: a CA; a server certificate for 127.0.0.1 and
/// localhost; two client certificates from the same CA (one to list, one not); and a self-signed
/// client certificate. Each is `NAME.pem` with its key `NAME.key` in `folder`.
struct TestPKI {
    let folder: URL

    func certificate(_ name: String) -> String { folder.appendingPathComponent("\(name).pem").path }
    func key(_ name: String) -> String { folder.appendingPathComponent("\(name).key").path }

    static func make(in folder: URL) async throws -> TestPKI {
        let config = """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = unused
            [ca]
            basicConstraints = critical,CA:TRUE
            keyUsage = critical,keyCertSign,cRLSign
            [server]
            basicConstraints = CA:FALSE
            subjectAltName = IP:127.0.0.1,DNS:localhost
            extendedKeyUsage = serverAuth
            [client]
            basicConstraints = CA:FALSE
            extendedKeyUsage = clientAuth

            """
        try Data(config.utf8).write(to: folder.appendingPathComponent("openssl.cnf"))
        let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        func openssl(_ arguments: [String]) async throws {
            let result = try await run("openssl", arguments, in: folder, mergingErrors: true)
            guard result.status == 0 else { throw ToolFailed(description: "openssl \(arguments.joined(separator: " ")):\n\(result.output)") }
        }
        try await openssl(["req", "-x509", "-config", "openssl.cnf", "-extensions", "ca"] + newKey
            + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Kiosk Test CA"])
        for (name, extensions, serial) in [("server", "server", "2"), ("listed", "client", "3"), ("unlisted", "client", "4")] {
            try await openssl(["req", "-new", "-config", "openssl.cnf"] + newKey
                + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try await openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", serial,
                               "-days", "2", "-extfile", "openssl.cnf", "-extensions", extensions, "-out", "\(name).pem"])
        }
        try await openssl(["req", "-x509", "-config", "openssl.cnf", "-extensions", "client"] + newKey
            + ["-keyout", "selfsigned.key", "-out", "selfsigned.pem", "-days", "2", "-subj", "/CN=listed"])
        return TestPKI(folder: folder)
    }

    /// The certificate's SHA-256 fingerprint as openssl computes it, in the settings' form.
    func fingerprint(_ name: String) async throws -> String {
        let result = try await run("openssl", ["x509", "-in", certificate(name), "-noout", "-fingerprint", "-sha256"], in: folder)
        guard result.status == 0, let value = result.output.split(separator: "=").last else {
            throw ToolFailed(description: "openssl fingerprint: \(result.output)")
        }
        return value.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// Serves `routes` behind a SyncServer for `body`, on the port the server picked, then stops it.
func withSyncServer<T: Sendable>(_ settings: SyncSettings, logger: Logger, rateLimiter: SyncRateLimiter = SyncRateLimiter(),
                                 routes: (Router<SyncRequestContext>) -> Void = whoAmI,
                                 _ body: (SyncServer.Endpoint) async throws -> T) async throws -> T {
    let running = Mutex<SyncServer.Endpoint?>(nil)
    let server = try SyncServer(settings: settings, logger: logger, rateLimiter: rateLimiter,
                                onServerRunning: { endpoint in running.withLock { $0 = endpoint } }, routes: routes)
    let task = Task { try await server.run() }
    defer { task.cancel() }
    guard let endpoint = await poll(60, { running.withLock { $0 } }) else { throw ToolFailed(description: "the sync server did not start") }
    let result = try await body(endpoint)
    task.cancel()
    _ = try? await value(of: task, within: 60)
    return result
}

/// The test route: who the listener says is asking.
func whoAmI(_ router: Router<SyncRequestContext>) {
    router.get("/sync/v1/whoami") { _, context in "\(context.credential.kind.rawValue):\(context.credential.name)" }
}

/// What curl got: the status ("000" when there was no HTTP answer), headers and body.
struct CurlReply {
    let exitStatus: Int32
    let status: String
    let headers: String
    let body: String

    func header(_ name: String) -> String? {
        headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }
}

/// One request with curl, the way a head-office client would make it.
func curl(_ url: String, in folder: URL, caFile: String? = nil, certificate: (cert: String, key: String)? = nil,
          headers: [String] = [], extra: [String] = []) async throws -> CurlReply {
    let id = UUID().uuidString
    let headersFile = folder.appendingPathComponent("headers-\(id)"), bodyFile = folder.appendingPathComponent("body-\(id)")
    defer {
        try? FileManager.default.removeItem(at: headersFile)
        try? FileManager.default.removeItem(at: bodyFile)
    }
    var arguments = ["-sS", "--max-time", "60", "-o", bodyFile.path, "-D", headersFile.path, "-w", "%{http_code}"]
    if let caFile { arguments += ["--cacert", caFile] }
    if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
    for header in headers { arguments += ["-H", header] }
    let result = try await run("curl", arguments + extra + [url], in: folder)
    func read(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
    return CurlReply(exitStatus: result.status, status: result.output, headers: read(headersFile), body: read(bodyFile))
}
