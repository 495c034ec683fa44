import Checkout

/// How one transition changes the journal's record of payment attempts. Pure.
enum PaymentAttemptChange: Equatable {
    case requested(PaymentAttempt)
    case resolved(id: String, state: String, reference: String?)

    static func derive(before: Phase, event: LaneEvent, effects: [Effect]) -> [PaymentAttemptChange] {
        var changes: [PaymentAttemptChange] = []
        for effect in effects {
            if case .requestPayment(let attempt) = effect { changes.append(.requested(attempt)) }
        }
        if case .recordSale(let sale)? = effects.first(where: { if case .recordSale = $0 { true } else { false } }) {
            changes.append(.resolved(id: sale.attempt.id, state: "approved", reference: sale.paymentReference))
            return changes
        }
        switch (before, event) {
        case (_, .paymentFinished(let id, .declined)):
            changes.append(.resolved(id: id, state: "declined", reference: nil))
        case (_, .paymentFinished(let id, .unknown)):
            changes.append(.resolved(id: id, state: "unknown", reference: nil))
        case (.attendantNeeded(.paymentUnresolved(let attempt)), .staffRejected(let staff)):
            // Staff checked the terminal: the money was not taken.
            changes.append(.resolved(id: attempt.id, state: "declined", reference: "staff:\(staff)"))
        default:
            break
        }
        return changes
    }
}

extension LaneEvent {
    /// The event's case name, stored beside the payload so the journal can be read without decoding.
    public var kind: String {
        switch self {
        case .itemScanned: return "itemScanned"
        case .memberCardScanned: return "memberCardScanned"
        case .couponScanned: return "couponScanned"
        case .walletCodeScanned: return "walletCodeScanned"
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
        }
    }
}
