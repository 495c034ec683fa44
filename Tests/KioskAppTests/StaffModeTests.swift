import Checkout
import Foundation
import Journal
import KioskTestSupport
import Peripherals
import Retail
import Testing
@testable import KioskApp

/// Maintenance mode over the lane: badge + PIN from any state, the cart kept underneath, every
/// action journaled with the badge, and the actions themselves real (printer, journal, terminal).
@Suite struct StaffModeTests {
    func plainItem(_ item: CatalogItem) -> Bool {
        item.pricing == .unit && item.minimumAge == nil && item.multiBuy == nil
    }

    /// The staff actions journaled so far, as (action, badge, sale, result).
    func staffActions(_ lane: TestLane) throws -> [String] {
        try lane.journal.entries().compactMap { entry -> String? in
            guard case .admin(.staffAction(let action)) = entry.event else { return nil }
            return [action.action.rawValue, action.badge, action.saleID ?? "-", action.result ?? "-"].joined(separator: " ")
        }
    }

    @Test func staffModeOpensOverAShoppersCartAndAShoppersScanGivesItBack() async throws {
        let lane = try TestLane()
        let code = try lane.code(plainItem)
        #expect(await lane.runtime.scan(ScannedCode(data: code, source: "test")) == .accepted)
        let before = await lane.runtime.state

        // A wrong PIN is refused, as at the approval form (and counted by the same lockout).
        await #expect(throws: StaffModeRefusal.login(.denied)) { try await lane.runtime.openStaffMode(badge: "1001", pin: "9999") }
        let token = try await lane.runtime.openStaffMode(badge: "1001", pin: "1234")
        #expect(token.count == 64)
        let view = await lane.runtime.view()
        #expect(view.staffMode == LaneView.StaffModeView(badge: "1001", name: "Demo Supervisor"))
        #expect(view.phase == "shopping" && view.lines.count == 1)
        // While it is open the ticker does not reach the lane: the cart cannot be abandoned under staff.
        let seqBefore = try lane.journal.lastEntries(1).last?.seq
        await lane.runtime.tick()
        #expect(try lane.journal.lastEntries(1).last?.seq == seqBefore)

        // The shopper scans again: the maintenance screen closes and the scan lands in the same cart.
        #expect(await lane.runtime.scan(ScannedCode(data: code, source: "test")) == .accepted)
        let after = await lane.runtime.state
        #expect(after.sessionID == before.sessionID)
        #expect(after.lines.map(\.quantity) == [2])
        #expect(await lane.runtime.view().staffMode == nil)
        // The token is worth nothing now.
        await #expect(throws: StaffModeRefusal.noSession) { try await lane.runtime.setLane(open: false, token: token) }

        #expect(try staffActions(lane) == ["mode-opened 1001 - -", "mode-closed 1001 - shopper-scan"])
        let kinds = try lane.journal.entries().map(\.kind)
        #expect(kinds == ["item-scanned", "staff-action", "staff-action", "staff-mode-closed", "item-scanned"])
        // Staff leaving restarted the shopper's inactivity timers.
        let closed = try #require(try lane.journal.entries().first { $0.kind == "staff-mode-closed" })
        #expect(closed.session == before.sessionID)
        #expect(after.lastActivity > before.lastActivity)
    }

    @Test func aSessionTimesOutAfterInactivityAndOnlyItsTokenOpensIt() {
        var mode = StaffMode()
        let t0: Int64 = 1_800_000_000_000
        #expect(mode.open(badge: "1001", name: "A", token: "secret", now: t0) == nil)
        #expect(mode.check(token: "wrong", now: t0 + 1) == .invalid)
        guard case .valid = mode.check(token: "secret", now: t0 + StaffMode.defaultTimeout - 1) else {
            Issue.record("a request within the timeout is valid"); return
        }
        // Activity moved the deadline: one timeout after the last request, not after the login.
        #expect(mode.expire(now: t0 + StaffMode.defaultTimeout + 1) == nil)
        let last = t0 + StaffMode.defaultTimeout - 1
        #expect(mode.expire(now: last + StaffMode.defaultTimeout)?.badge == "1001")
        #expect(mode.session == nil)
        // A request after the timeout closes it too, and says so.
        _ = mode.open(badge: "1001", name: "A", token: "secret", now: t0)
        #expect(mode.check(token: "secret", now: t0 + StaffMode.defaultTimeout) != .invalid)
        #expect(mode.session == nil)
    }

