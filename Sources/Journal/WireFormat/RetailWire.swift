import Retail

// The journal's encoding of the retail values that events and sales carry. Every key is written
// here by hand (docs/journal-format.md lists them): renaming a Swift property or enum case must
// not change what is stored. Readers check values as the types' own initialisers do, so a
// corrupt record is an error, never a silently different value.

extension Currency {
    var wire: JSONValue { .object(["code": .string(code), "minorDigits": .int(Int64(minorDigits))]) }

    init(wire value: JSONValue, path: String) throws(WireError) {
        let o = try WireObject(value, path: path)
        let code = try o.string("code")
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw o.error("code", "\"\(code)\" is not an ISO 4217 code")
        }
        self.init(code: code, minorDigits: try o.int("minorDigits", in: 0...4))
    }
}

extension Money {
    var wire: JSONValue { .object(["minorUnits": .int(minorUnits), "currency": currency.wire]) }

    init(wire value: JSONValue, path: String) throws(WireError) {
        let o = try WireObject(value, path: path)
        let units = try o.int("minorUnits")
        guard units.magnitude <= Money.limit.magnitude else { throw o.error("minorUnits", "\(units) is out of range") }
        self.init(minorUnits: units, currency: try Currency(wire: try o.value("currency"), path: o.at("currency")))
    }

    static func optional(_ o: WireObject, _ key: String) throws(WireError) -> Money? {
        guard let value = o.optional(key) else { return nil }
        return try Money(wire: value, path: o.at(key))
    }
}

extension GTIN {
    var wire: JSONValue { .string(digits) }

    init(wire value: JSONValue, path: String) throws(WireError) {
        guard case .string(let digits) = value else { throw WireError(path: path, problem: "not a string") }
        do { self = try GTIN(digits) } catch { throw WireError(path: path, problem: "\"\(digits)\": \(error)") }
    }
}

extension LocalizedName {
    var wire: JSONValue {
        var w = WireWriter()
        w["en"] = .string(en)
        w["zh"] = zh.map(JSONValue.string)
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        self.init(en: try o.string("en"), zh: try o.optionalString("zh"))
    }
}

extension ItemOffer {
    var wire: JSONValue {
        switch self {
        case .forPrice(let quantity, let price):
            return .object(["type": "for-price", "quantity": .int(Int64(quantity)), "price": price.wire])
        case .percentOff(let percent):
            return .object(["type": "percent-off", "percent": .int(Int64(percent))])
        case .amountOff(let amount):
            return .object(["type": "amount-off", "amount": amount.wire])
        }
    }

    init(wire o: WireObject) throws(WireError) {
        switch try o.type() {
        case "for-price": self = .forPrice(quantity: try o.int("quantity", in: 2...100),
                                           price: try Money(wire: try o.value("price"), path: o.at("price")))
        case "percent-off": self = .percentOff(try o.int("percent", in: 1...100))
        case "amount-off": self = .amountOff(try Money(wire: try o.value("amount"), path: o.at("amount")))
        case let other: throw o.error("type", "unknown offer \"\(other)\"")
        }
    }
}

extension CatalogItem {
    var wire: JSONValue {
        var w = WireWriter()
        w["gtin"] = gtin.wire
        w["name"] = name.wire
        w["price"] = price.wire
        w["memberPrice"] = memberPrice?.wire
        w["taxCode"] = .string(taxCode)
        w["minimumAge"] = minimumAge.map { .int(Int64($0)) }
        w["multiBuy"] = multiBuy.map { .object(["quantity": .int(Int64($0.quantity)), "payFor": .int(Int64($0.payFor))]) }
        w["pricing"] = .string(pricing.rawValue)
        w["offer"] = offer?.wire
        w["group"] = group.map(JSONValue.string)
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        var multiBuy: MultiBuy?
        if let m = try o.optionalObject("multiBuy") {
            multiBuy = MultiBuy(quantity: try m.int("quantity", in: 0...1000), payFor: try m.int("payFor", in: 0...1000))
            if multiBuy == nil { throw o.error("multiBuy", "not a valid multi-buy") }
        }
        let pricingText = try o.string("pricing")
        guard let pricing = PricingKind(rawValue: pricingText) else { throw o.error("pricing", "unknown pricing \"\(pricingText)\"") }
        self.init(gtin: try GTIN(wire: try o.value("gtin"), path: o.at("gtin")),
                  name: try LocalizedName(wire: try o.object("name")),
                  price: try Money(wire: try o.value("price"), path: o.at("price")),
                  memberPrice: try Money.optional(o, "memberPrice"),
                  taxCode: try o.string("taxCode"),
                  minimumAge: try o.optional("minimumAge").map { _ throws(WireError) in try o.int("minimumAge", in: 0...150) },
                  multiBuy: multiBuy, pricing: pricing,
                  offer: try o.optionalObject("offer").map { (offer) throws(WireError) in try ItemOffer(wire: offer) },
                  group: try o.optionalString("group"))
    }
}

extension CouponValue {
    var wire: JSONValue {
        switch self {
        case .amountOff(let amount): return .object(["type": "amount-off", "amount": amount.wire])
        case .percentOff(let percent): return .object(["type": "percent-off", "percent": .int(Int64(percent))])
        }
    }

