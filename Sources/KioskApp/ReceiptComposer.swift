import Checkout
import Devices
import Foundation
import Receipts
import Retail

/// Turns a completed sale into the receipt the shopper takes home: ESC/POS for the printer,
/// plain text and an SVG picture for the screen, and the e-receipt link printed as a QR code.
struct ReceiptComposer: Sendable {
    let store: StoreProfile
    let profile: PrinterProfile
    /// The store logo, already dithered to fit the paper.
    let logo: MonochromeImage?
    /// Base of e-receipt links; nil prints no QR code.
    let eReceiptBase: String?

    func eReceiptLink(saleID: String, integrityCode: String?) -> String? {
        guard let base = eReceiptBase, let code = integrityCode else { return nil }
        return base + saleID + "?c=" + code
    }

    func job(for sale: CompletedSale, integrityCode: String?) -> PrintJob {
        let receipt = receipt(for: sale, integrityCode: integrityCode)
        return PrintJob(saleID: sale.id, escpos: ReceiptPrinterDocument.escpos(receipt, profile: profile, logo: logo),
                        text: TextRenderer.render(receipt, profile: profile))
    }

    func text(for sale: CompletedSale, integrityCode: String?) -> String {
        TextRenderer.render(receipt(for: sale, integrityCode: integrityCode), profile: profile)
    }

    func svg(for sale: CompletedSale, integrityCode: String?) -> String {
        SVGPreview.render(receipt(for: sale, integrityCode: integrityCode), profile: profile, logo: logo)
    }

    func receipt(for sale: CompletedSale, integrityCode: String?) -> Receipt {
        let priced = sale.priced
        let amounts = Dictionary(priced.lines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(sale.lines.map { ($0.item.gtin, $0.item.name.en) }, uniquingKeysWith: { a, _ in a })
        let lines = sale.lines.compactMap { line -> Receipt.Line? in
            guard let price = amounts[line.id] else { return nil }
            let quantity: String? = line.embeddedPrice != nil ? "weighed" : line.quantity > 1 ? "\(line.quantity) x \(price.unitPrice)" : nil
            return Receipt.Line(name: line.item.name.en, secondName: line.item.name.zh, quantityText: quantity, amount: price.amount)
        }
        let memberSavings = priced.lines.reduce(Money.zero(priced.total.currency)) { $0 + $1.memberSaving }
        var footer = [store.receiptFooter?.en, store.receiptFooter?.zh].compactMap { $0 }
        if memberSavings.minorUnits > 0 { footer.insert("Member prices saved you \(memberSavings)", at: 0) }
        var receipt = Receipt(
            storeName: [store.name.en, store.name.zh].compactMap { $0 },
            address: store.address,
            saleID: sale.id,
            time: Self.format(sale.completedAt),
            lines: lines,
            discounts: priced.discounts.map { Receipt.Adjustment(label: "\(names[$0.gtin] ?? $0.gtin.digits) \($0.promotion)", amount: $0.amount) },
            subtotal: priced.subtotal,
            total: priced.total,
            taxes: priced.taxes.map { Receipt.TaxRow(label: $0.rate.label, gross: $0.gross, tax: $0.tax, net: $0.net) },
            payment: Receipt.Payment(tender: sale.tender, reference: sale.paymentReference, amount: sale.attempt.amount),
            member: sale.member,
            integrityCode: integrityCode,
            footer: footer)
        receipt.qrCode = eReceiptLink(saleID: sale.id, integrityCode: integrityCode)
        // The sale id as a barcode: returns desks scan it to find the sale.
        receipt.barcode = sale.id
        return receipt
    }

    static func format(_ time: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(time) / 1000))
    }
}

/// Printer profiles (devices/printers/NAME.json) and the receipt logo (assets/receipt/logo.pgm).
enum ReceiptResources {
    static func profile(named name: String, devices: URL) throws -> PrinterProfile {
        let url = devices.appendingPathComponent("printers/\(name).json")
        do {
            return try JSONDecoder().decode(PrinterProfile.self, from: Data(contentsOf: url))
        } catch let error as DecodingError {
            throw KioskSetupError.config(url.path, error.readable)
        } catch {
            throw KioskSetupError.config(url.path, "cannot be read: no printer profile \"\(name)\"")
        }
    }

    /// The logo dithered to at most 60% of the paper's width; nil (with a reason) when unusable.
    static func logo(at url: URL, profile: PrinterProfile) throws -> MonochromeImage {
        let image = try PGM.parse([UInt8](Data(contentsOf: url)))
        return try MonochromeImage.dithered(gray: image.gray, width: image.width, height: image.height,
                                            maxWidth: profile.dotsPerLine * 6 / 10)
    }
}

/// A handful of catalog items for the demo panel: everyday items, weighed goods, an age check,
/// a multi-buy offer, and a member card.
enum DemoItems {
    static func pick(from catalog: Catalog) -> [WebServer.DemoItem] {
        let items = catalog.items
        var picked: [WebServer.DemoItem] = []
        func add(_ matches: [CatalogItem], _ count: Int, hint: (CatalogItem) -> String?, code: (CatalogItem) -> String) {
            for item in matches.prefix(count) {
                picked.append(.init(code: code(item), name: item.name, hint: hint(item)))
            }
        }
        let plain = items.filter { $0.pricing == .unit && $0.minimumAge == nil && $0.multiBuy == nil && $0.memberPrice == nil }
        add(plain, 6, hint: { _ in nil }, code: { $0.gtin.displayForm })
        add(items.filter { $0.multiBuy != nil }, 1, hint: { $0.multiBuy?.description }, code: { $0.gtin.displayForm })
        add(items.filter { $0.memberPrice != nil }, 1, hint: { _ in "member price" }, code: { $0.gtin.displayForm })
        add(items.filter { $0.minimumAge != nil }, 1, hint: { "age \($0.minimumAge ?? 18)" }, code: { $0.gtin.displayForm })
        // A weighed item as the scale would label it: 1.00 kg at the reference price.
        add(items.filter { $0.pricing == .embeddedPrice }, 1, hint: { _ in "weighed" }, code: { item in
            let price = String(item.price.minorUnits % 100_000)
            let priceDigits = String(repeating: "0", count: 5 - price.count) + price
            return GTIN.appendingCheckDigit(String(item.gtin.displayForm.prefix(7)) + priceDigits)
        })
        picked.append(.init(code: GTIN.appendingCheckDigit("040000012345"), name: LocalizedName(en: "Member card", zh: "会员卡"), hint: "member"))
        picked.append(.init(code: GTIN.appendingCheckDigit("699999999999"), name: LocalizedName(en: "Unknown item", zh: "未知商品"), hint: "not found"))
        return picked
    }
}
