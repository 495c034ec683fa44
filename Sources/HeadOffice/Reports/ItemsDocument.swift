extension ItemsReport: RenderableReport {
    public var document: ReportDocument {
        let columns: [ReportTable.Column] = [.number("Rank"), .text("GTIN"), .text("Name"), .number("Quantity"), .number("Amount"),
                                             .text("Currency"), .number("Sales")]
        func cells(_ item: Item) -> [String] {
            [String(item.rank), item.gtin, item.name, String(item.quantity), ReportText.amount(item.amount, item.currency),
             item.currency.code, String(item.sales)]
        }
        let sections: [ReportDocument.Section] = [
            .chart(BarChart(title: "Top items by amount", layout: .rows, bars: byAmount.map {
                BarChart.Bar(label: $0.name, value: $0.amount, valueText: "\(ReportText.amount($0.amount, $0.currency)) \($0.currency.code)")
            })),
            .chart(BarChart(title: "Top items by quantity", layout: .rows, bars: byQuantity.map {
                BarChart.Bar(label: $0.name, value: $0.quantity, valueText: String($0.quantity))
            })),
            .table(ReportTable("Top \(limit) by quantity", columns, byQuantity.map(cells))),
            .table(ReportTable("Top \(limit) by amount", columns, byAmount.map(cells))),
        ]
        let flat = ReportTable("Top items", ["ranking", "rank", "gtin", "name", "quantity", "amount", "currency", "sales"].map { .text($0) },
                               byQuantity.map { ["quantity"] + cells($0) } + byAmount.map { ["amount"] + cells($0) })
        return ReportDocument(title: "Top items", subtitle: ReportText.scope(scope), sections: sections, flat: flat)
    }
}