    init(wire o: WireObject) throws(WireError) {
        switch try o.type() {
        case "amount-off": self = .amountOff(try Money(wire: try o.value("amount"), path: o.at("amount")))
        case "percent-off": self = .percentOff(try o.int("percent", in: 1...100))
        case let other: throw o.error("type", "unknown coupon value \"\(other)\"")
        }
    }
}

extension Coupon {
    var wire: JSONValue {
        var w = WireWriter()
        w["id"] = .string(id)
        w["value"] = value.wire
        w["minimumSpend"] = minimumSpend?.wire
        w["gtins"] = .array(gtins.map(\.wire))
        w["validFrom"] = validFrom.map(JSONValue.int)
        w["validUntil"] = .int(validUntil)
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        self.init(id: try o.string("id"), value: try CouponValue(wire: try o.object("value")),
                  minimumSpend: try Money.optional(o, "minimumSpend"),
                  gtins: try o.array("gtins") { (v, p) throws(WireError) in try GTIN(wire: v, path: p) },
                  validFrom: try o.optionalInt("validFrom"), validUntil: try o.int("validUntil"))
    }
}

extension WalletCode {
    /// Kind and masked digits: the full code is never written (see `WalletCode`).
    var wire: JSONValue { .object(["kind": .string(kind.rawValue), "masked": .string(masked)]) }

    init(wire o: WireObject) throws(WireError) {
        let kindText = try o.string("kind")
        guard let kind = WalletKind(rawValue: kindText) else { throw o.error("kind", "unknown wallet \"\(kindText)\"") }
        let masked = try o.string("masked")
        // A stored code is masked: more than six visible digits would be a leaked credential.
        guard masked.filter(\.isNumber).count <= 6 else { throw o.error("masked", "holds more than six digits") }
        self.init(kind: kind, masked: masked)
    }
}

extension TaxRate {
    var wire: JSONValue {
        .object(["code": .string(code), "basisPoints": .int(Int64(basisPoints)), "label": .string(label)])
    }

    init(wire o: WireObject) throws(WireError) {
        self.init(code: try o.string("code"), basisPoints: try o.int("basisPoints", in: 0...10_000), label: try o.string("label"))
    }
}

extension PricedCart {
    var wire: JSONValue {
        var w = WireWriter()
        w["lines"] = .array(lines.map { line in
            .object(["id": .int(Int64(line.id)), "unitPrice": line.unitPrice.wire, "amount": line.amount.wire,
                     "memberSaving": line.memberSaving.wire])
        })
        w["discounts"] = .array(discounts.map { d in
            var dw = WireWriter()
            dw["gtin"] = d.gtin?.wire
            dw["taxCode"] = .string(d.taxCode)
            dw["promotion"] = .string(d.promotion)
            dw["amount"] = d.amount.wire
            return dw.value
        })
        w["coupons"] = .array(coupons.map { c in
            var cw = WireWriter()
            cw["coupon"] = c.coupon.wire
            cw["amount"] = c.amount.wire
            cw["pending"] = c.pending.map { .string($0.description) }
            return cw.value
        })
        w["subtotal"] = subtotal.wire
        w["total"] = total.wire
        w["taxes"] = .array(taxes.map { .object(["rate": $0.rate.wire, "gross": $0.gross.wire, "tax": $0.tax.wire]) })
        w["itemCount"] = .int(Int64(itemCount))
        w["addedTax"] = addedTax.wire
        w["taxMode"] = .string(taxMode.rawValue)
        return w.value
    }

    init(wire o: WireObject) throws(WireError) {
        func money(_ o: WireObject, _ key: String) throws(WireError) -> Money { try Money(wire: try o.value(key), path: o.at(key)) }
        let lines = try o.objects("lines") { (l) throws(WireError) in
            PricedLine(id: try l.int("id", in: 0...Int(Int32.max)), unitPrice: try money(l, "unitPrice"),
                       amount: try money(l, "amount"), memberSaving: try money(l, "memberSaving"))
        }
        let discounts = try o.objects("discounts") { (d) throws(WireError) in
            Discount(gtin: try d.optional("gtin").map { (v) throws(WireError) in try GTIN(wire: v, path: d.at("gtin")) },
                     taxCode: try d.string("taxCode"), promotion: try d.string("promotion"), amount: try money(d, "amount"))
        }
        let coupons = try o.objects("coupons") { (c) throws(WireError) in
            CouponResult(coupon: try Coupon(wire: try c.object("coupon")), amount: try money(c, "amount"),
                         pending: try c.optionalString("pending").map(CouponPendingReason.recorded))
        }
        let taxes = try o.objects("taxes") { (t) throws(WireError) in
            TaxLine(rate: try TaxRate(wire: try t.object("rate")), gross: try money(t, "gross"), tax: try money(t, "tax"))
        }
        let modeText = try o.string("taxMode")
        guard let mode = TaxMode(rawValue: modeText) else { throw o.error("taxMode", "unknown tax mode \"\(modeText)\"") }
        self.init(lines: lines, discounts: discounts, coupons: coupons, subtotal: try money(o, "subtotal"),
                  total: try money(o, "total"), taxes: taxes, itemCount: try o.int("itemCount", in: 0...Int(Int32.max)),
                  addedTax: try money(o, "addedTax"), taxMode: mode)
    }
}
