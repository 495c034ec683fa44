import Retail

/// The lane's one `PaymentTerminal` when it has a card terminal and wallet gateways: a request
/// goes to the provider of its kind (card: no wallet code). A status query asks every provider,
/// since after a restart only the attempt id is known, and each answers for its own attempts:
/// one that knows it decides; if none does, it is not found; if one cannot be asked, nobody can
/// say it is not found.
public struct PaymentRouter: PaymentTerminal {
    public let card: any PaymentTerminal
    public let wallets: [WalletKind: any PaymentTerminal]

    public init(card: any PaymentTerminal, wallets: [WalletKind: any PaymentTerminal]) {
        self.card = card
        self.wallets = wallets
    }

    public var name: String { providers.map(\.name).joined(separator: ", ") }

    public func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer {
        guard let kind = request.wallet?.kind else { return try await card.authorize(request) }
        guard let wallet = wallets[kind] else {
            return .declined(reason: "This lane does not take \(kind.displayName). You have not been charged.")
        }
        return try await wallet.authorize(request)
    }

    public func status(of attemptID: String) async throws -> TerminalAnswer {
        var failure: (any Error)?
        var answers: [TerminalAnswer] = []
        for provider in providers {
            do { answers.append(try await provider.status(of: attemptID)) } catch { failure = error }
        }
        if let known = answers.first(where: { $0 != .notFound }) { return known }
        if let failure { throw failure }
        return .notFound
    }

    /// The provider that knows the attempt reverses it; if none does, nothing was charged (and if
    /// one cannot be asked, nobody can say so).
    public func reverse(_ attemptID: String) async throws -> Reversal {
        var failure: (any Error)?
        for provider in providers {
            do {
                let reversal = try await provider.reverse(attemptID)
                if reversal != .nothingCharged { return reversal }
            } catch { failure = error }
        }
        if let failure { throw failure }
        return .nothingCharged
    }

    private var providers: [any PaymentTerminal] { [card] + wallets.keys.sorted { $0.rawValue < $1.rawValue }.map { wallets[$0]! } }
}
