import Journal
import Logging
import PostgresNIO

/// The sales a page recorded, into sale, sale_line, sale_discount, sale_tax, sale_payment and
/// coupon_redemption: one statement per table for the whole page (arrays `unnest`ed).
struct SaleInsert {
    let lane: String
    let sales: [(seq: Int64, rows: SaleRows)]

    func run(on tx: PostgresConnection, logger: Logger) async throws {
        guard !sales.isEmpty else { return }
        let rows = sales.map(\.rows)
        try await tx.query("""
            INSERT INTO sale (lane, id, seq, completed_at, currency, minor_digits, subtotal, total, item_count, member)
            SELECT \(lane), s.id, s.seq, timestamptz 'epoch' + s.completed * interval '1 millisecond', s.currency, s.digits, s.subtotal,
                   s.total, s.items, CASE WHEN s.has_member THEN s.member END
            FROM unnest(\(rows.map(\.id)), \(sales.map(\.seq)), \(rows.map(\.completedAt)), \(rows.map(\.currency)),
                        \(rows.map { Int64($0.minorDigits) }), \(rows.map(\.subtotal)), \(rows.map(\.total)), \(rows.map { Int64($0.itemCount) }),
                        \(rows.map { $0.member != nil }), \(rows.map { $0.member ?? "" }))
                 AS s(id, seq, completed, currency, digits, subtotal, total, items, has_member, member)
            """, logger: logger)

        let lines = rows.flatMap { sale in sale.lines.map { (sale.id, $0) } }
        if !lines.isEmpty {
            try await tx.query("""
                INSERT INTO sale_line (lane, sale_id, line_no, gtin, name, quantity, unit_price, amount, tax_code)
                SELECT \(lane), * FROM unnest(\(lines.map { $0.0 }), \(lines.map { Int64($0.1.number) }), \(lines.map { $0.1.gtin }),
                    \(lines.map { $0.1.name }), \(lines.map { Int64($0.1.quantity) }), \(lines.map { $0.1.unitPrice }), \(lines.map { $0.1.amount }),
                    \(lines.map { $0.1.taxCode }))
                """, logger: logger)
        }
        let discounts = rows.flatMap { sale in sale.discounts.enumerated().map { (sale.id, Int64($0.offset + 1), $0.element) } }
        if !discounts.isEmpty {
            try await tx.query("""
                INSERT INTO sale_discount (lane, sale_id, discount_no, gtin, promotion, amount)
                SELECT \(lane), * FROM unnest(\(discounts.map { $0.0 }), \(discounts.map { $0.1 }), \(discounts.map { $0.2.gtin }),
                    \(discounts.map { $0.2.promotion }), \(discounts.map { $0.2.amount }))
                """, logger: logger)
        }
        let taxes = rows.flatMap { sale in sale.taxes.enumerated().map { (sale.id, Int64($0.offset + 1), $0.element) } }
        if !taxes.isEmpty {
            try await tx.query("""
                INSERT INTO sale_tax (lane, sale_id, tax_no, tax_code, basis_points, gross, tax)
                SELECT \(lane), * FROM unnest(\(taxes.map { $0.0 }), \(taxes.map { $0.1 }), \(taxes.map { $0.2.code }),
                    \(taxes.map { Int64($0.2.basisPoints) }), \(taxes.map { $0.2.gross }), \(taxes.map { $0.2.tax }))
                """, logger: logger)
        }
        try await tx.query("""
            INSERT INTO sale_payment (lane, sale_id, attempt_id, tender, reference, amount)
            SELECT \(lane), * FROM unnest(\(rows.map(\.id)), \(rows.map(\.payment.attemptID)), \(rows.map(\.payment.tender)),
                \(rows.map(\.payment.reference)), \(rows.map(\.payment.amount)))
            """, logger: logger)
        let redemptions = sales.flatMap { sale in sale.rows.redemptions.map { (sale.rows.id, sale.seq, $0) } }
        if !redemptions.isEmpty {
            try await tx.query("""
                INSERT INTO coupon_redemption (lane, sale_id, coupon_id, seq, amount)
                SELECT \(lane), * FROM unnest(\(redemptions.map { $0.0 }), \(redemptions.map { $0.2.couponID }), \(redemptions.map { $0.1 }),
                    \(redemptions.map { $0.2.amount }))
                """, logger: logger)
        }
    }
}
