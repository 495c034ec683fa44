import Testing
import Checkout
import KioskTestSupport
import Retail

/// Journeys through the lane, stepped event by event; each step states every change and effect.
@Suite struct LaneFlowTests {
    @Test func happyPathWithAgeCheckMemberAndReceipt() {
        var h = Harness()
        h.step(scan(Items.apple), at: 1000) {
            $0.sessionID = "L1-1000"
            $0.phase = .shopping
            $0.lines = [line(1, Items.apple)]
            $0.nextLineID = 2
            $0.lastScannedLineID = 1
            $0.lastActivity = 1000
        }
        h.step(scan(Items.beer), at: 2000) {
            $0.phase = .attendantNeeded(.ageCheck(lineID: 2, minimumAge: 18))
            $0.lines.append(line(2, Items.beer))
            $0.nextLineID = 3
            $0.lastScannedLineID = 2
            $0.lastActivity = 2000
        }
        h.step(.staffApproved(staffID: "S7"), at: 3000) {
            $0.phase = .shopping
            $0.approvedAge = 18
            $0.notice = .ageApproved(lineID: 2)
            $0.lastActivity = 3000
        }
        h.step(scan(Items.apple), at: 4000) {
            $0.lines[0].quantity = 2
            $0.lastScannedLineID = 1
            $0.notice = nil
            $0.lastActivity = 4000
        }
        h.step(.memberCardScanned(memberCard), at: 5000) {
            $0.member = memberCard
            $0.notice = .memberRecognised(memberCard)
            $0.lastActivity = 5000
        }
        // Member apples 2 × 3.00 + beer 8.00.
        let attempt = PaymentAttempt(id: "L1-1000-P1", amount: yuan(1400))
        h.step(.payRequested, at: 6000, effects: [.requestPayment(attempt)]) {
            $0.phase = .paying(attempt)
            $0.paymentAttempts = 1
            $0.notice = nil
            $0.lastActivity = 6000
        }
        let sale = CompletedSale(id: "L1-1000", completedAt: 7000, lines: [line(1, Items.apple, 2), line(2, Items.beer)],
                                 priced: lane.priced(h.state), member: memberCard, attempt: attempt,
                                 paymentReference: "REF-1", tender: "card")
        #expect(sale.priced.total == yuan(1400))
        h.step(.paymentFinished(attemptID: attempt.id, .approved(reference: "REF-1", tender: "card")), at: 7000,
               effects: [.resolveAttempt(id: attempt.id, .approved, reference: "REF-1"), .recordSale(sale), .printReceipt(sale)]) {
            $0.phase = .paid(saleID: "L1-1000")
            $0.lastSale = sale
            $0.lastActivity = 7000
        }
        h.step(.receiptFinished(saleID: "L1-1000", printed: true), at: 8000,
               effects: [.receiptDone(saleID: "L1-1000", printed: true)]) {
            $0.phase = .receipt(saleID: "L1-1000", printed: true)
            $0.lastActivity = 8000
        }
        h.step(.finish, at: 9000, effects: [.sessionEnded(sessionID: "L1-1000", .completed)]) {
            $0 = idleState(at: 9000)
        }
    }

