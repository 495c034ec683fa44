import PostgresNIO

/// Items bought together: the pairs of GTINs found in the same sale most often that day.
/// Support is the share of all the day's sales holding both; confidence A->B the share of the
/// sales holding A that also hold B. Shares are exact counts, and basis points rounded half
/// to even.
public struct BasketsReport: Codable, Hashable, Sendable {
    public let scope: ReportScope
    public let limit: Int
    /// The day's sales in scope.
    public let sales: Int64
    /// Most frequent first; ties by GTINs.
    public let pairs: [Pair]

    public struct Pair: Codable, Hashable, Sendable {
        public let rank: Int
        public let first: Side
        public let second: Side
        /// Sales holding both.
        public let together: Int64
        public let supportBasisPoints: Int64
        /// together / first.sales.
        public let confidenceFirstToSecondBasisPoints: Int64
        /// together / second.sales.
        public let confidenceSecondToFirstBasisPoints: Int64
    }

    public struct Side: Codable, Hashable, Sendable {
        /// The smaller GTIN of the pair is `first`.
        public let gtin: String
        public let name: String
        /// Sales holding it.
        public let sales: Int64
    }
}

extension HeadOfficeReports {
    public func baskets(_ scope: ReportScope, limit: Int) async throws -> BasketsReport {
        let limit = try ReportLimit.checked(limit)
        let rows = try await rows(ReportSQL.query("""
            , basket AS (
                SELECT DISTINCT sc.lane, sc.id, l.gtin FROM scope sc JOIN sale_line l ON l.lane = sc.lane AND l.sale_id = sc.id
            ), item AS (
                SELECT DISTINCT ON (l.gtin) l.gtin, l.name
                FROM scope sc JOIN sale_line l ON l.lane = sc.lane AND l.sale_id = sc.id
                ORDER BY l.gtin, sc.local_time DESC, sc.lane DESC, l.line_no DESC
            ), holding AS (
                SELECT gtin, count(*) AS sales FROM basket GROUP BY gtin
            ), pair AS (
                SELECT a.gtin AS first, b.gtin AS second, count(*) AS together
                FROM basket a JOIN basket b ON a.lane = b.lane AND a.id = b.id AND a.gtin < b.gtin
                GROUP BY a.gtin, b.gtin
                ORDER BY together DESC, a.gtin, b.gtin
                LIMIT $3
            ), named AS (
                SELECT p.first, fi.name AS first_name, fh.sales AS first_sales, p.second, si.name AS second_name,
                       sh.sales AS second_sales, p.together
                FROM pair p
                JOIN item fi ON fi.gtin = p.first JOIN holding fh ON fh.gtin = p.first
                JOIN item si ON si.gtin = p.second JOIN holding sh ON sh.gtin = p.second
            )
            -- The day's sales count comes on every row, and alone when no pair was bought.
            SELECT t.sales::int8, n.first, n.first_name, n.first_sales::int8, n.second, n.second_name, n.second_sales::int8,
                   n.together::int8
            FROM (SELECT count(*) AS sales FROM scope) t LEFT JOIN named n ON true
            ORDER BY n.together DESC, n.first, n.second
            """, scope, limit: limit), as: (Int64, String?, String?, Int64?, String?, String?, Int64?, Int64?).self)
        let sales = rows.first?.0 ?? 0
        let pairs = rows.compactMap { row -> (BasketsReport.Side, BasketsReport.Side, Int64)? in
            guard let first = row.1, let firstName = row.2, let firstSales = row.3, let second = row.4, let secondName = row.5,
                  let secondSales = row.6, let together = row.7 else { return nil }
            return (.init(gtin: first, name: firstName, sales: firstSales), .init(gtin: second, name: secondName, sales: secondSales),
                    together)
        }
        return BasketsReport(scope: scope, limit: limit, sales: sales, pairs: pairs.enumerated().map { index, pair in
            let (first, second, together) = pair
            return BasketsReport.Pair(
                rank: index + 1, first: first, second: second, together: together,
                supportBasisPoints: ReportArithmetic.basisPoints(together, of: sales),
                confidenceFirstToSecondBasisPoints: ReportArithmetic.basisPoints(together, of: first.sales),
                confidenceSecondToFirstBasisPoints: ReportArithmetic.basisPoints(together, of: second.sales))
        })
    }
}
