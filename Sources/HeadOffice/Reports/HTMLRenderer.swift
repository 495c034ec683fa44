import Retail

/// A report as one self-contained HTML page: inline CSS, inline SVG charts, nothing fetched.
/// Every value is escaped (item names and coupon ids come from the lanes), and the page's
/// Content-Security-Policy forbids scripts and outside resources besides.
enum HTMLRenderer {
    static func render(_ document: ReportDocument) -> String {
        var body = ""
        for section in document.sections {
            switch section {
            case .chart(let chart): body += "<section class=\"chart\">\n<h2>\(e(chart.title))</h2>\n\(SVGBarChart.render(chart))</section>\n"
            case .table(let table): body += "<section>\n<h2>\(e(table.title))</h2>\n\(self.table(table))</section>\n"
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(document.title)): \(e(document.subtitle))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>\(e(document.title))</h1><p>\(e(document.subtitle))</p></header>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    static func table(_ table: ReportTable) -> String {
        guard !table.rows.isEmpty else { return "<p class=\"none\">None.</p>\n" }
        func cell(_ tag: String, _ text: String, _ column: ReportTable.Column) -> String {
            "<\(tag)\(column.numeric ? " class=\"n\"" : "")>\(e(text))</\(tag)>"
        }
        let head = table.columns.map { cell("th", $0.name, $0) }.joined()
        let rows = table.rows.enumerated().map { index, row in
            "<tr\(table.highlighted.contains(index) ? " class=\"strong\"" : "")>"
                + zip(row, table.columns).map { cell("td", $0, $1) }.joined() + "</tr>\n"
        }
        return "<div class=\"scroll\"><table>\n<thead><tr>\(head)</tr></thead>\n<tbody>\n\(rows.joined())</tbody>\n</table></div>\n"
    }

    static func e(_ text: String) -> String { markupEscaped(text) }

    static let style = """
        :root { color-scheme: light; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bar: #2563eb; --card: #ffffff; }
        body { margin: 0; background: #f3f4f6; color: var(--ink);
               font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", sans-serif; }
        header { background: #111827; color: #f9fafb; padding: 20px 28px; }
        header h1 { margin: 0; font-size: 24px; }
        header p { margin: 4px 0 0; color: #d1d5db; }
        main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; padding: 18px 28px 36px; }
        section { background: var(--card); border-radius: 10px; padding: 14px 18px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
        section.chart { grid-column: span 1; }
        h2 { font-size: 16px; margin: 0 0 10px; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
        th { color: var(--muted); font-weight: 600; font-size: 13px; }
        td.n, th.n { text-align: right; }
        tr.strong td { font-weight: 700; background: #f9fafb; }
        tbody tr:hover td { background: #eff6ff; }
        .none { color: var(--muted); }
        svg { width: 100%; height: auto; display: block; }
        svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
        svg .value { fill: var(--muted); font-size: 11px; }
        svg rect.bar { fill: var(--bar); }
        @media print { body { background: #fff; } section { box-shadow: none; border: 1px solid var(--line); } }
        """
}
