import Retail

/// Everything a receipt shows, already decided by the checkout: the renderers only lay it out.
/// Dates and quantities arrive preformatted because formatting them needs a clock and a locale.
public struct Receipt: Codable, Sendable, Hashable {
    /// Store name, one line per language (e.g. English, then Chinese).
    public var storeName: [String]
    public var address: [String]
    public var saleID: String
    /// Preformatted by the shell, e.g. "2025-03-14 09:26".
    public var time: String
    public var lines: [Line]
    /// Printed negative whatever the sign of `amount`.
    public var discounts: [Adjustment]
    public var subtotal: Money
    /// Sales tax added to the subtotal (tax-exclusive stores), printed above the total; nil
    /// where prices include tax.
    public var addedTax: Money?
    public var total: Money
    public var taxes: [TaxRow]
    public var payment: Payment
    /// Member number; printed masked except the last 4 characters.
    public var member: String?
    /// Journal hash or fiscal signature, printed as given.
    public var integrityCode: String?
    public var footer: [String]
    /// Printed as a QR code near the end under the `eReceipt` caption, e.g. the e-receipt
    /// link; as text when the printer cannot print the code.
    public var qrCode: String?
    /// Printed as a CODE128 barcode with its text underneath, e.g. the sale id for returns.
    public var barcode: String?
    /// Kick the cash drawer open (cash lanes, printers with a drawer).
    public var openDrawer: Bool
    /// Printed large under the header when this is not the original: "COPY / 副本".
    public var copyBanner: String?

    public init(
        storeName: [String], address: [String] = [], saleID: String, time: String,
        lines: [Line], discounts: [Adjustment] = [], subtotal: Money, total: Money,
        taxes: [TaxRow] = [], payment: Payment, member: String? = nil,
        integrityCode: String? = nil, footer: [String] = [],
        qrCode: String? = nil, barcode: String? = nil, openDrawer: Bool = false, addedTax: Money? = nil
    ) {
        self.storeName = storeName
        self.address = address
        self.saleID = saleID
        self.time = time
        self.lines = lines
        self.discounts = discounts
        self.subtotal = subtotal
        self.addedTax = addedTax
        self.total = total
        self.taxes = taxes
        self.payment = payment
        self.member = member
        self.integrityCode = integrityCode
        self.footer = footer
        self.qrCode = qrCode
        self.barcode = barcode
        self.openDrawer = openDrawer
    }

    private enum CodingKeys: String, CodingKey {
        case storeName, address, saleID, time, lines, discounts, subtotal, total, taxes, payment
        case member, integrityCode, footer, qrCode, barcode, openDrawer, addedTax, copyBanner
    }

    /// Receipts written before `qrCode`, `barcode`, `openDrawer` and `addedTax` existed still decode.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            storeName: try c.decode([String].self, forKey: .storeName),
            address: try c.decode([String].self, forKey: .address),
            saleID: try c.decode(String.self, forKey: .saleID),
            time: try c.decode(String.self, forKey: .time),
            lines: try c.decode([Line].self, forKey: .lines),
            discounts: try c.decode([Adjustment].self, forKey: .discounts),
            subtotal: try c.decode(Money.self, forKey: .subtotal),
            total: try c.decode(Money.self, forKey: .total),
            taxes: try c.decode([TaxRow].self, forKey: .taxes),
            payment: try c.decode(Payment.self, forKey: .payment),
            member: try c.decodeIfPresent(String.self, forKey: .member),
            integrityCode: try c.decodeIfPresent(String.self, forKey: .integrityCode),
            footer: try c.decode([String].self, forKey: .footer),
            qrCode: try c.decodeIfPresent(String.self, forKey: .qrCode),
            barcode: try c.decodeIfPresent(String.self, forKey: .barcode),
            openDrawer: try c.decodeIfPresent(Bool.self, forKey: .openDrawer) ?? false,
            addedTax: try c.decodeIfPresent(Money.self, forKey: .addedTax)
        )
        copyBanner = try c.decodeIfPresent(String.self, forKey: .copyBanner)
    }

    /// One sold item.
    public struct Line: Codable, Sendable, Hashable {
        public var name: String
        /// The name in the second language, printed under `name`.
        public var secondName: String?
        /// "2 x ¥3.50", "0.532 kg", or nil for a single unit.
        public var quantityText: String?
        public var amount: Money

        public init(name: String, secondName: String? = nil, quantityText: String? = nil, amount: Money) {
            self.name = name
            self.secondName = secondName
            self.quantityText = quantityText
            self.amount = amount
        }
    }

    /// A discount or coupon; `amount` is the size of the reduction.
    public struct Adjustment: Codable, Sendable, Hashable {
        public var label: String
        public var amount: Money

        public init(label: String, amount: Money) {
            self.label = label
            self.amount = amount
        }
    }

    /// One tax rate's share of the sale.
    public struct TaxRow: Codable, Sendable, Hashable {
        public var label: String
        public var gross: Money
        public var tax: Money
        public var net: Money

        public init(label: String, gross: Money, tax: Money, net: Money) {
            self.label = label
            self.gross = gross
            self.tax = tax
            self.net = net
        }
    }

    public struct Payment: Codable, Sendable, Hashable {
        /// "Cash", "WeChat Pay", "Visa ****1234".
        public var tender: String
        /// The provider's transaction reference, if any.
        public var reference: String?
        public var amount: Money

        public init(tender: String, reference: String? = nil, amount: Money) {
            self.tender = tender
            self.reference = reference
            self.amount = amount
        }
    }
}
