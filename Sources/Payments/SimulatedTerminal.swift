import Foundation
import Retail

/// Rules for the simulated terminal, so trainers can provoke every outcome from the cart total.
public struct SimulatedTerminalRules: Sendable, Hashable, Codable {
    /// How long the "shopper" takes at the terminal.
    public var approvalDelayMilliseconds: Int
    /// Amounts whose last two minor-unit digits are listed here are declined ("card declined").
    public var declineWhenCentsAre: [Int]
    /// Amounts whose last two minor-unit digits are listed here get no answer at all, as if the
    /// terminal lost its connection before receiving the request.
    public var noAnswerWhenCentsAre: [Int]

    public init(approvalDelayMilliseconds: Int = 1500, declineWhenCentsAre: [Int] = [13], noAnswerWhenCentsAre: [Int] = [99]) {
        self.approvalDelayMilliseconds = approvalDelayMilliseconds
        self.declineWhenCentsAre = declineWhenCentsAre
        self.noAnswerWhenCentsAre = noAnswerWhenCentsAre
    }
}

/// A payment terminal for demo and training mode. Like a real one it remembers every attempt
/// (in a small file beside the journal), answers a repeated attempt with its first answer and
/// never "charges" twice, and answers status queries after the kiosk restarts.
public actor SimulatedTerminal: PaymentTerminal {
    public nonisolated let name = "simulated"
    private let rules: SimulatedTerminalRules
    private let ledgerURL: URL
    private var ledger: [String: TerminalAnswer]
    /// Number of attempts that took money, for tests and training statistics.
    public private(set) var charges = 0

    public init(rules: SimulatedTerminalRules, ledger: URL) throws {
        self.rules = rules
        self.ledgerURL = ledger
        if let data = try? Data(contentsOf: ledger) {
            self.ledger = try JSONDecoder().decode([String: TerminalAnswer].self, from: data)
        } else {
            self.ledger = [:]
        }
        charges = self.ledger.values.filter { if case .approved = $0 { true } else { false } }.count
    }

    public func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer {
        if let known = ledger[request.attemptID] { return known }
        let cents = Int(request.amount.minorUnits.magnitude % 100)
        if rules.noAnswerWhenCentsAre.contains(cents) {
            // Never answers: the caller's deadline cancels this task.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        ledger[request.attemptID] = .inProgress
        try await Task.sleep(for: .milliseconds(rules.approvalDelayMilliseconds))
        if let settled = ledger[request.attemptID], settled != .inProgress { return settled }
        let answer: TerminalAnswer
        if rules.declineWhenCentsAre.contains(cents) {
            answer = .declined(reason: "card declined (simulated)")
        } else {
            charges += 1
            answer = .approved(reference: String(format: "SIM-%06d", charges), tender: "card")
        }
        ledger[request.attemptID] = answer
        try save()
        return answer
    }

    public func status(of attemptID: String) async throws -> TerminalAnswer {
        ledger[attemptID] ?? .notFound
    }

    private func save() throws {
        let data = try JSONEncoder().encode(ledger)
        try data.write(to: ledgerURL, options: .atomic)
    }
}
