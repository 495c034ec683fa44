import Checkout
import Retail

/// The journal's wire format: how lane events and sales are written (docs/journal-format.md).
///
/// Version 1 records are JSON objects with explicit keys, a `type` and `"v": 1`. Version 0 is what
/// the kiosk wrote before: Swift's synthesized `Codable` of the same values. A v0 record is read
/// by translating it to v1 (`JournalFormatV0`), so old journals restore and verify forever.
public enum JournalFormat {
    public static let version: Int64 = 1

    /// The text stored for an event (the hash chain covers exactly these bytes).
    public static func payload(_ event: LaneEvent) -> String { event.wire.text }

    /// Reads a stored event of any version.
    public static func event(payload: String) throws(WireError) -> LaneEvent {
        try LaneEvent(wire: try record(payload, upgrade: JournalFormatV0.event))
    }

    /// Reads a stored event of any version, lane or administrative.
    public static func journalEvent(payload: String) throws(WireError) -> JournalEvent {
        let o = try record(payload, upgrade: JournalFormatV0.event)
        if let type = o.optional("type"), case .string(let kind) = type, AdminEvent.kinds.contains(kind) {
            return .admin(try AdminEvent(wire: o))
        }
        return .lane(try LaneEvent(wire: o))
    }

    /// The text stored for any event.
    public static func payload(_ event: JournalEvent) -> String {
        switch event {
        case .lane(let event): return payload(event)
        case .admin(let event): return event.wire.text
        }
    }

    /// The text stored for a sale (`sale.record`).
    public static func record(_ sale: CompletedSale) -> String { sale.wire.text }

    /// Reads a stored sale of any version.
    public static func sale(record: String) throws(WireError) -> CompletedSale {
        try CompletedSale(wire: try Self.record(record, upgrade: JournalFormatV0.sale))
    }

    /// Parses a record and brings a v0 one up to v1; a version this code does not know is an
    /// error (a newer kiosk wrote it), never guessed at.
    static func record(_ text: String, upgrade: (JSONValue) throws(WireError) -> JSONValue) throws(WireError) -> WireObject {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch { throw WireError(path: "", problem: "not JSON: \(error)") }
        let o = try WireObject(json)
        guard let version = o.optional("v") else { return try WireObject(try upgrade(json)) }
        guard version == .int(Self.version) else { throw o.error("v", "version \(version.text) is newer than this kiosk reads (\(Self.version))") }
        return o
    }

    /// The kinds of event, as stored in the `kind` column and the `type` key.
    public static func kind(of event: LaneEvent) -> String {
        switch event {
        case .itemScanned: return "item-scanned"
        case .memberCardScanned: return "member-card-scanned"
        case .couponScanned: return "coupon-scanned"
        case .walletCodeScanned: return "wallet-code-scanned"
        case .scanRejected: return "scan-rejected"
        case .removeLine: return "remove-line"
        case .cancelRequested: return "cancel-requested"
        case .payRequested: return "pay-requested"
        case .paymentFinished: return "payment-finished"
        case .receiptFinished: return "receipt-finished"
        case .staffApproved: return "staff-approved"
        case .staffRejected: return "staff-rejected"
        case .finish: return "finish"
        case .paperReceipt: return "paper-receipt"
        case .tick: return "tick"
        case .staffModeClosed: return "staff-mode-closed"
        }
    }
}

