import Checkout
import Foundation
import GRDB
@testable import Journal
import KioskTestSupport
import Retail
import Testing

/// Cart edits skip the fsync; everything else waits for the disk, and head office only ever sees
/// what is on it (docs/journal-format.md, "Durability").
@Suite struct DurabilityTests {
    @Test func onlyCartEditsThatCauseNothingSkipTheFsync() throws {
        let apple = scan(Items.apple)
        #expect(Durability.of(apple, effects: []) == .crash)
        #expect(Durability.of(.removeLine(id: 1), effects: []) == .crash)
        #expect(Durability.of(.scanRejected(code: "123", reason: "unknown", unknownItem: true), effects: []) == .crash)
        #expect(Durability.of(.paperReceipt(wanted: false), effects: []) == .crash)
        // The same scan waits for the disk once it causes something.
        #expect(Durability.of(apple, effects: [.sessionEnded(sessionID: "S", .cancelled)]) == .powerCut)
        for event: LaneEvent in [.payRequested, .cancelRequested, .finish, .staffApproved(staffID: "S7"),
                                 .staffRejected(staffID: "S7"), .staffModeClosed(staffID: "S7")] {
            #expect(Durability.of(event, effects: []) == .powerCut, "\(event)")
        }
    }

    @Test func headOfficeIsServedOnlyWhatIsOnTheDisk() throws {
        try withJournal { journal, path in
            var shell = try Shell(journal: journal)
            func pulled(_ journal: LaneJournal) throws -> [Int64] {
                var seqs: [Int64] = []
                try journal.forEachEvent(after: 0, limit: 100) { seqs.append($0.seq); return true }
                return seqs
            }
            try shell.accept(scan(Items.apple))
            try shell.accept(scan(Items.milk))
            // Two appends in the log, neither synced: nothing to pull, no head to sign.
            #expect(try journal.lastEntries(5).map(\.seq) == [1, 2])
            #expect(journal.newestSeq() == 0)
            #expect(try pulled(journal).isEmpty)
            #expect(try journal.pullStatus().newestSeq == 0)

            // The payment waits for the disk, and its fsync covers the scans before it.
            let pay = try shell.accept(.payRequested)
            #expect(pay.entry?.seq == 3)
            #expect(journal.newestSeq() == 3)
            #expect(try pulled(journal) == [1, 2, 3])

            // After a restart everything in the log is synced first, so all of it can be pulled.
            let approve = try shell.accept(.paymentFinished(attemptID: try #require(pay.attempt).id,
                                                            .approved(reference: "R", tender: "card")))
            try shell.accept(.receiptFinished(saleID: try #require(approve.sale).id, printed: true))
            try shell.accept(.finish)
            try shell.accept(scan(Items.apple))
            #expect(journal.newestSeq() == 6)
            let reopened = try LaneJournal(path: path)
            #expect(reopened.newestSeq() == 7)
            #expect(try pulled(reopened) == Array(1...7))
        }
    }

    @Test func theSignedHeadIsTheNewestEventOnTheDisk() throws {
        try withTemporaryDirectory { dir in
            let identity = try LaneIdentity(laneID: "L1", privateKey: [UInt8](repeating: 9, count: 32))
            let journal = try LaneJournal(path: dir.appendingPathComponent("journal.sqlite").path, identity: identity)
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            #expect(try journal.signHead(at: 5_000) == nil, "nothing is on the disk yet")
            // Cancelling the cart (staff approve it) ends the session: on the disk.
            try shell.accept(.cancelRequested)
            try shell.accept(.staffApproved(staffID: "S7"))
            try shell.accept(scan(Items.milk))
            let head = try #require(try journal.signHead(at: 6_000))
            let ended = try #require(try journal.lastEntries(2).first)
            #expect(ended.kind == "staff-approved")
            #expect(head.seq == ended.seq && head.hash == ended.hash, "the session's end, not the scan after it")
        }
    }

    @Test func theWriterIsBackToFullAfterAnAppendThatSkippedTheFsync() throws {
        try withJournal { journal, _ in
            var shell = try Shell(journal: journal)
            try shell.accept(scan(Items.apple))
            let level = try journal.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(level == 2, "every other write (signed heads, start checks) must stay FULL")
        }
    }
}
