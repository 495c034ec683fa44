import Checkout
import Retail

/// What the journal records besides the shopper's lane events: things done to the lane's data
/// by the kiosk itself or by head office. They do not go through the reducer (they change no
/// cart) and belong to no session, but they are in the same chain, pulled like every event.
public enum AdminEvent: Hashable, Sendable {
    /// A receipt that did not print (paper out, unplugged) came out later.
    case receiptReprinted(saleID: String)
    /// Head office (`client`) stored everything up to `seq`, whose hash it quoted.
    case syncAcknowledged(seq: Int64, hash: [UInt8], client: String)
    /// Head office pushed a catalog: the version the store switched to, its items and rejected rows.
    case catalogInstalled(CatalogInstall)
    /// Head office replaced the coupon signing keys (public keys, by id).
    case couponKeysInstalled(keys: [InstalledKey], client: String)
    /// Head office replaced the staff list: the badges and a digest of the list (the PIN hashes
    /// themselves are never journaled).
    case staffListInstalled(badges: [String], sha256: [UInt8], client: String)
    /// Coupon ids redeemed on other lanes: refused here from now on.
    case couponsRedeemedElsewhere(ids: [String], client: String)
    /// A member of staff (by badge, authenticated with the PIN) did something in maintenance mode.
    case staffAction(StaffAction)
    /// The end-of-day report, numbered from 1 on this lane: the day (`yyyy-MM-dd`, the lane's
    /// time zone), who printed it (nil from the command line) and its figures.
    case zReport(number: Int, day: String, badge: String?, report: JSONValue)

    public struct CatalogInstall: Hashable, Sendable {
        public let version: String
        public let items: Int
        public let rejected: Int
        /// SHA-256 of the CSV as received.
        public let sha256: [UInt8]
        public let client: String

        public init(version: String, items: Int, rejected: Int, sha256: [UInt8], client: String) {
            self.version = version
            self.items = items
            self.rejected = rejected
            self.sha256 = sha256
            self.client = client
        }
    }

    public struct InstalledKey: Hashable, Sendable {
        public let id: String
        /// Base64 of the raw 32-byte Ed25519 public key.
        public let publicKey: String

        public init(id: String, publicKey: String) {
            self.id = id
            self.publicKey = publicKey
        }
    }

    /// The stored `kind`/`type`.
    public var kind: String {
        switch self {
        case .receiptReprinted: return "receipt-reprinted"
        case .syncAcknowledged: return "sync-acknowledged"
        case .catalogInstalled: return "catalog-installed"
        case .couponKeysInstalled: return "coupon-keys-installed"
        case .staffListInstalled: return "staff-list-installed"
        case .couponsRedeemedElsewhere: return "coupons-redeemed-elsewhere"
        case .staffAction: return "staff-action"
        case .zReport: return "z-report"
        }
    }

    static let kinds: Set<String> = ["receipt-reprinted", "sync-acknowledged", "catalog-installed",
                                     "coupon-keys-installed", "staff-list-installed", "coupons-redeemed-elsewhere",
                                     "staff-action", "z-report"]

    /// What it changes in the derived tables.
    var writes: [JournalWrite] {
        switch self {
        case .receiptReprinted(let saleID): return [.receiptReprinted(saleID: saleID)]
        case .syncAcknowledged(let seq, let hash, _): return [.acknowledged(seq: seq, hash: hash)]
        case .couponsRedeemedElsewhere(let ids, _): return ids.map { .couponBlocked(id: $0) }
        case .catalogInstalled, .couponKeysInstalled, .staffListInstalled, .staffAction, .zReport: return []
        }
    }

