import PostgresNIO
import Retail

/// The day's top items by quantity and by amount (line amounts before discounts), each ranked
/// within its currency; ties go to the smaller GTIN.
public struct ItemsReport: Codable, Hashable, Sendable {
    public let scope: ReportScope
    public let limit: Int
    public let byQuantity: [Item]
    public let byAmount: [Item]

    public struct Item: Codable, Hashable, Sendable {
        public let rank: Int
        public let gtin: String
        /// The name on the day's newest sale of it (a catalog may rename an item during the day).
        public let name: String
        public let quantity: Int64
        public let currency: Currency
        public let amount: Int64
        /// Sales it was in.
        public let sales: Int64
    }
}

extension HeadOfficeReports {
    public func items(_ scope: ReportScope, limit: Int) async throws -> ItemsReport {
        let limit = try ReportLimit.checked(limit)
        let rows = try await rows(ReportSQL.query("""
            , item AS (
                SELECT sc.currency, sc.minor_digits, l.gtin,
                       (array_agg(l.name ORDER BY sc.local_time DESC, sc.lane DESC, l.line_no DESC))[1] AS name,
                       sum(l.quantity) AS quantity, sum(l.amount) AS amount, count(DISTINCT (sc.lane, sc.id)) AS sales
                FROM scope sc JOIN sale_line l ON l.lane = sc.lane AND l.sale_id = sc.id
                GROUP BY sc.currency, sc.minor_digits, l.gtin
            ), ranked AS (
                SELECT *, row_number() OVER (PARTITION BY currency ORDER BY quantity DESC, gtin) AS by_quantity,
                          row_number() OVER (PARTITION BY currency ORDER BY amount DESC, gtin) AS by_amount
                FROM item
            )
            SELECT by_quantity::int8, by_amount::int8, gtin, name, quantity::int8, currency, minor_digits::int2, amount::int8, sales::int8
            FROM ranked WHERE by_quantity <= $3 OR by_amount <= $3
            """, scope, limit: limit), as: (Int64, Int64, String, String, Int64, String, Int16, Int64, Int64).self)
        var byQuantity: [ItemsReport.Item] = []
        var byAmount: [ItemsReport.Item] = []
        for (quantityRank, amountRank, gtin, name, quantity, code, digits, amount, sales) in rows {
            let currency = Currency(code: code, minorDigits: digits)
            func item(_ rank: Int64) -> ItemsReport.Item {
                ItemsReport.Item(rank: Int(rank), gtin: gtin, name: name, quantity: quantity, currency: currency, amount: amount, sales: sales)
            }
            if quantityRank <= limit { byQuantity.append(item(quantityRank)) }
            if amountRank <= limit { byAmount.append(item(amountRank)) }
        }
        let order: (ItemsReport.Item, ItemsReport.Item) -> Bool = { ($0.currency.code, $0.rank) < ($1.currency.code, $1.rank) }
        return ItemsReport(scope: scope, limit: limit, byQuantity: byQuantity.sorted(by: order), byAmount: byAmount.sorted(by: order))
    }
}
