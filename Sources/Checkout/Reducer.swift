import Retail

/// The lane's state machine: `reduce` turns (state, event, time) into a new state and the effects
/// the shell must perform. Pure: no clock, no I/O; the same events at the same times always give
/// the same states and effects.
///
/// Rules that hold in every phase:
/// - Every phase answers every event, each named in its switch (no `default:`), so a new event
///   does not compile until every phase decides what it does. An event that does not apply is
///   refused (`RefusalCode`) and changes nothing.
/// - `.tick` is never refused: it changes nothing unless a timeout fires.
/// - An accepted event other than `.tick` sets `lastActivity = now` and replaces the shopper's
///   notice (cleared unless the event sets a new one: a notice is about the last thing that happened).
/// - Going to idle resets the state to a fresh `LaneState` with `lastActivity = now`.
///
/// The per-phase rules are on the phase handlers in `Lane+*.swift`.
public struct Lane: Sendable {
    public let config: LaneConfig

    public init(config: LaneConfig) {
        self.config = config
    }

    /// Applies one event at time `now`: the transition (new state and effects, in the order the
    /// shell performs them), or why the event was refused.
    public func reduce(_ state: LaneState, _ event: LaneEvent, at now: Timestamp) -> Result<Transition, Refusal> {
        // Handlers work on a copy that is kept only when the event is accepted, so a refusal can
        // never leave half a change behind, whichever handler refused and however far it got.
        var next = state
        let isTick = event == .tick
        if !isTick { next.notice = nil }
        do {
            let effects = try transition(&next, event, now)
            if !isTick { next.lastActivity = now }
            return .success(Transition(state: next, effects: effects))
        } catch {
            return .failure(error)
        }
    }

    /// The cart priced with the store's rules, member prices when a member is attached.
    ///
    /// Non-throwing by construction: `PricingRules.price` throws only for an unknown tax code or a
    /// foreign currency, and the reducer refuses such items at scan time ("bad-item") with the same
    /// checks (`problem(with:embeddedPrice:)`). Lines that fail those checks can only come from a
    /// hand-edited state; they are left out of the price rather than crashing the lane.
    public func priced(_ state: LaneState) -> PricedCart {
        let lines = state.lines
            .filter { problem(with: $0.item, embeddedPrice: $0.embeddedPrice) == nil }
            .map { PricingLine(id: $0.id, item: $0.item, quantity: $0.quantity, embeddedPrice: $0.embeddedPrice) }
        let coupons = state.coupons.filter { problem(with: $0) == nil }
        let member = state.member != nil
        do {
            return try config.pricing.price(lines, member: member, coupons: coupons)
        } catch {
            // Unreachable after the filters above. An empty cart without coupons cannot fail
            // (pricing loops over nothing), so the fallback is total.
            let zero = Money.zero(config.pricing.currency)
            return (try? config.pricing.price([], member: member))
                ?? PricedCart(lines: [], discounts: [], subtotal: zero, total: zero, taxes: [], itemCount: 0)
        }
    }

    /// Routes the event to the handler of the current phase. Handlers mutate a scratch copy and
    /// throw a `Refusal` when the event does not apply.
    private func transition(_ state: inout LaneState, _ event: LaneEvent, _ now: Timestamp) throws(Refusal) -> [Effect] {
        switch state.phase {
        case .idle: return try idle(&state, event, now)
        case .shopping: return try shopping(&state, event, now)
        case .attendantNeeded(let intervention): return try attendant(intervention, &state, event, now)
        case .paying(let attempt): return try paying(attempt, &state, event, now)
        case .paid(let saleID): return try paid(saleID, &state, event, now)
        case .receipt: return try receipt(&state, event, now)
        }
    }

    // MARK: Helpers shared by the phases

    /// The session id; never nil outside idle. An empty id rather than a crash for a hand-built state.
    func session(_ state: LaneState) -> String { state.sessionID ?? "" }

    /// A fresh state in the shopping phase with a new session id "<lane>-<now>".
    func startSession(_ state: inout LaneState, _ now: Timestamp) {
        state = LaneState()
        state.sessionID = "\(config.laneID)-\(now)"
        state.phase = .shopping
        state.lastActivity = now
    }

    /// Back to idle with a fresh state; the effect tells the journal how the session ended.
    func endSession(_ state: inout LaneState, _ how: SessionEnd, _ now: Timestamp) -> [Effect] {
        let id = session(state)
        state = LaneState()
        state.lastActivity = now
        return [.sessionEnded(sessionID: id, how)]
    }

    /// True once `timeout` ms have passed since `since` (exactly at the boundary counts).
    /// A deadline beyond `Timestamp.max` never comes, rather than overflowing.
    func expired(since: Timestamp, after timeout: Timestamp, now: Timestamp) -> Bool {
        let (deadline, overflow) = since.addingReportingOverflow(timeout)
        return !overflow && now >= deadline
    }

    /// Why an item cannot be sold on this lane, or nil when it can. These are the conditions under
    /// which pricing would throw or trap, plus a price kind that does not match the scan:
    /// a weighed item without the price from its code would be charged its per-kilogram reference.
    func problem(with item: CatalogItem, embeddedPrice: Money?) -> String? {
        let rules = config.pricing
        guard rules.taxRates.contains(where: { $0.code == item.taxCode }) else {
            return "tax code \"\(item.taxCode)\" of \(item.gtin) is not one of the store's"
        }
        var offerAmount: Money?
        switch item.offer {
        case .forPrice(_, let price)?: offerAmount = price
        case .amountOff(let money)?: offerAmount = money
        case .percentOff?, nil: break
        }
        let amounts = [item.price] + [item.memberPrice, embeddedPrice, offerAmount].compactMap { $0 }
        guard amounts.allSatisfy({ $0.currency == rules.currency }) else {
            return "\(item.gtin) is priced in another currency than \(rules.currency)"
        }
        guard amounts.allSatisfy({ (0...Money.limit).contains($0.minorUnits) }) else {
            return "\(item.gtin) has a price out of range"
        }
        if case .percentOff(let p)? = item.offer, !(1...100).contains(p) { return "\(item.gtin) has a percent off out of range" }
        switch (item.pricing, embeddedPrice) {
        case (.unit, nil), (.embeddedPrice, .some): return nil
        case (.unit, .some): return "\(item.gtin) is sold by unit but was scanned with a price in its code"
        case (.embeddedPrice, nil): return "\(item.gtin) is weighed but was scanned without its price"
        }
    }

    /// Why a coupon cannot be priced on this lane (amounts in another currency or out of range),
    /// or nil when it can.
    func problem(with coupon: Coupon) -> String? {
        var amounts = coupon.minimumSpend.map { [$0] } ?? []
        switch coupon.value {
        case .amountOff(let money): amounts.append(money)
        case .percentOff(let p): if !(1...100).contains(p) { return "coupon \(coupon.id): \(p)% is not 1 to 100" }
        }
        guard amounts.allSatisfy({ $0.currency == config.pricing.currency }) else {
            return "coupon \(coupon.id) is in another currency than \(config.pricing.currency)"
        }
        guard amounts.allSatisfy({ (1...Money.limit).contains($0.minorUnits) }) else {
            return "coupon \(coupon.id) has an amount out of range"
        }
        return nil
    }
}
