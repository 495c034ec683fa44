import Retail

/// Why the lane did not take something, as a code the page translates (assets/l10n: `error.<code>`;
/// a test checks every code has a text in every language). Stable: programs match on them.
public enum RefusalCode: String, Hashable, Codable, Sendable, CaseIterable {
    // The reducer's.
    case noSale = "no-sale"
    case badItem = "bad-item"
    case quantityLimit = "quantity-limit"
    case lineLimit = "line-limit"
    case memberAlreadyAttached = "member-already-attached"
    case couponAlreadyApplied = "coupon-already-applied"
    case couponLimit = "coupon-limit"
    case couponExpired = "coupon-expired"
    case couponNotYetValid = "coupon-not-yet-valid"
    case badCoupon = "bad-coupon"
    case unknownLine = "unknown-line"
    case emptyCart = "empty-cart"
    case nothingToPay = "nothing-to-pay"
    case nothingToApprove = "nothing-to-approve"
    case waitingForStaff = "waiting-for-staff"
    case paymentInProgress = "payment-in-progress"
    case stalePayment = "stale-payment"
    case staleReceipt = "stale-receipt"
    case notPaid = "not-paid"
    case receiptPrinting = "receipt-printing"
    case saleFinished = "sale-finished"
    // The scan router's: what a code means before it reaches the reducer.
    case unknownItem = "unknown-item"
    case unreadableCode = "unreadable-code"
    case couponAlreadyRedeemed = "coupon-already-redeemed"
    case unknownBadge = "unknown-badge"
    // The shell's.
    case journalUnavailable = "journal-unavailable"
    case outOfService = "out-of-service"
    case scannerStopped = "scanner-stopped"
    /// Staff closed the lane (maintenance mode).
    case laneClosed = "lane-closed"
}

/// The refusals the reducer gives; messages are for people reading logs.
extension Refusal {
    static let noSale = Refusal(.noSale, "no sale in progress: scan an item to start")
    static let waitingForStaff = Refusal(.waitingForStaff, "waiting for a member of staff")
    static let paymentInProgress = Refusal(.paymentInProgress, "a payment is in progress")
    static let emptyCart = Refusal(.emptyCart, "the cart is empty")
    static let nothingToPay = Refusal(.nothingToPay, "the total is zero: nothing to pay")
    static let nothingToApprove = Refusal(.nothingToApprove, "nothing is waiting for staff")
    static let notPaid = Refusal(.notPaid, "the sale is not paid yet")
    static let receiptPrinting = Refusal(.receiptPrinting, "the receipt is printing")
    static let saleFinished = Refusal(.saleFinished, "the sale is finished: scan an item to start a new one")
    static let stalePayment = Refusal(.stalePayment, "payment answer for an attempt that is not pending")
    static let staleReceipt = Refusal(.staleReceipt, "receipt answer for a sale that is not printing")

    static func badItem(_ why: String) -> Refusal { Refusal(.badItem, why) }
    static func unknownLine(_ id: Int) -> Refusal { Refusal(.unknownLine, "no line \(id) in the cart") }
    static func quantityLimit(_ limit: Int) -> Refusal { Refusal(.quantityLimit, "at most \(limit) of one item per sale") }
    static func lineLimit(_ limit: Int) -> Refusal { Refusal(.lineLimit, "at most \(limit) lines per sale") }
    static let walletEmptyCart = Refusal(.emptyCart, "the cart is empty: scan your items first, then your payment code")
    static let walletDuringPayment = Refusal(.paymentInProgress, "a payment is already in progress: this payment code was not used")
    static let couponAlreadyApplied = Refusal(.couponAlreadyApplied, "this coupon is already in the cart")
    static func couponLimit(_ limit: Int) -> Refusal { Refusal(.couponLimit, "at most \(limit) coupons per sale") }
    static func couponExpired(_ coupon: Coupon, _ problem: CouponWindowProblem) -> Refusal {
        switch problem {
        case .expired: return Refusal(.couponExpired, "coupon \(coupon.id) \(problem)")
        case .notYetValid: return Refusal(.couponNotYetValid, "coupon \(coupon.id) is \(problem)")
        }
    }
    static func badCoupon(_ why: String) -> Refusal { Refusal(.badCoupon, why) }
    static let memberAlreadyAttached = Refusal(.memberAlreadyAttached, "another member card is already attached to this sale")
}