    var wire: JSONValue {
        var w = WireWriter(type: kind)
        w["v"] = .int(JournalFormat.version)
        switch self {
        case .receiptReprinted(let saleID): w["saleID"] = .string(saleID)
        case .syncAcknowledged(let seq, let hash, let client):
            w["seq"] = .int(seq)
            w["hash"] = .string(Hex.encode(hash))
            w["client"] = .string(client)
        case .catalogInstalled(let install):
            w["version"] = .string(install.version)
            w["items"] = .int(Int64(install.items))
            w["rejected"] = .int(Int64(install.rejected))
            w["sha256"] = .string(Hex.encode(install.sha256))
            w["client"] = .string(install.client)
        case .couponKeysInstalled(let keys, let client):
            w["keys"] = .array(keys.map { .object(["id": .string($0.id), "publicKey": .string($0.publicKey)]) })
            w["client"] = .string(client)
        case .staffListInstalled(let badges, let sha256, let client):
            w["badges"] = .array(badges.map(JSONValue.string))
            w["sha256"] = .string(Hex.encode(sha256))
            w["client"] = .string(client)
        case .couponsRedeemedElsewhere(let ids, let client):
            w["ids"] = .array(ids.map(JSONValue.string))
            w["client"] = .string(client)
        case .staffAction(let action):
            w["badge"] = .string(action.badge)
            w["action"] = .string(action.action.rawValue)
            w["saleID"] = action.saleID.map(JSONValue.string)
            w["result"] = action.result.map(JSONValue.string)
        case .zReport(let number, let day, let badge, let report):
            w["number"] = .int(Int64(number))
            w["day"] = .string(day)
            w["badge"] = badge.map(JSONValue.string)
            w["report"] = report
        }
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        func strings(_ key: String) throws(WireError) -> [String] {
            try o.array(key) { (value, path) throws(WireError) in
                guard case .string(let s) = value else { throw WireError(path: path, problem: "not a string") }
                return s
            }
        }
        switch try o.type() {
        case "receipt-reprinted": self = .receiptReprinted(saleID: try o.string("saleID"))
        case "sync-acknowledged":
            self = .syncAcknowledged(seq: try o.int("seq"), hash: try Hex.digest(o, "hash"), client: try o.string("client"))
        case "catalog-installed":
            self = .catalogInstalled(CatalogInstall(
                version: try o.string("version"), items: try o.int("items", in: 0...Int(Int32.max)),
                rejected: try o.int("rejected", in: 0...Int(Int32.max)), sha256: try Hex.digest(o, "sha256"),
                client: try o.string("client")))
        case "coupon-keys-installed":
            let keys = try o.objects("keys") { (k) throws(WireError) in
                InstalledKey(id: try k.string("id"), publicKey: try k.string("publicKey"))
            }
            self = .couponKeysInstalled(keys: keys, client: try o.string("client"))
        case "staff-list-installed":
            self = .staffListInstalled(badges: try strings("badges"), sha256: try Hex.digest(o, "sha256"),
                                       client: try o.string("client"))
        case "coupons-redeemed-elsewhere":
            self = .couponsRedeemedElsewhere(ids: try strings("ids"), client: try o.string("client"))
        case "staff-action":
            let code = try o.string("action")
            guard let action = StaffAction.Action(rawValue: code) else { throw o.error("action", "unknown staff action \"\(code)\"") }
            self = .staffAction(StaffAction(badge: try o.string("badge"), action: action, saleID: try o.optionalString("saleID"),
                                            result: try o.optionalString("result")))
        case "z-report":
            self = .zReport(number: try o.int("number", in: 1...Int(Int32.max)), day: try o.string("day"),
                            badge: try o.optionalString("badge"), report: .object(try o.object("report").fields))
        case let other: throw o.error("type", "unknown event \"\(other)\"")
        }
    }
}

/// Any journaled event: the lane's (through the reducer) or an administrative one.
public enum JournalEvent: Hashable, Sendable {
    case lane(LaneEvent)
    case admin(AdminEvent)

    public var kind: String {
        switch self {
        case .lane(let event): return JournalFormat.kind(of: event)
        case .admin(let event): return event.kind
        }
    }

    /// The lane event, for code that only replays lanes.
    public var laneEvent: LaneEvent? {
        if case .lane(let event) = self { return event }
        return nil
    }
}
