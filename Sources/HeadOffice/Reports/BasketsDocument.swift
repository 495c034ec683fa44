extension BasketsReport: RenderableReport {
    public var document: ReportDocument {
        let percent = { (basisPoints: Int64) in ReportArithmetic.percentText(basisPoints: basisPoints) }
        let table = ReportTable(
            "Top \(limit) pairs of \(sales) sales",
            [.number("Rank"), .text("GTIN A"), .text("Item A"), .text("GTIN B"), .text("Item B"), .number("Together"),
             .number("Support"), .number("A→B"), .number("B→A")],
            pairs.map {
                [String($0.rank), $0.first.gtin, $0.first.name, $0.second.gtin, $0.second.name, String($0.together),
                 percent($0.supportBasisPoints), percent($0.confidenceFirstToSecondBasisPoints),
                 percent($0.confidenceSecondToFirstBasisPoints)]
            })
        let flat = ReportTable(
            "Items bought together",
            ["rank", "first_gtin", "first_name", "first_sales", "second_gtin", "second_name", "second_sales", "together", "sales",
             "support_basis_points", "confidence_first_to_second_basis_points", "confidence_second_to_first_basis_points"].map { .text($0) },
            pairs.map {
                [String($0.rank), $0.first.gtin, $0.first.name, String($0.first.sales), $0.second.gtin, $0.second.name,
                 String($0.second.sales), String($0.together), String(sales), String($0.supportBasisPoints),
                 String($0.confidenceFirstToSecondBasisPoints), String($0.confidenceSecondToFirstBasisPoints)]
            })
        let chart = BarChart(title: "Bought together (sales)", layout: .rows, bars: pairs.map {
            BarChart.Bar(label: "\($0.first.name) + \($0.second.name)", value: $0.together, valueText: String($0.together))
        })
        return ReportDocument(title: "Items bought together", subtitle: ReportText.scope(scope), sections: [.chart(chart), .table(table)],
                              flat: flat)
    }
}
