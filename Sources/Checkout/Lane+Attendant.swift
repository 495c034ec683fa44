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
        switch (intervention, event) {
        case (.ageCheck(let lineID, let age), .staffApproved):
            state.approvedAge = max(state.approvedAge ?? age, age)
            state.phase = .shopping
            state.notice = .ageApproved(lineID: lineID)
            return []
        case (.ageCheck(let lineID, _), .staffRejected):
            // Only the scan under check goes: earlier units of the same item were already allowed.
            undoScan(on: lineID, &state)
            state.phase = .shopping
            return []

        case (.voidLine(let lineID), .staffApproved):
            state.lines.removeAll { $0.id == lineID }
            if state.lastScannedLineID == lineID { state.lastScannedLineID = nil }
            state.phase = .shopping
            state.notice = .lineRemoved(lineID: lineID)
            return []
        case (.voidLine, .staffRejected):
            state.phase = .shopping
            return []

        case (.cancelSale, .staffApproved):
            return endSession(&state, .cancelled, now)
        case (.cancelSale, .staffRejected):
            state.phase = .shopping
            return []

        case (.paymentUnresolved(let attempt), .staffApproved(let staffID)):
            return completeSale(&state, attempt, reference: "staff:\(staffID)", tender: "confirmed-by-staff", now)
        case (.paymentUnresolved, .staffRejected):
            state.phase = .shopping
            state.notice = .paymentDeclined(reason: "staff confirmed the payment was not taken")
            return []
        case (.paymentUnresolved(let attempt), .paymentFinished(let attemptID, let outcome)) where attemptID == attempt.id:
            return settle(attempt, outcome, &state, now)

        case (_, .tick):
            return []
        default:
            throw .waitingForStaff
        }
    }
}
