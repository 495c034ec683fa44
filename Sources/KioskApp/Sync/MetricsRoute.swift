import Hummingbird
import Journal
import NIOCore
import Sync

/// `GET /metrics` on the sync listener (so behind its TLS and credentials, like every sync route):
/// the lane's metrics in Prometheus's text format.
struct MetricsRoute: Sendable {
    let metrics: LaneMetrics
    let journal: LaneJournal

    func add(to router: Router<SyncRequestContext>) {
        router.get("/metrics") { _, _ in try self.scrape() }
    }

    /// The two gauges the journal knows are read when scraped rather than kept in step: the
    /// journal stays the one truth, across restarts too. The backlog is a count over the events
    /// head office has not acknowledged (O(backlog), like `GET /sync/v1/lane`): about 100 ms for a
    /// million unacknowledged events, once per scrape interval.
    func scrape() throws -> Response {
        metrics.syncBacklog(try journal.pullStatus().backlog)
        metrics.receiptsNotPrinted(try journal.missedReceiptCount())
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}
