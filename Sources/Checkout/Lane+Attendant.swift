import Retail

extension Lane {
    /// attendantNeeded(i): the lane is frozen until staff decide.
    /// - `staffApproved`: ageCheck remembers the approved age (notice `ageApproved`); voidLine removes
    ///   the whole line (notice `lineRemoved`); cancelSale ends the session (cancelled);
    ///   paymentUnresolved means staff saw on the terminal that the money was taken, so the sale
    ///   completes as if approved, reference "staff:<id>", tender "confirmed-by-staff".
    /// - `staffRejected`: ageCheck takes back the scan that needed it (the new line goes);
    ///   voidLine and cancelSale go back to shopping unchanged; paymentUnresolved means staff saw
    ///   the money was not taken: shopping, notice `paymentDeclined`.
    /// - `paymentFinished` for the unresolved attempt (a late status answer) settles it as in paying.
    /// - `tick` never times out here (someone is on the way); anything else: "waiting-for-staff".
    func attendant(_ intervention: Intervention, _ state: inout LaneState, _ event: LaneEvent,
                   _ now: Timestamp) throws(Refusal) -> [Effect] {
        switch event {
        case .staffApproved(let staffID):
            return approve(intervention, by: staffID, &state, now)
        case .staffRejected(let staffID):
            return reject(intervention, by: staffID, &state)
        case .paymentFinished(let attemptID, let outcome):
            guard case .paymentUnresolved(let attempt) = intervention, attemptID == attempt.id else { throw .waitingForStaff }
            return settle(attempt, outcome, &state, now)
        case .tick, .staffModeClosed:
            return []
        case .itemScanned, .memberCardScanned, .couponScanned, .walletCodeScanned, .scanRejected, .removeLine,
             .cancelRequested, .payRequested, .receiptFinished, .finish, .paperReceipt:
            throw .waitingForStaff
        }
    }

    private func approve(_ intervention: Intervention, by staffID: String, _ state: inout LaneState,
                         _ now: Timestamp) -> [Effect] {
        switch intervention {
        case .ageCheck(let lineID, let age):
            state.approvedAge = max(state.approvedAge ?? age, age)
            state.phase = .shopping
            state.notice = .ageApproved(lineID: lineID)
            return []
        case .voidLine(let lineID):
            state.lines.removeAll { $0.id == lineID }
            if state.lastScannedLineID == lineID { state.lastScannedLineID = nil }
            state.phase = .shopping
            state.notice = .lineRemoved(lineID: lineID)
            return []
        case .cancelSale:
            return endSession(&state, .cancelled, now)
        case .paymentUnresolved(let attempt):
            return completeSale(&state, attempt, reference: "staff:\(staffID)", tender: "confirmed-by-staff", now)
        }
    }

    private func reject(_ intervention: Intervention, by staffID: String, _ state: inout LaneState) -> [Effect] {
        state.phase = .shopping
        switch intervention {
        case .ageCheck(let lineID, _):
            // Only the scan under check goes: earlier units of the same item were already allowed.
            undoScan(on: lineID, &state)
            return []
        case .voidLine, .cancelSale:
            return []
        case .paymentUnresolved(let attempt):
            state.notice = .paymentDeclined(reason: DeclineCode.staffNotTaken.laneText!)
            return [.resolveAttempt(id: attempt.id, .declined, reference: "staff:\(staffID)")]
        }
    }
}
