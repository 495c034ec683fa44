import Checkout
import Deadlines
import Foundation
import Journal
import Payments
import Peripherals

/// Why a staff request was not carried out: a code for the page and the API.
enum StaffModeRefusal: Error, Equatable {
    /// Badge or PIN wrong, or the badge or lane locked (the login's own answer).
    case login(StaffDirectory.Answer)
    /// No open maintenance session has this token (never opened, closed, or another one replaced it).
    case noSession
    /// The session timed out; it is closed now.
    case expired
    /// The lane is serving a shopper: it is closed only from idle.
    case laneBusy
    case noSuchSale
    /// Nothing waits for a staff decision on a payment.
    case noUnresolvedPayment
    /// The journal could not record the action, so it was not done.
    case notRecorded
}

/// The maintenance screen's session over the lane: badge + PIN opens it from any lane state, a
/// shopper's scan or inactivity closes it, and the cart underneath is kept (its timers start over
/// when staff leave). Every staff action is journaled as `staff-action` with the badge.
extension LaneRuntime {
    enum CloseReason: String { case left, timeout, shopperScan = "shopper-scan" }

    /// Opens the maintenance screen: the token the page sends with every staff request.
    func openStaffMode(badge: String, pin: String) throws(StaffModeRefusal) -> String {
        let answer = authenticateStaff(badge: badge, pin: pin)
        guard case .granted(let member) = answer else { throw .login(answer) }
        let token = Self.newToken()
        if let replaced = staffMode.open(badge: member.badge, name: member.name, token: token, now: clock.now()) {
            journalClose(replaced, .left)
        }
        presentedBadge = nil
        try recordStaff(StaffAction(badge: member.badge, action: .modeOpened))
        logger.notice("maintenance mode opened", metadata: ["badge": "\(member.badge)"])
        publish()
        return token
    }

    /// The session a staff request's `token` belongs to; counts as activity.
    func staffSession(token: String) throws(StaffModeRefusal) -> StaffMode.Session {
        switch staffMode.check(token: token, now: clock.now()) {
        case .valid(let session): return session
        case .invalid: throw .noSession
        case .expired(let session):
            journalClose(session, .timeout)
            publish()
            throw .expired
        }
    }

    /// Staff leave the maintenance screen.
    func leaveStaffMode(token: String) throws(StaffModeRefusal) {
        _ = try staffSession(token: token)
        closeStaffMode(.left)
    }

    /// Closes the maintenance screen and gives the lane back as it was.
    func closeStaffMode(_ reason: CloseReason) {
        guard let session = staffMode.close() else { return }
        journalClose(session, reason)
        publish()
    }

    /// The ticker's second: closes a maintenance session that timed out; while one is open the
    /// shopper's timers stand still (no tick reaches the lane), so the cart is not abandoned.
    func tick() {
        if let session = staffMode.expire(now: clock.now()) {
            journalClose(session, .timeout)
            publish()
        }
        guard staffMode.session == nil else { return }
        submit(.tick)
    }

    /// Closes the lane (only while no shopper is using it) or opens it again.
    func setLane(open: Bool, token: String) throws(StaffModeRefusal) {
        let session = try staffSession(token: token)
        guard open || state.phase == .idle else { throw .laneBusy }
        guard laneClosed == open else { return } // already so: nothing to record
        try recordStaff(StaffAction(badge: session.badge, action: open ? .laneOpened : .laneClosed))
        laneClosed = !open
        logger.notice(open ? "lane opened by staff" : "lane closed by staff", metadata: ["badge": "\(session.badge)"])
        publish()
    }

    /// Prints a test page (`feed`: only feeds paper); returns `printed` or the printer's status code.
    func printerCheck(feed: Bool, token: String) async throws(StaffModeRefusal) -> String {
        let session = try staffSession(token: token)
        let profile = await printer.receiptProfile()
        let now = clock.now()
        let job = feed ? receipts.paperFeed(at: now, profile: profile)
            : receipts.testPage(at: now, profile: profile)
        let result = await printResult(job)
        try recordStaff(StaffAction(badge: session.badge, action: feed ? .paperFed : .testPrint, result: result))
        return result
    }

