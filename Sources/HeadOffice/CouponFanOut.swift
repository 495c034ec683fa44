import AsyncHTTPClient
import Deadlines
import Logging
import PostgresNIO

/// Coupons redeemed on one lane, sent to every lane to refuse from now on, by the running
/// collector after rounds that stored something (no timer beside it to forget). What a lane has
/// not taken yet stays owed to it, so a lane that was down gets it when it is back; a lane seen
/// for the first time (and every lane when the collector starts) gets the last `days` days.
/// Which redemptions were read is a seq per redeeming lane: a lane's pages commit in seq order.
actor CouponFanOut {
    let db: PostgresHandle
    let http: HTTPClient
    let timeout: Duration
    let days: Int
    private var read: [String: Int64] = [:]
    private var owed: [String: Set<String>] = [:]
    private var known: Set<String> = []

    init(db: PostgresHandle, http: HTTPClient, timeout: Duration, days: Int = 30) {
        self.db = db
        self.http = http
        self.timeout = timeout
        self.days = days
    }

    /// Whether some lane still has to take ids (it failed last time).
    var isOwing: Bool { owed.values.contains { !$0.isEmpty } }

    /// Reads what was redeemed since the last time and sends every lane what it is owed.
    func run(to lanes: [EnrolledLane]) async {
        let deadline = timeout
        do {
            let fresh = try await withDeadline(deadline, expired: { DatabaseStepTimeout(step: "read redeemed coupons", limit: deadline) }) {
                [db, read, days] in try await Self.redemptions(db, after: read, days: days)
            }
            let newcomers = lanes.filter { !known.contains($0.id) }
            let recent = newcomers.isEmpty ? [] : try await withDeadline(deadline, expired: {
                DatabaseStepTimeout(step: "read redeemed coupons", limit: deadline)
            }) { [db, days] in try await LanePush.recentlyRedeemedCoupons(db, days: days) }
            for redemption in fresh { read[redemption.lane] = max(read[redemption.lane] ?? 0, redemption.seq) }
            let ids = Set(fresh.map(\.coupon))
            for lane in lanes where known.contains(lane.id) { owed[lane.id, default: []].formUnion(ids) }
            for lane in newcomers { owed[lane.id, default: []].formUnion(recent) }
            known.formUnion(newcomers.map(\.id))
        } catch {
            db.logger.error("cannot read the redeemed coupons: \(DatabaseFailure.text(error))")
        }
        known.formIntersection(lanes.map(\.id))
        owed = owed.filter { known.contains($0.key) && !$0.value.isEmpty }
        await send(to: lanes.filter { owed[$0.id] != nil })
    }

    private func send(to lanes: [EnrolledLane]) async {
        let pushes = lanes.map { lane in (lane, owed[lane.id] ?? []) }
        let outcomes = await withTaskGroup(of: (String, Set<String>, Result<String, LaneCallError>).self) { group in
            for (lane, ids) in pushes {
                group.addTask { [http, timeout] in
                    let client = LaneClient(lane: lane, http: http, timeout: timeout)
                    for push in LanePush.redeemedCoupons(ids.sorted()) {
                        if case .failure(let error) = await push.send(to: client).result { return (lane.id, ids, .failure(error)) }
                    }
                    return (lane.id, ids, .success("\(ids.count) coupons"))
                }
            }
            var outcomes: [(String, Set<String>, Result<String, LaneCallError>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        for (lane, ids, result) in outcomes {
            switch result {
            case .success(let summary):
                owed[lane]?.subtract(ids)
                db.logger.info("redeemed coupons sent", metadata: ["lane": "\(lane)", "sent": "\(summary)"])
            case .failure(let error):
                db.logger.warning("redeemed coupons not sent, kept for the next time", metadata: ["lane": "\(lane)", "error": "\(error)"])
            }
        }
    }

    struct Redemption: Sendable {
        let lane: String, seq: Int64, coupon: String
    }

    /// Redemptions after each lane's seq in `after`; for a lane not in it, those of the last `days` days.
    static func redemptions(_ db: PostgresHandle, after: [String: Int64], days: Int) async throws -> [Redemption] {
        let lanes = Array(after.keys)
        let rows = try await db.client.query("""
            SELECT r.lane, r.seq, r.coupon_id FROM coupon_redemption r
            JOIN sale s ON s.lane = r.lane AND s.id = r.sale_id
            LEFT JOIN unnest(\(lanes), \(lanes.map { after[$0]! })) AS w(lane, seq) ON w.lane = r.lane
            WHERE CASE WHEN w.lane IS NULL THEN s.completed_at >= now() - make_interval(days => \(Int32(clamping: days)))
                       ELSE r.seq > w.seq END
            """, logger: db.logger)
        var result: [Redemption] = []
        for try await (lane, seq, coupon) in rows.decode((String, Int64, String).self) {
            result.append(Redemption(lane: lane, seq: seq, coupon: coupon))
        }
        return result
    }
}
