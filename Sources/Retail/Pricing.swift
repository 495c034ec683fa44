/// One cart line as pricing sees it.
public struct PricingLine: Hashable, Codable, Sendable {
    public let id: Int
    public let item: CatalogItem
    public let quantity: Int
    /// For weighed items: the price read from the in-store code (already the line amount).
    public let embeddedPrice: Money?

    public init(id: Int, item: CatalogItem, quantity: Int, embeddedPrice: Money? = nil) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.embeddedPrice = embeddedPrice
    }
}

public struct PricedLine: Hashable, Codable, Sendable {
    public let id: Int
    /// The unit price charged (the member price when it applies).
    public let unitPrice: Money
    /// Unit price times quantity, or the embedded price; before promotions and coupons.
    public let amount: Money
    /// How much the member price saved on this line (zero when none).
    public let memberSaving: Money

    public init(id: Int, unitPrice: Money, amount: Money, memberSaving: Money) {
        self.id = id
        self.unitPrice = unitPrice
        self.amount = amount
        self.memberSaving = memberSaving
    }
}

/// A reduction, positive, made by one promotion or coupon, on goods of one tax rate.
public struct Discount: Hashable, Codable, Sendable {
    /// The item it is on; nil for a coupon spread over several items.
    public let gtin: GTIN?
    public let taxCode: String
    /// Which promotion made it: "3for2", "3 for ¥10.00", "15% off", "coupon SPRING-0042".
    public let promotion: String
    public let amount: Money

    public init(gtin: GTIN?, taxCode: String, promotion: String, amount: Money) {
        self.gtin = gtin
        self.taxCode = taxCode
        self.promotion = promotion
        self.amount = amount
    }
}

/// Tax for one rate. VAT-inclusive: `gross` is what was paid for goods at this rate, `tax` the
/// part of it that is tax. Sales-tax-exclusive: `net` (= gross - tax) is the taxable amount and
/// `tax` was added on top of it.
public struct TaxLine: Hashable, Codable, Sendable {
    public let rate: TaxRate
    public let gross: Money
    public let tax: Money
    public var net: Money { gross - tax }

    public init(rate: TaxRate, gross: Money, tax: Money) {
        self.rate = rate
        self.gross = gross
        self.tax = tax
    }
}

/// What became of one coupon in the cart.
public struct CouponResult: Hashable, Codable, Sendable {
    public let coupon: Coupon
    /// Taken off the total; zero while pending.
    public let amount: Money
    /// Why the coupon does not apply yet; nil when it applies.
    public let pending: CouponPendingReason?

    public var applied: Bool { pending == nil }

    public init(coupon: Coupon, amount: Money, pending: CouponPendingReason?) {
        self.coupon = coupon
        self.amount = amount
        self.pending = pending
    }
}

/// Prices include tax (VAT, the default) or tax is added on top (US-style sales tax).
public enum TaxMode: String, Hashable, Codable, Sendable {
    case inclusive
    case exclusive
}

/// Where tax is rounded to the minor unit: once per rate on the cart's total for it (the
/// default), or on every cart line (net of its share of discounts) and then added up.
public enum TaxRounding: String, Hashable, Codable, Sendable {
    case perTotal = "per-total"
    case perLine = "per-line"
}

public struct PricedCart: Hashable, Codable, Sendable {
    public let lines: [PricedLine]
    public let discounts: [Discount]
    /// Every coupon in the cart, applied or pending, in the order they were applied.
    public let coupons: [CouponResult]
    /// Sum of line amounts before discounts.
    public let subtotal: Money
    /// subtotal - discountTotal + addedTax.
    public let total: Money
    public let taxes: [TaxLine]
    public let itemCount: Int
    /// Sales tax added to the total; zero when prices include tax.
    public let addedTax: Money
    public let taxMode: TaxMode

    public var discountTotal: Money { discounts.reduce(Money.zero(subtotal.currency)) { $0 + $1.amount } }

