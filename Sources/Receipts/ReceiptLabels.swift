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

    public init(
        subtotal: String, total: String, taxRate: String, gross: String, tax: String, net: String,
        reference: String, member: String, sale: String, time: String, integrityCode: String
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
    }

    public static let english = ReceiptLabels(
        subtotal: "Subtotal", total: "TOTAL", taxRate: "Rate", gross: "Gross", tax: "Tax", net: "Net",
        reference: "Ref", member: "Member", sale: "Sale", time: "Time", integrityCode: "Code"
    )
}
