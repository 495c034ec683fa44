import Testing
import Checkout
import KioskTestSupport
import Retail

/// A shopper who declines paper gets the e-receipt: the sale is recorded but nothing prints.
@Suite struct PaperReceiptTests {
    @Test func decliningPaperRecordsTheSaleWithoutPrinting() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000)])
        h.step(.paperReceipt(wanted: false), at: 2000) {
            $0.paperDeclined = true
            $0.lastActivity = 2000
        }
        let attempt = PaymentAttempt(id: "L1-1000-P1", amount: yuan(350))
        h.step(.payRequested, at: 3000, effects: [.requestPayment(attempt)]) {
            $0.phase = .paying(attempt)
            $0.paymentAttempts = 1
            $0.lastActivity = 3000
        }
        let sale = CompletedSale(id: "L1-1000", completedAt: 4000, lines: [line(1, Items.apple)],
                                 priced: lane.priced(h.state), member: nil, attempt: attempt,
                                 paymentReference: "R", tender: "card")
        h.step(.paymentFinished(attemptID: attempt.id, .approved(reference: "R", tender: "card")), at: 4000,
               effects: [.resolveAttempt(id: attempt.id, .approved, reference: "R"), .recordSale(sale)]) {
            $0.phase = .receipt(saleID: "L1-1000", printed: false)
            $0.lastSale = sale
            $0.lastActivity = 4000
        }
    }

    @Test func theShopperCanChangeTheirMindWhilePaying() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (.paperReceipt(wanted: false), 1500), (.payRequested, 2000)])
        h.step(.paperReceipt(wanted: true), at: 2500) {
            $0.paperDeclined = false
            $0.lastActivity = 2500
        }
        let sale = CompletedSale(id: "L1-1000", completedAt: 3000, lines: h.state.lines, priced: lane.priced(h.state),
                                 member: nil, attempt: PaymentAttempt(id: "L1-1000-P1", amount: yuan(350)),
                                 paymentReference: "R", tender: "card")
        h.step(.paymentFinished(attemptID: "L1-1000-P1", .approved(reference: "R", tender: "card")), at: 3000,
               effects: [.resolveAttempt(id: "L1-1000-P1", .approved, reference: "R"), .recordSale(sale), .printReceipt(sale)]) {
            $0.phase = .paid(saleID: "L1-1000")
            $0.lastSale = sale
            $0.lastActivity = 3000
        }
    }
}