    /// Prints a receipt again, marked as a copy: `saleID`'s, or the last sale's.
    func printCopy(saleID: String?, token: String) async throws(StaffModeRefusal) -> (saleID: String, result: String) {
        let session = try staffSession(token: token)
        let sale: CompletedSale?
        do {
            if let saleID { sale = try journal.sale(id: saleID) } else { sale = try journal.recentSales(limit: 1).first.flatMap { try journal.sale(id: $0.id) } }
        } catch {
            logger.error("sale for a copy cannot be read", metadata: ["error": "\(error)"])
            throw .notRecorded
        }
        guard let sale else { throw .noSuchSale }
        let integrity = try? journal.integrityCode(forSale: sale.id)
        let job = receipts.copy(of: sale, integrityCode: integrity, name: "\(sale.id)-copy-\(clock.now())",
                                profile: await printer.receiptProfile())
        let result = await printResult(job)
        try recordStaff(StaffAction(badge: session.badge, action: .receiptCopy, saleID: sale.id, result: result))
        return (sale.id, result)
    }

    /// Asks the terminal again about the payment staff must settle; its answer settles it as a
    /// late answer would. Returns `approved`, `declined` or `unknown`.
    func queryUnresolvedPayment(token: String) async throws(StaffModeRefusal) -> String {
        let session = try staffSession(token: token)
        guard case .attendantNeeded(.paymentUnresolved(let attempt)) = state.phase else { throw .noUnresolvedPayment }
        var answer: TerminalAnswer?, statusFailure: TerminalError?
        do { answer = try await withDeadline(paymentTimeout) { [terminal] in try await terminal.status(of: attempt.id) } }
        catch let error as TerminalError { statusFailure = error } catch {}
        let outcome = Self.outcome(answer, sendFailure: nil, statusFailure: statusFailure)
        let result: String
        switch outcome {
        case .approved: result = "approved"
        case .declined: result = "declined"
        case .unknown: result = "unknown"
        }
        // An answer settles the attempt as a late one would; none leaves it to staff's decision.
        if result != "unknown" { submit(.paymentFinished(attemptID: attempt.id, outcome)) }
        try recordStaff(StaffAction(badge: session.badge, action: .paymentQueried, saleID: state.sessionID ?? attempt.id, result: result))
        return result
    }

    /// Staff decide the unresolved payment the terminal cannot settle: `taken` completes the sale
    /// (reference `staff:<badge>`), otherwise the shopper is back to shopping. Journaled as the
    /// lane's `staff-approved`/`staff-rejected` with the badge. "Not taken" first asks the provider
    /// to reverse whatever it charged (the only reversal the lane ever sends: a staff decision,
    /// never a guess), journaled as `payment-reversed` with how it ended; the decision stands
    /// either way, and `kiosk payments reconcile` shows a charge that could not be given back.
    /// Returns the reversal's result, nil for `taken`.
    @discardableResult
    func decideUnresolvedPayment(taken: Bool, token: String) async throws(StaffModeRefusal) -> String? {
        let session = try staffSession(token: token)
        guard case .attendantNeeded(.paymentUnresolved(let attempt)) = state.phase else { throw .noUnresolvedPayment }
        var reversal: String?
        if !taken {
            do {
                reversal = try await withDeadline(paymentTimeout) { [terminal] in try await terminal.reverse(attempt.id) }.rawValue
            } catch {
                logger.warning("reversal failed", metadata: ["attempt": "\(attempt.id)", "error": "\(error)"])
                reversal = "unknown"
            }
            // The decision may have come while the reversal ran (another staff screen): decided once.
            guard case .attendantNeeded(.paymentUnresolved(attempt)) = state.phase else { throw .noUnresolvedPayment }
            try recordStaff(StaffAction(badge: session.badge, action: .paymentReversed, saleID: state.sessionID ?? attempt.id, result: reversal))
        }
        let decision: LaneEvent = taken ? .staffApproved(staffID: session.badge) : .staffRejected(staffID: session.badge)
        guard case .success = submit(decision) else { throw .notRecorded }
        return reversal
    }

