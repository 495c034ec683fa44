import Retail

/// An amount handed to a terminal. `attemptID` is the idempotency key: the terminal must treat a
/// second request with the same key as the same payment (answer it, never charge again).
public struct PaymentRequest: Sendable, Hashable, Codable {
    public let attemptID: String
    public let amount: Money
    /// A wallet payment code to charge (WeChat Pay / Alipay micropay); nil for the card terminal.
    /// Its digits exist only in memory: `WalletCode` encodes kind and masked digits only.
    public let wallet: WalletCode?

    public init(attemptID: String, amount: Money, wallet: WalletCode? = nil) {
        self.attemptID = attemptID
        self.amount = amount
        self.wallet = wallet
    }
}

/// What a terminal says about a payment.
public enum TerminalAnswer: Sendable, Hashable, Codable {
    case approved(reference: String, tender: String)
    case declined(reason: String)
    /// The terminal is still working on it (the shopper is entering a PIN).
    case inProgress
    /// The terminal never received this attempt: nothing was charged.
    case notFound
}

public enum TerminalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection could be made: the request never left the kiosk.
    case unreachable(String)
    /// The request was (or may have been) sent and no answer came: only a status query can tell
    /// whether money was taken.
    case noAnswer(String)

    /// Whether the request certainly never reached the terminal.
    public var neverSent: Bool {
        if case .unreachable = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unreachable(let why): return "payment terminal unreachable: \(why)"
        case .noAnswer(let why): return "no answer from the payment terminal: \(why)"
        }
    }
}

/// A payment terminal or wallet gateway. Real protocol adapters (nexo, ZVT, wallet APIs) and the
/// simulated terminal of demo and training mode implement the same two calls. A request with a
/// `wallet` code is a wallet micropay: the provider charges that code, and `status(of:)` answers
/// for it by the same attempt id (the code is never needed again).
public protocol PaymentTerminal: Sendable {
    /// Shown in maintenance status: "simulated", a model name, a gateway host.
    var name: String { get }
    /// Asks for the amount. May take as long as the shopper needs; the caller bounds it.
    func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer
    /// What became of an earlier request: used after a timeout and after a restart.
    func status(of attemptID: String) async throws -> TerminalAnswer
    /// Gives back what the provider approved for `attemptID`, on a staff decision only (never on
    /// a guess): the provider is asked first, and only an approval it confirms is reversed.
    func reverse(_ attemptID: String) async throws -> Reversal
}

/// What a reversal ended as.
public enum Reversal: String, Sendable, Hashable, Codable {
    /// The provider approved the payment and has now reversed it: nothing stays charged.
    case reversed
    /// The provider never approved it: there was nothing to give back.
    case nothingCharged = "nothing-charged"
    /// The provider cannot reverse payments (or not yet: still in progress): staff must see to it.
    case notPossible = "not-possible"
}

extension PaymentTerminal {
    /// Providers without reversals: an approval stays, anything else had nothing to give back.
    public func reverse(_ attemptID: String) async throws -> Reversal {
        switch try await status(of: attemptID) {
        case .approved, .inProgress: return .notPossible
        case .declined, .notFound: return .nothingCharged
        }
    }
}

/// The terminal of a lane outside --demo that has none configured: nothing can be charged, so
/// every request ends declined without reaching anything (the journal records the attempt and
/// why), and the page shows the terminal as not there.
public struct NoPaymentTerminal: PaymentTerminal {
    public let name = "none"

    public init() {}

    public func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer {
        .declined(reason: "This lane has no payment terminal. You have not been charged.")
    }

    public func status(of attemptID: String) async throws -> TerminalAnswer { .notFound }
}
