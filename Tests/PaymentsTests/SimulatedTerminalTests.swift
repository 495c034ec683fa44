import Foundation
import KioskTestSupport
import Payments
import Retail
import Testing

func request(_ id: String, _ minorUnits: Int64) -> PaymentRequest {
    PaymentRequest(attemptID: id, amount: Money(minorUnits: minorUnits, currency: cny))
}

/// A ledger path in a fresh temp dir; the caller removes the dir.
func temporaryLedger() throws -> (dir: URL, ledger: URL) {
    let dir = try temporaryDirectory()
    return (dir, dir.appendingPathComponent("simulated-terminal.json"))
}

let fast = SimulatedTerminalRules(approvalDelayMilliseconds: 0)

@Suite struct SimulatedTerminalTests {

    @Test func approvesAnOrdinaryAmount() async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: fast, ledger: ledger)
        #expect(terminal.name == "simulated")
        let answer = try await terminal.authorize(request("A-P1", 1_000))
        #expect(answer == .approved(reference: "SIM-000001", tender: "card"))
        #expect(await terminal.charges == 1)
        #expect(try await terminal.status(of: "A-P1") == answer)
        // The answer is on disk before authorize returns.
        #expect(FileManager.default.fileExists(atPath: ledger.path))

        let second = try await terminal.authorize(request("A-P2", 250))
        #expect(second == .approved(reference: "SIM-000002", tender: "card"))
        #expect(await terminal.charges == 2)
    }

    @Test(arguments: [13, 113, 5_013, 10_000_013])
    func declinesWhenTheCentsAre13(minorUnits: Int64) async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: fast, ledger: ledger)
        let answer = try await terminal.authorize(request("D-P1", minorUnits))
        guard case .declined(let reason) = answer else {
            Issue.record("expected a decline, got \(answer)")
            return
        }
        #expect(!reason.isEmpty)
        #expect(await terminal.charges == 0)
        #expect(try await terminal.status(of: "D-P1") == answer)
    }

    @Test(arguments: [12, 14, 1_300, 31])
    func otherCentsAreApproved(minorUnits: Int64) async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: fast, ledger: ledger)
        #expect(try await terminal.authorize(request("OK-P1", minorUnits)) == .approved(reference: "SIM-000001", tender: "card"))
    }

    @Test func noAnswerOnCents99UntilCancelledAndNothingRecorded() async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: fast, ledger: ledger)
        let task = Task { try await terminal.authorize(request("N-P1", 1_099)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await terminal.status(of: "N-P1") == .notFound, "the terminal never got it: nothing charged")
        #expect(await terminal.charges == 0)
        #expect(!FileManager.default.fileExists(atPath: ledger.path))
    }

    @Test func sameAttemptTwiceGivesTheSameAnswerAndChargesOnce() async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: fast, ledger: ledger)
        let first = try await terminal.authorize(request("S-P1", 1_000))
        let again = try await terminal.authorize(request("S-P1", 1_000))
        // The attempt id is the key: even a different amount gets the first answer.
        let changed = try await terminal.authorize(request("S-P1", 2_013))
        #expect(first == .approved(reference: "SIM-000001", tender: "card"))
        #expect(again == first)
        #expect(changed == first)
        #expect(await terminal.charges == 1)

        let declined = try await terminal.authorize(request("S-P2", 1_013))
        #expect(try await terminal.authorize(request("S-P2", 1_000)) == declined, "a decline is not retried into a charge")
        #expect(await terminal.charges == 1)
    }

    @Test func concurrentDuplicatesChargeOnce() async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: SimulatedTerminalRules(approvalDelayMilliseconds: 100), ledger: ledger)
        let answers = try await withThrowingTaskGroup(of: TerminalAnswer.self) { group in
            for _ in 0..<5 { group.addTask { try await terminal.authorize(request("C-P1", 1_000)) } }
            return try await group.reduce(into: [TerminalAnswer]()) { $0.append($1) }
        }
        let approved = TerminalAnswer.approved(reference: "SIM-000001", tender: "card")
        #expect(answers.contains(approved))
        #expect(answers.allSatisfy { $0 == approved || $0 == .inProgress })
        #expect(await terminal.charges == 1)
        #expect(try await terminal.status(of: "C-P1") == approved)
    }

    @Test func statusSurvivesARestart() async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let approved: TerminalAnswer
        let declined: TerminalAnswer
        do {
            let terminal = try SimulatedTerminal(rules: fast, ledger: ledger)
            approved = try await terminal.authorize(request("R-P1", 1_000))
            declined = try await terminal.authorize(request("R-P2", 1_013))
        }
        let restarted = try SimulatedTerminal(rules: fast, ledger: ledger)
        #expect(try await restarted.status(of: "R-P1") == approved)
        #expect(try await restarted.status(of: "R-P2") == declined)
        #expect(await restarted.charges == 1)
        // A retry after the restart is answered, never charged again.
        #expect(try await restarted.authorize(request("R-P1", 1_000)) == approved)
        #expect(await restarted.charges == 1)
        // New attempts get new references, not one already handed out.
        #expect(try await restarted.authorize(request("R-P3", 500)) == .approved(reference: "SIM-000002", tender: "card"))
    }

    @Test func unknownAttemptIsNotFound() async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: fast, ledger: ledger)
        #expect(try await terminal.status(of: "never-sent") == .notFound)
        _ = try await terminal.authorize(request("X-P1", 1_000))
        #expect(try await terminal.status(of: "X-P2") == .notFound)
    }

    @Test(arguments: ["{not json", "", "[1,2,3]", "{\"A-P1\": {\"bogus\": {}}}"])
    func corruptLedgerFailsInitWithAnError(contents: String) throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(contents.utf8).write(to: ledger)
        // Starting with an empty ledger would forget approved payments and answer "not found" for them.
        #expect(throws: (any Error).self) { try SimulatedTerminal(rules: fast, ledger: ledger) }
    }

    @Test func cancelledWhileTheShopperIsAtTheTerminalIsNotLeftInProgressForever() async throws {
        let (dir, ledger) = try temporaryLedger()
        defer { try? FileManager.default.removeItem(at: dir) }
        let terminal = try SimulatedTerminal(rules: SimulatedTerminalRules(approvalDelayMilliseconds: 10_000), ledger: ledger)
        let task = Task { try await terminal.authorize(request("T-P1", 1_000)) }
        // While the "shopper" is at the terminal, the attempt is in progress.
        var sawInProgress = false
        for _ in 0..<100 where !sawInProgress {
            try await Task.sleep(for: .milliseconds(10))
            sawInProgress = try await terminal.status(of: "T-P1") == .inProgress
        }
        #expect(sawInProgress)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Nothing was charged; the terminal says so now and after a restart alike.
        #expect(await terminal.charges == 0)
        #expect(try await terminal.status(of: "T-P1") == .notFound)
        let restarted = try SimulatedTerminal(rules: fast, ledger: ledger)
        #expect(try await restarted.status(of: "T-P1") == .notFound)
    }
}
