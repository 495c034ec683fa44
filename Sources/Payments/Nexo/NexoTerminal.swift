import Foundation
import Retail

/// A card terminal speaking Adyen's Terminal API over HTTPS on the store network. A payment is
/// one PaymentRequest whose ServiceID is derived from the attempt id; whatever goes wrong after
/// it was sent, the kiosk learns the outcome with a TransactionStatusRequest for that ServiceID
/// and never sends the payment again.
public actor NexoTerminal: PaymentTerminal {
    public nonisolated let name: String
    private let settings: NexoTerminalSettings
    private let parties: NexoParties
    private let http: GatewayHTTP
    /// Nil only for a test terminal with encryption off.
    private let security: NexoSecurity?
    /// Amounts of this run's payments, to check a status answer's approved amount.
    private var amounts: [String: Money] = [:]
    private var random = SystemRandomNumberGenerator()

    /// Reads the encryption passphrase from its file: a missing one stops the kiosk's start.
    public init(settings: NexoTerminalSettings) throws {
        self.settings = settings
        self.name = "nexo \(settings.poiID)"
        self.parties = NexoParties(saleID: settings.saleID, poiID: settings.poiID)
        self.http = GatewayHTTP(caFile: settings.caFile)
        self.security = try settings.encryption.map { encryption in
            guard let passphrase = readSecretFile(encryption.passphraseFile) else {
                throw NexoSecurity.Failure(why: "no passphrase in \(encryption.passphraseFile)")
            }
            return try NexoSecurity(keyIdentifier: encryption.keyIdentifier, keyVersion: encryption.keyVersion, passphrase: passphrase)
        }
    }

    public func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer {
        guard request.wallet == nil else {
            return .declined(reason: "This card terminal does not take wallet codes. You have not been charged.")
        }
        amounts[request.attemptID] = request.amount
        let message = NexoRequests.payment(request, parties: parties, at: Date())
        // The shopper may take long at the terminal: the caller's deadline bounds this call.
        let response = try await exchange(message, timeout: .seconds(600))
        return try NexoAnswers.payment(response, to: message, amount: request.amount)
    }

    public func status(of attemptID: String) async throws -> TerminalAnswer {
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(settings.statusWaitSeconds)
        while true {
            let message = NexoRequests.status(of: attemptID, serviceID: NexoServiceID.fresh(using: &random), parties: parties)
            do {
                let response = try await exchange(message, timeout: .seconds(settings.statusTimeoutSeconds))
                let answer = try NexoAnswers.status(response, to: message, attemptID: attemptID, amount: amounts[attemptID])
                guard answer == .inProgress, clock.now < giveUp else { return answer }
            } catch let error as TerminalError {
                // A terminal restarting or a network blip: asked again until the wait is over.
                guard clock.now < giveUp else { throw error }
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Reverses the payment of `attemptID` (a staff decision): the terminal's status names the
    /// approved transaction, and the ReversalRequest names it back. An attempt the terminal did
    /// not approve has nothing to reverse; one still in progress cannot be reversed yet.
    public func reverse(_ attemptID: String) async throws -> Reversal {
        let query = NexoRequests.status(of: attemptID, serviceID: NexoServiceID.fresh(using: &random), parties: parties)
        let response = try await exchange(query, timeout: .seconds(settings.statusTimeoutSeconds))
        switch try NexoAnswers.status(response, to: query, attemptID: attemptID, amount: nil) {
        case .declined, .notFound: return .nothingCharged
        case .inProgress: return .notPossible
        case .approved: break
        }
        guard let transaction = try NexoAnswers.approvedTransaction(response, to: query) else { throw NexoError.malformed("approval without POITransactionID") }
        let reversal = NexoRequests.reversal(of: transaction, serviceID: NexoServiceID.fresh(using: &random), parties: parties)
        let answer = try await exchange(reversal, timeout: .seconds(settings.statusTimeoutSeconds))
        try NexoAnswers.reversal(answer, to: reversal)
        return .reversed
    }

    /// Asks the terminal to stop a payment the shopper has not approved yet. The payment's own
    /// answer (Aborted, or an approval that came first) still decides; only the status counts.
    public func abort(_ attemptID: String) async throws {
        let message = NexoRequests.abort(of: attemptID, serviceID: NexoServiceID.fresh(using: &random), parties: parties)
        _ = try await send(message, timeout: .seconds(settings.statusTimeoutSeconds))
    }

    private func exchange(_ message: NexoRequest, timeout: Duration) async throws -> NexoResponse {
        let body = try await send(message, timeout: timeout)
        return try NexoResponse.parse(body)
    }

    /// One POST, sealed and opened with the terminal's key unless it is a test terminal without
    /// encryption. An HTTP status other than 200 is the terminal's refusal of the request.
    private func send(_ message: NexoRequest, timeout: Duration) async throws -> Data {
        var body = try message.json()
        if let security {
            var generator = SystemRandomNumberGenerator()
            body = try security.seal(body, nonce: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        let answer: Data
        do {
            answer = try await http.post(settings.address, body: body, contentType: "application/json", timeout: timeout)
        } catch let status as GatewayHTTP.Status {
            throw NexoError.httpStatus(status.code)
        }
        // An empty answer (an abort's) carries nothing to open.
        guard let security, !answer.isEmpty else { return answer }
        return try security.open(answer)
    }
}
