import Checkout
import Journal
import Retail

/// The end-of-day (Z) report of one lane, worked out from the journal alone: the day's sales
/// (their records), the events journaled that day and how its sessions ended. Pure: the caller
/// reads the journal (`ZReport.load`). Amounts are `Money` in the store's currency.
struct ZReport: Sendable, Equatable {
    /// A count and an amount.
    struct Tally: Sendable, Equatable {
        var count = 0
        var amount: Money

        init(_ currency: Currency) { amount = .zero(currency) }

        mutating func add(_ money: Money) {
            count += 1
            amount += money
        }
    }

    struct TaxFigure: Sendable, Equatable {
        let rate: TaxRate
        var gross: Money
        var tax: Money
    }

    /// Nil until saved in the journal (the command line only previews).
    var number: Int?
    let day: String
    let laneID: String
    let currency: Currency
    var sales: Tally
    var items = 0
    /// By tax code.
    var taxes: [String: TaxFigure] = [:]
    /// By tender, as the sale records it (`card`, `wechat-pay`, `alipay`, `confirmed-by-staff`, ...).
    var tenders: [String: Tally] = [:]
    /// By promotion; coupons are apart (`coupons`).
    var discounts: [String: Tally] = [:]
    var coupons: Tally
    /// Lines removed with staff approval; the amount is what the cart's total went down by.
    var voids: Tally
    /// Sessions that ended so: `completed`, `cancelled`, `abandoned`.
    var sessions: [String: Int] = [:]
    /// What was refused or did not go through, by code: `payment-declined`, `payment-unknown`,
    /// `unknown-item`, `unreadable-code`, `age-check-rejected`, `void-rejected`, `cancel-rejected`.
    var refusals: [String: Int] = [:]
    /// Receipts: `printed`, `missed` (paper out, cover open), `printed-late`, `copies`, `paper-declined`.
    var receipts: [String: Int] = [:]
    /// Staff actions by code: the maintenance actions and `staff-approved` / `staff-rejected`.
    var staffActions: [String: Int] = [:]

    init(day: String, laneID: String, currency: Currency, sales completed: [CompletedSale], entries: [JournalEntry],
         sessions: [String: Int], number: Int? = nil) {
        self.day = day
        self.laneID = laneID
        self.currency = currency
        self.number = number
        self.sessions = sessions
        sales = Tally(currency)
        coupons = Tally(currency)
        voids = Tally(currency)
        for sale in completed { count(sale) }
        count(entries)
    }

    private mutating func count(_ sale: CompletedSale) {
        let priced = sale.priced
        sales.add(priced.total)
        items += priced.itemCount
        for line in priced.taxes {
            taxes[line.rate.code, default: TaxFigure(rate: line.rate, gross: .zero(currency), tax: .zero(currency))].gross += line.gross
            taxes[line.rate.code]?.tax += line.tax
        }
        tenders[sale.tender, default: Tally(currency)].add(sale.attempt.amount)
        // A coupon's discount lines are counted once, as the coupon.
        let couponPromotions = Set(priced.coupons.map(\.coupon.promotion))
        for discount in priced.discounts where !couponPromotions.contains(discount.promotion) {
            discounts[discount.promotion, default: Tally(currency)].add(discount.amount)
        }
        for coupon in priced.coupons where coupon.applied { coupons.add(coupon.amount) }
    }

    /// Walks the day's events in order. What a staff decision was about is the kind of the event
    /// that made the lane wait for staff (`after.phase` = `attendant-needed`), per session.
    private mutating func count(_ entries: [JournalEntry]) {
        var waitingFor: [String: String] = [:]
        var lastTotal: [String: Int64] = [:]
        for entry in entries {
            let session = entry.session ?? ""
            defer { if let after = entry.after { lastTotal[session] = after.total } }
            switch entry.event {
            case .admin(.staffAction(let action)):
                staffActions[action.action.rawValue, default: 0] += 1
                if action.action == .receiptCopy, action.result == "printed" { receipts["copies", default: 0] += 1 }
            case .admin(.receiptReprinted):
                receipts["printed-late", default: 0] += 1
            case .admin:
                break
            case .lane(let event):
                if entry.after?.phase == "attendant-needed", waitingFor[session] == nil { waitingFor[session] = entry.kind }
                count(event, waitingFor: waitingFor[session], totalBefore: lastTotal[session], after: entry.after)
                if entry.after?.phase != "attendant-needed" { waitingFor[session] = nil }
            }
        }
    }

    private mutating func count(_ event: LaneEvent, waitingFor: String?, totalBefore: Int64?, after: LaneSummary?) {
        switch event {
        case .paymentFinished(_, .declined):
            refusals["payment-declined", default: 0] += 1
        case .paymentFinished(_, .unknown):
            refusals["payment-unknown", default: 0] += 1
        case .scanRejected(_, _, let unknownItem):
            refusals[unknownItem ? "unknown-item" : "unreadable-code", default: 0] += 1
        case .receiptFinished(_, let printed):
            receipts[printed ? "printed" : "missed", default: 0] += 1
        case .paperReceipt(let wanted) where !wanted:
            receipts["paper-declined", default: 0] += 1
        case .staffApproved:
            staffActions["staff-approved", default: 0] += 1
            if waitingFor == "remove-line", let before = totalBefore, let after {
                voids.add(Money(minorUnits: before - after.total, currency: currency))
            }
        case .staffRejected:
            staffActions["staff-rejected", default: 0] += 1
            switch waitingFor {
            case "item-scanned": refusals["age-check-rejected", default: 0] += 1
            case "remove-line": refusals["void-rejected", default: 0] += 1
            case "cancel-requested": refusals["cancel-rejected", default: 0] += 1
            default: break
            }
        default:
            break
        }
    }
}

extension ZReport {
    /// The day `day` (`yyyy-MM-dd`) of lane `laneID`, read from its journal: `range` is the day's
    /// milliseconds in the lane's time zone.
    static func load(journal: LaneJournal, day: String, range: Range<Timestamp>, laneID: String,
                     currency: Currency) throws -> ZReport {
        ZReport(day: day, laneID: laneID, currency: currency, sales: try journal.sales(completedAt: range),
                entries: try journal.entries(at: range), sessions: try journal.sessionOutcomes(endedAt: range))
    }
}