    @Test func declinedPaymentThenRetryGetsANewAttempt() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000)])
        let first = PaymentAttempt(id: "L1-1000-P1", amount: yuan(350))
        h.step(.payRequested, at: 2000, effects: [.requestPayment(first)]) {
            $0.phase = .paying(first)
            $0.paymentAttempts = 1
            $0.lastActivity = 2000
        }
        h.step(.paymentFinished(attemptID: first.id, .declined(reason: "insufficient funds")), at: 3000,
               effects: [.resolveAttempt(id: first.id, .declined, reference: nil)]) {
            $0.phase = .shopping
            $0.notice = .paymentDeclined(reason: "insufficient funds")
            $0.lastActivity = 3000
        }
        let second = PaymentAttempt(id: "L1-1000-P2", amount: yuan(350))
        h.step(.payRequested, at: 4000, effects: [.requestPayment(second)]) {
            $0.phase = .paying(second)
            $0.paymentAttempts = 2
            $0.notice = nil
            $0.lastActivity = 4000
        }
        // A late answer for the first attempt must not settle the second.
        h.refused(.paymentFinished(attemptID: first.id, .approved(reference: "LATE", tender: "card")), at: 4500,
                  code: "stale-payment")
        let effects = lane.apply(&h.state, .paymentFinished(attemptID: second.id, .approved(reference: "R2", tender: "wallet")),
                                  at: 5000)
        let sale = h.state.lastSale
        #expect(sale?.attempt == second)
        #expect(sale?.paymentReference == "R2")
        #expect(sale?.tender == "wallet")
        #expect(h.state.phase == .paid(saleID: "L1-1000"))
        if let sale {
            #expect(effects == .success([.resolveAttempt(id: second.id, .approved, reference: "R2"), .recordSale(sale),
                                         .printReceipt(sale)]))
        }
        // A duplicate answer after the sale is recorded is refused, so it cannot be recorded twice.
        h.refused(.paymentFinished(attemptID: second.id, .approved(reference: "R2", tender: "wallet")), at: 5001,
                  code: "stale-payment")
    }

    @Test func unknownPaymentThenStaffConfirmTheMoneyWasTaken() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (.payRequested, 2000)])
        let attempt = PaymentAttempt(id: "L1-1000-P1", amount: yuan(350))
        h.step(.paymentFinished(attemptID: attempt.id, .unknown(reason: "terminal timeout")), at: 3000,
               effects: [.resolveAttempt(id: attempt.id, .unknown, reference: nil)]) {
            $0.phase = .attendantNeeded(.paymentUnresolved(attempt))
            $0.lastActivity = 3000
        }
        h.refused(.payRequested, at: 3100, code: "waiting-for-staff")
        h.refused(.paymentFinished(attemptID: "L1-1000-P9", .approved(reference: "X", tender: "card")), at: 3200,
                  code: "waiting-for-staff")
        h.step(.tick, at: 10_000_000)
        let sale = CompletedSale(id: "L1-1000", completedAt: 4000, lines: [line(1, Items.apple)],
                                 priced: lane.priced(h.state), member: nil, attempt: attempt,
                                 paymentReference: "staff:S9", tender: "confirmed-by-staff")
        h.step(.staffApproved(staffID: "S9"), at: 4000,
               effects: [.resolveAttempt(id: attempt.id, .approved, reference: "staff:S9"), .recordSale(sale), .printReceipt(sale)]) {
            $0.phase = .paid(saleID: "L1-1000")
            $0.lastSale = sale
            $0.lastActivity = 4000
        }
    }

    @Test func unknownPaymentThenStaffSayNotCharged() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (.payRequested, 2000),
               (.paymentFinished(attemptID: "L1-1000-P1", .unknown(reason: "link down")), 3000)])
        h.step(.staffRejected(staffID: "S9"), at: 4000,
               effects: [.resolveAttempt(id: "L1-1000-P1", .declined, reference: "staff:S9")]) {
            $0.phase = .shopping
            $0.notice = .paymentDeclined(reason: "staff confirmed the payment was not taken")
            $0.lastActivity = 4000
        }
        // Paying again is a new attempt.
        let effects = lane.apply(&h.state, .payRequested, at: 5000)
        #expect(effects == .success([.requestPayment(PaymentAttempt(id: "L1-1000-P2", amount: yuan(350)))]))
    }

    @Test func lateStatusAnswerResolvesAnUnresolvedPayment() {
        let unresolved: [(LaneEvent, Timestamp)] = [
            (scan(Items.apple), 1000), (.payRequested, 2000),
            (.paymentFinished(attemptID: "L1-1000-P1", .unknown(reason: "link down")), 3000),
        ]
        let attempt = PaymentAttempt(id: "L1-1000-P1", amount: yuan(350))

        var approved = Harness()
        approved.run(unresolved)
        let effects = lane.apply(&approved.state, .paymentFinished(attemptID: attempt.id, .approved(reference: "T-77", tender: "card")),
                                  at: 4000)
        #expect(approved.state.phase == .paid(saleID: "L1-1000"))
        #expect(approved.state.lastSale?.paymentReference == "T-77")
        #expect((try? effects.get())?.count == 3)

        var declined = Harness()
        declined.run(unresolved)
        declined.step(.paymentFinished(attemptID: attempt.id, .declined(reason: "card blocked")), at: 4000,
                      effects: [.resolveAttempt(id: attempt.id, .declined, reference: nil)]) {
            $0.phase = .shopping
            $0.notice = .paymentDeclined(reason: "card blocked")
            $0.lastActivity = 4000
        }

        var stillUnknown = Harness()
        stillUnknown.run(unresolved)
        stillUnknown.step(.paymentFinished(attemptID: attempt.id, .unknown(reason: "still down")), at: 4000,
                          effects: [.resolveAttempt(id: attempt.id, .unknown, reference: nil)]) {
            $0.lastActivity = 4000
        }
    }

    @Test func theShopperUndoesTheirLastScanButVoidingOtherLinesNeedsStaff() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (scan(Items.milk), 2000)])
        h.step(.removeLine(id: 2), at: 3000) {
            $0.lines = [line(1, Items.apple)]
            $0.lastScannedLineID = nil
            $0.notice = .lineRemoved(lineID: 2)
            $0.lastActivity = 3000
        }
        // The undo is used up: the apple, scanned earlier, needs staff.
        h.step(.removeLine(id: 1), at: 4000) {
            $0.phase = .attendantNeeded(.voidLine(lineID: 1))
            $0.notice = nil
            $0.lastActivity = 4000
        }
        h.step(.staffRejected(staffID: "S1"), at: 5000) {
            $0.phase = .shopping
            $0.lastActivity = 5000
        }
        h.step(.removeLine(id: 1), at: 6000) {
            $0.phase = .attendantNeeded(.voidLine(lineID: 1))
            $0.lastActivity = 6000
        }
        h.step(.staffApproved(staffID: "S1"), at: 7000) {
            $0.phase = .shopping
            $0.lines = []
            $0.notice = .lineRemoved(lineID: 1)
            $0.lastActivity = 7000
        }
        h.refused(.removeLine(id: 1), at: 8000, code: "unknown-line")
        h.refused(.removeLine(id: 99), at: 8000, code: "unknown-line")
    }

    @Test func undoTakesOneUnitOffTheLineTheLastScanTouched() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (scan(Items.apple), 2000)])
        #expect(h.state.lines == [line(1, Items.apple, 2)])
        h.step(.removeLine(id: 1), at: 3000) {
            $0.lines[0].quantity = 1
            $0.lastScannedLineID = nil
            $0.lastActivity = 3000
        }
        h.step(.removeLine(id: 1), at: 4000) {
            $0.phase = .attendantNeeded(.voidLine(lineID: 1))
            $0.lastActivity = 4000
        }
    }

    @Test func unitItemsAddUpToTheQuantityLimitAndWeighedItemsGetTheirOwnLines() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000)])
        for (n, now) in zip(2...5, Timestamp(2000)...) {
            h.step(scan(Items.apple), at: now) {
                $0.lines[0].quantity = n
                $0.lastActivity = now
            }
        }
        h.refused(scan(Items.apple), at: 9000, code: "quantity-limit")

        h.step(weigh(Items.bananas, 523), at: 10_000) {
            $0.lines.append(line(2, Items.bananas, embedded: 523))
            $0.nextLineID = 3
            $0.lastScannedLineID = 2
            $0.lastActivity = 10_000
        }
        h.step(weigh(Items.bananas, 523), at: 11_000) {
            $0.lines.append(line(3, Items.bananas, embedded: 523))
            $0.nextLineID = 4
            $0.lastScannedLineID = 3
            $0.lastActivity = 11_000
        }
        h.step(scan(Items.milk), at: 12_000) {
            $0.lines.append(line(4, Items.milk))
            $0.nextLineID = 5
            $0.lastScannedLineID = 4
            $0.lastActivity = 12_000
        }
        // Four lines is the limit: a new line is refused, a unit already in the cart is not.
        h.refused(weigh(Items.bananas, 100), at: 13_000, code: "line-limit")
        h.refused(scan(Items.beer), at: 13_000, code: "line-limit")
        h.step(scan(Items.milk), at: 14_000) {
            $0.lines[3].quantity = 2
            $0.lastActivity = 14_000
        }
        #expect(lane.priced(h.state).itemCount == 9)
    }

    @Test func itemsTheStoreCannotPriceAreRefused() {
        let bad: [LaneEvent] = [
            scan(Items.unknownTax), scan(Items.dollars), scan(Items.dollarMemberPrice),
            .itemScanned(Items.apple, embeddedPrice: Money(minorUnits: 100, currency: usd)),
            scan(Items.bananas),  // weighed, but the price from the code is missing
            weigh(Items.apple, 100),  // sold by unit, but scanned with a price
            .itemScanned(Items.bananas, embeddedPrice: yuan(-1)),
        ]
        var idle = Harness()
        var shopping = Harness()
        shopping.run([(scan(Items.apple), 1000)])
        for event in bad {
            idle.refused(event, at: 2000, code: "bad-item")
            shopping.refused(event, at: 2000, code: "bad-item")
        }
        #expect(idle.state == LaneState())
    }

    @Test func staffApproveAnAgeOnceForTheWholeSession() {
        var h = Harness()
        h.run([(scan(Items.beer), 1000)])
        #expect(h.state.phase == .attendantNeeded(.ageCheck(lineID: 1, minimumAge: 18)))
        h.run([(.staffApproved(staffID: "S1"), 2000)])
        // A second beer and a younger restriction pass without staff.
        h.step(scan(Items.beer), at: 3000) {
            $0.lines[0].quantity = 2
            $0.notice = nil
            $0.lastActivity = 3000
        }
        h.step(scan(Items.lighter), at: 4000) {
            $0.lines.append(line(2, Items.lighter))
            $0.nextLineID = 3
            $0.lastScannedLineID = 2
            $0.lastActivity = 4000
        }
        // An older one needs staff again; rejected, its line goes.
        h.step(scan(Items.spirits), at: 5000) {
            $0.phase = .attendantNeeded(.ageCheck(lineID: 3, minimumAge: 21))
            $0.lines.append(line(3, Items.spirits))
            $0.nextLineID = 4
            $0.lastScannedLineID = 3
            $0.lastActivity = 5000
        }
        h.step(.staffRejected(staffID: "S1"), at: 6000) {
            $0.phase = .shopping
            $0.lines.removeLast()
            $0.lastScannedLineID = nil
            $0.notice = .lineRemoved(lineID: 3)
            $0.lastActivity = 6000
        }
        #expect(h.state.approvedAge == 18)
    }

    @Test func rejectingAnAgeCheckOnAnAddedUnitKeepsTheUnitsAlreadyAllowed() {
        // The catalog raised the beer's age during the session: the next unit needs a new check.
        let strongerBeer = CatalogItem(gtin: Items.beer.gtin, name: Items.beer.name, price: Items.beer.price,
                                       taxCode: "A", minimumAge: 21)
        var h = Harness()
        h.run([(scan(Items.beer), 1000), (.staffApproved(staffID: "S1"), 2000)])
        h.step(scan(strongerBeer), at: 3000) {
            $0.phase = .attendantNeeded(.ageCheck(lineID: 1, minimumAge: 21))
            $0.lines[0].quantity = 2
            $0.notice = nil
            $0.lastActivity = 3000
        }
        h.step(.staffRejected(staffID: "S1"), at: 4000) {
            $0.phase = .shopping
            $0.lines[0].quantity = 1
            $0.lastScannedLineID = nil
            $0.lastActivity = 4000
        }
    }

    @Test func anAgeRestrictedFirstScanStartsTheSessionWaitingForStaff() {
        var h = Harness()
        h.step(scan(Items.beer), at: 1000) {
            $0.sessionID = "L1-1000"
            $0.phase = .attendantNeeded(.ageCheck(lineID: 1, minimumAge: 18))
            $0.lines = [line(1, Items.beer)]
            $0.nextLineID = 2
            $0.lastScannedLineID = 1
            $0.lastActivity = 1000
        }
        h.step(.staffRejected(staffID: "S1"), at: 2000) {
            $0.phase = .shopping
            $0.lines = []
            $0.lastScannedLineID = nil
            $0.notice = .lineRemoved(lineID: 1)
            $0.lastActivity = 2000
        }
    }

    @Test func memberCards() {
        var h = Harness()
        h.step(.memberCardScanned(memberCard), at: 1000) {
            $0.sessionID = "L1-1000"
            $0.phase = .shopping
            $0.member = memberCard
            $0.notice = .memberRecognised(memberCard)
            $0.lastActivity = 1000
        }
        h.run([(scan(Items.apple), 2000)])
        // The same card again is fine; another one is not.
        h.step(.memberCardScanned(memberCard), at: 3000) {
            $0.notice = .memberRecognised(memberCard)
            $0.lastActivity = 3000
        }
        h.refused(.memberCardScanned("0400000000017"), at: 4000, code: "member-already-attached")
    }

    @Test func rejectedScansOnlySetTheNotice() {
        var h = Harness()
        h.step(.scanRejected(code: "6901234567892", reason: "not in catalog", unknownItem: true), at: 1000) {
            $0.notice = .itemNotFound(code: "6901234567892")
            $0.lastActivity = 1000
        }
        #expect(h.state.sessionID == nil)
        h.run([(scan(Items.apple), 2000)])
        h.step(.scanRejected(code: "12x", reason: "not a product code", unknownItem: false), at: 3000) {
            $0.notice = .unreadableCode(code: "12x", reason: "not a product code")
            $0.lastActivity = 3000
        }
    }

    @Test func cancelling() {
        var empty = Harness()
        empty.run([(.memberCardScanned(memberCard), 1000)])
        empty.step(.cancelRequested, at: 2000, effects: [.sessionEnded(sessionID: "L1-1000", .cancelled)]) {
            $0 = idleState(at: 2000)
        }

        var full = Harness()
        full.run([(scan(Items.apple), 1000)])
        full.step(.cancelRequested, at: 2000) {
            $0.phase = .attendantNeeded(.cancelSale)
            $0.lastActivity = 2000
        }
        full.step(.staffRejected(staffID: "S1"), at: 3000) {
            $0.phase = .shopping
            $0.lastActivity = 3000
        }
        full.run([(.cancelRequested, 4000)])
        full.step(.staffApproved(staffID: "S1"), at: 5000, effects: [.sessionEnded(sessionID: "L1-1000", .cancelled)]) {
            $0 = idleState(at: 5000)
        }
    }

    @Test func payingNeedsSomethingToPay() {
        var h = Harness()
        h.run([(.memberCardScanned(memberCard), 1000)])
        h.refused(.payRequested, at: 2000, code: "empty-cart")
        h.run([(scan(Items.freebie), 3000)])
        h.refused(.payRequested, at: 4000, code: "nothing-to-pay")
        #expect(h.state.paymentAttempts == 0)
    }

    @Test func receiptThatDidNotPrint() {
        var h = Harness(state: LaneTableTests.paid())
        h.refused(.receiptFinished(saleID: "L1-999", printed: true), at: 4500, code: "stale-receipt")
        h.step(.receiptFinished(saleID: "L1-1000", printed: false), at: 5000,
               effects: [.receiptDone(saleID: "L1-1000", printed: false)]) {
            $0.phase = .receipt(saleID: "L1-1000", printed: false)
            $0.notice = .receiptNotPrinted
            $0.lastActivity = 5000
        }
    }

    @Test func theNextShopperScanningOnTheThankYouScreenStartsANewSession() {
        var h = Harness(state: LaneTableTests.receipt())
        h.refused(scan(Items.unknownTax), at: 6000, code: "bad-item")
        h.step(scan(Items.beer), at: 6000, effects: [.sessionEnded(sessionID: "L1-1000", .completed)]) {
            $0 = idleState(at: 6000)
            $0.sessionID = "L1-6000"
            $0.phase = .attendantNeeded(.ageCheck(lineID: 1, minimumAge: 18))
            $0.lines = [line(1, Items.beer)]
            $0.nextLineID = 2
            $0.lastScannedLineID = 1
        }
    }
}

