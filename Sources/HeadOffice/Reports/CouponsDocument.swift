extension CouponsReport: RenderableReport {
    public var document: ReportDocument {
        let columns = ["coupon_id", "redemptions", "amount", "currency", "redemptions_everywhere", "lanes", "flag"]
        let rows = coupons.map {
            [$0.couponID, String($0.redemptions), ReportText.amount($0.amount, $0.currency), $0.currency.code,
             String($0.redemptionsEverywhere), $0.lanes.joined(separator: " "), $0.flag ?? ""]
        }
        let table = ReportTable("Redemptions per coupon",
                                [.text("Coupon"), .number("Redemptions"), .number("Amount"), .text("Currency"),
                                 .number("All days, all stores"), .text("Lanes"), .text("Flag")],
                                rows, highlighted: Set(coupons.indices.filter { coupons[$0].flag != nil }))
        return ReportDocument(title: "Coupon redemptions", subtitle: ReportText.scope(scope), sections: [.table(table)],
                              flat: ReportTable("Coupon redemptions", columns.map { .text($0) }, rows))
    }
}