    public init(lines: [PricedLine], discounts: [Discount], coupons: [CouponResult] = [], subtotal: Money, total: Money,
                taxes: [TaxLine], itemCount: Int, addedTax: Money? = nil, taxMode: TaxMode = .inclusive) {
        self.lines = lines
        self.discounts = discounts
        self.coupons = coupons
        self.subtotal = subtotal
        self.total = total
        self.taxes = taxes
        self.itemCount = itemCount
        self.addedTax = addedTax ?? .zero(subtotal.currency)
        self.taxMode = taxMode
    }

    /// Discount lines as shoppers read them: the rows of one promotion on one item (or one
    /// coupon) added up, in order of first appearance.
    public var discountSummary: [Discount] {
        var order: [String] = []
        var sums: [String: Discount] = [:]
        for d in discounts {
            let key = (d.gtin?.digits ?? "-") + "|" + d.promotion
            if let seen = sums[key] {
                sums[key] = Discount(gtin: d.gtin, taxCode: seen.taxCode, promotion: d.promotion, amount: seen.amount + d.amount)
            } else {
                order.append(key)
                sums[key] = d
            }
        }
        return order.map { sums[$0]! }
    }

    private enum CodingKeys: String, CodingKey {
        case lines, discounts, coupons, subtotal, total, taxes, itemCount, addedTax, taxMode
    }

    /// Sales recorded before coupons and sales tax existed still decode.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let subtotal = try c.decode(Money.self, forKey: .subtotal)
        self.init(lines: try c.decode([PricedLine].self, forKey: .lines),
                  discounts: try c.decode([Discount].self, forKey: .discounts),
                  coupons: try c.decodeIfPresent([CouponResult].self, forKey: .coupons) ?? [],
                  subtotal: subtotal, total: try c.decode(Money.self, forKey: .total),
                  taxes: try c.decode([TaxLine].self, forKey: .taxes), itemCount: try c.decode(Int.self, forKey: .itemCount),
                  addedTax: try c.decodeIfPresent(Money.self, forKey: .addedTax),
                  taxMode: try c.decodeIfPresent(TaxMode.self, forKey: .taxMode) ?? .inclusive)
    }
}

public enum PricingError: Error, Equatable, CustomStringConvertible {
    case unknownTaxCode(String, gtin: GTIN)
    case currencyMismatch(GTIN)
    case couponCurrency(String)

    public var description: String {
        switch self {
        case .unknownTaxCode(let c, let g): return "item \(g) has tax code \"\(c)\" that the store does not define"
        case .currencyMismatch(let g): return "item \(g) is priced in another currency than the store's"
        case .couponCurrency(let id): return "coupon \(id) is in another currency than the store's"
        }
    }
}

/// Prices a cart. In this order:
/// 1. Unit prices: the member price for members, else the price; weighed items their embedded price.
/// 2. Promotions, each on its own item's units: multi-buy "N for M" and "N for a price", pooled
///    across a mix-and-match group (units sorted by price, dearest first, then by GTIN; each run
///    of N is one set; in "N for M" the cheapest N-M units of a set are free; in "N for a price"
///    the set's saving is shared over its units by price); percent off and amount off each unit.
/// 3. Coupons, percent-off ones first, then amount-off, each group by id: a coupon takes its
///    value off what its eligible items still cost, never more, so no total goes below zero.
///    Its conditions (minimum spend on the cart after promotions, one of its items in the cart)
///    must hold, else it stays pending with the reason.
/// 4. Tax per rate, VAT-inclusive or sales-tax-exclusive, rounded half away from zero per rate
///    total or per line (see `TaxRounding`).
///
/// Deterministic: the result does not depend on the order of the lines or of the coupons;
/// every tie is broken by GTIN, coupon id or line amount, never by position.
public struct PricingRules: Hashable, Codable, Sendable {
    public let currency: Currency
    public let taxRates: [TaxRate]
    public let taxMode: TaxMode
    public let rounding: TaxRounding