@Suite struct LaneTimeoutTests {
    @Test func emptyCartTimesOutExactlyAtTheBoundary() {
        var h = Harness()
        h.run([(.memberCardScanned(memberCard), 1000)])
        h.step(.tick, at: 1000 + 60_000 - 1)
        h.step(.tick, at: 1000 + 60_000, effects: [.sessionEnded(sessionID: "L1-1000", .abandoned)]) {
            $0 = idleState(at: 61_000)
        }
    }

    @Test func cartWithItemsIsAbandonedExactlyAtTheBoundary() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (scan(Items.milk), 5000)])
        // The last activity counts, not the start of the session; the empty-cart timeout does not apply.
        h.step(.tick, at: 5000 + 60_000)
        h.step(.tick, at: 5000 + 300_000 - 1)
        h.step(.tick, at: 5000 + 300_000, effects: [.sessionEnded(sessionID: "L1-1000", .abandoned)]) {
            $0 = idleState(at: 305_000)
        }
    }

    @Test func aRefusedEventIsNotActivity() {
        var h = Harness()
        h.run([(.memberCardScanned(memberCard), 1000)])
        h.refused(.payRequested, at: 50_000, code: "empty-cart")
        h.step(.tick, at: 61_000, effects: [.sessionEnded(sessionID: "L1-1000", .abandoned)]) {
            $0 = idleState(at: 61_000)
        }
    }

    @Test func thankYouScreenTimesOutExactlyAtTheBoundary() {
        var h = Harness(state: LaneTableTests.receipt())
        #expect(h.state.lastActivity == 5000)
        h.step(.tick, at: 5000 + 15_000 - 1)
        h.step(.tick, at: 5000 + 15_000, effects: [.sessionEnded(sessionID: "L1-1000", .completed)]) {
            $0 = idleState(at: 20_000)
        }
    }

    @Test func nothingTimesOutWhileWaitingForStaffThePaymentOrThePrinter() {
        let states = [LaneTableTests.idle(), LaneTableTests.ageCheck(), LaneTableTests.voidLine(),
                      LaneTableTests.cancelSale(), LaneTableTests.paymentUnresolved(), LaneTableTests.paying(),
                      LaneTableTests.paid()]
        for state in states {
            var h = Harness(state: state)
            h.step(.tick, at: 10_000_000_000)
        }
    }

    @Test func aDeadlineBeyondTheEndOfTimeNeverComes() {
        let patient = Lane(config: LaneConfig(laneID: "L1", pricing: storeRules, emptyCartTimeout: .max))
        var state = LaneState()
        _ = patient.apply(&state, .memberCardScanned(memberCard), at: 1000)
        let before = state
        #expect(patient.apply(&state, .tick, at: .max) == .success([]))
        #expect(state == before)
    }
}

