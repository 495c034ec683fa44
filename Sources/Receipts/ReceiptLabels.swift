/// The fixed words printed on a receipt, so the shell can pass translated ones.
public struct ReceiptLabels: Codable, Sendable, Hashable {
    public var subtotal: String
    public var total: String
    public var taxRate: String
    public var gross: String
    public var tax: String
    public var net: String
    public var reference: String
    public var member: String
    public var sale: String
    public var time: String
    public var integrityCode: String
    /// The caption over the e-receipt QR code.
    public var eReceipt: String

    public init(
        subtotal: String, total: String, taxRate: String, gross: String, tax: String, net: String,
        reference: String, member: String, sale: String, time: String, integrityCode: String,
        eReceipt: String = "Scan for your e-receipt"
    ) {
        self.subtotal = subtotal
        self.total = total
        self.taxRate = taxRate
        self.gross = gross
        self.tax = tax
        self.net = net
        self.reference = reference
        self.member = member
        self.sale = sale
        self.time = time
        self.integrityCode = integrityCode
        self.eReceipt = eReceipt
    }

    static let englishEReceipt = "Scan for your e-receipt"

    private enum CodingKeys: String, CodingKey {
        case subtotal, total, taxRate, gross, tax, net, reference, member, sale, time, integrityCode, eReceipt
    }

    /// Label sets written before `eReceipt` existed still decode, with the English caption.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            subtotal: try c.decode(String.self, forKey: .subtotal), total: try c.decode(String.self, forKey: .total),
            taxRate: try c.decode(String.self, forKey: .taxRate), gross: try c.decode(String.self, forKey: .gross),
            tax: try c.decode(String.self, forKey: .tax), net: try c.decode(String.self, forKey: .net),
            reference: try c.decode(String.self, forKey: .reference), member: try c.decode(String.self, forKey: .member),
            sale: try c.decode(String.self, forKey: .sale), time: try c.decode(String.self, forKey: .time),
            integrityCode: try c.decode(String.self, forKey: .integrityCode),
            eReceipt: try c.decodeIfPresent(String.self, forKey: .eReceipt) ?? Self.englishEReceipt
        )
    }

    public static let english = ReceiptLabels(
        subtotal: "Subtotal", total: "TOTAL", taxRate: "Rate", gross: "Gross", tax: "Tax", net: "Net",
        reference: "Ref", member: "Member", sale: "Sale", time: "Time", integrityCode: "Code",
        eReceipt: englishEReceipt
    )
}