    public init(currency: Currency, taxRates: [TaxRate], taxMode: TaxMode = .inclusive, rounding: TaxRounding = .perTotal) {
        self.currency = currency
        self.taxRates = taxRates
        self.taxMode = taxMode
        self.rounding = rounding
    }

    /// Per GTIN: the item, its unit-priced units and what all its lines cost.
    private struct Bucket {
        let item: CatalogItem
        var units = 0
        var unitPrice: Int64 = 0
        var amount: Int64 = 0
    }

    public func price(_ lines: [PricingLine], member: Bool, coupons: [Coupon] = []) throws(PricingError) -> PricedCart {
        let zero = Money.zero(currency)
        var priced: [PricedLine] = []
        var buckets: [GTIN: Bucket] = [:]
        var itemCount = 0

        for line in lines {
            let item = line.item
            guard taxRates.contains(where: { $0.code == item.taxCode }) else {
                throw .unknownTaxCode(item.taxCode, gtin: item.gtin)
            }
            guard item.price.currency == currency, item.memberPrice.map({ $0.currency == currency }) ?? true,
                  line.embeddedPrice.map({ $0.currency == currency }) ?? true,
                  item.offer.map({ Self.offerCurrency($0) ?? currency == currency }) ?? true else {
                throw .currencyMismatch(item.gtin)
            }
            let unitPrice: Money
            let amount: Money
            var saving = zero
            var bucket = buckets[item.gtin] ?? Bucket(item: item)
            if let embedded = line.embeddedPrice {
                unitPrice = embedded
                amount = embedded
            } else {
                let memberPrice = member ? item.memberPrice.flatMap { $0 < item.price ? $0 : nil } : nil
                unitPrice = memberPrice ?? item.price
                amount = unitPrice * line.quantity
                saving = (item.price - unitPrice) * line.quantity
                bucket.units += line.quantity
                bucket.unitPrice = unitPrice.minorUnits
            }
            bucket.amount += amount.minorUnits
            buckets[item.gtin] = bucket
            priced.append(PricedLine(id: line.id, unitPrice: unitPrice, amount: amount, memberSaving: saving))
            itemCount += line.embeddedPrice == nil ? line.quantity : 1
        }
        for coupon in coupons {
            let amounts = [coupon.minimumSpend, { if case .amountOff(let m) = coupon.value { m } else { nil } }()].compactMap { $0 }
            guard amounts.allSatisfy({ $0.currency == currency }) else { throw .couponCurrency(coupon.id) }
        }

        let gtins = buckets.keys.sorted()
        // Promotion discounts per (GTIN, promotion), then what each GTIN still costs.
        var promo: [GTIN: [String: Int64]] = [:]
        Self.applyPools(buckets, gtins: gtins, into: &promo)
        for gtin in gtins {
            let bucket = buckets[gtin]!
            switch bucket.item.offer {
            case .percentOff(let p)?:
                let off = Self.mulDiv(bucket.amount, Int64(p), 100)
                if off > 0 { promo[gtin, default: [:]][bucket.item.offer!.description, default: 0] += off }
            case .amountOff(let money)?:
                let off = min(money.minorUnits, bucket.unitPrice) * Int64(bucket.units)
                if off > 0 { promo[gtin, default: [:]][bucket.item.offer!.description, default: 0] += off }
            default:
                break
            }
        }
        var discounts: [Discount] = []
        var remaining: [GTIN: Int64] = [:]
        var discountByGTIN: [GTIN: Int64] = [:]
        for gtin in gtins {
            let bucket = buckets[gtin]!
            var left = bucket.amount
            for (promotion, amount) in (promo[gtin] ?? [:]).sorted(by: { $0.key < $1.key }) {
                // A promotion never takes more than the item costs (stacked data cannot go negative).
                let off = min(amount, left)
                guard off > 0 else { continue }
                left -= off
                discounts.append(Discount(gtin: gtin, taxCode: bucket.item.taxCode, promotion: promotion,
                                          amount: Money(minorUnits: off, currency: currency)))
            }
            remaining[gtin] = left
            discountByGTIN[gtin] = bucket.amount - left
        }

        let subtotalUnits = priced.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        let results = applyCoupons(coupons, to: gtins, buckets: buckets, remaining: &remaining,
                                   discountByGTIN: &discountByGTIN, discounts: &discounts)

        // Tax.
        let taxes = self.taxes(lines: lines, priced: priced, buckets: buckets, discountByGTIN: discountByGTIN)
        let discountUnits = discounts.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        let added = taxMode == .exclusive ? taxes.reduce(Int64(0)) { $0 + $1.tax.minorUnits } : 0
        return PricedCart(lines: priced, discounts: discounts, coupons: results,
                          subtotal: Money(minorUnits: subtotalUnits, currency: currency),
                          total: Money(minorUnits: subtotalUnits - discountUnits + added, currency: currency),
                          taxes: taxes, itemCount: itemCount, addedTax: Money(minorUnits: added, currency: currency),
                          taxMode: taxMode)
    }

