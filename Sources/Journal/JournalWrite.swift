import Checkout
import Foundation
import GRDB
import Retail

/// One change an event made to the journal's derived tables (sessions, attempts, sales and their
/// lines, discounts, taxes, payments, coupon redemptions, receipts, acknowledgements).
///
/// An event's writes are stored with it (`event.writes`, wire format v1) and covered by its hash,
/// so editing a sale row is detected, not only editing an event; and applying every event's
/// writes to empty tables rebuilds the derived tables, which is how `verify` checks them. The
/// same `apply` writes them in the first place, so the two cannot disagree.
public enum JournalWrite: Hashable, Sendable {
    case sessionStarted(id: String)
    case sessionEnded(id: String, SessionEnd)
    case attemptRequested(PaymentAttempt)
    case attemptResolved(id: String, AttemptResolution, reference: String?)
    case saleRecorded(CompletedSale)
    case receiptRequested(saleID: String)
    case receiptDone(saleID: String, printed: Bool)
    /// A receipt that did not print came out later.
    case receiptReprinted(saleID: String)
    /// A coupon id redeemed on another lane: refused here from now on.
    case couponBlocked(id: String)
    /// Head office stored everything up to `seq`, whose hash is `hash`.
    case acknowledged(seq: Int64, hash: [UInt8])

    /// What the reducer's effects change in the derived tables (payments and printing themselves
    /// are the shell's).
    static func writes(of effect: Effect) -> [JournalWrite] {
        switch effect {
        case .requestPayment(let attempt): return [.attemptRequested(attempt)]
        case .resolveAttempt(let id, let resolution, let reference): return [.attemptResolved(id: id, resolution, reference: reference)]
        case .recordSale(let sale): return [.saleRecorded(sale)]
        case .printReceipt(let sale): return [.receiptRequested(saleID: sale.id)]
        case .receiptDone(let saleID, let printed): return [.receiptDone(saleID: saleID, printed: printed)]
        case .sessionEnded(let id, let end): return [.sessionEnded(id: id, end)]
        }
    }

    /// Writes this change for the event `seq` (of `session`).
    func apply(seq: Int64, session: String?, db: Database) throws {
        switch self {
        case .sessionStarted(let id):
            try db.run("INSERT INTO session (id, started_seq) VALUES (?, ?)", arguments: [id, seq])
        case .sessionEnded(let id, let end):
            try db.run("UPDATE session SET ended_seq = ?, outcome = ? WHERE id = ?", arguments: [seq, end.rawValue, id])
        case .attemptRequested(let attempt):
            try db.run("""
                INSERT INTO payment_attempt (id, session, amount, currency, state, requested_seq, wallet)
                VALUES (?, ?, ?, ?, 'requested', ?, ?)
                """, arguments: [attempt.id, session, attempt.amount.minorUnits, attempt.amount.currency.code, seq,
                                 attempt.wallet.map { "\($0.kind.rawValue) \($0.masked)" }])
        case .attemptResolved(let id, let resolution, let reference):
            try db.run("UPDATE payment_attempt SET state = ?, reference = ?, resolved_seq = ? WHERE id = ?",
                           arguments: [resolution.rawValue, reference, seq, id])
        case .saleRecorded(let sale):
            try Self.insert(sale, seq: seq, db: db)
        case .receiptRequested(let saleID):
            try db.run("INSERT INTO receipt (sale_id, state, requested_seq) VALUES (?, 'pending', ?)", arguments: [saleID, seq])
        case .receiptDone(let saleID, let printed):
            try db.run("UPDATE receipt SET state = ?, done_seq = ? WHERE sale_id = ?",
                           arguments: [printed ? "printed" : "missed", seq, saleID])
        case .receiptReprinted(let saleID):
            try db.run("UPDATE receipt SET state = 'printed', done_seq = ? WHERE sale_id = ? AND state = 'missed'",
                           arguments: [seq, saleID])
        case .couponBlocked(let id):
            try db.run("INSERT OR IGNORE INTO coupon_blocked (coupon_id, seq) VALUES (?, ?)", arguments: [id, seq])
        case .acknowledged(let acknowledged, let hash):
            try db.run("INSERT INTO acknowledgement (seq, acknowledged_seq, acknowledged_hash) VALUES (?, ?, ?)",
                           arguments: [seq, acknowledged, Data(hash)])
        }
    }

    /// The sale row and the rows reports read: lines, discounts, taxes, payment, coupons.
    static func insert(_ sale: CompletedSale, seq: Int64, db: Database) throws {
        let rows = SaleRows(sale)
        try db.run("""
            INSERT INTO sale (id, seq, completed_at, currency, subtotal, total, item_count, member, record)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [rows.id, seq, rows.completedAt, rows.currency, rows.subtotal, rows.total, rows.itemCount,
                             rows.member, JournalFormat.record(sale)])
        for line in rows.lines {
            try db.run("""
                INSERT INTO sale_line (sale_id, line_no, gtin, name, quantity, unit_price, amount, tax_code)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [rows.id, line.number, line.gtin, line.name, line.quantity, line.unitPrice, line.amount, line.taxCode])
        }
        for discount in rows.discounts {
            try db.run("INSERT INTO sale_discount (sale_id, gtin, promotion, amount) VALUES (?, ?, ?, ?)",
                           arguments: [rows.id, discount.gtin, discount.promotion, discount.amount])
        }
        for tax in rows.taxes {
            try db.run("INSERT INTO sale_tax (sale_id, tax_code, basis_points, gross, tax) VALUES (?, ?, ?, ?, ?)",
                           arguments: [rows.id, tax.code, tax.basisPoints, tax.gross, tax.tax])
        }
        let payment = rows.payment
        try db.run("INSERT INTO sale_payment (sale_id, attempt_id, tender, reference, amount) VALUES (?, ?, ?, ?, ?)",
                       arguments: [rows.id, payment.attemptID, payment.tender, payment.reference, payment.amount])
        for coupon in rows.redemptions {
            // The lane refuses a redeemed id before it reaches a cart, so a conflict here is a bug;
            // failing would lose a sale whose money was taken, so the first redemption stays and
            // this one is only not recorded twice.
            try db.run("INSERT OR IGNORE INTO coupon_redemption (coupon_id, sale_id, seq, amount) VALUES (?, ?, ?, ?)",
                           arguments: [coupon.couponID, rows.id, seq, coupon.amount])
        }
    }
}