    /// Checks the whole journal (chain, signed heads, derived tables) off the lane's actor, then
    /// journals the result: `ok`, or the problem's code.
    func verifyJournal(token: String) async throws(StaffModeRefusal) -> (result: String, entries: Int64?) {
        let session = try staffSession(token: token)
        let journal = self.journal
        let outcome: (String, Int64?) = await Task.detached {
            do { return ("ok", try journal.verify().events) } catch let error as JournalError { return (error.code, nil) } catch {
                return ("unreadable", nil)
            }
        }.value
        try recordStaff(StaffAction(badge: session.badge, action: .journalVerified, result: outcome.0))
        return outcome
    }

    /// The day's Z report: numbered, printed, and saved in the journal (saved even when the paper
    /// did not come out: the figures are what counts). Returns it with the print result.
    func printZReport(token: String) async throws(StaffModeRefusal) -> (report: ZReport, result: String) {
        let session = try staffSession(token: token)
        var report: ZReport
        do {
            let day = try ReportDay(nil, now: Date(timeIntervalSince1970: Double(clock.now()) / 1000))
            report = try ZReport.load(journal: journal, day: day.text, range: day.range, laneID: lane.config.laneID,
                                      currency: lane.config.pricing.currency)
            report.number = try journal.zReportCount() + 1
        } catch {
            logger.error("Z report cannot be read from the journal", metadata: ["error": "\(error)"])
            throw .notRecorded
        }
        let profile = await printer.receiptProfile()
        let job = receipts.textPage(name: "z-report-\(report.number ?? 0)", lines: report.text(columns: (profile ?? receipts.profile).columns),
                                    profile: profile)
        let result = await printResult(job)
        do {
            try record(.zReport(number: report.number ?? 0, day: report.day, badge: session.badge, report: report.wire))
        } catch {
            logger.error("Z report not journaled", metadata: ["error": "\(error)"])
            throw .notRecorded
        }
        logger.notice("Z report saved", metadata: ["number": "\(report.number ?? 0)", "day": "\(report.day)", "badge": "\(session.badge)"])
        return (report, result)
    }

    // MARK: - Helpers

    private func printResult(_ job: PrintJob) async -> String {
        do {
            try await printer.print(job)
            return "printed"
        } catch {
            logger.subsystem(.printer).warning("maintenance print failed", metadata: ["job": "\(job.saleID)", "error": "\(error)"])
            if case .notReady(let status) = error { return status.rawValue }
            return "failed"
        }
    }

    private func recordStaff(_ action: StaffAction) throws(StaffModeRefusal) {
        do { try record(.staffAction(action)) } catch {
            logger.error("staff action not journaled", metadata: ["action": "\(action.action.rawValue)", "error": "\(error)"])
            throw .notRecorded
        }
    }

    /// Journals a session's end; an open session's timers start over (the lane event), so the
    /// shopper finds the cart as they left it.
    private func journalClose(_ session: StaffMode.Session, _ reason: CloseReason) {
        try? recordStaff(StaffAction(badge: session.badge, action: .modeClosed, result: reason.rawValue))
        if state.phase != .idle { submit(.staffModeClosed(staffID: session.badge)) }
        logger.notice("maintenance mode closed", metadata: ["badge": "\(session.badge)", "reason": "\(reason.rawValue)"])
    }

    /// 32 random bytes, hex: the page's proof that it is the one that logged in.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