    /// Coupons, percent-off first, then by id: each takes its value off what its eligible items
    /// still cost after promotions (shared in proportion, per tax rate), or stays pending with why.
    private func applyCoupons(_ coupons: [Coupon], to gtins: [GTIN], buckets: [GTIN: Bucket], remaining: inout [GTIN: Int64],
                              discountByGTIN: inout [GTIN: Int64], discounts: inout [Discount]) -> [CouponResult] {
        let zero = Money.zero(currency)
        let afterPromotions = remaining.values.reduce(Int64(0), +)
        var results: [CouponResult] = []
        let ordered = coupons.sorted { a, b in
            switch (a.value, b.value) {
            case (.percentOff, .amountOff): return true
            case (.amountOff, .percentOff): return false
            default: return a.id < b.id
            }
        }
        for coupon in ordered {
            func pending(_ why: CouponPendingReason) { results.append(CouponResult(coupon: coupon, amount: zero, pending: why)) }
            let eligible = coupon.gtins.isEmpty ? gtins : gtins.filter { coupon.gtins.contains($0) }
            if eligible.isEmpty {
                pending(coupon.gtins.isEmpty ? .emptyCart : .needsItems(coupon.gtins.prefix(3).map(\.displayForm), more: coupon.gtins.count > 3))
                continue
            }
            if let minimum = coupon.minimumSpend, afterPromotions < minimum.minorUnits {
                pending(.minimumSpend(missing: Money(minorUnits: minimum.minorUnits - afterPromotions, currency: currency), minimum: minimum))
                continue
            }
            let base = eligible.reduce(Int64(0)) { $0 + remaining[$1]! }
            let wanted: Int64
            switch coupon.value {
            case .amountOff(let money): wanted = money.minorUnits
            case .percentOff(let p): wanted = Self.mulDiv(base, Int64(p), 100)
            }
            let take = min(wanted, base)
            guard take > 0 else {
                pending(.nothingLeft)
                continue
            }
            let shares = Self.allocate(take, over: eligible.map { remaining[$0]! })
            var byTax: [String: Int64] = [:]
            for (gtin, share) in zip(eligible, shares) where share > 0 {
                remaining[gtin]! -= share
                discountByGTIN[gtin, default: 0] += share
                byTax[buckets[gtin]!.item.taxCode, default: 0] += share
            }
            let single = eligible.count == 1 ? eligible[0] : nil
            for rate in taxRates {
                guard let amount = byTax[rate.code] else { continue }
                discounts.append(Discount(gtin: single, taxCode: rate.code, promotion: coupon.promotion,
                                          amount: Money(minorUnits: amount, currency: currency)))
            }
            results.append(CouponResult(coupon: coupon, amount: Money(minorUnits: take, currency: currency), pending: nil))
        }

        return results
    }

