import Retail

extension Lane {
    /// paying(attempt): the terminal has the amount; the cart is frozen.
    /// - `paymentFinished` for this attempt settles it (see `settle`); another id is "stale-payment".
    /// - `paperReceipt` records the shopper's choice for the receipt.
    /// - `tick` does nothing (the shell's terminal timeout turns into an `unknown` outcome);
    ///   anything else is refused "payment-in-progress" (a wallet code says it was not used).
    func paying(_ attempt: PaymentAttempt, _ state: inout LaneState, _ event: LaneEvent,
                _ now: Timestamp) throws(Refusal) -> [Effect] {
        switch event {
        case .paymentFinished(let attemptID, let outcome):
            guard attemptID == attempt.id else { throw .stalePayment }
            return settle(attempt, outcome, &state, now)
        case .paperReceipt(let wanted):
            state.paperDeclined = !wanted
            return []
        case .tick, .staffModeClosed:
            return []
        case .walletCodeScanned:
            throw .walletDuringPayment
        case .itemScanned, .memberCardScanned, .couponScanned, .scanRejected, .removeLine, .cancelRequested,
             .payRequested, .receiptFinished, .staffApproved, .staffRejected, .finish:
            throw .paymentInProgress
        }
    }

    /// paid(saleID): the sale is recorded and the receipt printing.
    /// - `receiptFinished` for this sale shows the thank-you screen (notice `receiptNotPrinted`
    ///   when the paper did not come out); another sale id is "stale-receipt".
    /// - `tick` does nothing. Refused: payment answers "stale-payment" (the sale is already
    ///   recorded, a duplicate must not record it twice), staff decisions "nothing-to-approve",
    ///   anything else "receipt-printing".
    func paid(_ saleID: String, _ state: inout LaneState, _ event: LaneEvent,
              _ now: Timestamp) throws(Refusal) -> [Effect] {
        switch event {
        case .receiptFinished(let id, let printed):
            guard id == saleID else { throw .staleReceipt }
            state.phase = .receipt(saleID: saleID, printed: printed)
            if !printed { state.notice = .receiptNotPrinted }
            return [.receiptDone(saleID: saleID, printed: printed)]
        case .tick, .staffModeClosed: return []
        case .paymentFinished: throw .stalePayment
        case .staffApproved, .staffRejected: throw .nothingToApprove
        case .itemScanned, .memberCardScanned, .couponScanned, .walletCodeScanned, .scanRejected, .removeLine,
             .cancelRequested, .payRequested, .finish, .paperReceipt:
            throw .receiptPrinting
        }
    }

    /// receipt(saleID, printed): the thank-you screen.
    /// - `finish`, or `tick` once `receiptTimeout` has passed, ends the session (completed).
    /// - `itemScanned` ends it and starts the next shopper's session with that item in one step;
    ///   the `sessionEnded` effect comes first.
    /// - Refused: payment answers "stale-payment", receipt answers "stale-receipt", staff
    ///   decisions "nothing-to-approve", anything else "sale-finished".
    func receipt(_ state: inout LaneState, _ event: LaneEvent, _ now: Timestamp) throws(Refusal) -> [Effect] {
        switch event {
        case .finish:
            return endSession(&state, .completed, now)
        case .itemScanned(let item, let embeddedPrice):
            let effects = endSession(&state, .completed, now)
            startSession(&state, now)
            try scan(item, embeddedPrice: embeddedPrice, into: &state)
            return effects
        case .tick:
            guard expired(since: state.lastActivity, after: config.receiptTimeout, now: now) else { return [] }
            return endSession(&state, .completed, now)
        case .staffModeClosed:
            return []
        case .paymentFinished: throw .stalePayment
        case .receiptFinished: throw .staleReceipt
        case .staffApproved, .staffRejected: throw .nothingToApprove
        case .memberCardScanned, .couponScanned, .walletCodeScanned, .scanRejected, .removeLine, .cancelRequested,
             .payRequested, .paperReceipt:
            throw .saleFinished
        }
    }

    /// What a terminal answer for the pending attempt does (in paying, or a late answer while
    /// staff check an unresolved one): approved completes the sale; declined returns to shopping
    /// with notice `paymentDeclined`; unknown asks staff to check the terminal.
    func settle(_ attempt: PaymentAttempt, _ outcome: PaymentOutcome, _ state: inout LaneState,
                _ now: Timestamp) -> [Effect] {
        switch outcome {
        case .approved(let reference, let tender):
            return completeSale(&state, attempt, reference: reference, tender: tender, now)
        case .declined(let reason):
            state.phase = .shopping
            state.notice = .paymentDeclined(reason: reason)
            return [.resolveAttempt(id: attempt.id, .declined, reference: nil)]
        case .unknown:
            state.phase = .attendantNeeded(.paymentUnresolved(attempt))
            return [.resolveAttempt(id: attempt.id, .unknown, reference: nil)]
        }
    }

    /// Money was taken: freeze the sale, keep it for the thank-you screen, and have the shell
    /// record it durably before printing (a crash between the two loses a receipt, not a sale).
    /// A shopper who declined paper goes straight to the thank-you screen with the e-receipt.
    func completeSale(_ state: inout LaneState, _ attempt: PaymentAttempt, reference: String, tender: String,
                      _ now: Timestamp) -> [Effect] {
        let sale = CompletedSale(id: session(state), completedAt: now, lines: state.lines, priced: priced(state),
                                 member: state.member, attempt: attempt, paymentReference: reference, tender: tender)
        state.lastSale = sale
        let recorded: [Effect] = [.resolveAttempt(id: attempt.id, .approved, reference: reference), .recordSale(sale)]
        if state.paperDeclined {
            state.phase = .receipt(saleID: sale.id, printed: false)
            return recorded
        }
        state.phase = .paid(saleID: sale.id)
        return recorded + [.printReceipt(sale)]
    }
}
