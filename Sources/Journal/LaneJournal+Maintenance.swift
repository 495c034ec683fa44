import Checkout
import GRDB

/// What the maintenance screen and the Z report read from the journal.
extension LaneJournal {
    /// Whether staff left the lane closed: the newest `lane-closed` or `lane-opened` staff action
    /// decides (a closed lane stays closed across a restart). False when staff never closed it.
    public func closedByStaff() throws -> Bool {
        try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM event WHERE kind = 'staff-action' ORDER BY seq DESC")
            while let row = try rows.next() {
                guard case .admin(.staffAction(let action)) = try Self.entry(row).event else { continue }
                switch action.action {
                case .laneClosed: return true
                case .laneOpened: return false
                default: continue
                }
            }
            return false
        }
    }

    /// The entries journaled at times in `range` (ms), oldest first.
    public func entries(at range: Range<Timestamp>) throws -> [JournalEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE at >= ? AND at < ? ORDER BY seq",
                             arguments: [range.lowerBound, range.upperBound]).map(Self.entry)
        }
    }

    /// The sales completed at times in `range` (ms), in the order they were recorded.
    public func sales(completedAt range: Range<Timestamp>) throws -> [CompletedSale] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, record FROM sale WHERE completed_at >= ? AND completed_at < ? ORDER BY seq",
                             arguments: [range.lowerBound, range.upperBound]).map { try Self.sale(id: $0["id"], record: $0["record"]) }
        }
    }

    /// How the sessions that ended at times in `range` ended: `completed`, `cancelled`, `abandoned`.
    public func sessionOutcomes(endedAt range: Range<Timestamp>) throws -> [String: Int] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.outcome AS outcome, COUNT(*) AS n FROM session s JOIN event e ON e.seq = s.ended_seq
                WHERE e.at >= ? AND e.at < ? GROUP BY s.outcome
                """, arguments: [range.lowerBound, range.upperBound])
            return Dictionary(rows.map { ($0["outcome"] as String, $0["n"] as Int) }, uniquingKeysWith: +)
        }
    }

    /// How many Z reports were saved: the next one's number is this plus one.
    public func zReportCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE kind = 'z-report'") ?? 0 }
    }
}