    private static func offerCurrency(_ offer: ItemOffer) -> Currency? {
        switch offer {
        case .forPrice(_, let price): return price.currency
        case .amountOff(let money): return money.currency
        case .percentOff: return nil
        }
    }

    // MARK: Multi-buy pools

    private enum PoolOffer {
        case nForM(MultiBuy)
        case forPrice(Int, Int64)

        var size: Int {
            switch self {
            case .nForM(let m): return m.quantity
            case .forPrice(let n, _): return n
            }
        }
    }

    /// Multi-buy and N-for-a-price, per pool: an item alone, or a mix-and-match group sharing one offer.
    private static func applyPools(_ buckets: [GTIN: Bucket], gtins: [GTIN], into promo: inout [GTIN: [String: Int64]]) {
        var pools: [String: (offer: PoolOffer, name: String, members: [GTIN])] = [:]
        for gtin in gtins {
            let bucket = buckets[gtin]!
            guard bucket.units > 0 else { continue }
            let item = bucket.item
            let offer: PoolOffer
            let offerName: String
            if let multiBuy = item.multiBuy {
                offer = .nForM(multiBuy)
                offerName = multiBuy.description
            } else if case .forPrice(let n, let price)? = item.offer {
                offer = .forPrice(n, price.minorUnits)
                offerName = item.offer!.description
            } else {
                continue
            }
            let key = (item.group.map { "g:" + $0 } ?? "i:" + gtin.digits) + "|" + offerName
            let name = item.group.map { "\(offerName) (\($0))" } ?? offerName
            pools[key, default: (offer, name, [])].members.append(gtin)
        }
        for key in pools.keys.sorted() {
            let pool = pools[key]!
            // Units as runs of one price, dearest first, then by GTIN.
            let runs = pool.members
                .map { (gtin: $0, price: buckets[$0]!.unitPrice, count: buckets[$0]!.units) }
                .sorted { $0.price != $1.price ? $0.price > $1.price : $0.gtin < $1.gtin }
            let n = pool.offer.size
            var set: [(run: Int, count: Int)] = []
            var setCount = 0
            func settle(_ set: [(run: Int, count: Int)], times: Int) {
                var off = [Int64](repeating: 0, count: set.count)
                switch pool.offer {
                case .nForM(let m):
                    // The cheapest units, at the end of the set, are free.
                    var free = m.quantity - m.payFor
                    for i in set.indices.reversed() where free > 0 {
                        let k = min(free, set[i].count)
                        off[i] = Int64(k) * runs[set[i].run].price
                        free -= k
                    }
                case .forPrice(_, let price):
                    let weights = set.map { Int64($0.count) * runs[$0.run].price }
                    let sum = weights.reduce(0, +)
                    guard sum > price else { return }
                    off = allocate(sum - price, over: weights)
                }
                for (i, part) in set.enumerated() where off[i] > 0 {
                    promo[runs[part.run].gtin, default: [:]][pool.name, default: 0] += off[i] * Int64(times)
                }
            }
            for (r, run) in runs.enumerated() {
                var left = run.count
                while left > 0 {
                    if setCount == 0, left >= n {
                        let times = left / n
                        settle([(r, n)], times: times)
                        left -= times * n
                        continue
                    }
                    let k = min(left, n - setCount)
                    set.append((r, k))
                    setCount += k
                    left -= k
                    if setCount == n {
                        settle(set, times: 1)
                        set = []
                        setCount = 0
                    }
                }
            }
        }
    }

    // MARK: Tax

