import Foundation
import GRDB
import Synchronization

/// An event exactly as stored: the bytes its hash covers, for head office to check and keep.
public struct StoredEvent: Sendable, Hashable {
    public let seq: Int64
    public let at: Int64
    public let session: String?
    public let kind: String
    public let payload: String
    public let writes: String?
    public let hash: [UInt8]

    public init(seq: Int64, at: Int64, session: String?, kind: String, payload: String, writes: String?, hash: [UInt8]) {
        self.seq = seq
        self.at = at
        self.session = session
        self.kind = kind
        self.payload = payload
        self.writes = writes
        self.hash = hash
    }
}

/// Where the journal stands for head office: its ends, the newest acknowledgement, the backlog.
public struct PullStatus: Sendable, Hashable {
    /// The newest event on the disk, which head office may pull (0 for an empty journal).
    public let newestSeq: Int64
    /// Events are never deleted, so this is 1 (0 for an empty journal); kept in the API for a
    /// future retention policy.
    public let oldestSeq: Int64
    public let acknowledgedSeq: Int64
    /// Events head office has not acknowledged, and the time of the oldest of them (ms). The
    /// acknowledgements themselves do not count: each is an event, and head office acknowledging
    /// its own acknowledgement would never end.
    public let backlog: Int64
    public let oldestUnacknowledgedAt: Int64?
}

/// Why head office's acknowledgement was not taken.
public enum AcknowledgementProblem: String, Error, Sendable {
    /// The seq is beyond the journal's end.
    case beyondHead = "beyond-head"
    /// The journal's event at that seq has another hash: head office holds something else.
    case hashMismatch = "hash-mismatch"
    /// An earlier acknowledgement already covered more.
    case behind = "acknowledgement-behind"
}

extension LaneJournal {
    /// Streams the events after `after`, oldest first, at most `limit` and none past
    /// `newestSeq()`, from one read transaction (a consistent snapshot while the lane keeps
    /// writing). `body` returns false to stop early (a page full in bytes). Memory stays constant
    /// however long the backlog.
    public func forEachEvent(after: Int64, limit: Int, _ body: (StoredEvent) throws -> Bool) throws {
        let newest = newestSeq()
        try pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT seq, at, session, kind, payload, writes, hash FROM event WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?
                """, arguments: [after, newest, limit])
            while let row = try cursor.next() {
                // By position, in the SELECT's order: a name is looked up among the columns each time.
                let event = StoredEvent(seq: row[0], at: row[1], session: row[2], kind: row[3],
                                        payload: row[4], writes: row[5], hash: [UInt8](row[6] as Data))
                guard try body(event) else { return }
            }
        }
    }

    /// In O(log n), not O(backlog) (it is read on every scrape of /metrics): seqs run without a gap
    /// (the chain says so), so the events after the acknowledged one are `newest - acknowledged`,
    /// less the acknowledgements journaled since (each a `sync-acknowledged` event with its row in
    /// `acknowledgement`); times never go back, so the oldest waiting event is the first one.
    public func pullStatus() throws -> PullStatus {
        try pool.read { db in
            let newest = newestSeq()
            let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM event") ?? 0
            let acknowledged = try Int64.fetchOne(db, sql: "SELECT MAX(acknowledged_seq) FROM acknowledgement") ?? 0
            let acknowledgementsSince = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM acknowledgement WHERE seq > ?",
                                                           arguments: [acknowledged]) ?? 0
            let first = try Int64.fetchOne(db, sql: """
                SELECT at FROM event WHERE seq > ? AND kind != 'sync-acknowledged' ORDER BY seq LIMIT 1
                """, arguments: [acknowledged])
            return PullStatus(newestSeq: newest, oldestSeq: oldest, acknowledgedSeq: acknowledged,
                              backlog: max(0, newest - acknowledged) - acknowledgementsSince, oldestUnacknowledgedAt: first)
        }
    }

    /// Checks an acknowledgement before it is journaled: nil when it is new and right; `.behind`
    /// covers an acknowledgement equal to the newest one too (the caller treats that as done).
    public func checkAcknowledgement(seq: Int64, hash: [UInt8]) throws -> AcknowledgementProblem? {
        try pool.read { db in
            guard seq >= 1, let stored = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = ?", arguments: [seq]) else {
                return .beyondHead
            }
            guard [UInt8](stored) == hash else { return .hashMismatch }
            let acknowledged = try Int64.fetchOne(db, sql: "SELECT MAX(acknowledged_seq) FROM acknowledgement") ?? 0
            return seq <= acknowledged ? .behind : nil
        }
    }

    /// The newest event head office may pull (0 for an empty journal): the newest on the disk.
    /// A cart edit appended without waiting for the disk (`Durability.crash`) follows with the next
    /// append that waits, so head office never holds an event a power cut could take back.
    public func newestSeq() -> Int64 { durableSeq.load(ordering: .acquiring) }
}
