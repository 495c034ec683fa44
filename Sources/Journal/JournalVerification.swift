import Crypto
import Foundation
import GRDB

/// What a full verification checked (`kiosk journal verify`).
public struct VerificationReport: Sendable, Hashable {
    /// Events whose hash was recomputed.
    public let events: Int64
    /// Signed heads whose signature and hash were checked.
    public let signedHeads: Int
    /// Derived rows (sessions, attempts, sales and their lines..., receipts) compared with what
    /// the events wrote.
    public let derivedRows: Int
    /// Events written before events carried their writes (kiosk versions before the signed
    /// journal): their derived rows are not covered by the hash, and are not compared.
    public let legacyEvents: Int64
}

/// Where the start-up check began and ended (`LaneJournal.verifyOnStart`).
public struct StartCheck: Sendable, Hashable {
    /// The signed head the previous start verified up to (0: from the first event).
    public let from: Int64
    public let to: Int64
}

/// Walks the event table in order from `from` (exclusive), recomputing every hash from
/// `previous`: a gap, an edit or a reordering throws at the first row that does not match.
enum ChainWalk {
    struct Row {
        let seq: Int64
        let hash: [UInt8]
        let writes: String?
    }

    static func run(_ db: Database, from: Int64, previous start: [UInt8],
                    visit: (Row) throws -> Void) throws -> (count: Int64, last: Int64, hash: [UInt8]) {
        var previous = start
        var expected = from + 1
        let cursor = try GRDB.Row.fetchCursor(db, sql: """
            SELECT seq, at, session, kind, payload, hash, writes FROM event WHERE seq > ? ORDER BY seq
            """, arguments: [from])
        while let row = try cursor.next() {
            let seq: Int64 = row["seq"]
            guard seq == expected else { throw JournalError.brokenChain(seq: expected) }
            let writes: String? = row["writes"]
            let hash = LaneJournal.chain(previous, seq: seq, at: row["at"], session: row["session"],
                                         kind: row["kind"], payload: row["payload"], writes: writes)
            guard hash == [UInt8](row["hash"] as Data) else { throw JournalError.brokenChain(seq: seq) }
            try visit(Row(seq: seq, hash: hash, writes: writes))
            previous = hash
            expected += 1
        }
        return (expected - 1 - from, expected - 1, previous)
    }
}

extension LaneJournal {
    // MARK: - Signed heads

