import Checkout
import Foundation
import GRDB
@testable import Journal
import KioskTestSupport
import Retail
import Testing

// A small store: KioskTestSupport's (CNY, tax A 13% and B 9%; `cny`, `yuan`, `gtin`, `scan`,
// `Items`); temporary folders are KioskTestSupport's too.

let laneConfig = LaneConfig(laneID: "L1", pricing: storeRules)

/// The lane's engine with a test clock: every event gets a later millisecond, as LaneClock
/// guarantees. Refused events are not journaled, nor are events that change nothing.
struct Shell {
    var engine: LaneEngine
    var now: Timestamp = 1_000

    init(journal: LaneJournal) throws {
        engine = try LaneEngine(lane: Lane(config: laneConfig), journal: journal)
    }

    var journal: LaneJournal { engine.journal }
    var state: LaneState { engine.state }

    struct Step {
        let commit: LaneEngine.Commit

        var refusal: Refusal? {
            if case .refused(let refusal) = commit { return refusal }
            return nil
        }
        var effects: [Effect] {
            if case .committed(let transition, _) = commit { return transition.effects }
            return []
        }
        /// nil when the event was refused or changed nothing.
        var entry: JournalEntry? {
            if case .committed(_, let entry) = commit { return entry }
            return nil
        }
        var sale: CompletedSale? {
            for effect in effects { if case .recordSale(let sale) = effect { return sale } }
            return nil
        }
        var attempt: PaymentAttempt? {
            for effect in effects { if case .requestPayment(let attempt) = effect { return attempt } }
            return nil
        }
    }

    @discardableResult
    mutating func submit(_ event: LaneEvent, at time: Timestamp? = nil) throws -> Step {
        now = time ?? now + 1_000
        return Step(commit: try engine.submit(event, at: now))
    }

    /// Submits and requires the event to be accepted and journaled.
    @discardableResult
    mutating func accept(_ event: LaneEvent, sourceLocation: SourceLocation = #_sourceLocation) throws -> Step {
        let step = try submit(event)
        #expect(step.refusal == nil, "refused: \(String(describing: step.refusal))", sourceLocation: sourceLocation)
        _ = try #require(step.entry, "not journaled: \(event)", sourceLocation: sourceLocation)
        return step
    }
}

/// The state a restarted lane restores from the journal, as LaneRuntime.restore does.
func restoredState(_ journal: LaneJournal) throws -> LaneState {
    try LaneEngine(lane: Lane(config: laneConfig), journal: journal).state
}

/// A journal in a fresh temp dir; `body` gets the journal and the database path.
func withJournal(_ body: (LaneJournal, String) throws -> Void) throws {
    try withTemporaryDirectory { dir in
        let path = dir.appendingPathComponent("journal.sqlite").path
        try body(try LaneJournal(path: path), path)
    }
}

extension LaneJournal {
    func count(_ table: String) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try pool.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
    }

    func attemptState(_ id: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT state FROM payment_attempt WHERE id = ?", arguments: [id])
        }
    }
}

extension JournalError {
    var brokenChainSeq: Int64? {
        if case .brokenChain(let seq) = self { return seq }
        return nil
    }
}
