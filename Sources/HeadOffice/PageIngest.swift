import Journal
import Logging
import PostgresNIO
import Synchronization

/// Stores a verified page in ONE transaction: the lane's cursor row locked, the page checked to
/// continue it, its events and sales inserted in batches, the cursor and newest signed head moved.
/// Either all of it is stored or none. A quarantine is written the same way, storing nothing.
public struct PageIngest: Sendable {
    let db: PostgresHandle
    let partitions: PartitionCache

    public init(_ db: PostgresHandle, partitions: PartitionCache = PartitionCache()) {
        self.db = db
        self.partitions = partitions
    }

    public enum Outcome: Sendable, Equatable {
        /// Stored; the lane's cursor is now this.
        case stored(LaneCursor)
        /// The cursor moved since the page was verified (another collector stored it) or the lane
        /// was quarantined meanwhile: nothing stored, nothing wrong.
        case superseded
    }

    public func store(_ page: VerifiedPage, lane: String) async throws -> Outcome {
        guard !page.events.isEmpty else { return .stored(page.base) }
        try await partitions.ensure(EventPartitions.months(of: page.events.lazy.map(\.at)), db: db)
        return try await db.transaction { tx -> Outcome in
            guard try await Self.holds(page.base, lane: lane, on: tx, logger: db.logger) else { return .superseded }
            try await insertEvents(page.events, lane: lane, on: tx)
            try await SaleInsert(lane: lane, sales: page.sales).run(on: tx, logger: db.logger)
            let cursor = page.cursor, head = cursor.newestHead
            try await tx.query("""
                UPDATE lane_cursor SET seq = \(cursor.seq), hash = \(ByteBuffer(bytes: cursor.hash)), head_seq = \(head?.seq),
                    head_hash = \(head.map { ByteBuffer(bytes: $0.hash) }), head_at = \(head?.at),
                    head_signature = \(head.map { ByteBuffer(bytes: $0.signature) }), last_event_at = \(page.events.last!.at),
                    lane_newest_seq = greatest(lane_newest_seq, \(cursor.seq)), last_contact_at = now()
                WHERE lane = \(lane)
                """, logger: db.logger)
            return .stored(cursor)
        }
    }

    /// Keeps the finding and marks the lane quarantined, if its cursor is still the one the
    /// finding was made against (else another collector moved on, and this finding is stale).
    /// Returns whether it was written.
    @discardableResult
    public func quarantine(_ lane: String, finding: QuarantineFinding, against cursor: LaneCursor) async throws -> Bool {
        try await db.transaction { tx in
            guard try await Self.holds(cursor, lane: lane, on: tx, logger: db.logger) else { return false }
            var detail = finding.evidence
            detail["cursorSeq"] = .int(cursor.seq)
            try await tx.query("""
                INSERT INTO quarantine_evidence (lane, reason, detail) VALUES (\(lane), \(finding.reason.rawValue), \(JSONValue.object(detail).text)::jsonb)
                """, logger: db.logger)
            try await tx.query("""
                UPDATE lane_cursor SET quarantined_at = now(), quarantine_reason = \(finding.reason.rawValue), last_contact_at = now()
                WHERE lane = \(lane)
                """, logger: db.logger)
            return true
        }
    }

    /// Locks the lane's cursor row; whether it is still `expected` and the lane not quarantined.
    static func holds(_ expected: LaneCursor, lane: String, on tx: PostgresConnection, logger: Logger) async throws -> Bool {
        let current = try await CursorStore.cursor(lane, on: tx, logger: logger, lock: true)
        return current.seq == expected.seq && current.hash == expected.hash && current.quarantineReason == nil
    }

    /// All of a page's events in one statement: arrays bound once, `unnest`ed by PostgreSQL
    /// (nulls as a flag beside the value: postgres-nio binds no arrays of optionals).
    func insertEvents(_ events: [StoredEvent], lane: String, on tx: PostgresConnection) async throws {
        try await tx.query("""
            INSERT INTO event (lane, seq, at, session, kind, payload, writes, hash)
            SELECT \(lane), e.seq, e.at, CASE WHEN e.has_session THEN e.session END, e.kind, e.payload,
                   CASE WHEN e.has_writes THEN e.writes END, e.hash
            FROM unnest(\(events.map(\.seq)), \(events.map(\.at)), \(events.map { $0.session != nil }), \(events.map { $0.session ?? "" }),
                        \(events.map(\.kind)), \(events.map(\.payload)), \(events.map { $0.writes != nil }),
                        \(events.map { $0.writes ?? "" }), \(events.map { ByteBuffer(bytes: $0.hash) }))
                 AS e(seq, at, has_session, session, kind, payload, has_writes, writes, hash)
            """, logger: db.logger)
    }
}

/// The month partitions known to exist. A missing one is made in a short transaction of its own
/// before the page's: `CREATE TABLE ... PARTITION OF` locks all of `event`, and in the page's
/// transaction it would hold every other lane's ingest until that commit (and could deadlock two
/// collectors making the same month). An empty partition left by a failed page is harmless.
public final class PartitionCache: Sendable {
    private let known = Mutex<Set<EventPartitions.Month>>([])

    public init() {}

    func ensure(_ months: [EventPartitions.Month], db: PostgresHandle) async throws {
        let missing = known.withLock { known in months.filter { !known.contains($0) } }
        guard !missing.isEmpty else { return }
        try await db.transaction { tx in
            // One maker at a time: `IF NOT EXISTS` alone races between two collectors.
            try await tx.query("SELECT pg_advisory_xact_lock(7242002)", logger: db.logger)
            for month in missing {
                try await tx.query(PostgresQuery(unsafeSQL: EventPartitions.createStatement(month)), logger: db.logger)
            }
        }
        known.withLock { $0.formUnion(missing) }
    }
}
