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

    /// The two gauges the journal knows are read from it when scraped rather than kept in step:
    /// the journal stays the one truth, across restarts too. Both are cheap: the backlog in
    /// O(log n) (`pullStatus`), the receipts a count of the few that missed the printer.
    func scrape() throws -> Response {
        metrics.syncBacklog(try journal.pullStatus().backlog)
        metrics.receiptsNotPrinted(try journal.missedReceiptCount())
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}