// MARK: - Wire format

extension JournalWrite {
    var wire: JSONValue {
        switch self {
        case .sessionStarted(let id): return .object(["type": "session-started", "id": .string(id)])
        case .sessionEnded(let id, let end):
            return .object(["type": "session-ended", "id": .string(id), "outcome": .string(end.rawValue)])
        case .attemptRequested(let attempt): return .object(["type": "attempt-requested", "attempt": attempt.wire])
        case .attemptResolved(let id, let resolution, let reference):
            var w = WireWriter(type: "attempt-resolved")
            w["id"] = .string(id)
            w["state"] = .string(resolution.rawValue)
            w["reference"] = reference.map(JSONValue.string)
            return w.value
        case .saleRecorded(let sale): return .object(["type": "sale-recorded", "sale": sale.wire])
        case .receiptRequested(let saleID): return .object(["type": "receipt-requested", "saleID": .string(saleID)])
        case .receiptDone(let saleID, let printed):
            return .object(["type": "receipt-done", "saleID": .string(saleID), "printed": .bool(printed)])
        case .receiptReprinted(let saleID): return .object(["type": "receipt-reprinted", "saleID": .string(saleID)])
        case .couponBlocked(let id): return .object(["type": "coupon-blocked", "id": .string(id)])
        case .acknowledged(let seq, let hash):
            return .object(["type": "acknowledged", "seq": .int(seq), "hash": .string(Hex.encode(hash))])
        }
    }

    init(wire o: WireObject) throws(WireError) {
        switch try o.type() {
        case "session-started": self = .sessionStarted(id: try o.string("id"))
        case "session-ended":
            let outcome = try o.string("outcome")
            guard let end = SessionEnd(rawValue: outcome) else { throw o.error("outcome", "unknown session outcome \"\(outcome)\"") }
            self = .sessionEnded(id: try o.string("id"), end)
        case "attempt-requested": self = .attemptRequested(try PaymentAttempt(wire: try o.object("attempt")))
        case "attempt-resolved":
            let state = try o.string("state")
            guard let resolution = AttemptResolution(rawValue: state) else { throw o.error("state", "unknown attempt state \"\(state)\"") }
            self = .attemptResolved(id: try o.string("id"), resolution, reference: try o.optionalString("reference"))
        case "sale-recorded": self = .saleRecorded(try CompletedSale(wire: try o.object("sale")))
        case "receipt-requested": self = .receiptRequested(saleID: try o.string("saleID"))
        case "receipt-done": self = .receiptDone(saleID: try o.string("saleID"), printed: try o.bool("printed"))
        case "receipt-reprinted": self = .receiptReprinted(saleID: try o.string("saleID"))
        case "coupon-blocked": self = .couponBlocked(id: try o.string("id"))
        case "acknowledged":
            self = .acknowledged(seq: try o.int("seq"), hash: try Hex.digest(o, "hash"))
        case let other: throw o.error("type", "unknown write \"\(other)\"")
        }
    }

    /// The text stored in `event.writes` (nil when the event wrote nothing).
    static func text(_ writes: [JournalWrite]) -> String? {
        writes.isEmpty ? nil : JSONValue.array(writes.map(\.wire)).text
    }

    static func read(_ text: String) throws(WireError) -> [JournalWrite] {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch { throw WireError(path: "writes", problem: "not JSON: \(error)") }
        guard case .array(let elements) = json else { throw WireError(path: "writes", problem: "not an array") }
        var writes: [JournalWrite] = []
        for (i, element) in elements.enumerated() {
            writes.append(try JournalWrite(wire: try WireObject(element, path: "writes[\(i)]")))
        }
        return writes
    }
}

/// Lower-case hex for hashes and signatures in the wire format and the sync API.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex digits of `bytes`, appended to `out` (for writers that build their bytes directly).
    public static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        for byte in bytes {
            out.append(digits.utf8Start[Int(byte >> 4)])
            out.append(digits.utf8Start[Int(byte & 0xF)])
        }
    }

    /// Exactly `2 * count` hex digits (either case), or nil.
    public static func decode(_ text: String, count: Int) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count == 2 * count else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let high = nibble(chars[i]), let low = nibble(chars[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// A 32-byte hash field.
    static func digest(_ o: WireObject, _ key: String) throws(WireError) -> [UInt8] {
        guard let bytes = decode(try o.string(key), count: 32) else { throw o.error(key, "not 64 hex digits") }
        return bytes
    }
}

extension Database {
    /// Runs one of the journal's fixed statements, prepared once per connection: verifying a
    /// year of sales applies millions of them.
    func run(_ sql: String, arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
