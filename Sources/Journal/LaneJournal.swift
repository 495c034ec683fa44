import Checkout
import Crypto
import Foundation
import GRDB
import Retail
import Synchronization

/// One journaled event.
public struct JournalEntry: Sendable, Hashable {
    public let seq: Int64
    public let at: Timestamp
    public let session: String?
    /// The event's type (`JournalFormat.kind`; version 0 rows have the Swift case name).
    public let kind: String
    public let event: JournalEvent
    /// What the lane looked like after the event; nil in rows written before wire format v1.
    public let after: LaneSummary?
    /// sha256(previous hash ‖ canonical record), 32 bytes.
    public let hash: [UInt8]
}

public struct SaleSummary: Sendable, Hashable, Codable {
    public let id: String
    public let seq: Int64
    public let completedAt: Timestamp
    public let total: Money
    public let itemCount: Int
    public let tender: String
    public let reference: String
}

public enum JournalError: Error, CustomStringConvertible {
    case undecodable(seq: Int64, String)
    case undecodableSale(id: String, String)
    case brokenChain(seq: Int64)
    /// Verification found the journal changed: at `seq` (0 when no event can be named), what
    /// kind of change, and the details (for the log).
    case tampered(seq: Int64, Tamper, String)

    /// Kinds of change verification finds; the code goes to the page and the API.
    public enum Tamper: String, Sendable {
        case signatureInvalid = "signature-invalid"
        case entriesRemoved = "entries-removed"
        case chainRewritten = "chain-rewritten"
        case derivedMismatch = "derived-mismatch"
        case unreadable
    }

    /// The entry where the journal stops being trustworthy.
    public var seq: Int64 {
        switch self {
        case .undecodable(let seq, _), .brokenChain(let seq), .tampered(let seq, _, _): return seq
        case .undecodableSale: return 0
        }
    }

    /// A code for the page and the API: `chain-broken` or a `Tamper`, or `unreadable`.
    public var code: String {
        switch self {
        case .brokenChain: return "chain-broken"
        case .tampered(_, let tamper, _): return tamper.rawValue
        case .undecodable, .undecodableSale: return Tamper.unreadable.rawValue
        }
    }

    public var description: String {
        switch self {
        case .undecodable(let seq, let why): return "journal entry \(seq) cannot be read: \(why)"
        case .undecodableSale(let id, let why): return "sale \(id) in the journal cannot be read: \(why)"
        case .brokenChain(let seq): return "journal hash chain broken at entry \(seq): a record was changed or removed"
        case .tampered(let seq, _, let why): return "journal entry \(seq): \(why)"
        }
    }
}

/// The lane's durable record: an append-only, hash-chained SQLite journal (WAL; synchronous=FULL
/// except for the cart edits `Durability` names).
///
/// The shell appends an event only after the reducer accepted it and before anyone is told:
/// what the journal holds is what happened. Sales and payment attempts are written in the same
/// transaction as the event that caused them, so a crash leaves all or nothing.
public final class LaneJournal: Sendable {
    let pool: DatabasePool
    /// The newest seq known to be on the disk: head office pulls no further, so nothing it holds
    /// can be lost to a power cut and then written again, differently, under the same seq.
    let durableSeq: Atomic<Int64>
    /// Signs the chain head after every sale and administrative event; nil only for journals
    /// opened to read (commands) or by tests that do not sign.
    public let identity: LaneIdentity?
    public static let genesis = [UInt8](repeating: 0, count: 32)

    public init(path: String, identity: LaneIdentity? = nil) throws {
        self.identity = identity
        var config = Configuration()
        config.prepareDatabase { db in
            // FULL: a commit is on disk when it returns, so a sale survives power loss (WAL alone
            // with NORMAL could lose the last commits).
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        // GRDB's WAL set-up runs after prepareDatabase and sets the writer connection, the only one
        // that commits, back to synchronous=NORMAL: make it FULL again.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Schema.migrator.migrate(pool)
        // What the log holds now may be only in the page cache (the kiosk was killed after
        // appends that did not wait for the disk): one fsync makes all of it durable.
        try Self.syncLog(path + "-wal")
        durableSeq = Atomic(try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0 })
    }

