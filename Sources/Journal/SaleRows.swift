import Checkout
import Retail

/// A completed sale as the rows reports read: the sale, its lines, discounts, taxes, payment and
/// the coupons it redeemed. The lane's SQLite tables and head office's PostgreSQL tables are both
/// written from these rows, so the two cannot count a sale differently.
public struct SaleRows: Hashable, Sendable {
    public struct Line: Hashable, Sendable {
        public let number: Int
        public let gtin: String
        public let name: String
        public let quantity: Int
        public let unitPrice: Int64
        public let amount: Int64
        public let taxCode: String
    }

    public struct DiscountRow: Hashable, Sendable {
        /// "" for a coupon spread over several items (no single GTIN).
        public let gtin: String
        public let promotion: String
        public let amount: Int64
    }

    public struct Tax: Hashable, Sendable {
        public let code: String
        public let basisPoints: Int
        public let gross: Int64
        public let tax: Int64
    }

    public struct Payment: Hashable, Sendable {
        public let attemptID: String
        public let tender: String
        public let reference: String
        public let amount: Int64
    }

    public struct Redemption: Hashable, Sendable {
        public let couponID: String
        public let amount: Int64
    }

    public let id: String
    public let completedAt: Int64
    public let currency: String
    public let minorDigits: Int
    public let subtotal: Int64
    public let total: Int64
    public let itemCount: Int
    public let member: String?
    public let lines: [Line]
    public let discounts: [DiscountRow]
    public let taxes: [Tax]
    public let payment: Payment
    /// Coupons that took money off (a coupon still pending a condition redeemed nothing).
    public let redemptions: [Redemption]

    public init(_ sale: CompletedSale) {
        let priced = sale.priced
        id = sale.id
        completedAt = sale.completedAt
        currency = priced.total.currency.code
        minorDigits = priced.total.currency.minorDigits
        subtotal = priced.subtotal.minorUnits
        total = priced.total.minorUnits
        itemCount = priced.itemCount
        member = sale.member
        lines = zip(sale.lines, priced.lines).enumerated().map { number, pair in
            let (line, price) = pair
            return Line(number: number + 1, gtin: line.item.gtin.digits, name: line.item.name.en, quantity: line.quantity,
                        unitPrice: price.unitPrice.minorUnits, amount: price.amount.minorUnits, taxCode: line.item.taxCode)
        }
        discounts = priced.discounts.map {
            DiscountRow(gtin: $0.gtin?.digits ?? "", promotion: $0.promotion, amount: $0.amount.minorUnits)
        }
        taxes = priced.taxes.map {
            Tax(code: $0.rate.code, basisPoints: $0.rate.basisPoints, gross: $0.gross.minorUnits, tax: $0.tax.minorUnits)
        }
        payment = Payment(attemptID: sale.attempt.id, tender: sale.tender, reference: sale.paymentReference,
                          amount: sale.attempt.amount.minorUnits)
        redemptions = priced.coupons.filter(\.applied).map { Redemption(couponID: $0.coupon.id, amount: $0.amount.minorUnits) }
    }

    /// The sales an event's stored `writes` text recorded (most events record none).
    public static func recorded(inWrites text: String) throws(WireError) -> [SaleRows] {
        try JournalWrite.read(text).compactMap {
            if case .saleRecorded(let sale) = $0 { return SaleRows(sale) }
            return nil
        }
    }
}
