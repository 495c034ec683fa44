import Hummingbird
import HummingbirdWebSocket
import Journal

/// What a technician reads off a running lane.
struct MaintenanceRoutes {
    let runtime: LaneRuntime

    func routes() -> RouteCollection<PageRequestContext> {
        let routes = RouteCollection(context: PageRequestContext.self)
        routes.get("/api/maintenance/scan-latency") { _, _ in JSONBody(await runtime.scanLatencySummary()) }
        routes.get("/api/maintenance/sync") { _, _ in JSONBody(try SyncBacklog(runtime.journal.pullStatus())) }
        return routes
    }
}

/// Head office's backlog, for the maintenance screen: what it has not acknowledged yet, and since when.
struct SyncBacklog: Encodable, Sendable {
    let newestSeq: Int64
    let acknowledgedSeq: Int64
    let backlog: Int64
    /// Milliseconds since the epoch of the oldest event head office has not acknowledged.
    let oldestUnacknowledgedAt: Int64?

    init(_ status: PullStatus) {
        newestSeq = status.newestSeq
        acknowledgedSeq = status.acknowledgedSeq
        backlog = status.backlog
        oldestUnacknowledgedAt = status.oldestUnacknowledgedAt
    }
}