    @Test func aClosedLaneRefusesShoppersAndStaysClosedAfterARestart() async throws {
        let first = try TestLane()
        let code = try first.code(plainItem)
        // Not while a shopper is using it.
        #expect(await first.runtime.scan(ScannedCode(data: code, source: "test")) == .accepted)
        let busy = try await first.runtime.openStaffMode(badge: "1001", pin: "1234")
        await #expect(throws: StaffModeRefusal.laneBusy) { try await first.runtime.setLane(open: false, token: busy) }
        try await first.runtime.leaveStaffMode(token: busy)
        #expect(await first.runtime.submit(.cancelRequested).succeeded)
        #expect(await first.runtime.state.phase == .attendantNeeded(.cancelSale))
        #expect(await first.runtime.submit(.staffApproved(staffID: "1001")).succeeded)

        let token = try await first.runtime.openStaffMode(badge: "1001", pin: "1234")
        try await first.runtime.setLane(open: false, token: token)
        #expect(await first.runtime.view().laneClosed)
        #expect(await first.runtime.scan(ScannedCode(data: code, source: "test"))
                == .refused(code: "lane-closed", message: "the lane is closed: please use another lane"))
        #expect(await first.runtime.state.phase == .idle)

        let second = try TestLane(directory: first.directory)
        #expect(await second.runtime.view().laneClosed)
        #expect(await second.runtime.scan(ScannedCode(data: code, source: "test")) != .accepted)
        let again = try await second.runtime.openStaffMode(badge: "1001", pin: "1234")
        try await second.runtime.setLane(open: true, token: again)
        #expect(await second.runtime.scan(ScannedCode(data: code, source: "test")) == .accepted)
        #expect(try staffActions(second).filter { $0.hasPrefix("lane-") } == ["lane-closed 1001 - -", "lane-opened 1001 - -"])
    }

    @Test func testPrintFeedAndCopiesGoToThePrinterAndTheJournal() async throws {
        let lane = try TestLane()
        _ = await lane.runtime.scan(ScannedCode(data: try lane.code(plainItem), source: "test"))
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let sale = try #require(try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }.lastSale)
        let token = try await lane.runtime.openStaffMode(badge: "1001", pin: "1234")

        #expect(try await lane.runtime.printerCheck(feed: false, token: token) == "printed")
        #expect(try await lane.runtime.printerCheck(feed: true, token: token) == "printed")
        let copy = try await lane.runtime.printCopy(saleID: nil, token: token)
        #expect(copy.saleID == sale.id && copy.result == "printed")
        await #expect(throws: StaffModeRefusal.noSuchSale) { try await lane.runtime.printCopy(saleID: "L9-0", token: token) }
        await lane.printer.setStatus(.paperOut)
        #expect(try await lane.runtime.printerCheck(feed: false, token: token) == "paper-out")

        let files = try FileManager.default.contentsOfDirectory(atPath: lane.directory.appendingPathComponent("receipts").path)
        let copyFile = try #require(files.first { $0.hasPrefix("\(sale.id)-copy-") && $0.hasSuffix(".txt") })
        let copyText = try String(contentsOf: lane.directory.appendingPathComponent("receipts/\(copyFile)"), encoding: .utf8)
        #expect(copyText.contains(ReceiptComposer.copyBanner) && copyText.contains(sale.priced.total.description))
        // The original is untouched and says nothing of a copy.
        let original = try String(contentsOf: lane.directory.appendingPathComponent("receipts/\(sale.id).txt"), encoding: .utf8)
        #expect(!original.contains(ReceiptComposer.copyBanner))
        let test = try #require(files.first { $0.hasPrefix("test-print-") && $0.hasSuffix(".txt") })
        #expect(try String(contentsOf: lane.directory.appendingPathComponent("receipts/\(test)"), encoding: .utf8)
                    .contains(ReceiptComposer.testBanner))

        #expect(try staffActions(lane) == ["mode-opened 1001 - -", "test-print 1001 - printed", "paper-fed 1001 - printed",
                                          "receipt-copy 1001 \(sale.id) printed", "test-print 1001 - paper-out"])
    }

    @Test func aReceiptPrintedAgainAfterACrashWhilePrintingSaysCopy() async throws {
        let first = try TestLane()
        _ = await first.runtime.scan(ScannedCode(data: try first.code(plainItem), source: "test"))
        let session = try #require(await first.runtime.state.sessionID)
        // Paid and recorded, then the kiosk dies while the receipt prints (it may have come out).
        var engine = try LaneEngine(lane: first.runtime.lane, journal: first.journal)
        _ = try engine.submit(.payRequested, at: engine.lastAt + 1)
        _ = try engine.submit(.paymentFinished(attemptID: "\(session)-P1", .approved(reference: "R1", tender: "card")), at: engine.lastAt + 1)
        #expect(engine.state.phase == .paid(saleID: session))

        let second = try TestLane(directory: first.directory)
        await second.runtime.resume()
        _ = try await second.waitFor { $0.phase == .receipt(saleID: session, printed: true) }
        let text = try String(contentsOf: second.directory.appendingPathComponent("receipts/\(session).txt"), encoding: .utf8)
        #expect(text.contains(ReceiptComposer.copyBanner))
    }

    @Test func theUnresolvedPaymentIsAskedAgainThenDecidedWithTheBadge() async throws {
        // The terminal takes an hour (the lane's deadline too): the lane is made to lose track of the attempt meanwhile.
        let lane = try TestLane(rules: .init(approvalDelayMilliseconds: 3_600_000, declineWhenCentsAre: [], noAnswerWhenCentsAre: []),
                                paymentTimeout: .seconds(3600))
        _ = await lane.runtime.scan(ScannedCode(data: try lane.code(plainItem), source: "test"))
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        guard case .paying(let attempt) = await lane.runtime.state.phase else { Issue.record("not paying"); return }
        #expect(await lane.runtime.submit(.paymentFinished(attemptID: attempt.id, .unknown(reason: "test"))).succeeded)
        let token = try await lane.runtime.openStaffMode(badge: "1001", pin: "1234")
        #expect(try await lane.runtime.maintenanceStatus().unresolvedPayment?.attemptID == attempt.id)

        // The terminal has it in progress (the shopper is still at it): it cannot say yet.
        let inProgress = await poll(180, every: .milliseconds(20)) { () async -> Bool? in
            (try? await lane.terminal.status(of: attempt.id)) == .inProgress ? true : nil
        }
        #expect(inProgress == true)
        #expect(try await lane.runtime.queryUnresolvedPayment(token: token) == "unknown")
        // Not taken: the terminal is asked to give back what it charged; still in progress, it cannot.
        #expect(try await lane.runtime.decideUnresolvedPayment(taken: false, token: token) == "not-possible")
        #expect(await lane.runtime.state.phase == .shopping)
        await #expect(throws: StaffModeRefusal.noUnresolvedPayment) { try await lane.runtime.queryUnresolvedPayment(token: token) }
        let session = try #require(await lane.runtime.state.sessionID)
        #expect(try staffActions(lane) == ["mode-opened 1001 - -", "payment-queried 1001 \(session) unknown",
                                           "payment-reversed 1001 \(session) not-possible"])
        #expect(try lane.journal.entries().last?.event == .lane(.staffRejected(staffID: "1001")))
    }

    @Test func journalVerificationRunsAndIsRecorded() async throws {
        let lane = try TestLane()
        let token = try await lane.runtime.openStaffMode(badge: "1001", pin: "1234")
        let verified = try await lane.runtime.verifyJournal(token: token)
        #expect(verified.result == "ok" && verified.entries == 1)
        #expect(try staffActions(lane) == ["mode-opened 1001 - -", "journal-verified 1001 - ok"])
        // Staff actions are admin events: signed and in the chain like head office's.
        #expect(try lane.journal.verify().events == 2)
    }

    @Test func staffActionsRoundTripTheWireFormat() throws {
        let events: [AdminEvent] = [
            .staffAction(StaffAction(badge: "1001", action: .receiptCopy, saleID: "L1-5", result: "printed")),
            .staffAction(StaffAction(badge: "A-7", action: .modeOpened)),
            .zReport(number: 3, day: "2026-12-07", badge: "1001", report: .object(["sales": .object(["count": .int(2)])])),
            .zReport(number: 1, day: "2026-12-07", badge: nil, report: .object([:])),
        ]
        for event in events {
            let text = JournalFormat.payload(.admin(event))
            #expect(try JournalFormat.journalEvent(payload: text) == .admin(event), "\(text)")
        }
        #expect(throws: WireError.self) {
            try JournalFormat.journalEvent(payload: #"{"action":"coffee-break","badge":"1","type":"staff-action","v":1}"#)
        }
        let lane = LaneEvent.staffModeClosed(staffID: "1001")
        #expect(try JournalFormat.journalEvent(payload: JournalFormat.payload(.lane(lane))) == .lane(lane))
    }
}
