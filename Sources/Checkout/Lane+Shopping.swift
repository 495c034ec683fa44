import Retail

extension Lane {
    /// idle: no session.
    /// - `itemScanned` starts a session ("<lane>-<now>") with the item (shopping, or an age check).
    /// - `memberCardScanned` starts a session with the member attached (notice `memberRecognised`).
    /// - `couponScanned` starts a session with the coupon in it, pending until items come
    ///   (see `addCoupon(_:to:_:)`); `walletCodeScanned` is refused "empty-cart".
    /// - `scanRejected` stays idle and only sets the notice; no session.
    /// - `tick` does nothing; anything else is refused "no-sale" (`staffModeClosed` too: there is
    ///   no shopper whose timers to restart).
    func idle(_ state: inout LaneState, _ event: LaneEvent, _ now: Timestamp) throws(Refusal) -> [Effect] {
        switch event {
        case .itemScanned(let item, let embeddedPrice):
            startSession(&state, now)
            try scan(item, embeddedPrice: embeddedPrice, into: &state)
            return []
        case .memberCardScanned(let card):
            startSession(&state, now)
            state.member = card
            state.notice = .memberRecognised(card)
            return []
        case .couponScanned(let coupon):
            startSession(&state, now)
            try addCoupon(coupon, to: &state, now)
            return []
        case .walletCodeScanned:
            throw .walletEmptyCart
        case .scanRejected(let code, let reason, let unknownItem):
            state.notice = rejectedNotice(code: code, reason: reason, unknownItem: unknownItem)
            return []
        case .tick:
            return []
        case .removeLine, .cancelRequested, .payRequested, .paymentFinished, .receiptFinished,
             .staffApproved, .staffRejected, .finish, .paperReceipt, .staffModeClosed:
            throw .noSale
        }
    }

    /// shopping: the shopper fills the cart.
    /// - `itemScanned`: see `scan(_:embeddedPrice:into:)`.
    /// - `memberCardScanned` attaches the member; the same card again is accepted and changes nothing
    ///   else; a different card is refused "member-already-attached".
    /// - `removeLine`: the shopper may undo their most recent scan (one unit off the line it touched);
    ///   any other line needs staff (`voidLine`). Unknown ids are refused "unknown-line".
    /// - `cancelRequested`: an empty cart ends the session (cancelled); otherwise staff must approve.
    /// - `payRequested` hands the priced total to the terminal as attempt "<session>-P<n>";
    ///   refused "empty-cart" or "nothing-to-pay" (total zero).
    /// - `walletCodeScanned` does the same with the wallet code on the attempt (the shell hands it
    ///   to the wallet gateway); same refusals.
    /// - `couponScanned`: see `addCoupon(_:to:_:)`.
    /// - `tick` abandons the session after `emptyCartTimeout` (empty cart) or `abandonedCartTimeout`.
    /// - `staffModeClosed` (in every phase with a session) only restarts those timers.
    /// - Refused: late payment answers "stale-payment", receipt answers "stale-receipt",
    ///   staff decisions "nothing-to-approve", `finish` "not-paid".
    func shopping(_ state: inout LaneState, _ event: LaneEvent, _ now: Timestamp) throws(Refusal) -> [Effect] {
        switch event {
        case .itemScanned(let item, let embeddedPrice):
            try scan(item, embeddedPrice: embeddedPrice, into: &state)
            return []

        case .memberCardScanned(let card):
            if let member = state.member, member != card { throw .memberAlreadyAttached }
            state.member = card
            state.notice = .memberRecognised(card)
            return []

        case .scanRejected(let code, let reason, let unknownItem):
            state.notice = rejectedNotice(code: code, reason: reason, unknownItem: unknownItem)
            return []

        case .removeLine(let id):
            guard state.lines.contains(where: { $0.id == id }) else { throw .unknownLine(id) }
            if id == state.lastScannedLineID {
                undoScan(on: id, &state)
            } else {
                state.phase = .attendantNeeded(.voidLine(lineID: id))
            }
            return []

        case .cancelRequested:
            if state.lines.isEmpty { return endSession(&state, .cancelled, now) }
            state.phase = .attendantNeeded(.cancelSale)
            return []

        case .payRequested:
            return try startPayment(&state, wallet: nil)

        case .walletCodeScanned(let wallet):
            return try startPayment(&state, wallet: wallet)

        case .couponScanned(let coupon):
            try addCoupon(coupon, to: &state, now)
            return []

        case .paperReceipt(let wanted):
            state.paperDeclined = !wanted
            return []

        case .staffModeClosed:
            return []

        case .tick:
            let timeout = state.lines.isEmpty ? config.emptyCartTimeout : config.abandonedCartTimeout
            guard expired(since: state.lastActivity, after: timeout, now: now) else { return [] }
            return endSession(&state, .abandoned, now)

        case .paymentFinished: throw .stalePayment
        case .receiptFinished: throw .staleReceipt
        case .staffApproved, .staffRejected: throw .nothingToApprove
        case .finish: throw .notPaid
        }
    }

