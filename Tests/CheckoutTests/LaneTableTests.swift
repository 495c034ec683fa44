import Testing
import Checkout
import KioskTestSupport
import Retail

/// Every phase times every event: each cell is either accepted with the documented phase and
/// effects, or refused with the documented code and the state untouched.
@Suite struct LaneTableTests {
    /// Which `LaneEvent` case an event is. Exhaustive on purpose: a new event case stops this file
    /// compiling until the table below says what every phase does with it.
    static func caseName(_ event: LaneEvent) -> String {
        switch event {
        case .itemScanned: return "itemScanned"
        case .memberCardScanned: return "memberCardScanned"
        case .scanRejected: return "scanRejected"
        case .removeLine: return "removeLine"
        case .cancelRequested: return "cancelRequested"
        case .payRequested: return "payRequested"
        case .paymentFinished: return "paymentFinished"
        case .receiptFinished: return "receiptFinished"
        case .staffApproved: return "staffApproved"
        case .staffRejected: return "staffRejected"
        case .finish: return "finish"
        case .paperReceipt: return "paperReceipt"
        case .tick: return "tick"
        case .couponScanned: return "couponScanned"
        case .walletCodeScanned: return "walletCodeScanned"
        case .staffModeClosed: return "staffModeClosed"
        }
    }

    static let allCaseNames: Set = [
        "itemScanned", "memberCardScanned", "scanRejected", "removeLine", "cancelRequested", "payRequested",
        "paymentFinished", "receiptFinished", "staffApproved", "staffRejected", "finish", "paperReceipt", "tick",
        "couponScanned", "walletCodeScanned", "staffModeClosed",
    ]

    /// One event of each case, in the column order of the table. Sessions in the sample states all
    /// start at 1000, so the ids below are the pending attempt and sale of those states.
    static let events: [LaneEvent] = [
        scan(Items.apple),
        .memberCardScanned(memberCard),
        .scanRejected(code: "123", reason: "not in catalog", unknownItem: true),
        .removeLine(id: 1),
        .cancelRequested,
        .payRequested,
        .paymentFinished(attemptID: "L1-1000-P1", .approved(reference: "R1", tender: "card")),
        .receiptFinished(saleID: "L1-1000", printed: true),
        .staffApproved(staffID: "S1"),
        .staffRejected(staffID: "S1"),
        .finish,
        .paperReceipt(wanted: false),
        .tick,
        .couponScanned(coupon),
        .walletCodeScanned(walletCode),
        .staffModeClosed(staffID: "S1"),
    ]

    enum Outcome: CustomStringConvertible {
        /// Accepted: the new phase and the effects by kind.
        case to(Phase, [String] = [])
        case refused(String)
        /// `tick` with no timeout due: accepted, nothing changes.
        case nothing

        var description: String {
            switch self {
            case .to(let phase, let effects): return "\(phase) \(effects)"
            case .refused(let code): return "refused \(code)"
            case .nothing: return "nothing"
            }
        }
    }

    static func effectKind(_ effect: Effect) -> String {
        switch effect {
        case .requestPayment: return "requestPayment"
        case .resolveAttempt(_, let resolution, _): return "resolveAttempt(\(resolution))"
        case .receiptDone(_, let printed): return "receiptDone(printed: \(printed))"
        case .recordSale: return "recordSale"
        case .printReceipt: return "printReceipt"
        case .sessionEnded(_, let how): return "sessionEnded(\(how))"
        }
    }

    // Sample states, reached through the reducer itself.

    static func idle() -> LaneState { LaneState() }

