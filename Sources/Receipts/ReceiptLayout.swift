import Retail

/// Lays a receipt out once, as styled rows for a given paper width.
public enum ReceiptLayout {
    /// The smallest line the layout works with; narrower profiles are treated as this wide.
    static let minimumColumns = 2

    /// The rows as text, a code's place taken by its text (see `Block`).
    public static func lines(for receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english) -> [PrintLine] {
        blocks(for: receipt, profile: profile, labels: labels).flatMap { block -> [PrintLine] in
            switch block {
            case .line(let line): return [line]
            case .qrCode(_, let fallback): return fallback
            case .barcode: return []
            }
        }
    }

    /// The receipt from top to bottom: rows, and the codes between them. The printer
    /// document and the preview decide how each code is drawn, or whether it is.
    enum Block: Hashable {
        case line(PrintLine)
        /// A QR code; `fallback` rows (the payload as text) print instead when it cannot be drawn.
        case qrCode(String, fallback: [PrintLine])
        /// A CODE128 barcode; its text is always printed in the row that follows, so it needs
        /// no fallback.
        case barcode(String)
    }

    static func blocks(for receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english) -> [Block] {
        var page = Page(columns: max(profile.columns, minimumColumns))
        page.header(receipt)
        page.items(receipt.lines)
        page.discounts(receipt.discounts)
        page.totals(receipt, labels: labels)
        page.taxes(receipt.taxes, labels: labels)
        page.payment(receipt, labels: labels)
        page.barcode(receipt.barcode)
        page.qrCode(receipt.qrCode, labels: labels)
        page.footer(receipt.footer)
        return page.blocks
    }

    /// "************5678": hides all but the last 4 characters (all of a short number).
    static func masked(_ member: String) -> String {
        let characters = Array(member)
        let shown = characters.count > 4 ? 4 : 0
        return String(repeating: "*", count: characters.count - shown) + String(characters.suffix(shown))
    }

    /// Discounts print negative, whichever sign they were given with.
    static func negative(_ amount: Money) -> Money {
        amount.minorUnits > 0 ? Money(minorUnits: -amount.minorUnits, currency: amount.currency) : amount
    }
}

/// The receipt being built, section by section.
private struct Page {
    let columns: Int
    var blocks: [ReceiptLayout.Block] = []

    mutating func add(_ texts: [String], alignment: TextAlignment = .left, bold: Bool = false, widthScale: Int = 1, heightScale: Int = 1) {
        blocks += texts.map { .line(PrintLine($0, alignment: alignment, bold: bold, widthScale: widthScale, heightScale: heightScale)) }
    }

    mutating func separator() {
        add([String(repeating: "-", count: columns)])
    }

    mutating func header(_ receipt: Receipt) {
        // Double width halves the characters per line.
        let nameColumns = max(columns / 2, ReceiptLayout.minimumColumns)
        for name in receipt.storeName {
            add(ColumnLayout.wrap(name, width: nameColumns), alignment: .center, bold: true, widthScale: 2, heightScale: 2)
        }
        for line in receipt.address {
            add(ColumnLayout.wrap(line, width: columns), alignment: .center)
        }
        if let banner = receipt.copyBanner {
            separator()
            add(ColumnLayout.wrap(banner, width: nameColumns), alignment: .center, bold: true, widthScale: 2, heightScale: 2)
        }
        separator()
    }

    mutating func items(_ items: [Receipt.Line]) {
        for item in items {
            let amount = item.amount.description
            if let quantity = item.quantityText {
                add(ColumnLayout.wrap(item.name, width: columns))
                add(ColumnLayout.wrap(item.secondName ?? "", width: columns))
                add(ColumnLayout.justify(quantity, amount, width: columns, indent: 2))
            } else {
                add(ColumnLayout.justify(item.name, amount, width: columns))
                add(ColumnLayout.wrap(item.secondName ?? "", width: columns))
            }
        }
    }

    mutating func discounts(_ discounts: [Receipt.Adjustment]) {
        for discount in discounts {
            add(ColumnLayout.justify(discount.label, ReceiptLayout.negative(discount.amount).description, width: columns))
        }
    }

    mutating func totals(_ receipt: Receipt, labels: ReceiptLabels) {
        separator()
        add(ColumnLayout.justify(labels.subtotal, receipt.subtotal.description, width: columns))
        if let tax = receipt.addedTax { add(ColumnLayout.justify(labels.tax, tax.description, width: columns)) }
        add(ColumnLayout.justify(labels.total, receipt.total.description, width: columns), bold: true, heightScale: 2)
    }

    mutating func taxes(_ taxes: [Receipt.TaxRow], labels: ReceiptLabels) {
        guard !taxes.isEmpty else { return }
        separator()
        let rows = [[labels.taxRate, labels.gross, labels.tax, labels.net]]
            + taxes.map { [$0.label, $0.gross.description, $0.tax.description, $0.net.description] }
        if let table = ColumnLayout.table(rows, width: columns) {
            add(table)
            return
        }
        // Too narrow (or amounts too large) for a table: one block per rate.
        for row in taxes {
            add(ColumnLayout.wrap(row.label, width: columns))
            add(ColumnLayout.justify(labels.gross, row.gross.description, width: columns, indent: 2))
            add(ColumnLayout.justify(labels.tax, row.tax.description, width: columns, indent: 2))
            add(ColumnLayout.justify(labels.net, row.net.description, width: columns, indent: 2))
        }
    }

    mutating func payment(_ receipt: Receipt, labels: ReceiptLabels) {
        separator()
        add(ColumnLayout.justify(receipt.payment.tender, receipt.payment.amount.description, width: columns))
        if let reference = receipt.payment.reference {
            add(ColumnLayout.justify(labels.reference, reference, width: columns))
        }
        if let member = receipt.member {
            add(ColumnLayout.justify(labels.member, ReceiptLayout.masked(member), width: columns))
        }
        add(ColumnLayout.justify(labels.sale, receipt.saleID, width: columns))
        add(ColumnLayout.justify(labels.time, receipt.time, width: columns))
        if let code = receipt.integrityCode {
            add(ColumnLayout.justify(labels.integrityCode, code, width: columns))
        }
    }

    /// The barcode, then its text centred underneath (wrapped if it is wider than the paper).
    mutating func barcode(_ payload: String?) {
        guard let payload, !ColumnLayout.singleLine(payload).isEmpty else { return }
        separator()
        blocks.append(.barcode(payload))
        add(ColumnLayout.wrap(payload, width: columns), alignment: .center)
    }

    /// The caption, then the QR code, or the payload as text when the code cannot print.
    mutating func qrCode(_ payload: String?, labels: ReceiptLabels) {
        guard let payload, !ColumnLayout.singleLine(payload).isEmpty else { return }
        separator()
        add(ColumnLayout.wrap(labels.eReceipt, width: columns), alignment: .center)
        let fallback = ColumnLayout.wrap(payload, width: columns).map { PrintLine($0, alignment: .center) }
        blocks.append(.qrCode(payload, fallback: fallback))
    }

    mutating func footer(_ footer: [String]) {
        guard !footer.isEmpty else { return }
        separator()
        for line in footer {
            add(ColumnLayout.wrap(line, width: columns), alignment: .center)
        }
    }
}