@Suite struct LanePricingTests {
    /// apple ×2 (3.50, member 3.00, tax A) and milk ×3 (12.00, 3 for 2, tax B).
    static func cart(member: Bool) -> LaneState {
        var h = Harness()
        if member { h.run([(.memberCardScanned(memberCard), 500)]) }
        h.run([(scan(Items.apple), 1000), (scan(Items.apple), 1100),
               (scan(Items.milk), 1200), (scan(Items.milk), 1300), (scan(Items.milk), 1400)])
        return h.state
    }

    @Test func withoutMember() {
        let priced = lane.priced(Self.cart(member: false))
        #expect(priced.subtotal == yuan(700 + 3600))
        #expect(priced.total == yuan(700 + 2400))
        #expect(priced.lines.map(\.memberSaving) == [yuan(0), yuan(0)])
    }

    @Test func memberPricesAreReflectedInTheTotalAndThePayment() {
        var state = Self.cart(member: true)
        let priced = lane.priced(state)
        #expect(priced.lines.first?.unitPrice == yuan(300))
        #expect(priced.lines.first?.memberSaving == yuan(100))
        #expect(priced.total == yuan(600 + 2400))
        // VAT included: A 6.00 * 13/113 = 0.69, B 24.00 * 9/109 = 1.98.
        #expect(priced.taxes.map(\.tax) == [yuan(69), yuan(198)])
        let effects = lane.apply(&state, .payRequested, at: 2000)
        #expect(effects == .success([.requestPayment(PaymentAttempt(id: "L1-500-P1", amount: yuan(3000)))]))
    }

