import Checkout
import Peripherals
import Retail

/// What the shopper page shows, pushed over the WebSocket after every change.
/// Amounts are preformatted ("¥12.34"): the page never does money arithmetic.
public struct LaneView: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        let id: Int
        let gtin: String
        let name: ItemNameView
        let quantity: Int
        let unitPrice: String
        let amount: String
        let weighed: Bool
        let minimumAge: Int?
        let memberSaving: String
    }

    public struct DiscountLine: Codable, Sendable, Equatable {
        let promotion: String
        /// The item it is on; nil for a coupon spread over the cart (shown at the end).
        let gtin: String?
        let name: ItemNameView?
        let amount: String
    }

    /// A coupon in the cart: what it offers, applied (with the amount it took off) or pending
    /// (with why). Codes with parameters: the page says them in the shopper's language.
    public struct CouponView: Codable, Sendable, Equatable {
        let id: String
        /// `coupon.offer.<code>`.
        let offer: CodeView
        let status: String
        let amount: String?
        /// `coupon.pending.<code>`.
        let reason: CodeView?
    }

    /// A staff badge scanned: the PIN is asked to approve (while the lane waits for staff) or to
    /// open the maintenance screen.
    public struct StaffBadgeView: Codable, Sendable, Equatable {
        let badge: String
        let name: String
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
        /// True when prices include tax (VAT); false when `addedTax` is added to them.
        let taxIncluded: Bool
        let addedTax: String
    }

    public struct InterventionView: Codable, Sendable, Equatable {
        let kind: String
        var lineID: Int?
        var minimumAge: Int?
        var attemptID: String?
        var amount: String?
    }

    /// `kind` is the notice (`notice.<kind>`); `reason` a code where the kind has several
    /// (a declined payment's `DeclineCode`), never a sentence.
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
        /// The receipt as text and as a picture, served by the kiosk (the link's secret guards against guessing ids).
        let receiptText: String
        let receiptPicture: String
        /// The e-receipt link and its QR code as an SVG, when e-receipts are set up.
        let eReceiptURL: String?
        let eReceiptQR: String?
    }

    /// What the view needs to know about the sale's receipt beyond the lane state.
    struct ReceiptLinks: Equatable {
        /// The sale's link secret (ReceiptLinkKey): the links' `?k=`.
        let key: String
        let eReceiptURL: String?
    }

    public struct Devices: Codable, Sendable, Equatable {
        public var scanner: DeviceState
        public var printer: DeviceState
        public var terminal: DeviceState
        /// `none` without a camera; `running`, `missing`, `error` or `stopped` (CameraConfig.swift).
        public var camera = DeviceState.none
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
    public let coupons: [CouponView]
    public let totals: Totals
    /// While paying with a wallet code: "WeChat Pay 13************5678" (never the digits).
    public let wallet: String?
    public let staffBadge: StaffBadgeView?
    public let member: String?
    public let paperDeclined: Bool
    public let notice: NoticeView?
    public let sale: SaleView?
    public let devices: Devices
    public let demo: Bool
    public let store: Store
    /// Set when the lane refuses to sell: the reason code and the journal entry (for staff).
    public let outOfService: OutOfService?
    /// Who has the maintenance screen open over this lane (the cart underneath is kept).
    public let staffMode: StaffModeView?
    /// Staff closed the lane: the page says "lane closed, please use another lane".
    public let laneClosed: Bool

    public struct StaffModeView: Codable, Sendable, Equatable {
        let badge: String
        let name: String
    }

    /// `outOfService`: the journal failed its check or could not be restored; the page shows the lane closed.
    init(state: LaneState, journalSeq: Int64, priced: PricedCart, receiptLinks: ReceiptLinks?, devices: Devices, demo: Bool,
         storeName: LocalizedName, staffBadge: StaffBadgeView? = nil, outOfService: OutOfService? = nil,
         staffMode: StaffModeView? = nil, laneClosed: Bool = false, catalogNames: CatalogNames = .none) {
        self.staffMode = staffMode
        self.laneClosed = laneClosed
        sessionID = state.sessionID
        self.journalSeq = journalSeq
        var intervention: InterventionView?
        var printed: Bool?
        var wallet: String?
        let phase: String
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
        case .paying(let attempt):
            phase = "paying"
            wallet = attempt.wallet?.description
        case .paid: phase = "paid"
        case .receipt(_, let wasPrinted):
            phase = "receipt"
            printed = wasPrinted
        }
        self.phase = outOfService == nil ? phase : "out-of-service"
        self.outOfService = outOfService
        self.intervention = intervention
        self.wallet = wallet
        self.staffBadge = staffBadge

        let pricedByID = Dictionary(priced.lines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        lines = state.lines.compactMap { line in
            guard let price = pricedByID[line.id] else { return nil }
            return Line(id: line.id, gtin: line.item.gtin.digits,
                        name: ItemNameView(line.item.name, others: catalogNames.names(for: line.item.gtin)), quantity: line.quantity,
                        unitPrice: price.unitPrice.description, amount: price.amount.description,
                        weighed: line.embeddedPrice != nil, minimumAge: line.item.minimumAge,
                        memberSaving: price.memberSaving.description)
        }
        let names = Dictionary(state.lines.map { ($0.item.gtin, $0.item.name) }, uniquingKeysWith: { a, _ in a })
        discounts = priced.discountSummary.map { discount in
            DiscountLine(promotion: discount.promotion, gtin: discount.gtin?.digits,
                         name: discount.gtin.map { ItemNameView(names[$0] ?? LocalizedName(en: $0.digits), others: catalogNames.names(for: $0)) },
                         amount: discount.amount.description)
        }
        coupons = priced.coupons.map {
            CouponView(id: $0.coupon.id, offer: CodeView($0.coupon.value), status: $0.applied ? "applied" : "pending",
                       amount: $0.applied ? $0.amount.description : nil, reason: $0.pending.map(CodeView.init))
        }
        totals = Totals(subtotal: priced.subtotal.description, discount: priced.discountTotal.description,
                        total: priced.total.description, itemCount: priced.itemCount,
                        taxes: priced.taxes.map { TaxRow(label: $0.rate.label, gross: $0.gross.description, tax: $0.tax.description) },
                        taxIncluded: priced.taxMode == .inclusive, addedTax: priced.addedTax.description)
        member = state.member
        paperDeclined = state.paperDeclined
        notice = state.notice.map(Self.notice)
        if let sale = state.lastSale, let links = receiptLinks {
            let query = "?k=" + links.key
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
        // The parser's reason is for the journal and logs; the shopper needs only that it failed.
        case .unreadableCode(let code, _): return NoticeView(kind: "unreadableCode", code: code)
        case .paymentDeclined(let reason): return NoticeView(kind: "paymentDeclined", reason: DeclineCode(reason: reason).rawValue)
        case .ageApproved(let line): return NoticeView(kind: "ageApproved", lineID: line)
        case .lineRemoved(let line): return NoticeView(kind: "lineRemoved", lineID: line)
        case .memberRecognised(let member): return NoticeView(kind: "memberRecognised", code: member)
        case .receiptNotPrinted: return NoticeView(kind: "receiptNotPrinted")
        case .couponAdded(let id): return NoticeView(kind: "couponAdded", code: id)
        }
    }
}
