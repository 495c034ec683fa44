import PostgresNIO
import Retail

/// The day's coupon redemptions per coupon id. Coupons are one-time: a coupon id redeemed more
/// than once anywhere in the chain, on any day (two lanes offline at once, or a replayed code),
/// is flagged `double-redemption`, listed first, with every lane that took it.
public struct CouponsReport: Codable, Hashable, Sendable {
    public let scope: ReportScope
    /// Flagged first, then by coupon id.
    public let coupons: [Coupon]

    public static let doubleRedemption = "double-redemption"

    public struct Coupon: Codable, Hashable, Sendable {
        public let couponID: String
        public let currency: Currency
        /// Redemptions in the report's scope and day.
        public let redemptions: Int64
        public let amount: Int64
        /// Redemptions of this id in the whole chain, any day.
        public let redemptionsEverywhere: Int64
        /// Every lane that redeemed it, any day.
        public let lanes: [String]
        /// `double-redemption`, or nil.
        public let flag: String?
    }

    /// The ids to tell every lane are redeemed already.
    public var doubleRedeemed: [String] { coupons.filter { $0.flag != nil }.map(\.couponID) }
}

extension HeadOfficeReports {
    public func coupons(_ scope: ReportScope) async throws -> CouponsReport {
        let rows = try await rows(ReportSQL.query("""
            , day AS (
                SELECT r.coupon_id, sc.currency, sc.minor_digits, count(*) AS redemptions, sum(r.amount) AS amount
                FROM scope sc JOIN coupon_redemption r ON r.lane = sc.lane AND r.sale_id = sc.id
                GROUP BY r.coupon_id, sc.currency, sc.minor_digits
            ), everywhere AS (
                SELECT coupon_id, count(*) AS redemptions, array_agg(DISTINCT lane ORDER BY lane) AS lanes
                FROM coupon_redemption WHERE coupon_id IN (SELECT coupon_id FROM day) GROUP BY coupon_id
            )
            SELECT d.coupon_id, d.currency, d.minor_digits::int2, d.redemptions::int8, d.amount::int8, e.redemptions::int8, e.lanes
            FROM day d JOIN everywhere e USING (coupon_id)
            """, scope), as: (String, String, Int16, Int64, Int64, Int64, [String]).self)
        let coupons = rows.map { id, code, digits, redemptions, amount, everywhere, lanes in
            CouponsReport.Coupon(couponID: id, currency: Currency(code: code, minorDigits: digits), redemptions: redemptions,
                                 amount: amount, redemptionsEverywhere: everywhere, lanes: lanes,
                                 flag: everywhere > 1 ? CouponsReport.doubleRedemption : nil)
        }
        return CouponsReport(scope: scope, coupons: coupons.sorted {
            ($0.flag == nil ? 1 : 0, $0.couponID, $0.currency.code) < ($1.flag == nil ? 1 : 0, $1.couponID, $1.currency.code)
        })
    }
}
