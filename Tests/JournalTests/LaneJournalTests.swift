import Checkout
import Foundation
import GRDB
@testable import Journal
import KioskTestSupport
import Retail
import Testing

/// A whole sale through the real reducer: apples ×2, milk ×3 (3 for 2), beer after an age check,
/// paid by card, receipt printed, shopper leaves. Session "L1-2000".
struct BoughtCart {
    var attempt: PaymentAttempt
    var sale: CompletedSale
    var paySeq: Int64
    var saleSeq: Int64
    var finishSeq: Int64
}

@discardableResult
func buyFullCart(_ shell: inout Shell, finish: Bool = true) throws -> BoughtCart {
    try shell.accept(scan(Items.apple))
    try shell.accept(scan(Items.milk))
    try shell.accept(scan(Items.milk))
    try shell.accept(scan(Items.milk))
    try shell.accept(scan(Items.apple))
    try shell.accept(scan(Items.beer))
    try shell.accept(.staffApproved(staffID: "S7"))
    let pay = try shell.accept(.payRequested)
    let attempt = try #require(pay.attempt)
    let approve = try shell.accept(.paymentFinished(attemptID: attempt.id, .approved(reference: "REF-42", tender: "card")))
    let sale = try #require(approve.sale)
    try shell.accept(.receiptFinished(saleID: sale.id, printed: true))
    var finishSeq: Int64 = 0
    if finish { finishSeq = try #require(try shell.accept(.finish).entry).seq }
    return BoughtCart(attempt: attempt, sale: sale, paySeq: pay.entry!.seq, saleSeq: approve.entry!.seq,
                      finishSeq: finishSeq)
}

@Suite struct LaneJournalTests {

    // MARK: - Storage

    @Test func databaseIsWALWithFullSynchronous() throws {
        try withJournal { journal, path in
            let (readMode, readSync) = try journal.pool.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(readMode?.lowercased() == "wal")
            #expect(readSync == 2, "synchronous must be FULL (2) on reader connections")
            let (writeMode, writeSync) = try journal.pool.write { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(writeMode?.lowercased() == "wal")
            #expect(writeSync == 2, "synchronous must be FULL (2) on the writer connection")
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func sequenceIsGapFreeAndEachEntryIsWhatWasSubmitted() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            // Refused events and events that change nothing are not journaled and use no seq.
            #expect(try shell.submit(.finish).refusal?.code.rawValue == "not-paid")
            #expect(try shell.submit(.tick).entry == nil)
            #expect(try shell.submit(.staffApproved(staffID: "S1")).refusal?.code.rawValue == "nothing-to-approve")
            try shell.accept(scan(Items.milk))
            try shell.accept(.payRequested)
            #expect(try shell.submit(scan(Items.apple)).refusal?.code.rawValue == "payment-in-progress")
            #expect(try shell.submit(.paymentFinished(attemptID: "nope", .declined(reason: "x"))).refusal?.code.rawValue
                    == "stale-payment")
            try shell.accept(.paymentFinished(attemptID: "L1-2000-P1", .declined(reason: "insufficient funds")))

            let entries = try journal.entries()
            #expect(entries.map(\.seq) == [1, 2, 3, 4])
            #expect(entries.map(\.kind) == ["item-scanned", "item-scanned", "pay-requested", "payment-finished"])
            #expect(entries.map(\.event.laneEvent) == [scan(Items.apple), scan(Items.milk), .payRequested,
                                             .paymentFinished(attemptID: "L1-2000-P1", .declined(reason: "insufficient funds"))])
            // The shell's clock: 2000, then +1000 per submitted event, refused ones included.
            #expect(entries.map(\.at) == [2_000, 6_000, 7_000, 10_000])
            #expect(entries.allSatisfy { $0.session == "L1-2000" })
            #expect(entries.allSatisfy { $0.hash.count == 32 })
            #expect(Set(entries.map(\.hash)).count == 4)
            // The first entry chains from 32 zero bytes, each next one from its predecessor.
            var previous = [UInt8](repeating: 0, count: 32)
            var stored: [StoredEvent] = []
            try journal.forEachEvent(after: 0, limit: 10) { stored.append($0); return true }
            for (entry, row) in zip(entries, stored) {
                let payload = JournalFormat.payload(entry.event)
                #expect(payload == row.payload)
                #expect(entry.hash == LaneJournal.chain(previous, seq: entry.seq, at: entry.at, session: entry.session,
                                                        kind: entry.kind, payload: payload, writes: row.writes))
                previous = entry.hash
            }
            // What each event wrote to the derived tables is stored with it (and hashed).
            #expect(stored.map { $0.writes != nil } == [true, false, true, true])
            #expect(try journal.verifyChain() == 4)

            // The raw table agrees: seq 1...n, no holes.
            let seqs = try journal.rows("SELECT seq FROM event ORDER BY seq").map { $0["seq"] as Int64 }
            #expect(seqs == [1, 2, 3, 4])
        }
    }

    @Test func emptyJournal() throws {
        try withJournal { journal, _ in
            let events = try journal.count("event")
            #expect(events == 0)
            #expect(try journal.verifyChain() == 0)
            #expect(try journal.entries().isEmpty)
            #expect(try journal.lastEntries(5).isEmpty)
            #expect(try journal.openSession() == nil)
            #expect(try journal.unresolvedPaymentAttempts().isEmpty)
            #expect(try journal.recentSales().isEmpty)
            #expect(try journal.sale(id: "L1-2000") == nil)
            #expect(try journal.integrityCode(forSale: "L1-2000") == nil)
        }
    }

    // MARK: - Sales and payment attempts

    @Test func fullSaleWritesOneSaleWithLinesDiscountsTaxesAndPayment() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            let bought = try buyFullCart(&shell)
            let sale = bought.sale
            let priced = sale.priced

            // The numbers, worked out by hand: apples 2 × 3.50, milk 3 × 12.00 less one free, beer 8.00.
            #expect(priced.subtotal == yuan(700 + 3_600 + 800))
            #expect(priced.total == yuan(3_900))
            #expect(bought.attempt == PaymentAttempt(id: "L1-2000-P1", amount: yuan(3_900)))
            #expect(sale.id == "L1-2000")

            #expect(try journal.count("sale") == 1)
            let saleRow = try #require(try journal.rows("SELECT * FROM sale").first)
            #expect(saleRow["id"] as String == "L1-2000")
            #expect(saleRow["seq"] as Int64 == bought.saleSeq)
            #expect(saleRow["completed_at"] as Int64 == sale.completedAt)
            #expect(saleRow["currency"] as String == "CNY")
            #expect(saleRow["subtotal"] as Int64 == 5_100)
            #expect(saleRow["total"] as Int64 == 3_900)
            #expect(saleRow["item_count"] as Int == 6)
            #expect(saleRow["member"] as String? == nil)
            #expect(try journal.sale(id: sale.id) == sale, "the stored record decodes to the sale the reducer made")

            // Lines: in cart order, matching the cart and its pricing.
            let lines = try journal.rows("SELECT * FROM sale_line WHERE sale_id = ? ORDER BY line_no", [sale.id])
            #expect(lines.count == 3)
            #expect(lines.map { $0["line_no"] as Int } == [1, 2, 3])
            #expect(lines.map { $0["gtin"] as String } == [Items.apple, Items.milk, Items.beer].map(\.gtin.digits))
            #expect(lines.map { $0["name"] as String } == ["Apple", "Milk", "Beer"])
            #expect(lines.map { $0["quantity"] as Int } == [2, 3, 1])
            #expect(lines.map { $0["unit_price"] as Int64 } == [350, 1_200, 800])
            #expect(lines.map { $0["amount"] as Int64 } == [700, 3_600, 800])
            #expect(lines.map { $0["tax_code"] as String } == ["A", "B", "A"])
            #expect(lines.map { $0["amount"] as Int64 } == priced.lines.map(\.amount.minorUnits))
            #expect(lines.map { $0["unit_price"] as Int64 } == priced.lines.map(\.unitPrice.minorUnits))

            // The 3for2 discount on milk.
            let discounts = try journal.rows("SELECT * FROM sale_discount WHERE sale_id = ?", [sale.id])
            #expect(discounts.count == 1)
            #expect(discounts.first?["gtin"] as String? == Items.milk.gtin.digits)
            #expect(discounts.first?["promotion"] as String? == "3for2")
            #expect(discounts.first?["amount"] as Int64? == 1_200)
            #expect(priced.discounts.map(\.amount.minorUnits) == [1_200])

            // Taxes per rate, VAT included: A on 15.00 → 1.73, B on 24.00 → 1.98.
            let taxes = try journal.rows("SELECT * FROM sale_tax WHERE sale_id = ? ORDER BY tax_code", [sale.id])
            #expect(taxes.map { $0["tax_code"] as String } == ["A", "B"])
            #expect(taxes.map { $0["basis_points"] as Int } == [1_300, 900])
            #expect(taxes.map { $0["gross"] as Int64 } == [1_500, 2_400])
            #expect(taxes.map { $0["tax"] as Int64 } == [173, 198])
            #expect(taxes.map { $0["gross"] as Int64 } == priced.taxes.map(\.gross.minorUnits))
            #expect(taxes.map { $0["tax"] as Int64 } == priced.taxes.map(\.tax.minorUnits))

            let payments = try journal.rows("SELECT * FROM sale_payment")
            #expect(payments.count == 1)
            #expect(payments.first?["sale_id"] as String? == sale.id)
            #expect(payments.first?["attempt_id"] as String? == "L1-2000-P1")
            #expect(payments.first?["tender"] as String? == "card")
            #expect(payments.first?["reference"] as String? == "REF-42")
            #expect(payments.first?["amount"] as Int64? == 3_900)

            // The payment attempt: requested by the payRequested event, approved by the answer.
            let attempts = try journal.rows("SELECT * FROM payment_attempt")
            #expect(attempts.count == 1)
            let attempt = try #require(attempts.first)
            #expect(attempt["id"] as String == "L1-2000-P1")
            #expect(attempt["session"] as String == "L1-2000")
            #expect(attempt["amount"] as Int64 == 3_900)
            #expect(attempt["currency"] as String == "CNY")
            #expect(attempt["state"] as String == "approved")
            #expect(attempt["reference"] as String? == "REF-42")
            #expect(attempt["requested_seq"] as Int64 == bought.paySeq)
            #expect(attempt["resolved_seq"] as Int64? == bought.saleSeq)
            #expect(try journal.unresolvedPaymentAttempts().isEmpty)

            // The session row: started by the first scan, ended completed by finish.
            let sessions = try journal.rows("SELECT * FROM session")
            #expect(sessions.count == 1)
            #expect(sessions.first?["id"] as String? == "L1-2000")
            #expect(sessions.first?["started_seq"] as Int64? == 1)
            #expect(sessions.first?["ended_seq"] as Int64? == bought.finishSeq)
            #expect(sessions.first?["outcome"] as String? == "completed")

            let summaries = try journal.recentSales()
            #expect(summaries == [SaleSummary(id: "L1-2000", seq: bought.saleSeq, completedAt: sale.completedAt,
                                              total: yuan(3_900), itemCount: 6, tender: "card", reference: "REF-42")])
            #expect(try journal.verifyChain() == bought.finishSeq)
        }
    }

    @Test func attemptIsRequestedInThePayEventsTransactionAndApprovedInTheAnswers() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            #expect(try journal.count("payment_attempt") == 0)
            let pay = try shell.accept(.payRequested)
            let attempt = try #require(pay.attempt)
            // Visible as soon as the event is: no byte goes to a terminal for an attempt the journal lacks.
            let requested = try #require(try journal.rows("SELECT * FROM payment_attempt WHERE id = ?", [attempt.id]).first)
            #expect(requested["state"] as String == "requested")
            #expect(requested["requested_seq"] as Int64 == pay.entry?.seq)
            #expect(requested["resolved_seq"] as Int64? == nil)
            #expect(requested["amount"] as Int64 == 350)
            #expect(try journal.unresolvedPaymentAttempts() == [attempt.id])

            let answer = try shell.accept(.paymentFinished(attemptID: attempt.id, .approved(reference: "R1", tender: "wallet")))
            let approved = try #require(try journal.rows("SELECT * FROM payment_attempt WHERE id = ?", [attempt.id]).first)
            #expect(approved["state"] as String == "approved")
            #expect(approved["reference"] as String? == "R1")
            #expect(approved["resolved_seq"] as Int64? == answer.entry?.seq)
            #expect(try journal.rows("SELECT seq FROM sale").map { $0["seq"] as Int64 } == [answer.entry!.seq])
            #expect(try journal.unresolvedPaymentAttempts().isEmpty)
        }
    }

    @Test func declineLeavesTheAttemptDeclinedAndNoSale() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            let first = try #require(try shell.accept(.payRequested).attempt)
            let decline = try shell.accept(.paymentFinished(attemptID: first.id, .declined(reason: "insufficient funds")))
            #expect(try journal.attemptState(first.id) == "declined")
            let row = try #require(try journal.rows("SELECT * FROM payment_attempt WHERE id = ?", [first.id]).first)
            #expect(row["resolved_seq"] as Int64? == decline.entry?.seq)
            #expect(row["reference"] as String? == nil)
            #expect(try journal.count("sale") == 0)
            #expect(try journal.count("sale_line") == 0)
            #expect(try journal.count("sale_payment") == 0)
            #expect(try journal.unresolvedPaymentAttempts().isEmpty)

            // The retry is a new attempt; the declined one stays declined.
            let second = try #require(try shell.accept(.payRequested).attempt)
            #expect(second.id == "L1-2000-P2")
            #expect(try journal.unresolvedPaymentAttempts() == [second.id])
            try shell.accept(.paymentFinished(attemptID: second.id, .approved(reference: "R2", tender: "card")))
            #expect(try journal.attemptState(first.id) == "declined")
            #expect(try journal.attemptState(second.id) == "approved")
            #expect(try journal.rows("SELECT attempt_id FROM sale_payment").map { $0["attempt_id"] as String } == [second.id])
        }
    }

    @Test func unknownOutcomeThenStaffRejectIsDeclined() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            let attempt = try #require(try shell.accept(.payRequested).attempt)
            try shell.accept(.paymentFinished(attemptID: attempt.id, .unknown(reason: "timeout")))
            #expect(try journal.attemptState(attempt.id) == "unknown")
            #expect(try journal.unresolvedPaymentAttempts() == [attempt.id], "staff must still settle it")

            let reject = try shell.accept(.staffRejected(staffID: "S9"))
            let row = try #require(try journal.rows("SELECT * FROM payment_attempt WHERE id = ?", [attempt.id]).first)
            #expect(row["state"] as String == "declined")
            #expect(row["reference"] as String? == "staff:S9")
            #expect(row["resolved_seq"] as Int64? == reject.entry?.seq)
            #expect(try journal.unresolvedPaymentAttempts().isEmpty)
            #expect(try journal.count("sale") == 0)
            #expect(shell.state.phase == .shopping)
        }
    }

    @Test func unknownOutcomeThenStaffApproveRecordsTheSale() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            let attempt = try #require(try shell.accept(.payRequested).attempt)
            try shell.accept(.paymentFinished(attemptID: attempt.id, .unknown(reason: "timeout")))
            let approve = try shell.accept(.staffApproved(staffID: "S9"))
            let sale = try #require(approve.sale)
            #expect(try journal.attemptState(attempt.id) == "approved")
            let payment = try #require(try journal.rows("SELECT * FROM sale_payment").first)
            #expect(payment["tender"] as String == "confirmed-by-staff")
            #expect(payment["reference"] as String == "staff:S9")
            #expect(try journal.rows("SELECT seq FROM sale").map { $0["seq"] as Int64 } == [approve.entry!.seq])
            #expect(try journal.sale(id: sale.id) == sale)
        }
    }

    // MARK: - Sessions and restore

    /// After every accepted event: the open session is the lane's, and replaying its entries through a
    /// fresh reducer gives exactly the lane's state (what LaneRuntime.restore relies on after a crash).
    @Test func restoreInvariantHoldsAfterEveryEvent() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            func check(_ label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                if let id = shell.state.sessionID {
                    let open = try #require(try journal.openSession(), "\(label): no open session",
                                            sourceLocation: sourceLocation)
                    #expect(open.id == id, "\(label)", sourceLocation: sourceLocation)
                    #expect(open.entries.allSatisfy { $0.session == id }, sourceLocation: sourceLocation)
                    #expect(try restoredState(journal) == shell.state, "\(label): replay differs",
                            sourceLocation: sourceLocation)
                } else {
                    #expect(try journal.openSession() == nil, "\(label): idle but a session is open",
                            sourceLocation: sourceLocation)
                }
            }
            let script: [LaneEvent] = [
                .scanRejected(code: "123", reason: "bad check digit", unknownItem: false), // idle: no session
                .memberCardScanned("0412345678903"),          // starts a session
                scan(Items.apple), scan(Items.milk), scan(Items.milk),
                .removeLine(id: 2),                           // undo last scan: one milk off
                .removeLine(id: 1),                           // needs staff
                .staffRejected(staffID: "S1"),
                scan(Items.beer),                             // age check
                .staffRejected(staffID: "S1"),                // beer goes
                scan(Items.beer), .staffApproved(staffID: "S1"),
                .payRequested,
                .paymentFinished(attemptID: "L1-3000-P1", .declined(reason: "no")),
                .payRequested,
                .paymentFinished(attemptID: "L1-3000-P2", .unknown(reason: "timeout")),
                .staffApproved(staffID: "S2"),                // money was taken
                .receiptFinished(saleID: "L1-3000", printed: false),
                scan(Items.apple),                            // next shopper: ends L1-3000, starts a new session
                scan(Items.apple),
                .cancelRequested, .staffApproved(staffID: "S3"), // cancelled
                scan(Items.milk),
            ]
            try check("start")
            for event in script {
                let step = try shell.submit(event)
                #expect(step.refusal == nil, "\(event) refused: \(String(describing: step.refusal))")
                try check("after \(JournalFormat.kind(of: event))")
            }
            // Abandoned by a tick after the timeout: the session closes.
            try shell.submit(.tick, at: shell.now + laneConfig.abandonedCartTimeout)
            #expect(shell.state.phase == .idle)
            try check("after abandon")

            let sessions = try journal.rows("SELECT id, outcome, started_seq, ended_seq FROM session ORDER BY started_seq")
            #expect(sessions.map { $0["outcome"] as String? } == ["completed", "cancelled", "abandoned"])
            #expect(sessions.allSatisfy { ($0["ended_seq"] as Int64?) != nil })
            // The next shopper's scan ended one session and started the next in the same entry.
            #expect(sessions[0]["ended_seq"] as Int64? == sessions[1]["started_seq"] as Int64?)
            #expect(try journal.verifyChain() == Int64(try journal.count("event")))
        }
    }

    @Test func openSessionDuringASaleAndNilAfterFinish() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            try shell.accept(scan(Items.milk))
            try shell.accept(.payRequested)
            let open = try #require(try journal.openSession())
            #expect(open.id == "L1-2000")
            #expect(open.entries.map(\.seq) == [1, 2, 3])
            #expect(open.entries.map(\.event.laneEvent) == [scan(Items.apple), scan(Items.milk), .payRequested])
            // Restored mid-payment: paying the same attempt, so the shell asks the terminal, never pays again.
            #expect(try restoredState(journal).phase == .paying(PaymentAttempt(id: "L1-2000-P1", amount: yuan(1_550))))

            try shell.accept(.paymentFinished(attemptID: "L1-2000-P1", .approved(reference: "R", tender: "card")))
            #expect(try journal.openSession()?.id == "L1-2000", "paid but not finished is still open")
            #expect(try restoredState(journal) == shell.state)
            try shell.accept(.receiptFinished(saleID: "L1-2000", printed: true))
            try shell.accept(.finish)
            #expect(try journal.openSession() == nil)
        }
    }

    @Test func reopeningTheFileKeepsEverything() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("journal.sqlite").path

        var entries: [JournalEntry] = []
        var bought: BoughtCart?
        var state = LaneState()
        var now: Timestamp = 0
        var code: String?
        do {
            let journal = try LaneJournal(path: path)
            var shell = try Shell(journal: journal)
            bought = try buyFullCart(&shell)
            try shell.accept(scan(Items.milk))       // a second session in progress
            try shell.accept(.payRequested)
            entries = try journal.entries()
            state = shell.state
            now = shell.now
            code = try journal.integrityCode(forSale: bought!.sale.id)
        }
        let bought1 = try #require(bought)

        let reopened = try LaneJournal(path: path)
        #expect(try reopened.entries() == entries)
        #expect(try reopened.verifyChain() == Int64(entries.count))
        #expect(try reopened.sale(id: bought1.sale.id) == bought1.sale)
        #expect(try reopened.integrityCode(forSale: bought1.sale.id) == code)
        #expect(try reopened.count("sale") == 1)
        #expect(try reopened.count("sale_line") == 3)
        #expect(try reopened.unresolvedPaymentAttempts() == ["\(state.sessionID!)-P1"])
        #expect(try reopened.openSession()?.id == state.sessionID)
        #expect(try restoredState(reopened) == state, "restore after a restart gives the lane back")

        // Appending continues the same chain and sequence.
        var shell = try Shell(journal: reopened)
        #expect(shell.state == state)
        shell.now = now
        let answer = try shell.accept(.paymentFinished(attemptID: "\(state.sessionID!)-P1", .declined(reason: "no")))
        #expect(answer.entry?.seq == Int64(entries.count) + 1)
        #expect(try reopened.verifyChain() == Int64(entries.count) + 1)
    }

    // MARK: - Tamper evidence

    @Test func verifyChainDetectsAnEditedPayload() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            let bought = try buyFullCart(&shell)
            #expect(try journal.verifyChain() == bought.finishSeq)
            // Swap the second scan (milk) for a valid-looking scan of a cheaper item: decodes fine,
            // only the chain tells.
            let forged = JournalFormat.payload(scan(Items.apple))
            try journal.pool.write { db in
                try db.execute(sql: "UPDATE event SET payload = ? WHERE seq = 2", arguments: [forged])
            }
            #expect(try journal.entries()[1].event == .lane(scan(Items.apple)))
            let error = try #require(throws: JournalError.self) { try journal.verifyChain() }
            #expect(error.brokenChainSeq == 2)
        }
    }

    @Test func verifyChainDetectsAnEditedTimeOrKind() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try buyFullCart(&shell)
            try journal.pool.write { db in try db.execute(sql: "UPDATE event SET at = at + 1 WHERE seq = 5") }
            #expect((try #require(throws: JournalError.self) { try journal.verifyChain() }).brokenChainSeq == 5)
            try journal.pool.write { db in try db.execute(sql: "UPDATE event SET at = at - 1 WHERE seq = 5") }
            #expect(try journal.verifyChain() > 0, "restoring the value restores the chain")
            try journal.pool.write { db in try db.execute(sql: "UPDATE event SET session = 'L1-9' WHERE seq = 7") }
            #expect((try #require(throws: JournalError.self) { try journal.verifyChain() }).brokenChainSeq == 7)
        }
    }

    @Test func verifyChainDetectsADeletedMiddleRow() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try buyFullCart(&shell)
            // seq 3 (the second milk scan) is referenced by no other table.
            try journal.pool.write { db in try db.execute(sql: "DELETE FROM event WHERE seq = 3") }
            let error = try #require(throws: JournalError.self) { try journal.verifyChain() }
            #expect(error.brokenChainSeq == 3)
        }
    }

    @Test func verifyChainDetectsARenumberedTail() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            try shell.accept(scan(Items.milk))
            try shell.accept(scan(Items.milk))
            // Delete entry 2 and close the gap by renumbering: the sequence looks fine, the hashes do not.
            try journal.pool.write { db in
                try db.execute(sql: "DELETE FROM event WHERE seq = 2")
                try db.execute(sql: "UPDATE event SET seq = 2 WHERE seq = 3")
            }
            #expect(try journal.entries().map(\.seq) == [1, 2])
            #expect((try #require(throws: JournalError.self) { try journal.verifyChain() }).brokenChainSeq == 2)
        }
    }

    @Test func anUnreadablePayloadIsReportedWithItsSeq() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            try shell.accept(scan(Items.milk))
            try journal.pool.write { db in try db.execute(sql: "UPDATE event SET payload = '{\"nope\":1}' WHERE seq = 2") }
            let error = try #require(throws: JournalError.self) { try journal.entries() }
            guard case .undecodable(let seq, _) = error else {
                Issue.record("expected undecodable, got \(error)")
                return
            }
            #expect(seq == 2)
            #expect(throws: JournalError.self) { try journal.openSession() }
        }
    }

    @Test func integrityCodeIsEightUppercaseHexDigitsOfTheSaleEntryHash() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            let bought = try buyFullCart(&shell)
            let code = try #require(try journal.integrityCode(forSale: bought.sale.id))
            #expect(code.count == 8)
            #expect(code.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("A"..."F").contains($0) })
            let saleEntry = try #require(try journal.entries().first { $0.seq == bought.saleSeq })
            let expected = saleEntry.hash.prefix(4).map { byte in
                let digits = Array("0123456789ABCDEF")
                return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
            }.joined()
            #expect(code == expected)
            // Stable: the same on every call and after more entries.
            try shell.accept(scan(Items.apple))
            #expect(try journal.integrityCode(forSale: bought.sale.id) == code)
            #expect(try journal.integrityCode(forSale: "no-such-sale") == nil)
        }
    }

    // MARK: - Reading

    @Test func entriesAfterPagesThroughEverythingOnce() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            let bought = try buyFullCart(&shell)
            let total = bought.finishSeq
            #expect(total == 11)
            var cursor: Int64 = 0
            var pages: [[Int64]] = []
            while true {
                let page = try journal.entries(after: cursor, limit: 4)
                if page.isEmpty { break }
                pages.append(page.map(\.seq))
                cursor = page.last!.seq
            }
            #expect(pages == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]])
            #expect(try journal.entries(after: 11).isEmpty)
            #expect(try journal.entries(after: 100).isEmpty)
            #expect(try journal.entries(after: 10, limit: 1).map(\.seq) == [11])
            #expect(try journal.entries(after: 0, limit: 0).isEmpty)
            #expect(try journal.entries(after: -5).map(\.seq) == Array(1...11))
            #expect(try journal.lastEntries(3).map(\.seq) == [9, 10, 11])
            #expect(try journal.lastEntries(50).map(\.seq) == Array(1...11))
        }
    }

    @Test func unresolvedPaymentAttemptsListsRequestedAndUnknownInOrder() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            let first = try #require(try shell.accept(.payRequested).attempt)
            #expect(try journal.unresolvedPaymentAttempts() == [first.id])
            try shell.accept(.paymentFinished(attemptID: first.id, .unknown(reason: "lost")))
            #expect(try journal.unresolvedPaymentAttempts() == [first.id])
            // A late "declined" from the terminal while staff are on the way settles it.
            try shell.accept(.paymentFinished(attemptID: first.id, .declined(reason: "no")))
            #expect(try journal.attemptState(first.id) == "declined")
            #expect(try journal.unresolvedPaymentAttempts().isEmpty)
        }
    }

    // MARK: - All or nothing

    @Test func recordingTheSameSaleTwiceThrowsAndLeavesNoPartialRows() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            try shell.accept(scan(Items.milk))
            let attempt = try #require(try shell.accept(.payRequested).attempt)
            let before = shell.state
            let event = LaneEvent.paymentFinished(attemptID: attempt.id, .approved(reference: "R", tender: "card"))
            let step = try shell.accept(event)
            let after = shell.state
            let transition = Transition(state: after, effects: step.effects)
            let counts = try ["event", "sale", "sale_line", "sale_discount", "sale_tax", "sale_payment", "session",
                              "payment_attempt"].map { try journal.count($0) }

            // The shell replays the same append (a bug, a retry after an unclear error): the sale id is taken.
            #expect(throws: (any Error).self) {
                try journal.append(event, at: shell.now + 1, before: before, transition: transition,
                                   after: LaneSummary(after, priced: Lane(config: laneConfig).priced(after)))
            }
            let countsAfter = try ["event", "sale", "sale_line", "sale_discount", "sale_tax", "sale_payment", "session",
                                   "payment_attempt"].map { try journal.count($0) }
            #expect(countsAfter == counts, "no event row without its sale rows, nothing half written")
            #expect(try journal.rows("SELECT resolved_seq FROM payment_attempt").map { $0["resolved_seq"] as Int64? }
                    == [step.entry?.seq])
            #expect(try journal.verifyChain() == step.entry!.seq)

            // The journal still works, and the next entry takes the next seq: no hole.
            let next = try shell.accept(.receiptFinished(saleID: after.sessionID!, printed: true))
            #expect(next.entry?.seq == step.entry!.seq + 1)
            #expect(try journal.verifyChain() == step.entry!.seq + 1)
        }
    }

    @Test func aFailureHalfwayThroughASaleRollsBackTheEventAndEveryRow() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.milk))
            try shell.accept(scan(Items.milk))
            try shell.accept(scan(Items.milk))
            let attempt = try #require(try shell.accept(.payRequested).attempt)
            // The event, sale, lines and discount inserts succeed; the tax insert fails.
            try journal.pool.write { db in
                try db.execute(sql: """
                    CREATE TRIGGER fail_tax BEFORE INSERT ON sale_tax
                    BEGIN SELECT RAISE(ABORT, 'simulated failure'); END
                    """)
            }
            let state = shell.state
            let event = LaneEvent.paymentFinished(attemptID: attempt.id, .approved(reference: "R", tender: "card"))
            #expect(throws: (any Error).self) { try shell.submit(event) }
            #expect(shell.state == state, "the shell does not move on when the journal refused")
            #expect(try journal.count("event") == 4)
            #expect(try journal.count("sale") == 0)
            #expect(try journal.count("sale_line") == 0)
            #expect(try journal.count("sale_discount") == 0)
            #expect(try journal.count("sale_payment") == 0)
            #expect(try journal.attemptState(attempt.id) == "requested")
            #expect(try journal.unresolvedPaymentAttempts() == [attempt.id])

            try journal.pool.write { db in try db.execute(sql: "DROP TRIGGER fail_tax") }
            let retry = try shell.accept(event)
            #expect(retry.entry?.seq == 5)
            #expect(try journal.count("sale") == 1)
            #expect(try journal.count("sale_line") == 1)
            #expect(try journal.count("sale_discount") == 1)
            #expect(try journal.count("sale_tax") == 1)
            #expect(try journal.attemptState(attempt.id) == "approved")
            #expect(try journal.verifyChain() == 5)
        }
    }

    @Test func aReadOnlyDatabaseRefusesTheAppendAndWritesNothing() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            // The writer connection refuses writes, as a read-only file or a full disk would.
            try journal.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
            #expect(throws: (any Error).self) { try shell.submit(.payRequested) }
            #expect(shell.state.phase == .shopping)
            try journal.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
            #expect(try journal.count("event") == 1)
            #expect(try journal.count("payment_attempt") == 0)
            let pay = try shell.accept(.payRequested)
            #expect(pay.entry?.seq == 2)
        }
    }

    @Test func aSecondSessionWithATakenIDIsRefusedWhole() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            try shell.accept(.removeLine(id: 1))
            try shell.accept(.cancelRequested)             // empty cart: ends L1-2000 at once
            #expect(shell.state.phase == .idle)
            // A clock that went back would reuse the session id: the journal must refuse, not merge.
            #expect(throws: (any Error).self) { try shell.submit(scan(Items.milk), at: 2_000) }
            #expect(try journal.count("event") == 3)
            #expect(try journal.count("session") == 1)
            #expect(try journal.openSession() == nil)
        }
    }
}

