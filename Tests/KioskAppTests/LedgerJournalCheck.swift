import Foundation
import Journal
import KioskTestSupport

/// The crash harness's judge: the terminal simulator's own ledger against the lane's journal,
/// independently of anything the kiosk said. Each problem is one line.
struct LedgerJournalCheck {
    let sales: Int
    let charges: Int
    let problems: [String]

    init(journalPath: String, ledger: [[String: Any]]) throws {
        let journal = try LaneJournal(path: journalPath)
        var problems: [String] = []
        if (try? journal.verifyChain()) == nil { problems.append("the journal's chain does not verify") }
        let sales = try journal.recentSales(limit: 100_000).compactMap { try journal.sale(id: $0.id) }
        let charges = ledger.filter { $0["approved"] as? Bool == true }
        var chargedAttempts: [String: Int] = [:]
        for charge in charges { chargedAttempts[charge["TransactionID"] as? String ?? "?", default: 0] += 1 }
        for (attempt, count) in chargedAttempts where count > 1 { problems.append("attempt \(attempt) charged \(count) times") }
        for charge in charges {
            let reference = charge["reference"] as? String
            let matching = sales.filter { $0.paymentReference == reference }
            if matching.count != 1 { problems.append("charge \(reference ?? "?") has \(matching.count) sales (a lost or doubled sale)") }
            // The terminal writes the amount as the request's decimal ("12.5"): compared as numbers.
            if let sale = matching.first, Decimal(string: sale.attempt.amount.decimalString) != (charge["Amount"] as? String).flatMap({ Decimal(string: $0) })
                || sale.attempt.id != charge["TransactionID"] as? String {
                problems.append("charge \(reference ?? "?") and its sale differ in amount or attempt")
            }
        }
        let references = Set(charges.compactMap { $0["reference"] as? String })
        for sale in sales where !references.contains(sale.paymentReference) {
            problems.append("sale \(sale.id) has no charge")
        }
        self.sales = sales.count
        self.charges = charges.count
        self.problems = problems
    }
}
