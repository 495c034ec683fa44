extension DailyReport: RenderableReport {
    public var document: ReportDocument {
        let levels = orderedLevels
        let head: [ReportTable.Column] = [.text("Store"), .text("Lane"), .text("Currency")]
        func table(_ title: String, _ columns: [ReportTable.Column], _ cells: (SalesFigures) -> [[String]]) -> ReportTable {
            var rows: [[String]] = []
            var strong: Set<Int> = []
            for figures in levels {
                for cellsOfRow in cells(figures) {
                    if figures.lane == nil { strong.insert(rows.count) }
                    rows.append(Self.names(figures) + [figures.currency.code] + cellsOfRow)
                }
            }
            return ReportTable(title, head + columns, rows, highlighted: strong)
        }
        let sales = table("Sales", [.number("Sales"), .number("Gross"), .number("Average basket"), .number("Discounts"),
                                    .number("Coupons"), .number("Coupon amount")]) { f in
            [[String(f.sales), amount(f.gross, f), amount(f.averageBasket, f), amount(f.discounts.reduce(0) { $0 + $1.amount }, f),
              String(f.coupons.redemptions), amount(f.coupons.amount, f)]]
        }
        let taxes = table("Tax by rate", [.text("Tax code"), .number("Rate"), .number("Gross"), .number("Tax")]) { f in
            f.taxes.map { [$0.code, ReportArithmetic.percentText(basisPoints: Int64($0.basisPoints)), amount($0.gross, f), amount($0.tax, f)] }
        }
        let tenders = table("Tenders", [.text("Tender"), .number("Payments"), .number("Amount")]) { f in
            f.tenders.map { [$0.tender, String($0.count), amount($0.amount, f)] }
        }
        let discounts = table("Discounts by promotion", [.text("Promotion"), .number("Lines"), .number("Amount")]) { f in
            f.discounts.map { [$0.promotion, String($0.count), amount($0.amount, f)] }
        }
        var sections: [ReportDocument.Section] = [
            .chart(BarChart(title: "Gross per lane", layout: .rows, bars: lanes.map {
                BarChart.Bar(label: "\($0.store ?? "") / \($0.lane ?? "") (\($0.currency.code))", value: $0.gross, valueText: amount($0.gross, $0))
            })),
            .chart(BarChart(title: "Tenders, all stores", layout: .rows, bars: totals.flatMap { f in
                f.tenders.map { BarChart.Bar(label: "\($0.tender) (\(f.currency.code))", value: $0.amount, valueText: amount($0.amount, f)) }
            })),
            .table(sales), .table(taxes), .table(tenders), .table(discounts),
        ]
        if !idleLanes.isEmpty {
            sections.append(.table(ReportTable("Lanes without a sale", [.text("Store"), .text("Lane")], idleLanes.map { [$0.store, $0.lane] })))
        }
        return ReportDocument(title: "Daily sales", subtitle: ReportText.scope(scope), sections: sections, flat: flat(levels))
    }

    /// Each store's lanes then the store's total, store by store; the chain's totals last.
    var orderedLevels: [SalesFigures] {
        stores.flatMap { store in lanes.filter { $0.store == store.store && $0.currency == store.currency } + [store] } + totals
    }

    private static func names(_ figures: SalesFigures) -> [String] {
        switch (figures.store, figures.lane) {
        case (let store?, let lane?): [store, lane]
        case (let store?, nil): [store, "all lanes"]
        default: ["all stores", ""]
        }
    }

    private static func level(_ figures: SalesFigures) -> String {
        figures.lane != nil ? "lane" : figures.store != nil ? "store" : "total"
    }

    /// One figure a row: level (lane, store, total), store, lane, currency, figure, key (tax code,
    /// tender or promotion), basis points, count, amount, tax.
    private func flat(_ levels: [SalesFigures]) -> ReportTable {
        var rows: [[String]] = []
        for f in levels {
            let lead = [Self.level(f), f.store ?? "", f.lane ?? "", f.currency.code]
            rows.append(lead + ["sales", "", "", String(f.sales), amount(f.gross, f), ""])
            rows.append(lead + ["average_basket", "", "", "", amount(f.averageBasket, f), ""])
            rows += f.taxes.map { lead + ["tax", $0.code, String($0.basisPoints), "", amount($0.gross, f), amount($0.tax, f)] }
            rows += f.tenders.map { lead + ["tender", $0.tender, "", String($0.count), amount($0.amount, f), ""] }
            rows += f.discounts.map { lead + ["discount", $0.promotion, "", String($0.count), amount($0.amount, f), ""] }
            rows.append(lead + ["coupons", "", "", String(f.coupons.redemptions), amount(f.coupons.amount, f), ""])
        }
        rows += idleLanes.map { ["lane", $0.store, $0.lane, "", "idle", "", "", "0", "", ""] }
        let columns = ["level", "store", "lane", "currency", "figure", "key", "basis_points", "count", "amount", "tax"]
        return ReportTable("Daily sales", columns.map { .text($0) }, rows)
    }
}

private func amount(_ minorUnits: Int64, _ figures: SalesFigures) -> String { ReportText.amount(minorUnits, figures.currency) }
