import Retail

/// Milliseconds since the Unix epoch, UTC. The reducer never reads a clock: time arrives with events.
public typealias Timestamp = Int64

/// One line of the cart: a snapshot of the catalog item as it was when scanned,
/// so a restored cart or a receipt never changes with later price updates.
public struct CartLine: Hashable, Codable, Sendable {
    public let id: Int
    public let item: CatalogItem
    public var quantity: Int
    /// Set for weighed items: the amount from the in-store code.
    public let embeddedPrice: Money?

    public init(id: Int, item: CatalogItem, quantity: Int, embeddedPrice: Money?) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.embeddedPrice = embeddedPrice
    }
}

/// A payment handed to the terminal. `id` is the idempotency key: a retry or a status query
/// after a restart uses the same one, so the shopper is never charged twice.
public struct PaymentAttempt: Hashable, Codable, Sendable {
    public let id: String
    public let amount: Money
    /// Set when the shopper paid by showing a wallet payment code: the wallet and the code
    /// (whose digits are never stored: see `WalletCode`). Nil for the card terminal.
    public let wallet: WalletCode?

    public init(id: String, amount: Money, wallet: WalletCode? = nil) {
        self.id = id
        self.amount = amount
        self.wallet = wallet
    }
}

public enum PaymentOutcome: Hashable, Codable, Sendable {
    /// Money taken. `reference` is the terminal's, `tender` what the shopper paid with ("card", "wallet").
    case approved(reference: String, tender: String)
    /// Definitely not charged.
    case declined(reason: String)
    /// Nobody can tell yet whether money was taken: staff must check the terminal.
    case unknown(reason: String)
}

public struct CompletedSale: Hashable, Codable, Sendable {
    public let id: String
    public let completedAt: Timestamp
    public let lines: [CartLine]
    public let priced: PricedCart
    public let member: String?
    public let attempt: PaymentAttempt
    public let paymentReference: String
    public let tender: String

    public init(id: String, completedAt: Timestamp, lines: [CartLine], priced: PricedCart, member: String?,
                attempt: PaymentAttempt, paymentReference: String, tender: String) {
        self.id = id
        self.completedAt = completedAt
        self.lines = lines
        self.priced = priced
        self.member = member
        self.attempt = attempt
        self.paymentReference = paymentReference
        self.tender = tender
    }
}

/// Why the lane waits for staff.
public enum Intervention: Hashable, Codable, Sendable {
    case ageCheck(lineID: Int, minimumAge: Int)
    case voidLine(lineID: Int)
    case cancelSale
    case paymentUnresolved(PaymentAttempt)
}

public enum Phase: Hashable, Codable, Sendable {
    case idle
    case shopping
    case attendantNeeded(Intervention)
    case paying(PaymentAttempt)
    /// Payment approved and the sale recorded; the receipt is printing.
    case paid(saleID: String)
    /// "Thank you" screen; `printed` says whether the paper receipt came out.
    case receipt(saleID: String, printed: Bool)
}

/// A message for the shopper about the last thing that happened.
public enum Notice: Hashable, Codable, Sendable {
    case itemNotFound(code: String)
    case unreadableCode(code: String, reason: String)
    case paymentDeclined(reason: String)
    case ageApproved(lineID: Int)
    case lineRemoved(lineID: Int)
    case memberRecognised(String)
    case receiptNotPrinted
    /// A coupon went into the cart (it may still be pending: see the priced cart).
    case couponAdded(id: String)
}

/// How a session ended, for the journal.
public enum SessionEnd: String, Hashable, Codable, Sendable {
    case completed, cancelled, abandoned
}

/// Everything that can happen to a lane. The shell resolves codes against the catalog
/// (I/O) before they become events, so the reducer stays pure.
public enum LaneEvent: Hashable, Codable, Sendable {
    case itemScanned(CatalogItem, embeddedPrice: Money?)
    case memberCardScanned(String)
    /// A signed coupon whose signature the shell checked and which this lane has not redeemed.
    case couponScanned(Coupon)
    /// A wallet payment code: pays the cart with it. Journaled with the code masked.
    case walletCodeScanned(WalletCode)
    /// A code that is malformed or not in the catalog.
    case scanRejected(code: String, reason: String, unknownItem: Bool)
    case removeLine(id: Int)
    case cancelRequested
    case payRequested
    case paymentFinished(attemptID: String, PaymentOutcome)
    case receiptFinished(saleID: String, printed: Bool)
    /// Staff, authenticated by the shell (badge + PIN), approve or reject the pending intervention.
    case staffApproved(staffID: String)
    case staffRejected(staffID: String)
    /// The shopper leaves the thank-you screen.
    case finish
    /// The shopper says, before the sale completes, whether to print a paper receipt; without
    /// one the page shows the e-receipt.
    case paperReceipt(wanted: Bool)
    /// Time passes; drives inactivity timeouts.
    case tick
    /// Staff left the maintenance screen they opened over this session (badge): the shopper's
    /// inactivity timers start over, so a cart is not abandoned for the time staff took.
    case staffModeClosed(staffID: String)
}

