import Retail

/// The day's sales per lane, per store and in all, each in one currency: amounts are integer
/// minor units of `currency`, never summed across currencies.
public struct DailyReport: Codable, Hashable, Sendable {
    public let scope: ReportScope
    /// One per lane and currency, by store, lane and currency.
    public let lanes: [SalesFigures]
    /// One per store and currency: the sum of its lanes.
    public let stores: [SalesFigures]
    /// One per currency: the sum of every store.
    public let totals: [SalesFigures]
    /// Lanes enrolled (not removed) in the stores reported on that recorded no sale that day:
    /// a lane down all day shows here rather than not at all.
    public let idleLanes: [IdleLane]

    public struct IdleLane: Codable, Hashable, Sendable {
        public let store: String
        public let lane: String
    }
}

/// Sales figures of one lane, store or the whole chain, in one currency.
public struct SalesFigures: Codable, Hashable, Sendable {
    /// Nil in the chain's totals.
    public let store: String?
    /// Nil in a store's and the chain's totals.
    public let lane: String?
    public let currency: Currency
    public internal(set) var sales: Int64 = 0
    /// What the shoppers paid: the sales' totals, tax included.
    public internal(set) var gross: Int64 = 0
    /// gross / sales rounded half to even (0 without sales).
    public internal(set) var averageBasket: Int64 = 0
    /// Per tax rate, by code and basis points.
    public internal(set) var taxes: [TaxFigure] = []
    /// Per tender (sale_payment.tender), by name.
    public internal(set) var tenders: [TenderFigure] = []
    /// Per promotion, by name (a coupon's discount appears here under its promotion too).
    public internal(set) var discounts: [DiscountFigure] = []
    public internal(set) var coupons = CouponFigure(redemptions: 0, amount: 0)

    init(store: String?, lane: String?, currency: Currency) {
        self.store = store
        self.lane = lane
        self.currency = currency
    }

    /// `other`'s figures added to these (a store's total is its lanes', the chain's its stores').
    mutating func add(_ other: SalesFigures) {
        precondition(other.currency == currency, "adding \(other.currency) figures to \(currency) figures")
        addSales(other.sales, gross: other.gross)
        for tax in other.taxes { addTax(tax) }
        for tender in other.tenders { addTender(tender) }
        for discount in other.discounts { addDiscount(discount) }
        coupons = CouponFigure(redemptions: coupons.redemptions + other.coupons.redemptions, amount: coupons.amount + other.coupons.amount)
    }

    mutating func addSales(_ count: Int64, gross amount: Int64) {
        sales += count
        gross += amount
        averageBasket = sales == 0 ? 0 : ReportArithmetic.dividedHalfEven(gross, by: sales)
    }

    mutating func addTax(_ tax: TaxFigure) {
        taxes = Self.merged(taxes, tax, key: { [$0.code, ReportArithmetic.zeroPadded($0.basisPoints, 6)] }) {
            TaxFigure(code: $0.code, basisPoints: $0.basisPoints, gross: $0.gross + $1.gross, tax: $0.tax + $1.tax)
        }
    }

    mutating func addTender(_ tender: TenderFigure) {
        tenders = Self.merged(tenders, tender, key: { [$0.tender] }) {
            TenderFigure(tender: $0.tender, count: $0.count + $1.count, amount: $0.amount + $1.amount)
        }
    }

    mutating func addDiscount(_ discount: DiscountFigure) {
        discounts = Self.merged(discounts, discount, key: { [$0.promotion] }) {
            DiscountFigure(promotion: $0.promotion, count: $0.count + $1.count, amount: $0.amount + $1.amount)
        }
    }

    /// `list` with `item` added to the entry of the same key, or inserted in key order.
    private static func merged<Item>(_ list: [Item], _ item: Item, key: (Item) -> [String], combine: (Item, Item) -> Item) -> [Item] {
        var list = list
        if let index = list.firstIndex(where: { key($0) == key(item) }) {
            list[index] = combine(list[index], item)
        } else {
            list.append(item)
            list.sort { key($0).lexicographicallyPrecedes(key($1)) }
        }
        return list
    }
}

public struct TaxFigure: Codable, Hashable, Sendable {
    public let code: String
    public let basisPoints: Int
    /// What was paid for goods at this rate, tax included.
    public let gross: Int64
    public let tax: Int64
}

public struct TenderFigure: Codable, Hashable, Sendable {
    public let tender: String
    public let count: Int64
    public let amount: Int64
}

public struct DiscountFigure: Codable, Hashable, Sendable {
    public let promotion: String
    /// Discount rows: one per item and promotion in a sale.
    public let count: Int64
    public let amount: Int64
}

public struct CouponFigure: Codable, Hashable, Sendable {
    public let redemptions: Int64
    public let amount: Int64
}

extension DailyReport {
    /// A row of the daily query: one figure of one lane in one currency.
    struct Row: Sendable {
        enum Kind: String { case sales, tax, tender, discount, coupons, idle }
        let kind: Kind
        let store: String
        let lane: String
        let currency: Currency
        let key: String
        let basisPoints: Int
        let count: Int64
        let amount: Int64
        let tax: Int64
    }

    /// The report from the lanes' figures: each store's total is the sum of its lanes, the chain's
    /// of its stores, so the levels cannot disagree.
    init(scope: ReportScope, rows: [Row]) {
        struct LaneKey: Hashable { let store: String, lane: String, currency: Currency }
        var byLane: [LaneKey: SalesFigures] = [:]
        var idle: [IdleLane] = []
        for row in rows {
            if row.kind == .idle {
                idle.append(IdleLane(store: row.store, lane: row.lane))
                continue
            }
            let key = LaneKey(store: row.store, lane: row.lane, currency: row.currency)
            var figures = byLane[key] ?? SalesFigures(store: row.store, lane: row.lane, currency: row.currency)
            switch row.kind {
            case .sales: figures.addSales(row.count, gross: row.amount)
            case .tax: figures.addTax(TaxFigure(code: row.key, basisPoints: row.basisPoints, gross: row.amount, tax: row.tax))
            case .tender: figures.addTender(TenderFigure(tender: row.key, count: row.count, amount: row.amount))
            case .discount: figures.addDiscount(DiscountFigure(promotion: row.key, count: row.count, amount: row.amount))
            case .coupons: figures.coupons = CouponFigure(redemptions: row.count, amount: row.amount)
            case .idle: break
            }
            byLane[key] = figures
        }
        let lanes = byLane.values.sorted { ($0.store ?? "", $0.lane ?? "", $0.currency.code) < ($1.store ?? "", $1.lane ?? "", $1.currency.code) }
        self.init(scope: scope, lanes: lanes,
                  stores: Self.sums(of: lanes) { SalesFigures(store: $0.store, lane: nil, currency: $0.currency) },
                  totals: Self.sums(of: lanes) { SalesFigures(store: nil, lane: nil, currency: $0.currency) },
                  idleLanes: idle.sorted { ($0.store, $0.lane) < ($1.store, $1.lane) })
    }

    /// `figures` summed into the groups `group` makes, in the order the groups first appear.
    private static func sums(of figures: [SalesFigures], group: (SalesFigures) -> SalesFigures) -> [SalesFigures] {
        var result: [SalesFigures] = []
        for item in figures {
            let empty = group(item)
            if let index = result.firstIndex(where: { $0.store == empty.store && $0.currency == empty.currency }) {
                result[index].add(item)
            } else {
                var sum = empty
                sum.add(item)
                result.append(sum)
            }
        }
        return result.sorted { ($0.store ?? "", $0.currency.code) < ($1.store ?? "", $1.currency.code) }
    }
}
