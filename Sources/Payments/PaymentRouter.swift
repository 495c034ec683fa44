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

    public var name: String { ([card.name] + wallets.keys.sorted { $0.rawValue < $1.rawValue }.map { wallets[$0]!.name }).joined(separator: ", ") }

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
        for provider in [card] + wallets.keys.sorted(by: { $0.rawValue < $1.rawValue }).map({ wallets[$0]! }) {
            do { answers.append(try await provider.status(of: attemptID)) } catch { failure = error }
        }
        if let known = answers.first(where: { $0 != .notFound }) { return known }
        if let failure { throw failure }
        return .notFound
    }
}
