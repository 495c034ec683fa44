/// Version 0 of the wire format: what Swift's synthesized `Codable` made of the lane's values
/// before version 1. An enum case was an object with one key, the case name, holding the
/// associated values by label (`_0`, `_1` for unlabelled ones); a GTIN was `{"digits": ...}`;
/// other structs had their property names as keys, which version 1 keeps. These readers translate a v0 record into v1 JSON,
/// which the v1 readers then check like any other record. Frozen: never change a name here.
enum JournalFormatV0 {
    /// v0 case name -> (v1 type, v0 key -> v1 key, v1 keys whose values need upgrading).
    private static let events: [String: (type: String, keys: [String: String])] = [
        "itemScanned": ("item-scanned", ["_0": "item", "embeddedPrice": "embeddedPrice"]),
        "memberCardScanned": ("member-card-scanned", ["_0": "card"]),
        "couponScanned": ("coupon-scanned", ["_0": "coupon"]),
        "walletCodeScanned": ("wallet-code-scanned", ["_0": "wallet"]),
        "scanRejected": ("scan-rejected", ["code": "code", "reason": "reason", "unknownItem": "unknownItem"]),
        "removeLine": ("remove-line", ["id": "lineID"]),
        "cancelRequested": ("cancel-requested", [:]),
        "payRequested": ("pay-requested", [:]),
        "paymentFinished": ("payment-finished", ["attemptID": "attemptID", "_1": "outcome"]),
        "receiptFinished": ("receipt-finished", ["saleID": "saleID", "printed": "printed"]),
        "staffApproved": ("staff-approved", ["staffID": "staffID"]),
        "staffRejected": ("staff-rejected", ["staffID": "staffID"]),
        "finish": ("finish", [:]),
        "paperReceipt": ("paper-receipt", ["wanted": "wanted"]),
        "tick": ("tick", [:]),
    ]
    private static let outcomes: [String: (type: String, keys: [String: String])] = [
        "approved": ("approved", ["reference": "reference", "tender": "tender"]),
        "declined": ("declined", ["reason": "reason"]),
        "unknown": ("unknown", ["reason": "reason"]),
    ]
    private static let offers: [String: (type: String, keys: [String: String])] = [
        "forPrice": ("for-price", ["quantity": "quantity", "price": "price"]),
        "percentOff": ("percent-off", ["_0": "percent"]),
        "amountOff": ("amount-off", ["_0": "amount"]),
    ]
    private static let couponValues: [String: (type: String, keys: [String: String])] = [
        "amountOff": ("amount-off", ["_0": "amount"]),
        "percentOff": ("percent-off", ["_0": "percent"]),
    ]

    static func event(_ json: JSONValue) throws(WireError) -> JSONValue {
        var fields = try variant(json, events, what: "event")
        try upgrade(&fields, "item", item)
        try upgrade(&fields, "coupon", coupon)
        try upgrade(&fields, "outcome") { (v) throws(WireError) in try .object(variant(v, outcomes, what: "payment outcome")) }
        return .object(fields)
    }

    static func sale(_ json: JSONValue) throws(WireError) -> JSONValue {
        guard case .object(var fields) = json else { throw WireError(path: "", problem: "not an object") }
        fields["type"] = "sale"
        try upgrade(&fields, "lines") { (lines) throws(WireError) in try each(lines) { (line) throws(WireError) in
            guard case .object(var l) = line else { return line }
            try upgrade(&l, "item", item)
            return .object(l)
        } }
        try upgrade(&fields, "priced") { (priced) throws(WireError) in
            guard case .object(var p) = priced else { return priced }
            try upgrade(&p, "discounts") { (discounts) throws(WireError) in try each(discounts) { (discount) throws(WireError) in
                guard case .object(var d) = discount else { return discount }
                try upgrade(&d, "gtin", gtin)
                return .object(d)
            } }
            try upgrade(&p, "coupons") { (results) throws(WireError) in try each(results) { (result) throws(WireError) in
                guard case .object(var r) = result else { return result }
                try upgrade(&r, "coupon", coupon)
                return .object(r)
            } }
            return .object(p)
        }
        return .object(fields)
    }

    private static func item(_ json: JSONValue) throws(WireError) -> JSONValue {
        guard case .object(var fields) = json else { return json }
        try upgrade(&fields, "gtin", gtin)
        try upgrade(&fields, "offer") { (v) throws(WireError) in try .object(variant(v, offers, what: "offer")) }
        return .object(fields)
    }

    private static func gtin(_ json: JSONValue) throws(WireError) -> JSONValue {
        guard case .object(let fields) = json, fields.count == 1, let digits = fields["digits"] else {
            throw WireError(path: "gtin", problem: "not a version 0 GTIN")
        }
        return digits
    }

    private static func coupon(_ json: JSONValue) throws(WireError) -> JSONValue {
        guard case .object(var fields) = json else { return json }
        try upgrade(&fields, "gtins") { (gtins) throws(WireError) in try each(gtins, gtin) }
        try upgrade(&fields, "value") { (v) throws(WireError) in try .object(variant(v, couponValues, what: "coupon value")) }
        return .object(fields)
    }

    /// `{"caseName": {"label": value}}` -> `["type": v1 type, "v1 key": value]`.
    private static func variant(_ json: JSONValue, _ table: [String: (type: String, keys: [String: String])],
                                what: String) throws(WireError) -> [String: JSONValue] {
        guard case .object(let outer) = json, outer.count == 1, let (name, inner) = outer.first,
              case .object(let values) = inner else {
            throw WireError(path: "", problem: "not a version 0 \(what)")
        }
        guard let v1 = table[name] else { throw WireError(path: "", problem: "unknown version 0 \(what) \"\(name)\"") }
        var fields: [String: JSONValue] = ["type": .string(v1.type)]
        for (key, value) in values {
            guard let newKey = v1.keys[key] else { throw WireError(path: name, problem: "unknown key \"\(key)\"") }
            fields[newKey] = value
        }
        return fields
    }

    private static func upgrade(_ fields: inout [String: JSONValue], _ key: String,
                                _ transform: (JSONValue) throws(WireError) -> JSONValue) throws(WireError) {
        guard let value = fields[key], value != .null else { return }
        fields[key] = try transform(value)
    }

    private static func each(_ json: JSONValue, _ transform: (JSONValue) throws(WireError) -> JSONValue) throws(WireError) -> JSONValue {
        guard case .array(let elements) = json else { return json }
        var result: [JSONValue] = []
        for element in elements { result.append(try transform(element)) }
        return .array(result)
    }
}
