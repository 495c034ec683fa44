import PostgresNIO
import Retail

extension HeadOfficeReports {
    /// The day's sales per lane, per store and in all: count, gross, tax per rate, tenders,
    /// discounts per promotion, coupons and the average basket.
    public func daily(_ scope: ReportScope) async throws -> DailyReport {
        let rows = try await rows(ReportSQL.query(Self.dailySQL, scope),
                                  as: (String, String, String, String, Int16, String, Int32, Int64, Int64, Int64).self)
        return DailyReport(scope: scope, rows: try rows.map { kindText, store, lane, currency, digits, key, basisPoints, count, amount, tax in
            guard let kind = DailyReport.Row.Kind(rawValue: kindText) else { throw UnknownRowKind(kind: kindText) }
            return DailyReport.Row(kind: kind, store: store, lane: lane, currency: Currency(code: currency, minorDigits: digits), key: key,
                                   basisPoints: Int(basisPoints), count: count, amount: amount, tax: tax)
        })
    }

    struct UnknownRowKind: Error { let kind: String }

    /// Every figure of every lane in one statement (one snapshot): kind, store, lane, currency,
    /// minor digits, key (tax code, tender or promotion), basis points, count, amount, tax.
    static let dailySQL = """
        , figure AS (
            SELECT 'sales' AS kind, store, lane, currency, minor_digits, '' AS key, 0 AS basis_points,
                   count(*) AS n, sum(total) AS amount, 0 AS tax
            FROM scope GROUP BY store, lane, currency, minor_digits
            UNION ALL
            SELECT 'tax', sc.store, sc.lane, sc.currency, sc.minor_digits, t.tax_code, t.basis_points, count(*), sum(t.gross), sum(t.tax)
            FROM scope sc JOIN sale_tax t ON t.lane = sc.lane AND t.sale_id = sc.id
            GROUP BY sc.store, sc.lane, sc.currency, sc.minor_digits, t.tax_code, t.basis_points
            UNION ALL
            SELECT 'tender', sc.store, sc.lane, sc.currency, sc.minor_digits, p.tender, 0, count(*), sum(p.amount), 0
            FROM scope sc JOIN sale_payment p ON p.lane = sc.lane AND p.sale_id = sc.id
            GROUP BY sc.store, sc.lane, sc.currency, sc.minor_digits, p.tender
            UNION ALL
            SELECT 'discount', sc.store, sc.lane, sc.currency, sc.minor_digits, d.promotion, 0, count(*), sum(d.amount), 0
            FROM scope sc JOIN sale_discount d ON d.lane = sc.lane AND d.sale_id = sc.id
            GROUP BY sc.store, sc.lane, sc.currency, sc.minor_digits, d.promotion
            UNION ALL
            SELECT 'coupons', sc.store, sc.lane, sc.currency, sc.minor_digits, '', 0, count(*), sum(r.amount), 0
            FROM scope sc JOIN coupon_redemption r ON r.lane = sc.lane AND r.sale_id = sc.id
            GROUP BY sc.store, sc.lane, sc.currency, sc.minor_digits
            UNION ALL
            SELECT 'idle', l.store, l.id, '', 0, '', 0, 0, 0, 0
            FROM lane l
            WHERE l.removed_at IS NULL AND ($2::text IS NULL OR l.store = $2::text)
              AND NOT EXISTS (SELECT 1 FROM scope sc WHERE sc.lane = l.id)
        )
        SELECT kind, store, lane, currency, minor_digits::int2, key, basis_points::int4, n::int8, amount::int8, tax::int8 FROM figure
        """
}