    private static func syncLog(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }  // no log yet: nothing waits for the disk
            throw DatabaseError(resultCode: .SQLITE_IOERR, message: "open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw DatabaseError(resultCode: .SQLITE_IOERR_FSYNC, message: "fsync \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Appends an accepted lane event with everything it caused, in one transaction: the session
    /// it opens, and what its effects change (attempts, the sale, the receipt, the session's end).
    /// Only `LaneEngine` calls this: the reducer decided, the journal only writes down.
    func append(_ event: LaneEvent, at: Timestamp, before: LaneState, transition: Transition,
                after summary: LaneSummary) throws -> JournalEntry {
        let after = transition.state
        let session = after.sessionID ?? before.sessionID
        var writes: [JournalWrite] = []
        if let id = after.sessionID, id != before.sessionID { writes.append(.sessionStarted(id: id)) }
        writes += transition.effects.flatMap(JournalWrite.writes(of:))
        return try append(.lane(event), at: at, session: session, writes: writes, after: summary,
                          durability: .of(event, effects: transition.effects))
    }

    /// Appends an administrative event (no session, no reducer). Only `LaneEngine` calls this.
    func append(_ event: AdminEvent, at: Timestamp) throws -> JournalEntry {
        try append(.admin(event), at: at, session: nil, writes: event.writes, after: nil, durability: .powerCut)
    }

    private func append(_ event: JournalEvent, at: Timestamp, session: String?, writes: [JournalWrite],
                        after summary: LaneSummary?, durability: Durability) throws -> JournalEntry {
        let payload = JournalFormat.payload(event)
        let kind = event.kind
        let writesText = JournalWrite.text(writes)
        // Signed: a sale (the money) and anything head office or the kiosk did to the lane's data.
        let signs = event.laneEvent == nil || writes.contains { if case .saleRecorded = $0 { true } else { false } }
        let entry = try pool.writeWithoutTransaction { db -> JournalEntry in
            // Set on every append (never left to the previous one): only this append may skip the fsync.
            try db.execute(sql: durability == .powerCut ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            defer { if durability != .powerCut { try? db.execute(sql: "PRAGMA synchronous = FULL") } }
            var entry: JournalEntry?
            try db.inTransaction {
                let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")
                let seq: Int64 = (last?["seq"] ?? 0) + 1
                let previous: [UInt8] = last.map { [UInt8]($0["hash"] as Data) } ?? Self.genesis
                let hash = Self.chain(previous, seq: seq, at: at, session: session, kind: kind, payload: payload, writes: writesText)
                try db.execute(sql: "INSERT INTO event (seq, at, session, kind, payload, hash, after, writes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [seq, at, session, kind, payload, Data(hash), summary?.wire.text, writesText])
                for write in writes { try write.apply(seq: seq, session: session, db: db) }
                if signs, let identity = self.identity { try Self.store(identity.sign(seq: seq, hash: hash, at: at), db: db) }
                entry = JournalEntry(seq: seq, at: at, session: session, kind: kind, event: event, after: summary, hash: hash)
                return .commit
            }
            return entry!
        }
        // A synced commit syncs the whole log, so every append before it is on the disk too.
        if durability == .powerCut { durableSeq.max(entry.seq, ordering: .releasing) }
        return entry
    }

    /// Receipts that did not print (paper out, cover open, unplugged), oldest first: printed
    /// again once the printer is back, after a restart too.
    public func missedReceipts() throws -> [CompletedSale] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.id, s.record FROM receipt r JOIN sale s ON s.id = r.sale_id
                WHERE r.state = 'missed' ORDER BY r.requested_seq
                """).map { try Self.sale(id: $0["id"], record: $0["record"]) }
        }
    }

    /// How many receipts are waiting for the printer (`missedReceipts().count`, without reading the sales).
    public func missedReceiptCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipt WHERE state = 'missed'") ?? 0 }
    }

    /// The events of the session that was in progress when the kiosk stopped, if any, in order.
    public func openSession() throws -> (id: String, entries: [JournalEntry])? {
        try pool.read { db in
            guard let id = try String.fetchOne(db, sql: """
                SELECT id FROM session WHERE ended_seq IS NULL ORDER BY started_seq DESC LIMIT 1
                """) else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM event WHERE session = ? ORDER BY seq", arguments: [id])
            return (id, try rows.map(Self.entry))
        }
    }

    /// Entries with seq > `after`, oldest first: the cursor head office pulls with.
    public func entries(after: Int64 = 0, limit: Int = 1000) throws -> [JournalEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                .map(Self.entry)
        }
    }

    /// The newest entries, newest last.
    public func lastEntries(_ count: Int) throws -> [JournalEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM event ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                             arguments: [count]).map(Self.entry)
        }
    }

    public func sale(id: String) throws -> CompletedSale? {
        try pool.read { db in
            guard let record = try String.fetchOne(db, sql: "SELECT record FROM sale WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return try Self.sale(id: id, record: record)
        }
    }

    public func recentSales(limit: Int = 20) throws -> [SaleSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.id, s.seq, s.completed_at, s.currency, s.total, s.item_count, s.record, p.tender, p.reference
                FROM sale s JOIN sale_payment p ON p.sale_id = s.id ORDER BY s.seq DESC LIMIT ?
                """, arguments: [limit]).map { row in
                let sale = try Self.sale(id: row["id"], record: row["record"])
                return SaleSummary(id: row["id"], seq: row["seq"], completedAt: row["completed_at"],
                                   total: sale.priced.total, itemCount: row["item_count"],
                                   tender: row["tender"], reference: row["reference"])
            }
        }
    }

