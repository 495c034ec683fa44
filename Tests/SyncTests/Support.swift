import Foundation
import Hummingbird
import KioskTestSupport
import Logging
import Synchronization
@testable import Sync

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

/// Serves `routes` behind a SyncServer for `body`, on the port the server picked, then stops it.
func withSyncServer<T: Sendable>(_ settings: SyncSettings, logger: Logger, rateLimiter: SyncRateLimiter = SyncRateLimiter(),
                                 routes: (Router<SyncRequestContext>) -> Void = whoAmI,
                                 _ body: (SyncServer.Endpoint) async throws -> T) async throws -> T {
    let running = Mutex<SyncServer.Endpoint?>(nil)
    let server = try SyncServer(settings: settings, logger: logger, rateLimiter: rateLimiter,
                                onServerRunning: { endpoint in running.withLock { $0 = endpoint } }, routes: routes)
    let task = Task { try await server.run() }
    defer { task.cancel() }
    guard let endpoint = await poll(180, { running.withLock { $0 } }) else { throw ToolFailed(description: "the sync server did not start") }
    let result = try await body(endpoint)
    task.cancel()
    _ = try? await value(of: task, within: 60)
    return result
}

/// The test route: who the listener says is asking.
func whoAmI(_ router: Router<SyncRequestContext>) {
    router.get("/sync/v1/whoami") { _, context in "\(context.credential.kind.rawValue):\(context.credential.name)" }
}

