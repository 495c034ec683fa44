extension HourlyReport: RenderableReport {
    public var document: ReportDocument {
        var sections: [ReportDocument.Section] = []
        for store in stores {
            let name = "store \(store.store) (\(store.currency.code))"
            sections.append(.chart(BarChart(title: "Sales per hour, \(name)", layout: .columns, bars: store.hours.map {
                BarChart.Bar(label: ReportArithmetic.zeroPadded($0.hour, 2), value: $0.sales, valueText: String($0.sales))
            })))
            sections.append(.table(ReportTable("Hours of \(name)", [.text("Hour"), .number("Sales"), .number("Gross")], store.hours.map {
                [Self.hourText($0.hour), String($0.sales), ReportText.amount($0.gross, store.currency)]
            })))
        }
        let flat = ReportTable("Sales per hour", ["store", "currency", "hour", "sales", "gross"].map { .text($0) }, stores.flatMap { store in
            store.hours.map { [store.store, store.currency.code, String($0.hour), String($0.sales), ReportText.amount($0.gross, store.currency)] }
        })
        return ReportDocument(title: "Sales per hour", subtitle: ReportText.scope(scope), sections: sections, flat: flat)
    }

    /// "09:00-10:00".
    static func hourText(_ hour: Int) -> String {
        ReportArithmetic.zeroPadded(hour, 2) + ":00-" + ReportArithmetic.zeroPadded(hour + 1, 2) + ":00"
    }
}