    static func store(_ head: SignedHead, db: Database) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO signed_head (seq, lane, at, hash, signature) VALUES (?, ?, ?, ?, ?)",
                       arguments: [head.seq, head.lane, head.at, Data(head.hash), Data(head.signature)])
    }

    static func signedHead(_ row: Row) -> SignedHead {
        SignedHead(lane: row["lane"], seq: row["seq"], hash: [UInt8](row["hash"] as Data), at: row["at"],
                   signature: [UInt8](row["signature"] as Data))
    }

    /// Signs the chain head at `at` and keeps it (a head already signed is returned as it was):
    /// the newest event on the disk (`newestSeq()`), for head office holds what this signs. Nil
    /// for an empty journal or one opened without the lane's key.
    @discardableResult
    public func signHead(at: Int64) throws -> SignedHead? {
        guard let identity else { return nil }
        let newest = newestSeq()
        return try pool.write { db in
            guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event WHERE seq <= ? ORDER BY seq DESC LIMIT 1",
                                              arguments: [newest]) else { return nil }
            let seq: Int64 = head["seq"]
            if let stored = try Row.fetchOne(db, sql: "SELECT * FROM signed_head WHERE seq = ?", arguments: [seq]) {
                return Self.signedHead(stored)
            }
            let signed = identity.sign(seq: seq, hash: [UInt8](head["hash"] as Data), at: at)
            try Self.store(signed, db: db)
            return signed
        }
    }

    // MARK: - Verification

    /// Checks everything the journal can prove about itself: the hash chain from the first event,
    /// every signed head (signature, and the event it names still has that hash), and that the
    /// derived tables hold exactly what the events wrote. Throws at the first problem.
    ///
    /// What it cannot see: a tail cut off together with the signed heads after it, or a chain
    /// rewritten and re-signed with the lane's own key. Head office sees both, because it keeps
    /// the newest signed head it pulled (docs/journal-format.md).
    public func verify() throws -> VerificationReport {
        try pool.read { db in
            var boundary: Int64?
            let walk = try ChainWalk.run(db, from: 0, previous: Self.genesis) { row in
                if boundary == nil, row.writes != nil { boundary = row.seq }
            }
            let heads = try checkSignedHeads(db, after: 0, last: walk.last)
            let firstWrites = boundary ?? walk.last + 1
            let rows = try DerivedTables.compare(db, firstWrites: firstWrites)
            return VerificationReport(events: walk.count, signedHeads: heads, derivedRows: rows, legacyEvents: firstWrites - 1)
        }
    }

    /// The start-up check: the chain from the signed head the previous start verified (so a year
    /// of sales does not slow start-up), every signed head since, and then the current head is
    /// signed and remembered for next time. Without the lane's key, the whole chain is walked.
    @discardableResult
    public func verifyOnStart(at now: Int64) throws -> StartCheck {
        let (from, last) = try pool.read { db in
            var from: Int64 = 0
            var previous = Self.genesis
            if identity != nil, let checked = try Int64.fetchOne(db, sql: "SELECT seq FROM start_check WHERE id = 1") {
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM signed_head WHERE seq = ?", arguments: [checked]) else {
                    throw JournalError.tampered(seq: checked, .entriesRemoved, "the signed head the last start verified up to is missing")
                }
                let head = Self.signedHead(row)
                try checkSignedHead(head, db: db)
                from = checked
                previous = head.hash
            }
            let walk = try ChainWalk.run(db, from: from, previous: previous) { _ in }
            _ = try checkSignedHeads(db, after: from, last: walk.last)
            return (from, walk.last)
        }
        if identity != nil, try signHead(at: now) != nil {
            try pool.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO start_check (id, seq) VALUES (1, ?)", arguments: [last])
            }
        }
        return StartCheck(from: from, to: last)
    }

    /// Checks the journal against a signed head kept outside it (what head office does with the
    /// newest head it pulled): the journal still reaches that entry, with that hash. This is what
    /// catches a tail cut off together with its signed heads, or a chain rewritten from scratch.
    public func check(against kept: SignedHead) throws {
        try pool.read { db in
            guard let stored = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = ?", arguments: [kept.seq]) else {
                throw JournalError.tampered(seq: kept.seq, .entriesRemoved, "head office holds a signed head at this entry, but the journal ends before it")
            }
            guard [UInt8](stored) == kept.hash else {
                throw JournalError.tampered(seq: kept.seq, .chainRewritten, "head office holds another hash for this entry: the chain was rewritten")
            }
        }
    }

    /// Checks the signed heads after `after`; returns how many. A head beyond `last` means events
    /// were removed from the end.
    private func checkSignedHeads(_ db: Database, after: Int64, last: Int64) throws -> Int {
        guard identity != nil else { return 0 }
        var count = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM signed_head WHERE seq > ? ORDER BY seq", arguments: [after])
        while let row = try cursor.next() {
            let head = Self.signedHead(row)
            guard head.seq <= last else {
                throw JournalError.tampered(seq: head.seq, .entriesRemoved, "the lane signed this entry, but the journal ends at \(last): entries were removed")
            }
            try checkSignedHead(head, db: db)
            count += 1
        }
        return count
    }

    private func checkSignedHead(_ head: SignedHead, db: Database) throws {
        guard let identity, head.isValid(publicKey: identity.publicKey) else {
            throw JournalError.tampered(seq: head.seq, .signatureInvalid, "the signed head's signature is not the lane's")
        }
        let stored = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = ?", arguments: [head.seq])
        guard let stored else {
            throw JournalError.tampered(seq: head.seq, .entriesRemoved, "the lane signed this entry, but it is missing: entries were removed")
        }
        guard [UInt8](stored) == head.hash else {
            throw JournalError.tampered(seq: head.seq, .chainRewritten, "the entry's hash differs from the one the lane signed: the chain was rewritten")
        }
    }
}

