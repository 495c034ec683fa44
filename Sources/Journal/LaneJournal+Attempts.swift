import GRDB

/// A payment attempt as the journal's derived table has it, for reconciliation with the provider.
public struct JournaledAttempt: Hashable, Sendable {
    public let id: String
    public let amountMinorUnits: Int64
    public let currency: String
    /// `requested`, `approved`, `declined` or `unknown`.
    public let state: String
    /// The provider's reference of an approval.
    public let reference: String?
    /// The wallet kind and masked code ("wechat-pay 13**...6789"); nil for the card terminal.
    public let wallet: String?
}

extension LaneJournal {
    /// The payment attempts requested at times in `range` (milliseconds since 1970), in order.
    public func paymentAttempts(requestedIn range: Range<Int64>) throws -> [JournaledAttempt] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, a.amount, a.currency, a.state, a.reference, a.wallet
                FROM payment_attempt a JOIN event e ON e.seq = a.requested_seq
                WHERE e.at >= ? AND e.at < ? ORDER BY a.requested_seq
                """, arguments: [range.lowerBound, range.upperBound]).map { row in
                JournaledAttempt(id: row["id"], amountMinorUnits: row["amount"], currency: row["currency"], state: row["state"],
                                 reference: row["reference"], wallet: row["wallet"])
            }
        }
    }
}