extension LaneEvent {
    var wire: JSONValue {
        var w = WireWriter(type: JournalFormat.kind(of: self))
        w["v"] = .int(JournalFormat.version)
        switch self {
        case .itemScanned(let item, let embeddedPrice):
            w["item"] = item.wire
            w["embeddedPrice"] = embeddedPrice?.wire
        case .memberCardScanned(let card): w["card"] = .string(card)
        case .couponScanned(let coupon): w["coupon"] = coupon.wire
        case .walletCodeScanned(let wallet): w["wallet"] = wallet.wire
        case .scanRejected(let code, let reason, let unknownItem):
            w["code"] = .string(code)
            w["reason"] = .string(reason)
            w["unknownItem"] = .bool(unknownItem)
        case .removeLine(let id): w["lineID"] = .int(Int64(id))
        case .paymentFinished(let attemptID, let outcome):
            w["attemptID"] = .string(attemptID)
            w["outcome"] = outcome.wire
        case .receiptFinished(let saleID, let printed):
            w["saleID"] = .string(saleID)
            w["printed"] = .bool(printed)
        case .staffApproved(let staffID), .staffRejected(let staffID), .staffModeClosed(let staffID):
            w["staffID"] = .string(staffID)
        case .paperReceipt(let wanted): w["wanted"] = .bool(wanted)
        case .cancelRequested, .payRequested, .finish, .tick: break
        }
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        switch try o.type() {
        case "item-scanned":
            self = .itemScanned(try CatalogItem(wire: try o.object("item")), embeddedPrice: try Money.optional(o, "embeddedPrice"))
        case "member-card-scanned": self = .memberCardScanned(try o.string("card"))
        case "coupon-scanned": self = .couponScanned(try Coupon(wire: try o.object("coupon")))
        case "wallet-code-scanned": self = .walletCodeScanned(try WalletCode(wire: try o.object("wallet")))
        case "scan-rejected":
            self = .scanRejected(code: try o.string("code"), reason: try o.string("reason"), unknownItem: try o.bool("unknownItem"))
        case "remove-line": self = .removeLine(id: try o.int("lineID", in: 0...Int(Int32.max)))
        case "cancel-requested": self = .cancelRequested
        case "pay-requested": self = .payRequested
        case "payment-finished":
            self = .paymentFinished(attemptID: try o.string("attemptID"), try PaymentOutcome(wire: try o.object("outcome")))
        case "receipt-finished": self = .receiptFinished(saleID: try o.string("saleID"), printed: try o.bool("printed"))
        case "staff-approved": self = .staffApproved(staffID: try o.string("staffID"))
        case "staff-rejected": self = .staffRejected(staffID: try o.string("staffID"))
        case "finish": self = .finish
        case "paper-receipt": self = .paperReceipt(wanted: try o.bool("wanted"))
        case "tick": self = .tick
        case "staff-mode-closed": self = .staffModeClosed(staffID: try o.string("staffID"))
        case let other: throw o.error("type", "unknown event \"\(other)\"")
        }
    }
}

extension PaymentOutcome {
    var wire: JSONValue {
        switch self {
        case .approved(let reference, let tender):
            return .object(["type": "approved", "reference": .string(reference), "tender": .string(tender)])
        case .declined(let reason): return .object(["type": "declined", "reason": .string(reason)])
        case .unknown(let reason): return .object(["type": "unknown", "reason": .string(reason)])
        }
    }

    init(wire o: WireObject) throws(WireError) {
        switch try o.type() {
        case "approved": self = .approved(reference: try o.string("reference"), tender: try o.string("tender"))
        case "declined": self = .declined(reason: try o.string("reason"))
        case "unknown": self = .unknown(reason: try o.string("reason"))
        case let other: throw o.error("type", "unknown payment outcome \"\(other)\"")
        }
    }
}

extension PaymentAttempt {
    var wire: JSONValue {
        var w = WireWriter()
        w["id"] = .string(id)
        w["amount"] = amount.wire
        w["wallet"] = wallet?.wire
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        self.init(id: try o.string("id"), amount: try Money(wire: try o.value("amount"), path: o.at("amount")),
                  wallet: try o.optionalObject("wallet").map { (w) throws(WireError) in try WalletCode(wire: w) })
    }
}

extension CartLine {
    var wire: JSONValue {
        var w = WireWriter()
        w["id"] = .int(Int64(id))
        w["item"] = item.wire
        w["quantity"] = .int(Int64(quantity))
        w["embeddedPrice"] = embeddedPrice?.wire
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        self.init(id: try o.int("id", in: 0...Int(Int32.max)), item: try CatalogItem(wire: try o.object("item")),
                  quantity: try o.int("quantity", in: 1...1_000_000), embeddedPrice: try Money.optional(o, "embeddedPrice"))
    }
}

extension CompletedSale {
    var wire: JSONValue {
        var w = WireWriter(type: "sale")
        w["v"] = .int(JournalFormat.version)
        w["id"] = .string(id)
        w["completedAt"] = .int(completedAt)
        w["lines"] = .array(lines.map(\.wire))
        w["priced"] = priced.wire
        w["member"] = member.map(JSONValue.string)
        w["attempt"] = attempt.wire
        w["paymentReference"] = .string(paymentReference)
        w["tender"] = .string(tender)
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        guard try o.type() == "sale" else { throw o.error("type", "not a sale") }
        self.init(id: try o.string("id"), completedAt: try o.int("completedAt"),
                  lines: try o.objects("lines") { (l) throws(WireError) in try CartLine(wire: l) },
                  priced: try PricedCart(wire: try o.object("priced")), member: try o.optionalString("member"),
                  attempt: try PaymentAttempt(wire: try o.object("attempt")),
                  paymentReference: try o.string("paymentReference"), tender: try o.string("tender"))
    }
}