/// The derived tables rebuilt from the events' writes, in a scratch database, and compared row by
/// row with the journal's. Rows created by events older than `firstWrites` (written before events
/// carried their writes) are left out on both sides.
enum DerivedTables {
    /// Each table's rows that events from `firstWrites` on created, in a fixed order.
    static let queries: [(table: String, sql: String)] = [
        ("session", "SELECT id, started_seq, ended_seq, outcome FROM session WHERE started_seq >= ?1 ORDER BY id"),
        ("payment_attempt", """
            SELECT id, session, amount, currency, state, reference, requested_seq, resolved_seq, wallet
            FROM payment_attempt WHERE requested_seq >= ?1 ORDER BY id
            """),
        ("sale", "SELECT id, seq, completed_at, currency, subtotal, total, item_count, member, record FROM sale WHERE seq >= ?1 ORDER BY id"),
        ("sale_line", """
            SELECT sale_id, line_no, gtin, name, quantity, unit_price, amount, tax_code FROM sale_line
            WHERE sale_id NOT IN (SELECT id FROM sale WHERE seq < ?1) ORDER BY sale_id, line_no
            """),
        ("sale_discount", """
            SELECT sale_id, gtin, promotion, amount FROM sale_discount
            WHERE sale_id NOT IN (SELECT id FROM sale WHERE seq < ?1) ORDER BY sale_id, gtin, promotion, amount
            """),
        ("sale_tax", """
            SELECT sale_id, tax_code, basis_points, gross, tax FROM sale_tax
            WHERE sale_id NOT IN (SELECT id FROM sale WHERE seq < ?1) ORDER BY sale_id, tax_code
            """),
        ("sale_payment", """
            SELECT sale_id, attempt_id, tender, reference, amount FROM sale_payment
            WHERE sale_id NOT IN (SELECT id FROM sale WHERE seq < ?1) ORDER BY sale_id
            """),
        ("coupon_redemption", "SELECT coupon_id, sale_id, seq, amount FROM coupon_redemption WHERE seq >= ?1 ORDER BY coupon_id"),
        ("receipt", "SELECT sale_id, state, requested_seq, done_seq FROM receipt WHERE requested_seq >= ?1 ORDER BY sale_id"),
        ("coupon_blocked", "SELECT coupon_id, seq FROM coupon_blocked WHERE seq >= ?1 ORDER BY coupon_id"),
        ("acknowledgement", "SELECT seq, acknowledged_seq, acknowledged_hash FROM acknowledgement WHERE seq >= ?1 ORDER BY seq"),
    ]

    /// Returns the number of rows compared; throws at the first difference.
    static func compare(_ journal: Database, firstWrites: Int64) throws -> Int {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = Configuration()
        config.foreignKeysEnabled = false // the scratch copy has the derived tables, not the events
        let scratch = try DatabaseQueue(path: folder.appendingPathComponent("rebuilt.sqlite").path, configuration: config)
        try Schema.migrator.migrate(scratch)
        try scratch.write { rebuilt in
            let events = try Row.fetchCursor(journal, sql: "SELECT seq, session, writes FROM event WHERE writes IS NOT NULL ORDER BY seq")
            while let event = try events.next() {
                let seq: Int64 = event["seq"]
                let writes: [JournalWrite]
                do { writes = try JournalWrite.read(event["writes"]) } catch {
                    throw JournalError.tampered(seq: seq, .unreadable, "its writes cannot be read: \(error)")
                }
                for write in writes { try write.apply(seq: seq, session: event["session"], db: rebuilt) }
            }
        }
        var compared = 0
        try scratch.read { rebuilt in
            for (table, sql) in queries {
                let actual = try Row.fetchCursor(journal, sql: sql, arguments: [firstWrites])
                let expected = try Row.fetchCursor(rebuilt, sql: sql, arguments: [firstWrites])
                while true {
                    let a = try actual.next(), e = try expected.next()
                    if a == nil && e == nil { break }
                    guard let a, let e, a == e else {
                        let row = a ?? e!
                        let what = a == nil ? "a row the events wrote is missing"
                            : e == nil ? "a row no event wrote is present" : "a row differs from what the events wrote"
                        throw JournalError.tampered(seq: Self.seq(of: row), .derivedMismatch, "\(table): \(what) (\(row))")
                    }
                    compared += 1
                }
            }
        }
        return compared
    }

    /// The event a derived row belongs to, for the error message (0 when it names none).
    private static func seq(of row: Row) -> Int64 {
        for column in ["seq", "started_seq", "requested_seq"] {
            if let seq: Int64 = row[column] { return seq }
        }
        return 0
    }
}
