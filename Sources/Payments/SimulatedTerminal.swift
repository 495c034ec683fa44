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
    /// Wallet payment codes ending in one of these are declined as expired codes (a shopper who
    /// showed a stale code). Default "0000".
    public var declineWalletCodesEndingIn: [String]

    public init(approvalDelayMilliseconds: Int = 1500, declineWhenCentsAre: [Int] = [13], noAnswerWhenCentsAre: [Int] = [99],
                declineWalletCodesEndingIn: [String] = ["0000"]) {
        self.approvalDelayMilliseconds = approvalDelayMilliseconds
        self.declineWhenCentsAre = declineWhenCentsAre
        self.noAnswerWhenCentsAre = noAnswerWhenCentsAre
        self.declineWalletCodesEndingIn = declineWalletCodesEndingIn
    }

    private enum CodingKeys: String, CodingKey {
        case approvalDelayMilliseconds, declineWhenCentsAre, noAnswerWhenCentsAre, declineWalletCodesEndingIn
    }

    /// Settings files written before the wallet rule existed still decode; a missing field
    /// takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SimulatedTerminalRules()
        self.init(approvalDelayMilliseconds: try c.decodeIfPresent(Int.self, forKey: .approvalDelayMilliseconds) ?? defaults.approvalDelayMilliseconds,
                  declineWhenCentsAre: try c.decodeIfPresent([Int].self, forKey: .declineWhenCentsAre) ?? defaults.declineWhenCentsAre,
                  noAnswerWhenCentsAre: try c.decodeIfPresent([Int].self, forKey: .noAnswerWhenCentsAre) ?? defaults.noAnswerWhenCentsAre,
                  declineWalletCodesEndingIn: try c.decodeIfPresent([String].self, forKey: .declineWalletCodesEndingIn)
                      ?? defaults.declineWalletCodesEndingIn)
    }
}

public enum SimulatedTerminalError: Error, CustomStringConvertible {
    case unreadableLedger(String, String)

    public var description: String {
        switch self {
        case .unreadableLedger(let path, let why): return "simulated terminal ledger \(path) cannot be read: \(why)"
        }
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
        // Only a missing file means a new terminal; an unreadable or corrupt one must not be
        // mistaken for "no payments yet", or approvals would be forgotten and overwritten.
        if FileManager.default.fileExists(atPath: ledger.path) {
            do {
                self.ledger = try JSONDecoder().decode([String: TerminalAnswer].self, from: Data(contentsOf: ledger))
            } catch {
                throw SimulatedTerminalError.unreadableLedger(ledger.path, "\(error)")
            }
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
        do {
            try await Task.sleep(for: .milliseconds(rules.approvalDelayMilliseconds))
        } catch {
            // Abandoned before the "shopper" finished: nothing was charged and nothing will be, so
            // the attempt must not stay in progress forever (a restart would say notFound anyway).
            if ledger[request.attemptID] == .inProgress { ledger[request.attemptID] = nil }
            throw error
        }
        if let settled = ledger[request.attemptID], settled != .inProgress { return settled }
        let answer: TerminalAnswer
        if let wallet = request.wallet, wallet.authCode == nil {
            // A wallet attempt without its code can only be a replay: nothing to charge.
            answer = .declined(reason: "\(wallet.kind.displayName) payment code missing (simulated)")
        } else if let wallet = request.wallet, rules.declineWalletCodesEndingIn.contains(where: { wallet.authCode!.hasSuffix($0) }) {
            answer = .declined(reason: "\(wallet.kind.displayName): payment code expired, refresh it on your phone (simulated)")
        } else if rules.declineWhenCentsAre.contains(cents) {
            answer = .declined(reason: request.wallet == nil ? "card declined (simulated)" : "\(request.wallet!.kind.displayName) declined (simulated)")
        } else {
            charges += 1
            if let wallet = request.wallet {
                answer = .approved(reference: String(format: "SIM-W%06d", charges), tender: wallet.kind.rawValue)
            } else {
                answer = .approved(reference: String(format: "SIM-%06d", charges), tender: "card")
            }
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
