import Journal
import Logging
import PostgresNIO

/// The per-lane row `lane_cursor`: where head office stands with a lane, its last contact and
/// error, and its quarantine. The cursor itself moves only in `PageIngest`'s transaction.
public struct CursorStore: Sendable {
    let db: PostgresHandle

    public init(_ db: PostgresHandle) {
        self.db = db
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case notEnrolled(String)
        case notQuarantined(String)
        public var description: String {
            switch self {
            case .notEnrolled(let id): return "no enrolled lane \(id)"
            case .notQuarantined(let id): return "lane \(id) is not quarantined"
            }
        }
    }

    public func cursor(_ lane: String) async throws -> LaneCursor {
        try await db.client.withConnection { connection in try await Self.cursor(lane, on: connection, logger: db.logger, lock: false) }
    }

    /// The cursor row; `lock`: `FOR UPDATE`, inside a transaction that moves it.
    static func cursor(_ lane: String, on connection: PostgresConnection, logger: Logger, lock: Bool) async throws -> LaneCursor {
        let rows = try await connection.query("""
            SELECT seq, hash, head_seq, head_hash, head_at, head_signature, quarantine_reason FROM lane_cursor WHERE lane = \(lane)\(unescaped: lock ? " FOR UPDATE" : "")
            """, logger: logger)
        for try await (seq, hash, headSeq, headHash, headAt, signature, reason)
            in rows.decode((Int64, ByteBuffer?, Int64?, ByteBuffer?, Int64?, ByteBuffer?, String?).self) {
            var head: SignedHead?
            if let headSeq, let headHash, let headAt, let signature {
                head = SignedHead(lane: lane, seq: headSeq, hash: Array(buffer: headHash), at: headAt, signature: Array(buffer: signature))
            }
            return LaneCursor(seq: seq, hash: hash.map { Array(buffer: $0) } ?? LaneJournal.genesis, newestHead: head,
                              quarantineReason: reason)
        }
        throw Problem.notEnrolled(lane)
    }

    /// What getLane said: the lane's newest seq and oldest unacknowledged event, and its signed
    /// head when it is newer than the one kept.
    public func recordContact(_ lane: String, status: LaneStatus, newerHead: SignedHead?) async throws {
        try await db.client.query("""
            UPDATE lane_cursor SET last_contact_at = now(), lane_newest_seq = \(status.newestSeq),
                lane_oldest_unacknowledged_at = \(status.oldestUnacknowledgedAt) WHERE lane = \(lane)
            """, logger: db.logger)
        if let head = newerHead {
            try await db.client.query("""
                UPDATE lane_cursor SET head_seq = \(head.seq), head_hash = \(ByteBuffer(bytes: head.hash)), head_at = \(head.at),
                    head_signature = \(ByteBuffer(bytes: head.signature))
                WHERE lane = \(lane) AND (head_seq IS NULL OR head_seq < \(head.seq))
                """, logger: db.logger)
        }
    }

    /// A failed round: the error's code and detail (never a credential), kept for `status`.
    public func recordError(_ lane: String, _ error: String) async throws {
        try await db.client.query("UPDATE lane_cursor SET last_error = \(error), last_error_at = now() WHERE lane = \(lane)",
                                  logger: db.logger)
    }

    /// A round that ended well: the last error no longer holds.
    public func clearError(_ lane: String) async throws {
        try await db.client.query("UPDATE lane_cursor SET last_error = NULL, last_error_at = NULL WHERE lane = \(lane) AND last_error IS NOT NULL",
                                  logger: db.logger)
    }

    /// Staff looked at the evidence: the lane is pulled again (and quarantined again if the lane
    /// still shows the same thing). The evidence stays, marked released. Returns the reason it had.
    @discardableResult
    public func release(_ lane: String) async throws -> String {
        try await db.transaction { tx in
            let rows = try await tx.query("SELECT quarantine_reason FROM lane_cursor WHERE lane = \(lane) FOR UPDATE", logger: db.logger)
            var found: String??
            for try await reason in rows.decode(String?.self) { found = .some(reason) }
            guard let row = found else { throw Problem.notEnrolled(lane) }
            guard let reason = row else { throw Problem.notQuarantined(lane) }
            try await tx.query("UPDATE lane_cursor SET quarantined_at = NULL, quarantine_reason = NULL WHERE lane = \(lane)", logger: db.logger)
            try await tx.query("UPDATE quarantine_evidence SET released_at = now() WHERE lane = \(lane) AND released_at IS NULL",
                               logger: db.logger)
            return reason
        }
    }
}

extension CursorStore {
    /// Every enrolled lane's status line, by store and lane.
    public func statusRows() async throws -> [LaneStatusRow] {
        let rows = try await db.client.query("""
            SELECT l.id, l.store, c.seq, c.lane_newest_seq, c.lane_oldest_unacknowledged_at, c.last_event_at,
                   (extract(epoch FROM c.last_contact_at) * 1000)::bigint, c.last_error, c.quarantine_reason,
                   (extract(epoch FROM now()) * 1000)::bigint
            FROM lane l JOIN lane_cursor c ON c.lane = l.id WHERE l.removed_at IS NULL ORDER BY l.store, l.id
            """, logger: db.logger)
        var result: [LaneStatusRow] = []
        for try await (id, store, seq, newest, oldest, lastEvent, contact, error, quarantine, now)
            in rows.decode((String, String, Int64, Int64?, Int64?, Int64?, Int64?, String?, String?, Int64).self) {
            result.append(LaneStatusRow(lane: id, store: store, storedSeq: seq, laneNewestSeq: newest, laneOldestUnacknowledgedAt: oldest,
                                        lastEventAt: lastEvent, lastContactAt: contact, lastError: error, quarantine: quarantine, now: now))
        }
        return result
    }
}
