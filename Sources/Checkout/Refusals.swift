import Retail

/// The refusals the reducer gives. Codes are stable (programs match on them); messages are for people.
extension Refusal {
    static let noSale = Refusal(code: "no-sale", message: "no sale in progress: scan an item to start")
    static let waitingForStaff = Refusal(code: "waiting-for-staff", message: "waiting for a member of staff")
    static let paymentInProgress = Refusal(code: "payment-in-progress", message: "a payment is in progress")
    static let emptyCart = Refusal(code: "empty-cart", message: "the cart is empty")
    static let nothingToPay = Refusal(code: "nothing-to-pay", message: "the total is zero: nothing to pay")
    static let nothingToApprove = Refusal(code: "nothing-to-approve", message: "nothing is waiting for staff")
    static let notPaid = Refusal(code: "not-paid", message: "the sale is not paid yet")
    static let receiptPrinting = Refusal(code: "receipt-printing", message: "the receipt is printing")
    static let saleFinished = Refusal(code: "sale-finished", message: "the sale is finished: scan an item to start a new one")
    static let stalePayment = Refusal(code: "stale-payment", message: "payment answer for an attempt that is not pending")
    static let staleReceipt = Refusal(code: "stale-receipt", message: "receipt answer for a sale that is not printing")

    static func badItem(_ why: String) -> Refusal { Refusal(code: "bad-item", message: why) }
    static func unknownLine(_ id: Int) -> Refusal { Refusal(code: "unknown-line", message: "no line \(id) in the cart") }
    static func quantityLimit(_ limit: Int) -> Refusal {
        Refusal(code: "quantity-limit", message: "at most \(limit) of one item per sale")
    }
    static func lineLimit(_ limit: Int) -> Refusal {
        Refusal(code: "line-limit", message: "at most \(limit) lines per sale")
    }
    static let walletEmptyCart = Refusal(code: "empty-cart",
                                         message: "the cart is empty: scan your items first, then your payment code")
    static let walletDuringPayment = Refusal(code: "payment-in-progress",
                                             message: "a payment is already in progress: this payment code was not used")
    static let couponAlreadyApplied = Refusal(code: "coupon-already-applied", message: "this coupon is already in the cart")
    static func couponLimit(_ limit: Int) -> Refusal {
        Refusal(code: "coupon-limit", message: "at most \(limit) coupons per sale")
    }
    static func couponExpired(_ coupon: Coupon, _ problem: CouponWindowProblem) -> Refusal {
        switch problem {
        case .expired: return Refusal(code: "coupon-expired", message: "coupon \(coupon.id) \(problem)")
        case .notYetValid: return Refusal(code: "coupon-not-yet-valid", message: "coupon \(coupon.id) is \(problem)")
        }
    }
    static func badCoupon(_ why: String) -> Refusal { Refusal(code: "bad-coupon", message: why) }
    static let memberAlreadyAttached = Refusal(code: "member-already-attached",
                                               message: "another member card is already attached to this sale")
}
