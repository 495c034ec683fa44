import Checkout
import Devices
import Foundation
import Peripherals
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
    /// Signs the links (ReceiptLinkKey.swift).
    let linkKey: ReceiptLinkKey
    /// The printed words, in the store's receipt languages.
    var words = ReceiptWords.builtIn

    func eReceiptLink(saleID: String) -> String? {
        eReceiptBase.map { $0 + saleID + "?k=" + linkKey.secret(forSale: saleID) }
    }

    /// The receipt for the lane's printer; `printer` is that printer's own profile when it has one.
    /// `copy` marks a receipt printed again (a reprint, or the one a restart prints when the crash
    /// may have come after the paper did).
    func job(for sale: CompletedSale, integrityCode: String?, profile printer: PrinterProfile? = nil, copy: Bool = false) -> PrintJob {
        var receipt = receipt(for: sale, integrityCode: integrityCode)
        if copy { receipt.copyBanner = words.copy }
        let profile = printer ?? self.profile
        return PrintJob(saleID: sale.id, escpos: ReceiptPrinterDocument.escpos(receipt, profile: profile, labels: words.labels, logo: logo),
                        text: TextRenderer.render(receipt, profile: profile, labels: words.labels))
    }

    func text(for sale: CompletedSale, integrityCode: String?) -> String {
        TextRenderer.render(receipt(for: sale, integrityCode: integrityCode), profile: profile, labels: words.labels)
    }

    func svg(for sale: CompletedSale, integrityCode: String?) -> String {
        SVGPreview.render(receipt(for: sale, integrityCode: integrityCode), profile: profile, labels: words.labels, logo: logo)
    }

    func receipt(for sale: CompletedSale, integrityCode: String?) -> Receipt {
        let priced = sale.priced
        let amounts = Dictionary(priced.lines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(sale.lines.map { ($0.item.gtin, $0.item.name.en) }, uniquingKeysWith: { a, _ in a })
        let lines = sale.lines.compactMap { line -> Receipt.Line? in
            guard let price = amounts[line.id] else { return nil }
            let quantity: String? = line.embeddedPrice != nil ? words.weighed : line.quantity > 1 ? "\(line.quantity) x \(price.unitPrice)" : nil
            return Receipt.Line(name: line.item.name.en, secondName: line.item.name.zh, quantityText: quantity, amount: price.amount)
        }
        let memberSavings = priced.lines.reduce(Money.zero(priced.total.currency)) { $0 + $1.memberSaving }
        var footer = [store.receiptFooter?.en, store.receiptFooter?.zh].compactMap { $0 }
        if memberSavings.minorUnits > 0 { footer.insert(words.memberSavings.replacingOccurrences(of: "{amount}", with: memberSavings.description), at: 0) }
        var receipt = Receipt(
            storeName: [store.name.en, store.name.zh].compactMap { $0 },
            address: store.address,
            saleID: sale.id,
            time: Self.format(sale.completedAt),
            lines: lines,
            discounts: priced.discountSummary.map { discount in
                let item = discount.gtin.map { names[$0] ?? $0.digits }
                return Receipt.Adjustment(label: item.map { "\($0) \(discount.promotion)" } ?? Self.capitalised(discount.promotion),
                                          amount: discount.amount)
            },
            subtotal: priced.subtotal,
            total: priced.total,
            taxes: priced.taxes.map { Receipt.TaxRow(label: $0.rate.label, gross: $0.gross, tax: $0.tax, net: $0.net) },
            payment: Receipt.Payment(tender: sale.attempt.wallet?.description ?? sale.tender, reference: sale.paymentReference,
                                     amount: sale.attempt.amount),
            member: sale.member,
            integrityCode: integrityCode,
            footer: footer,
            addedTax: priced.taxMode == .exclusive ? priced.addedTax : nil)
        receipt.qrCode = eReceiptLink(saleID: sale.id)
        // The sale id as a barcode: returns desks scan it to find the sale.
        receipt.barcode = sale.id
        return receipt
    }

    /// The copy banner of the built-in words (tests read it).
    static let copyBanner = ReceiptWords.builtIn.copy

    /// "coupon SPRING-1" -> "Coupon SPRING-1".
    static func capitalised(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
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
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw KioskSetupError.config(url.path, "cannot be read: no printer profile \"\(name)\"")
        }
        // Through the device registry, so `inherits` is resolved as for USB printers.
        let catalog: DeviceProfileCatalog
        do {
            catalog = try DeviceProfileCatalog.load(from: devices)
        } catch {
            throw KioskSetupError.config(url.path, error.description)
        }
        guard let profile = catalog.printers.first(where: { $0.id == name })?.printer else {
            throw KioskSetupError.config(url.path, "not a printer profile")
        }
        return profile
    }

    /// The logo dithered to at most 60% of the paper's width; nil (with a reason) when unusable.
    static func logo(at url: URL, profile: PrinterProfile) throws -> MonochromeImage {
        let image = try PGM.parse([UInt8](Data(contentsOf: url)))
        return try MonochromeImage.dithered(gray: image.gray, width: image.width, height: image.height,
                                            maxWidth: profile.dotsPerLine * 6 / 10)
    }
}