    static func shoppingWithItems() -> LaneState {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (scan(Items.milk), 2000)])
        return h.state
    }

    static func shoppingEmpty() -> LaneState {
        var h = Harness()
        h.run([(.memberCardScanned(memberCard), 1000)])
        return h.state
    }

    static func ageCheck() -> LaneState {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (scan(Items.beer), 2000)])
        return h.state
    }

    static func voidLine() -> LaneState {
        var h = Harness(state: shoppingWithItems())
        h.run([(.removeLine(id: 1), 3000)])
        return h.state
    }

    static func cancelSale() -> LaneState {
        var h = Harness(state: shoppingWithItems())
        h.run([(.cancelRequested, 3000)])
        return h.state
    }

    static func paying() -> LaneState {
        var h = Harness(state: shoppingWithItems())
        h.run([(.payRequested, 3000)])
        return h.state
    }

    static func paymentUnresolved() -> LaneState {
        var h = Harness(state: paying())
        h.run([(.paymentFinished(attemptID: "L1-1000-P1", .unknown(reason: "no answer")), 4000)])
        return h.state
    }

    static func paid() -> LaneState {
        var h = Harness(state: paying())
        h.run([(.paymentFinished(attemptID: "L1-1000-P1", .approved(reference: "R0", tender: "card")), 4000)])
        return h.state
    }

    static func receipt() -> LaneState {
        var h = Harness(state: paid())
        h.run([(.receiptFinished(saleID: "L1-1000", printed: true), 5000)])
        return h.state
    }

    /// apple 3.50 + milk 12.00
    static let attempt = PaymentAttempt(id: "L1-1000-P1", amount: yuan(1550))
    /// The same, paid by showing a wallet code.
    static let walletAttempt = PaymentAttempt(id: "L1-1000-P1", amount: yuan(1550), wallet: walletCode)

    /// The table: one row per sample state, one outcome per column of `events`.
    static let table: [(name: String, state: LaneState, expectedPhase: Phase, outcomes: [Outcome])] = {
        let waiting = Outcome.refused("waiting-for-staff")
        let busy = Outcome.refused("payment-in-progress")
        let printing = Outcome.refused("receipt-printing")
        let finished = Outcome.refused("sale-finished")
        let noSale = Outcome.refused("no-sale")
        let sale = ["resolveAttempt(approved)", "recordSale", "printReceipt"]
        let paidPhase = Phase.paid(saleID: "L1-1000")
        return [
            ("idle", idle(), .idle, [
                .to(.shopping), .to(.shopping), .to(.idle), noSale, noSale, noSale,
                noSale, noSale, noSale, noSale, noSale, noSale, .nothing,
                .to(.shopping), .refused("empty-cart"), noSale,
            ]),
            ("shopping with items", shoppingWithItems(), .shopping, [
                .to(.shopping), .to(.shopping), .to(.shopping), .to(.attendantNeeded(.voidLine(lineID: 1))),
                .to(.attendantNeeded(.cancelSale)), .to(.paying(attempt), ["requestPayment"]),
                .refused("stale-payment"), .refused("stale-receipt"), .refused("nothing-to-approve"),
                .refused("nothing-to-approve"), .refused("not-paid"), .to(.shopping), .nothing,
                .to(.shopping), .to(.paying(walletAttempt), ["requestPayment"]), .to(.shopping),
            ]),
            ("shopping, empty cart", shoppingEmpty(), .shopping, [
                .to(.shopping), .to(.shopping), .to(.shopping), .refused("unknown-line"),
                .to(.idle, ["sessionEnded(cancelled)"]), .refused("empty-cart"),
                .refused("stale-payment"), .refused("stale-receipt"), .refused("nothing-to-approve"),
                .refused("nothing-to-approve"), .refused("not-paid"), .to(.shopping), .nothing,
                .to(.shopping), .refused("empty-cart"), .to(.shopping),
            ]),
            ("age check", ageCheck(), .attendantNeeded(.ageCheck(lineID: 2, minimumAge: 18)), [
                waiting, waiting, waiting, waiting, waiting, waiting,
                waiting, waiting, .to(.shopping), .to(.shopping), waiting, waiting, .nothing,
                waiting, waiting, .to(.attendantNeeded(.ageCheck(lineID: 2, minimumAge: 18))),
            ]),
            ("void line", voidLine(), .attendantNeeded(.voidLine(lineID: 1)), [
                waiting, waiting, waiting, waiting, waiting, waiting,
                waiting, waiting, .to(.shopping), .to(.shopping), waiting, waiting, .nothing,
                waiting, waiting, .to(.attendantNeeded(.voidLine(lineID: 1))),
            ]),
            ("cancel sale", cancelSale(), .attendantNeeded(.cancelSale), [
                waiting, waiting, waiting, waiting, waiting, waiting,
                waiting, waiting, .to(.idle, ["sessionEnded(cancelled)"]), .to(.shopping), waiting, waiting, .nothing,
                waiting, waiting, .to(.attendantNeeded(.cancelSale)),
            ]),
            ("payment unresolved", paymentUnresolved(), .attendantNeeded(.paymentUnresolved(attempt)), [
                waiting, waiting, waiting, waiting, waiting, waiting,
                .to(paidPhase, sale), waiting, .to(paidPhase, sale), .to(.shopping, ["resolveAttempt(declined)"]), waiting,
                waiting, .nothing,
                waiting, waiting, .to(.attendantNeeded(.paymentUnresolved(attempt))),
            ]),
            ("paying", paying(), .paying(attempt), [
                busy, busy, busy, busy, busy, busy,
                .to(paidPhase, sale), busy, busy, busy, busy, .to(.paying(attempt)), .nothing,
                busy, busy, .to(.paying(attempt)),
            ]),
            ("paid", paid(), paidPhase, [
                printing, printing, printing, printing, printing, printing,
                .refused("stale-payment"), .to(.receipt(saleID: "L1-1000", printed: true), ["receiptDone(printed: true)"]),
                .refused("nothing-to-approve"), .refused("nothing-to-approve"), printing, printing, .nothing,
                printing, printing, .to(paidPhase),
            ]),
            ("receipt", receipt(), .receipt(saleID: "L1-1000", printed: true), [
                .to(.shopping, ["sessionEnded(completed)"]), finished, finished, finished, finished, finished,
                .refused("stale-payment"), .refused("stale-receipt"), .refused("nothing-to-approve"),
                .refused("nothing-to-approve"), .to(.idle, ["sessionEnded(completed)"]), finished, .nothing,
                finished, finished, .to(.receipt(saleID: "L1-1000", printed: true)),
            ]),
        ]
    }()

    @Test func theEventColumnsCoverEveryCase() {
        #expect(Set(Self.events.map(Self.caseName)) == Self.allCaseNames)
        #expect(Self.events.count == Self.allCaseNames.count)
    }

    @Test func everyRowHasTheIntendedPhaseAndOneOutcomePerEvent() {
        for row in Self.table {
            #expect(row.state.phase == row.expectedPhase, "\(row.name)")
            #expect(row.outcomes.count == Self.events.count, "\(row.name)")
        }
        // Every phase and every kind of intervention has a row.
        #expect(Self.table.count == 10)
    }

    @Test(arguments: Self.table.indices)
    func everyPhaseAnswersEveryEvent(row index: Int) {
        let row = Self.table[index]
        for (event, outcome) in zip(Self.events, row.outcomes) {
            var state = row.state
            let now = state.lastActivity + 1
            let effects = lane.apply(&state, event, at: now)
            let cell = "\(row.name) × \(Self.caseName(event)): expected \(outcome), got \(state.phase) \(effects)"
            switch outcome {
            case .to(let phase, let kinds):
                #expect(state.phase == phase, "\(cell)")
                #expect(effects.map { $0.map(Self.effectKind) } == .success(kinds), "\(cell)")
                #expect(state.lastActivity == now, "\(cell)")
            case .refused(let code):
                #expect(refusal(in: effects)?.code.rawValue == code, "\(cell)")
                #expect(state == row.state, "\(cell)")
            case .nothing:
                #expect(effects == .success([]), "\(cell)")
                #expect(state == row.state, "\(cell)")
            }
        }
    }

    private func refusal(in result: Result<[Effect], Refusal>) -> Refusal? {
        guard case .failure(let refusal) = result else { return nil }
        return refusal
    }
}