    private func taxes(lines: [PricingLine], priced: [PricedLine], buckets: [GTIN: Bucket],
                       discountByGTIN: [GTIN: Int64]) -> [TaxLine] {
        var grossByTax: [String: Int64] = [:]
        var taxByTax: [String: Int64] = [:]
        // Net amount of every line: its GTIN's discounts shared over its lines by amount.
        var linesByGTIN: [GTIN: [(amount: Int64, index: Int)]] = [:]
        for (index, line) in lines.enumerated() {
            linesByGTIN[line.item.gtin, default: []].append((priced[index].amount.minorUnits, index))
        }
        for (gtin, group) in linesByGTIN {
            let taxCode = buckets[gtin]!.item.taxCode
            let rate = taxRates.first { $0.code == taxCode }!.basisPoints
            // Sorted by amount so that the shares do not depend on the order of the lines.
            let sorted = group.sorted { $0.amount != $1.amount ? $0.amount > $1.amount : $0.index < $1.index }
            let shares = Self.allocate(discountByGTIN[gtin] ?? 0, over: sorted.map(\.amount))
            for (line, share) in zip(sorted, shares) {
                let net = line.amount - share
                grossByTax[taxCode, default: 0] += net
                if rounding == .perLine { taxByTax[taxCode, default: 0] += tax(on: net, basisPoints: rate) }
            }
        }
        return taxRates.compactMap { rate -> TaxLine? in
            guard let base = grossByTax[rate.code] else { return nil }
            let tax = rounding == .perLine ? taxByTax[rate.code] ?? 0 : self.tax(on: base, basisPoints: rate.basisPoints)
            let gross = taxMode == .inclusive ? base : base + tax
            return TaxLine(rate: rate, gross: Money(minorUnits: gross, currency: currency),
                           tax: Money(minorUnits: tax, currency: currency))
        }
    }

    /// Tax in (inclusive) or on (exclusive) `amount`, rounded half away from zero.
    private func tax(on amount: Int64, basisPoints: Int) -> Int64 {
        switch taxMode {
        case .inclusive: return Self.roundedDivision(Int128(amount) * Int128(basisPoints), Int128(10_000 + basisPoints))
        case .exclusive: return Self.roundedDivision(Int128(amount) * Int128(basisPoints), 10_000)
        }
    }

    /// Tax contained in a tax-inclusive amount, rounded half away from zero to the minor unit:
    /// gross * rate / (1 + rate).
    public static func includedTax(in gross: Money, basisPoints: Int) -> Money {
        Money(minorUnits: roundedDivision(Int128(gross.minorUnits) * Int128(basisPoints), Int128(10_000 + basisPoints)),
              currency: gross.currency)
    }

    /// Tax on a tax-exclusive amount, rounded half away from zero: net * rate.
    public static func addedTax(on net: Money, basisPoints: Int) -> Money {
        Money(minorUnits: roundedDivision(Int128(net.minorUnits) * Int128(basisPoints), 10_000), currency: net.currency)
    }

    /// numerator / denominator (> 0), rounded half away from zero.
    static func roundedDivision(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        let magnitude = (numerator.magnitude * 2 + denominator.magnitude) / (denominator.magnitude * 2)
        return numerator < 0 ? -Int64(magnitude) : Int64(magnitude)
    }

    /// a * b / c for non-negative values, rounded half up, without overflow in between.
    static func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        roundedDivision(Int128(a) * Int128(b), Int128(c))
    }

    /// Splits `total` (0...sum(weights)) over `weights` (non-negative) in proportion, by largest
    /// remainder; equal remainders go to the earlier weight. No share exceeds its weight.
    static func allocate(_ total: Int64, over weights: [Int64]) -> [Int64] {
        let sum = weights.reduce(Int128(0)) { $0 + Int128($1) }
        guard total > 0, sum > 0 else { return weights.map { _ in 0 } }
        var shares: [Int64] = []
        var remainders: [(Int128, Int)] = []
        var given: Int64 = 0
        for (i, w) in weights.enumerated() {
            let product = Int128(total) * Int128(w)
            shares.append(Int64(product / sum))
            remainders.append((product % sum, i))
            given += shares[i]
        }
        var left = total - given
        for (_, i) in remainders.sorted(by: { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }) where left > 0 {
            guard shares[i] < weights[i] else { continue }
            shares[i] += 1
            left -= 1
        }
        return shares
    }
}
