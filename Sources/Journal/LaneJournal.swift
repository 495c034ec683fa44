import Checkout
import Crypto
import Foundation
import GRDB
import Retail

/// One journaled lane event.
public struct JournalEntry: Sendable, Hashable {
    public let seq: Int64
    public let at: Timestamp
    public let session: String?
    /// The event's type (`JournalFormat.kind`; version 0 rows have the Swift case name).
    public let kind: String
    public let event: LaneEvent
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

    public var description: String {
        switch self {
        case .undecodable(let seq, let why): return "journal entry \(seq) cannot be read: \(why)"
        case .undecodableSale(let id, let why): return "sale \(id) in the journal cannot be read: \(why)"
        case .brokenChain(let seq): return "journal hash chain broken at entry \(seq): a record was changed or removed"
        }
    }
}

/// The lane's durable record: an append-only, hash-chained SQLite journal (WAL, synchronous=FULL).
///
/// The shell appends an event only after the reducer accepted it and before anyone is told:
/// what the journal holds is what happened. Sales and payment attempts are written in the same
/// transaction as the event that caused them, so a crash leaves all or nothing.
public final class LaneJournal: Sendable {
    let pool: DatabasePool
    private static let genesis = [UInt8](repeating: 0, count: 32)

    public init(path: String) throws {
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
    }

