import Foundation
import Retail
import _CryptoExtras

/// Alipay face-to-face payment (当面付, bar code scene): the shopper's payment code is charged
/// with alipay.trade.pay; the order is named by out_trade_no, derived from the attempt id, so the
/// kiosk can always ask about it with alipay.trade.query, after a lost answer or a restart, and
/// never pays it twice. 10003 (the shopper confirms on the phone) and 20000 (unknown) poll the
/// order for up to `userPayingSeconds`; an order still open is cancelled with alipay.trade.cancel
/// (repeated while Alipay answers retry_flag Y). Every request is signed with the app's private
/// key and every answer checked with Alipay's public key; the private key is never logged.
public actor AlipayGateway: PaymentTerminal {
    public nonisolated let name: String
    private let settings: AlipaySettings
    private let privateKey: _RSA.Signing.PrivateKey
    private let alipayKey: _RSA.Signing.PublicKey
    private let http: GatewayHTTP
    private let pollInterval: Duration
    private var amounts: [String: String] = [:]

    /// Reads both keys from their files: a missing or unreadable key stops the kiosk's start.
    public init(settings: AlipaySettings, pollInterval: Duration = .seconds(3)) throws {
        guard let pem = readSecretFile(settings.privateKeyFile), let privateKey = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) else {
            throw AlipayError.incomplete("an RSA private key (PEM, 2048 bits or more) in \(settings.privateKeyFile)")
        }
        guard let publicPEM = readSecretFile(settings.alipayPublicKeyFile),
              let alipayKey = try? _RSA.Signing.PublicKey(pemRepresentation: publicPEM) else {
            throw AlipayError.incomplete("Alipay's RSA public key (PEM) in \(settings.alipayPublicKeyFile)")
        }
        self.settings = settings
        self.privateKey = privateKey
        self.alipayKey = alipayKey
        self.name = "Alipay \(settings.appID)"
        self.http = GatewayHTTP(caFile: settings.caFile)
        self.pollInterval = pollInterval
    }

    public func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer {
        let chargeable = walletCode(of: request, kind: .alipay)
        guard let code = chargeable.code else { return chargeable.refusal! }
        let amount = AlipayAnswers.yuan(request.amount.minorUnits)
        amounts[request.attemptID] = amount
        let answer = try await call("alipay.trade.pay", [
            "out_trade_no": Self.outTradeNo(request.attemptID), "scene": "bar_code", "auth_code": code,
            "subject": "Kiosk", "total_amount": amount,
        ])
        switch try AlipayAnswers.pay(answer, amount: amount) {
        case .paid(let tradeNo): return .approved(reference: tradeNo, tender: WalletKind.alipay.rawValue)
        case .refused(let subCode, let message):
            return .declined(reason: "Alipay: \(message) (\(subCode)). You have not been charged.")
        case .waiting, .query:
            return try await settleWalletOrder(waitSeconds: settings.userPayingSeconds, pollInterval: pollInterval) {
                try await status(of: request.attemptID)
            } cancel: {
                try await cancel(request.attemptID)
            }
        }
    }

    /// Staff's reversal: a paid or open order is cancelled (paid: refunded) (WalletSettlement).
    public func reverse(_ attemptID: String) async throws -> Reversal {
        try await reverseWalletOrder(pollInterval: pollInterval) { try await status(of: attemptID) } cancel: { try await cancel(attemptID) }
    }

    /// One alipay.trade.cancel: whether the order is closed (false: retry_flag Y, ask again).
    private func cancel(_ attemptID: String) async throws -> Bool {
        let answer = try await call("alipay.trade.cancel", ["out_trade_no": Self.outTradeNo(attemptID)])
        return try AlipayAnswers.cancelled(answer)
    }

    public func status(of attemptID: String) async throws -> TerminalAnswer {
        let answer = try await call("alipay.trade.query", ["out_trade_no": Self.outTradeNo(attemptID)])
        return try AlipayAnswers.query(answer, amount: amounts[attemptID])
    }

    /// out_trade_no: up to 64 of [0-9A-Za-z_]; an attempt id that is not is replaced by a digest.
    static func outTradeNo(_ attemptID: String) -> String {
        walletOrderNumber(attemptID, max: 64, extra: ["_"])
    }

    /// One signed call: the common parameters, the method's own as biz_content (JSON), form-encoded.
    private func call(_ method: String, _ business: [String: String]) async throws -> [String: String] {
        let content = try JSONSerialization.data(withJSONObject: business, options: [.sortedKeys, .withoutEscapingSlashes])
        var parameters = [
            "app_id": settings.appID, "method": method, "format": "JSON", "charset": "utf-8", "sign_type": "RSA2",
            "timestamp": Self.timestamp(Date()), "version": "1.0", "biz_content": String(decoding: content, as: UTF8.self),
        ]
        parameters["sign"] = try AlipaySignature.sign(parameters, key: privateKey)
        let form = parameters.keys.sorted().map { "\($0)=\(Self.formEncoded(parameters[$0]!))" }.joined(separator: "&")
        let body = try await http.post(settings.gateway, body: Data(form.utf8), contentType: "application/x-www-form-urlencoded;charset=utf-8",
                                       timeout: .seconds(20))
        return try AlipayAnswers.fields(of: Array(body), method: method, key: alipayKey)
    }

    /// "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8), as the gateway expects.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    private static func formEncoded(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
