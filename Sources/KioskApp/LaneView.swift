import Checkout
import Retail

/// What the shopper page shows, pushed over the WebSocket after every change.
/// Amounts are preformatted ("¥12.34"): the page never does money arithmetic.
public struct LaneView: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        let id: Int
        let gtin: String
        let name: LocalizedName
        let quantity: Int
        let unitPrice: String
        let amount: String
        let weighed: Bool
        let minimumAge: Int?
        let memberSaving: String
    }

    public struct DiscountLine: Codable, Sendable, Equatable {
        let promotion: String
        let gtin: String
        let name: LocalizedName
        let amount: String
    }

    public struct TaxRow: Codable, Sendable, Equatable {
        let label: String
        let gross: String
        let tax: String
    }

    public struct Totals: Codable, Sendable, Equatable {
        let subtotal: String
        let discount: String
        let total: String
        let itemCount: Int
        let taxes: [TaxRow]
    }

    public struct InterventionView: Codable, Sendable, Equatable {
        let kind: String
        var lineID: Int?
        var minimumAge: Int?
        var attemptID: String?
        var amount: String?
    }

    public struct NoticeView: Codable, Sendable, Equatable {
        let kind: String
        var code: String?
        var reason: String?
        var lineID: Int?
    }

    public struct SaleView: Codable, Sendable, Equatable {
        let id: String
        let total: String
        let receiptPrinted: Bool?
        /// The receipt as text and as a picture, served by the kiosk (the code guards against guessing ids).
        let receiptText: String
        let receiptPicture: String
        /// The e-receipt link and its QR code as an SVG, when e-receipts are set up.
        let eReceiptURL: String?
        let eReceiptQR: String?
    }

    /// What the view needs to know about the sale's receipt beyond the lane state.
    struct ReceiptLinks: Equatable {
        let integrityCode: String
        let eReceiptURL: String?
    }

    public struct Devices: Codable, Sendable, Equatable {
        public var scanner: String
        public var printer: String
        public var terminal: String
    }

    public struct Store: Codable, Sendable, Equatable {
        let name: LocalizedName
    }

    public let phase: String
    public let sessionID: String?
    /// Sequence number of the journal entry behind this view: tells a repeated notice from a new one.
    public let journalSeq: Int64
    public let intervention: InterventionView?
    public let lines: [Line]
    public let discounts: [DiscountLine]
    public let totals: Totals
    public let member: String?
    public let paperDeclined: Bool
    public let notice: NoticeView?
    public let sale: SaleView?
    public let devices: Devices
    public let demo: Bool
    public let store: Store

    init(state: LaneState, journalSeq: Int64, priced: PricedCart, receiptLinks: ReceiptLinks?, devices: Devices, demo: Bool,
         storeName: LocalizedName) {
        sessionID = state.sessionID
        self.journalSeq = journalSeq
        var intervention: InterventionView?
        var printed: Bool?
        switch state.phase {
        case .idle: phase = "idle"
        case .shopping: phase = "shopping"
        case .attendantNeeded(let reason):
            phase = "attendant"
            switch reason {
            case .ageCheck(let line, let age): intervention = InterventionView(kind: "ageCheck", lineID: line, minimumAge: age)
            case .voidLine(let line): intervention = InterventionView(kind: "voidLine", lineID: line)
            case .cancelSale: intervention = InterventionView(kind: "cancelSale")
            case .paymentUnresolved(let attempt):
                intervention = InterventionView(kind: "paymentUnresolved", attemptID: attempt.id, amount: attempt.amount.description)
            }
        case .paying: phase = "paying"
        case .paid: phase = "paid"
        case .receipt(_, let wasPrinted):
            phase = "receipt"
            printed = wasPrinted
        }
        self.intervention = intervention

        let pricedByID = Dictionary(priced.lines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        lines = state.lines.compactMap { line in
            guard let price = pricedByID[line.id] else { return nil }
            return Line(id: line.id, gtin: line.item.gtin.digits, name: line.item.name, quantity: line.quantity,
                        unitPrice: price.unitPrice.description, amount: price.amount.description,
                        weighed: line.embeddedPrice != nil, minimumAge: line.item.minimumAge,
                        memberSaving: price.memberSaving.description)
        }
        let names = Dictionary(state.lines.map { ($0.item.gtin, $0.item.name) }, uniquingKeysWith: { a, _ in a })
        discounts = priced.discounts.map {
            DiscountLine(promotion: $0.promotion, gtin: $0.gtin.digits, name: names[$0.gtin] ?? LocalizedName(en: $0.gtin.digits),
                         amount: $0.amount.description)
        }
        totals = Totals(subtotal: priced.subtotal.description, discount: priced.discountTotal.description,
                        total: priced.total.description, itemCount: priced.itemCount,
                        taxes: priced.taxes.map { TaxRow(label: $0.rate.label, gross: $0.gross.description, tax: $0.tax.description) })
        member = state.member
        paperDeclined = state.paperDeclined
        notice = state.notice.map(Self.notice)
        if let sale = state.lastSale, let links = receiptLinks {
            let query = "?c=" + links.integrityCode
            self.sale = SaleView(id: sale.id, total: sale.priced.total.description, receiptPrinted: printed,
                                 receiptText: "/receipts/\(sale.id).txt" + query, receiptPicture: "/receipts/\(sale.id).svg" + query,
                                 eReceiptURL: links.eReceiptURL,
                                 eReceiptQR: links.eReceiptURL == nil ? nil : "/receipts/\(sale.id).qr.svg" + query)
        } else {
            sale = nil
        }
        self.devices = devices
        self.demo = demo
        store = Store(name: storeName)
    }

    static func notice(_ notice: Notice) -> NoticeView {
        switch notice {
        case .itemNotFound(let code): return NoticeView(kind: "itemNotFound", code: code)
        case .unreadableCode(let code, let reason): return NoticeView(kind: "unreadableCode", code: code, reason: reason)
        case .paymentDeclined(let reason): return NoticeView(kind: "paymentDeclined", reason: reason)
        case .ageApproved(let line): return NoticeView(kind: "ageApproved", lineID: line)
        case .lineRemoved(let line): return NoticeView(kind: "lineRemoved", lineID: line)
        case .memberRecognised(let member): return NoticeView(kind: "memberRecognised", code: member)
        case .receiptNotPrinted: return NoticeView(kind: "receiptNotPrinted")
        }
    }
}