    /// Appends an accepted event with everything it caused, in one transaction: the session it
    /// opens, and what its effects change (attempts, the sale, the receipt, the session's end).
    /// Only `LaneEngine` calls this: the reducer decided, the journal only writes down.
    func append(_ event: LaneEvent, at: Timestamp, before: LaneState, transition: Transition,
                after summary: LaneSummary) throws -> JournalEntry {
        let after = transition.state
        let session = after.sessionID ?? before.sessionID
        let payload = JournalFormat.payload(event)
        let kind = JournalFormat.kind(of: event)
        let summaryText = summary.wire.text
        return try pool.write { db in
            let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")
            let seq: Int64 = (last?["seq"] ?? 0) + 1
            let previous: [UInt8] = last.map { [UInt8]($0["hash"] as Data) } ?? Self.genesis
            let hash = Self.chain(previous, seq: seq, at: at, session: session, kind: kind, payload: payload)
            try db.execute(sql: "INSERT INTO event (seq, at, session, kind, payload, hash, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [seq, at, session, kind, payload, Data(hash), summaryText])
            if let id = after.sessionID, id != before.sessionID {
                try db.execute(sql: "INSERT INTO session (id, started_seq) VALUES (?, ?)", arguments: [id, seq])
            }
            for effect in transition.effects {
                try Self.record(effect, seq: seq, session: session, db: db)
            }
            return JournalEntry(seq: seq, at: at, session: session, kind: kind, event: event, after: summary, hash: hash)
        }
    }

    private static func record(_ effect: Effect, seq: Int64, session: String?, db: Database) throws {
        switch effect {
        case .requestPayment(let attempt):
            try db.execute(sql: """
                INSERT INTO payment_attempt (id, session, amount, currency, state, requested_seq, wallet)
                VALUES (?, ?, ?, ?, 'requested', ?, ?)
                """, arguments: [attempt.id, session, attempt.amount.minorUnits, attempt.amount.currency.code, seq,
                                 attempt.wallet.map { "\($0.kind.rawValue) \($0.masked)" }])
        case .resolveAttempt(let id, let resolution, let reference):
            try db.execute(sql: "UPDATE payment_attempt SET state = ?, reference = ?, resolved_seq = ? WHERE id = ?",
                           arguments: [resolution.rawValue, reference, seq, id])
        case .recordSale(let sale):
            try insert(sale, seq: seq, db: db)
        case .printReceipt(let sale):
            try db.execute(sql: "INSERT INTO receipt (sale_id, state, requested_seq) VALUES (?, 'pending', ?)",
                           arguments: [sale.id, seq])
        case .receiptDone(let saleID, let printed):
            try db.execute(sql: "UPDATE receipt SET state = ?, done_seq = ? WHERE sale_id = ?",
                           arguments: [printed ? "printed" : "missed", seq, saleID])
        case .sessionEnded(let id, let outcome):
            try db.execute(sql: "UPDATE session SET ended_seq = ?, outcome = ? WHERE id = ?",
                           arguments: [seq, outcome.rawValue, id])
        }
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

    /// A missed receipt came out after all.
    public func receiptReprinted(saleID: String) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE receipt SET state = 'printed', done_seq = (SELECT MAX(seq) FROM event)
                WHERE sale_id = ? AND state = 'missed'
                """, arguments: [saleID])
        }
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
    public func verifyChain() throws -> Int64 {
        try pool.read { db in
            var previous = Self.genesis
            var expected: Int64 = 1
            let cursor = try Row.fetchCursor(db, sql: "SELECT seq, at, session, kind, payload, hash FROM event ORDER BY seq")
            while let row = try cursor.next() {
                let seq: Int64 = row["seq"]
                guard seq == expected else { throw JournalError.brokenChain(seq: expected) }
                let hash = Self.chain(previous, seq: seq, at: row["at"], session: row["session"],
                                      kind: row["kind"], payload: row["payload"])
                guard hash == [UInt8](row["hash"] as Data) else { throw JournalError.brokenChain(seq: seq) }
                previous = hash
                expected += 1
            }
            return expected - 1
        }
    }

    // MARK: - Records

    static func chain(_ previous: [UInt8], seq: Int64, at: Timestamp, session: String?, kind: String, payload: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: Data("\(seq)\n\(at)\n\(session ?? "")\n\(kind)\n\(payload)".utf8))
        return Array(hasher.finalize())
    }

    static func entry(_ row: Row) throws -> JournalEntry {
        let seq: Int64 = row["seq"]
        let payload: String = row["payload"]
        let event: LaneEvent
        var after: LaneSummary?
        do {
            event = try JournalFormat.event(payload: payload)
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

    static func insert(_ sale: CompletedSale, seq: Int64, db: Database) throws {
        let record = JournalFormat.record(sale)
        let priced = sale.priced
        try db.execute(sql: """
            INSERT INTO sale (id, seq, completed_at, currency, subtotal, total, item_count, member, record)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [sale.id, seq, sale.completedAt, priced.total.currency.code, priced.subtotal.minorUnits,
                             priced.total.minorUnits, priced.itemCount, sale.member, record])
        for (number, (line, price)) in zip(sale.lines, priced.lines).enumerated() {
            try db.execute(sql: """
                INSERT INTO sale_line (sale_id, line_no, gtin, name, quantity, unit_price, amount, tax_code)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sale.id, number + 1, line.item.gtin.digits, line.item.name.en, line.quantity,
                                 price.unitPrice.minorUnits, price.amount.minorUnits, line.item.taxCode])
        }
        for discount in priced.discounts {
            // A coupon spread over several items has no single GTIN: stored as "".
            try db.execute(sql: "INSERT INTO sale_discount (sale_id, gtin, promotion, amount) VALUES (?, ?, ?, ?)",
                           arguments: [sale.id, discount.gtin?.digits ?? "", discount.promotion, discount.amount.minorUnits])
        }
        for tax in priced.taxes {
            try db.execute(sql: "INSERT INTO sale_tax (sale_id, tax_code, basis_points, gross, tax) VALUES (?, ?, ?, ?, ?)",
                           arguments: [sale.id, tax.rate.code, tax.rate.basisPoints, tax.gross.minorUnits, tax.tax.minorUnits])
        }
        try db.execute(sql: "INSERT INTO sale_payment (sale_id, attempt_id, tender, reference, amount) VALUES (?, ?, ?, ?, ?)",
                       arguments: [sale.id, sale.attempt.id, sale.tender, sale.paymentReference, sale.attempt.amount.minorUnits])
        for coupon in priced.coupons where coupon.applied {
            // The lane refuses a redeemed id before it reaches a cart, so a conflict here is a bug;
            // failing would lose a sale whose money was taken, so the first redemption stays and
            // this one is only not recorded twice.
            try db.execute(sql: "INSERT OR IGNORE INTO coupon_redemption (coupon_id, sale_id, seq, amount) VALUES (?, ?, ?, ?)",
                           arguments: [coupon.coupon.id, sale.id, seq, coupon.amount.minorUnits])
        }
    }

    /// Where a coupon id was redeemed on this lane, if it was.
    public func couponRedemption(id: String) throws -> (saleID: String, seq: Int64)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT sale_id, seq FROM coupon_redemption WHERE coupon_id = ?", arguments: [id])
                .map { ($0["sale_id"], $0["seq"]) }
        }
    }
}