/// `pullStatus` works the backlog out from seqs and acknowledgements (O(log n), for every scrape
/// of /metrics): it must equal counting the waiting events one by one, whatever the order of
/// events and acknowledgements (one with nothing new after it, one of an acknowledgement).
@Suite struct PullStatusTests {
    func counted(_ journal: LaneJournal) throws -> (backlog: Int64, oldest: Int64?) {
        let row = try #require(try journal.rows("""
            SELECT COUNT(*) AS count, MIN(at) AS oldest FROM event
            WHERE seq > (SELECT COALESCE(MAX(acknowledged_seq), 0) FROM acknowledgement) AND kind != 'sync-acknowledged'
            """).first)
        return (row["count"], row["oldest"])
    }

    @Test func theBacklogEqualsTheWaitingEventsCounted() throws {
        try withJournal { journal, _ in
            var at: Int64 = 1_000
            func other() throws { at += 10; _ = try journal.append(.couponsRedeemedElsewhere(ids: ["C-\(at)"], client: "hq"), at: at) }
            func acknowledge(_ seq: Int64) throws {
                let hash = [UInt8](try #require(try journal.rows("SELECT hash FROM event WHERE seq = ?", [seq]).first)["hash"] as Data)
                at += 10
                _ = try journal.append(.syncAcknowledged(seq: seq, hash: hash, client: "hq"), at: at)
            }
            func check(_ expected: Int64, sourceLocation: SourceLocation = #_sourceLocation) throws {
                let status = try journal.pullStatus()
                let truth = try counted(journal)
                #expect(status.backlog == expected && status.backlog == truth.backlog, sourceLocation: sourceLocation)
                #expect(status.oldestUnacknowledgedAt == truth.oldest, sourceLocation: sourceLocation)
            }
            try check(0)
            for _ in 0..<5 { try other() }
            try check(5)
            try acknowledge(3)          // seq 6
            try check(2)
            try acknowledge(5)          // seq 7: nothing new after it
            try check(0)
            try acknowledge(7)          // seq 8: an acknowledgement of an acknowledgement
            try check(0)
            for _ in 0..<4 { try other() }  // 9...12
            try acknowledge(10)         // seq 13
            try other()                 // 14
            try check(3)
            try acknowledge(14)         // 15
            try check(0)
        }
    }
}