/// Why an event was not taken. `code` is for programs and the page (which translates it),
/// `message` for people reading logs.
public struct Refusal: Hashable, Codable, Sendable, Error, CustomStringConvertible {
    public let code: RefusalCode
    public let message: String

    public init(_ code: RefusalCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// What a payment attempt came to, as the journal records it.
public enum AttemptResolution: String, Hashable, Codable, Sendable {
    /// Money taken (by the terminal's answer, or staff saw it on the terminal).
    case approved
    /// Definitely not charged.
    case declined
    /// Nobody can tell yet: staff must check the terminal.
    case unknown
}

/// What the shell must do after a transition. Values, performed by someone else; the journal
/// records the ones that change what it keeps (attempts, sales, receipts, sessions) in the same
/// transaction as the event, so it never has to work them out again.
public enum Effect: Hashable, Codable, Sendable {
    /// Hand the attempt to the terminal or wallet gateway. Journaled as requested before any byte leaves.
    case requestPayment(PaymentAttempt)
    /// A payment attempt is settled; `reference` is the terminal's, or "staff:<id>" when staff decided.
    case resolveAttempt(id: String, AttemptResolution, reference: String?)
    /// Commit the sale durably; comes before `printReceipt`.
    case recordSale(CompletedSale)
    /// Print the receipt: journaled as pending until `receiptDone` says how it went.
    case printReceipt(CompletedSale)
    /// How printing the sale's receipt went; a receipt that did not print is printed again when
    /// the printer is back, after a restart too.
    case receiptDone(saleID: String, printed: Bool)
    case sessionEnded(sessionID: String, SessionEnd)
}

/// An accepted event: the state after it and the effects to perform, in order.
public struct Transition: Hashable, Sendable {
    public let state: LaneState
    public let effects: [Effect]

    public init(state: LaneState, effects: [Effect]) {
        self.state = state
        self.effects = effects
    }
}

/// The lane's settings, fixed while it runs.
public struct LaneConfig: Hashable, Codable, Sendable {
    public var laneID: String
    public var pricing: PricingRules
    /// An empty cart returns to idle after this long without activity.
    public var emptyCartTimeout: Timestamp
    /// A cart with items is abandoned after this long without activity.
    public var abandonedCartTimeout: Timestamp
    /// The thank-you screen returns to idle after this long.
    public var receiptTimeout: Timestamp
    public var maximumQuantity: Int
    public var maximumLines: Int
    public var maximumCoupons: Int

    public init(laneID: String, pricing: PricingRules, emptyCartTimeout: Timestamp = 60_000,
                abandonedCartTimeout: Timestamp = 300_000, receiptTimeout: Timestamp = 15_000,
                maximumQuantity: Int = 999, maximumLines: Int = 500, maximumCoupons: Int = 10) {
        self.laneID = laneID
        self.pricing = pricing
        self.emptyCartTimeout = emptyCartTimeout
        self.abandonedCartTimeout = abandonedCartTimeout
        self.receiptTimeout = receiptTimeout
        self.maximumQuantity = maximumQuantity
        self.maximumLines = maximumLines
        self.maximumCoupons = maximumCoupons
    }
}

/// The lane's whole state. Codable so tests and the page can see it; the journal stores events, not this.
public struct LaneState: Hashable, Codable, Sendable {
    public var phase: Phase = .idle
    public var sessionID: String?
    public var lines: [CartLine] = []
    public var member: String?
    /// Coupons in the cart, in the order scanned (pricing applies them in its own fixed order).
    public var coupons: [Coupon] = []
    public var notice: Notice?
    public var nextLineID = 1
    public var paymentAttempts = 0
    public var lastActivity: Timestamp = 0
    /// The sale just completed, shown on the thank-you screen.
    public var lastSale: CompletedSale?
    /// The shopper declined a paper receipt for this sale.
    public var paperDeclined = false
    /// The highest minimum age staff approved in this session: later items restricted to that age
    /// or younger need no new check.
    public var approvedAge: Int?
    /// The line the most recent item scan touched. The shopper may undo that one scan without staff;
    /// nil once it is undone, so a second removal needs staff.
    public var lastScannedLineID: Int?

    public init() {}
}
