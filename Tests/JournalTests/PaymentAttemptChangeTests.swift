import Checkout
@testable import Journal
import Retail
import Testing

/// The pure rule that decides how one transition changes the payment_attempt table.
@Suite struct PaymentAttemptChangeTests {
    let attempt = PaymentAttempt(id: "L1-1-P1", amount: yuan(350))

    var sale: CompletedSale {
        CompletedSale(id: "L1-1", completedAt: 5, lines: [], priced: try! rules.price([], member: false), member: nil,
                      attempt: attempt, paymentReference: "REF", tender: "card")
    }

    @Test func requestPaymentEffectIsARequest() {
        let changes = PaymentAttemptChange.derive(before: .shopping, event: .payRequested,
                                                  effects: [.requestPayment(attempt)])
        #expect(changes == [.requested(attempt)])
    }

    @Test func aRecordedSaleApprovesItsAttemptWithTheReference() {
        let changes = PaymentAttemptChange.derive(
            before: .paying(attempt), event: .paymentFinished(attemptID: attempt.id, .approved(reference: "REF", tender: "card")),
            effects: [.recordSale(sale), .printReceipt(sale)])
        #expect(changes == [.resolved(id: attempt.id, state: "approved", reference: "REF")])
    }

    @Test func staffConfirmingTheMoneyWasTakenApprovesOnce() {
        // The sale's reference is "staff:<id>" there; one change only, not also a "declined".
        let changes = PaymentAttemptChange.derive(
            before: .attendantNeeded(.paymentUnresolved(attempt)), event: .staffApproved(staffID: "S1"),
            effects: [.recordSale(sale), .printReceipt(sale)])
        #expect(changes == [.resolved(id: attempt.id, state: "approved", reference: "REF")])
    }

    @Test func declinedAndUnknownAnswers() {
        #expect(PaymentAttemptChange.derive(before: .paying(attempt),
                                            event: .paymentFinished(attemptID: attempt.id, .declined(reason: "x")),
                                            effects: [])
                == [.resolved(id: attempt.id, state: "declined", reference: nil)])
        #expect(PaymentAttemptChange.derive(before: .paying(attempt),
                                            event: .paymentFinished(attemptID: attempt.id, .unknown(reason: "x")),
                                            effects: [])
                == [.resolved(id: attempt.id, state: "unknown", reference: nil)])
    }

    @Test func staffRejectingAnUnresolvedPaymentDeclinesIt() {
        #expect(PaymentAttemptChange.derive(before: .attendantNeeded(.paymentUnresolved(attempt)),
                                            event: .staffRejected(staffID: "S4"), effects: [])
                == [.resolved(id: attempt.id, state: "declined", reference: "staff:S4")])
    }

    @Test func otherStaffDecisionsAndEventsTouchNoAttempt() {
        #expect(PaymentAttemptChange.derive(before: .attendantNeeded(.cancelSale), event: .staffRejected(staffID: "S"),
                                            effects: []).isEmpty)
        #expect(PaymentAttemptChange.derive(before: .attendantNeeded(.ageCheck(lineID: 1, minimumAge: 18)),
                                            event: .staffRejected(staffID: "S"), effects: []).isEmpty)
        #expect(PaymentAttemptChange.derive(before: .shopping, event: scan(Items.apple), effects: []).isEmpty)
        #expect(PaymentAttemptChange.derive(before: .paying(attempt), event: .tick, effects: []).isEmpty)
        #expect(PaymentAttemptChange.derive(before: .receipt(saleID: "L1-1", printed: true), event: .finish,
                                            effects: [.sessionEnded(sessionID: "L1-1", .completed)]).isEmpty)
    }

    @Test func everyEventHasAStableKind() {
        let events: [(LaneEvent, String)] = [
            (scan(Items.apple), "itemScanned"), (.memberCardScanned("1"), "memberCardScanned"),
            (.scanRejected(code: "", reason: "", unknownItem: true), "scanRejected"), (.removeLine(id: 1), "removeLine"),
            (.cancelRequested, "cancelRequested"), (.payRequested, "payRequested"),
            (.paymentFinished(attemptID: "a", .declined(reason: "")), "paymentFinished"),
            (.receiptFinished(saleID: "s", printed: true), "receiptFinished"),
            (.staffApproved(staffID: "s"), "staffApproved"), (.staffRejected(staffID: "s"), "staffRejected"),
            (.finish, "finish"), (.tick, "tick"),
        ]
        for (event, kind) in events { #expect(event.kind == kind) }
    }
}