    /// Adds one scanned item to the cart (shared by idle, shopping and the thank-you screen).
    /// - Items the store cannot price are refused "bad-item" (see `problem(with:embeddedPrice:)`).
    /// - A unit-priced item already in the cart adds one to that line ("quantity-limit" past
    ///   `maximumQuantity`); weighed items always get their own line, since each carries its own price.
    /// - A new line past `maximumLines` is refused "line-limit".
    /// - An age-restricted item waits for staff unless staff already approved that age in this session.
    func scan(_ item: CatalogItem, embeddedPrice: Money?, into state: inout LaneState) throws(Refusal) {
        if let why = problem(with: item, embeddedPrice: embeddedPrice) { throw .badItem(why) }
        let lineID: Int
        if embeddedPrice == nil,
           let index = state.lines.firstIndex(where: { $0.embeddedPrice == nil && $0.item.gtin == item.gtin }) {
            guard state.lines[index].quantity < config.maximumQuantity else {
                throw .quantityLimit(config.maximumQuantity)
            }
            state.lines[index].quantity += 1
            lineID = state.lines[index].id
        } else {
            guard state.lines.count < config.maximumLines else { throw .lineLimit(config.maximumLines) }
            lineID = state.nextLineID
            state.nextLineID += 1
            state.lines.append(CartLine(id: lineID, item: item, quantity: 1, embeddedPrice: embeddedPrice))
        }
        state.lastScannedLineID = lineID
        if let age = item.minimumAge, age > (state.approvedAge ?? .min) {
            state.phase = .attendantNeeded(.ageCheck(lineID: lineID, minimumAge: age))
        } else {
            state.phase = .shopping
        }
    }

    /// Hands the priced total to the terminal, or with `wallet` to the wallet gateway, as attempt
    /// "<session>-P<n>". Refused "empty-cart" (a wallet code says so in its own words) or
    /// "nothing-to-pay" (total zero).
    func startPayment(_ state: inout LaneState, wallet: WalletCode?) throws(Refusal) -> [Effect] {
        guard !state.lines.isEmpty else { throw wallet == nil ? .emptyCart : .walletEmptyCart }
        let total = priced(state).total
        guard total.minorUnits > 0 else { throw .nothingToPay }
        state.paymentAttempts += 1
        let attempt = PaymentAttempt(id: "\(session(state))-P\(state.paymentAttempts)", amount: total, wallet: wallet)
        state.phase = .paying(attempt)
        return [.requestPayment(attempt)]
    }

    /// Puts a coupon in the cart (notice `couponAdded`); pricing applies it once its conditions
    /// hold and says why not meanwhile. The signature and one-time use were checked by the shell.
    /// Refused: "coupon-already-applied" (same id in this cart), "coupon-limit" past
    /// `maximumCoupons`, "coupon-expired" / "coupon-not-yet-valid" by the scan time,
    /// "bad-coupon" for amounts in another currency.
    func addCoupon(_ coupon: Coupon, to state: inout LaneState, _ now: Timestamp) throws(Refusal) {
        guard !state.coupons.contains(where: { $0.id == coupon.id }) else { throw .couponAlreadyApplied }
        guard state.coupons.count < config.maximumCoupons else { throw .couponLimit(config.maximumCoupons) }
        let seconds = now >= 0 ? now / 1000 : (now - 999) / 1000
        if let problem = coupon.windowProblem(at: seconds) { throw .couponExpired(coupon, problem) }
        if let why = problem(with: coupon) { throw .badCoupon(why) }
        state.coupons.append(coupon)
        state.notice = .couponAdded(id: coupon.id)
    }

    /// Takes back one scan: one unit off the line; the line goes (notice `lineRemoved`) at zero.
    /// The undo is used up, so removing anything more needs staff.
    func undoScan(on lineID: Int, _ state: inout LaneState) {
        if let index = state.lines.firstIndex(where: { $0.id == lineID }) {
            state.lines[index].quantity -= 1
            if state.lines[index].quantity <= 0 {
                state.lines.remove(at: index)
                state.notice = .lineRemoved(lineID: lineID)
            }
        }
        state.lastScannedLineID = nil
    }

    func rejectedNotice(code: String, reason: String, unknownItem: Bool) -> Notice {
        unknownItem ? .itemNotFound(code: code) : .unreadableCode(code: code, reason: reason)
    }
}