    /// Payment attempts handed to a terminal whose outcome the journal does not know.
    public func unresolvedPaymentAttempts() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM payment_attempt WHERE state IN ('requested', 'unknown') ORDER BY requested_seq")
        }
    }

    /// The first 8 hex digits of the hash of the entry that recorded the sale: printed on the
    /// receipt, it ties the paper to the chained journal.
    public func integrityCode(forSale id: String) throws -> String? {
        try pool.read { db in
            try Data.fetchOne(db, sql: "SELECT e.hash FROM sale s JOIN event e ON e.seq = s.seq WHERE s.id = ?",
                              arguments: [id])
                .map { $0.prefix(4).map { String(format: "%02X", $0) }.joined() }
        }
    }

    /// Recomputes the whole hash chain and the sequence; returns the number of entries checked.
    /// (`verify` also checks signatures and the derived tables.)
    public func verifyChain() throws -> Int64 {
        try pool.read { db in try ChainWalk.run(db, from: 0, previous: Self.genesis) { _ in }.last }
    }

    // MARK: - Records

    /// The hash of an event: sha256(previous hash ‖ "seq\nat\nsession\nkind\npayload"), and
    /// "\nwrites" after that when the event wrote derived rows. Rows without writes (all rows
    /// before format v1's `writes`) hash exactly as they always did.
    public static func chain(_ previous: [UInt8], seq: Int64, at: Timestamp, session: String?, kind: String, payload: String,
                      writes: String?) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: Data("\(seq)\n\(at)\n\(session ?? "")\n\(kind)\n\(payload)".utf8))
        if let writes { hasher.update(data: Data("\n\(writes)".utf8)) }
        return Array(hasher.finalize())
    }

    static func entry(_ row: Row) throws -> JournalEntry {
        let seq: Int64 = row["seq"]
        let payload: String = row["payload"]
        let event: JournalEvent
        var after: LaneSummary?
        do {
            event = try JournalFormat.journalEvent(payload: payload)
            if let text: String = row["after"] { after = try LaneSummary(text: text) }
        } catch {
            throw JournalError.undecodable(seq: seq, "\(error)")
        }
        return JournalEntry(seq: seq, at: row["at"], session: row["session"], kind: row["kind"], event: event,
                            after: after, hash: [UInt8](row["hash"] as Data))
    }

    static func sale(id: String, record: String) throws -> CompletedSale {
        do { return try JournalFormat.sale(record: record) } catch { throw JournalError.undecodableSale(id: id, "\(error)") }
    }

    /// Where a coupon id was redeemed: in a sale on this lane, or (`saleID` nil) on another lane
    /// as head office reported.
    public func couponRedemption(id: String) throws -> (saleID: String?, seq: Int64)? {
        try pool.read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT sale_id, seq FROM coupon_redemption WHERE coupon_id = ?", arguments: [id]) {
                return (row["sale_id"], row["seq"])
            }
            return try Int64.fetchOne(db, sql: "SELECT seq FROM coupon_blocked WHERE coupon_id = ?", arguments: [id]).map { (nil, $0) }
        }
    }
}