    @Test func attachingTheMemberLaterRepricesTheCart() {
        var state = Self.cart(member: false)
        _ = lane.apply(&state, .memberCardScanned(memberCard), at: 2000)
        #expect(lane.priced(state).total == yuan(3000))
    }

    @Test func aHandEditedLineThePricingCannotTakeIsLeftOutNotACrash() {
        var state = Self.cart(member: true)
        state.lines.append(CartLine(id: 99, item: Items.unknownTax, quantity: 1, embeddedPrice: nil))
        state.lines.append(CartLine(id: 98, item: Items.dollarMemberPrice, quantity: 1, embeddedPrice: nil))
        let priced = lane.priced(state)
        #expect(priced.total == yuan(3000))
        #expect(priced.lines.map(\.id) == [1, 2])
    }
}

@Suite struct LaneDeterminismTests {
    static let script: [(LaneEvent, Timestamp)] = [
        (.scanRejected(code: "1", reason: "short", unknownItem: false), 500),
        (scan(Items.apple), 1000), (scan(Items.beer), 1500), (.payRequested, 1600),
        (.staffApproved(staffID: "S1"), 2000), (weigh(Items.bananas, 523), 2100),
        (.memberCardScanned(memberCard), 2200), (.removeLine(id: 1), 2300), (.staffRejected(staffID: "S1"), 2400),
        (.payRequested, 3000), (.paymentFinished(attemptID: "L1-1000-P1", .declined(reason: "no")), 3100),
        (.tick, 3200), (.payRequested, 3300),
        (.paymentFinished(attemptID: "L1-1000-P2", .unknown(reason: "?")), 3400),
        (.paymentFinished(attemptID: "L1-1000-P2", .approved(reference: "R", tender: "card")), 3500),
        (.receiptFinished(saleID: "L1-1000", printed: false), 3600), (scan(Items.milk), 3700),
        (.tick, 3700 + 300_000),
    ]

    static func replay() -> (LaneState, [Result<[Effect], Refusal>]) {
        var state = LaneState()
        let effects = script.map { lane.apply(&state, $0.0, at: $0.1) }
        return (state, effects)
    }

    @Test func replayingTheSameEventsGivesTheSameStatesAndEffects() {
        let (first, firstEffects) = Self.replay()
        let (second, secondEffects) = Self.replay()
        #expect(first == second)
        #expect(firstEffects == secondEffects)
        // The script went the whole way: a sale, then the next shopper's session abandoned.
        #expect(firstEffects.flatMap { (try? $0.get()) ?? [] }.contains { if case .recordSale = $0 { true } else { false } })
        #expect(firstEffects.last == .success([.sessionEnded(sessionID: "L1-3700", .abandoned)]))
        #expect(first == idleState(at: 3700 + 300_000))
    }
}
