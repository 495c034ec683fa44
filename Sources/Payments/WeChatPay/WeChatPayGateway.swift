import Foundation
import Retail

/// WeChat Pay micropay (API v2): the shopper's payment code is charged with `micropay`; the order
/// is named by out_trade_no, derived from the attempt id, so the kiosk can always ask about it
/// with `orderquery`, after a lost answer or a restart, and never pays it twice. USERPAYING (the
/// shopper confirms on the phone) is polled for up to `userPayingSeconds`, then the order is
/// reversed (repeated while the gateway answers "recall"). The API key signs every request and
/// checks every answer; it is never logged.
public actor WeChatPayGateway: PaymentTerminal {
    public nonisolated let name: String
    private let settings: WeChatPaySettings
    private let key: String
    private let http: GatewayHTTP
    private let pollInterval: Duration
    private var fees: [String: Int64] = [:]

    /// Reads the API key from its file: a missing or empty key stops the kiosk's start.
    public init(settings: WeChatPaySettings, pollInterval: Duration = .seconds(5)) throws {
        guard let key = readSecretFile(settings.keyFile), isPlainSetting(key, max: 64) else {
            throw WeChatPayError.incomplete("the API key in \(settings.keyFile)")
        }
        self.settings = settings
        self.key = key
        self.name = "WeChat Pay \(settings.merchantID)"
        self.http = GatewayHTTP(caFile: settings.caFile)
        self.pollInterval = pollInterval
    }

    public func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer {
        let chargeable = walletCode(of: request, kind: .wechatPay)
        guard let code = chargeable.code else { return chargeable.refusal! }
        let fee = request.amount.minorUnits
        fees[request.attemptID] = fee
        let answer = try await call("pay/micropay", [
            "body": "Kiosk", "out_trade_no": Self.outTradeNo(request.attemptID), "total_fee": String(fee), "fee_type": "CNY",
            "spbill_create_ip": settings.terminalIP, "auth_code": code,
        ])
        switch try WeChatPayAnswers.micropay(answer, key: key, kind: settings.signType, fee: fee) {
        case .paid(let transaction): return .approved(reference: transaction, tender: WalletKind.wechatPay.rawValue)
        case .refused(let code, let message):
            return .declined(reason: "WeChat Pay: \(message) (\(code)). You have not been charged.")
        case .userPaying, .query:
            return try await settle(request.attemptID)
        }
    }

    public func status(of attemptID: String) async throws -> TerminalAnswer {
        let answer = try await call("pay/orderquery", ["out_trade_no": Self.outTradeNo(attemptID)])
        return try WeChatPayAnswers.query(answer, key: key, kind: settings.signType, fee: fees[attemptID])
    }

    /// Staff's reversal: a paid or open order is reversed (WalletSettlement).
    public func reverse(_ attemptID: String) async throws -> Reversal {
        try await reverseWalletOrder(pollInterval: pollInterval) { try await status(of: attemptID) } cancel: { try await cancel(attemptID) }
    }

    /// Polls the order while the shopper confirms, then reverses one still open (WalletSettlement).
    private func settle(_ attemptID: String) async throws -> TerminalAnswer {
        try await settleWalletOrder(waitSeconds: settings.userPayingSeconds, pollInterval: pollInterval) {
            try await status(of: attemptID)
        } cancel: {
            try await cancel(attemptID)
        }
    }

    /// One reverse call: whether the order is closed (false: "recall", ask again).
    private func cancel(_ attemptID: String) async throws -> Bool {
        let answer = try await call("secapi/pay/reverse", ["out_trade_no": Self.outTradeNo(attemptID)])
        return try WeChatPayAnswers.reversed(answer, key: key, kind: settings.signType)
    }

    /// out_trade_no: up to 32 of [0-9A-Za-z_-]; an attempt id that is not is replaced by a digest.
    static func outTradeNo(_ attemptID: String) -> String {
        walletOrderNumber(attemptID, max: 32, extra: ["_", "-"])
    }

    private func call(_ path: String, _ fields: [String: String]) async throws -> [String: String] {
        var fields = fields
        fields["appid"] = settings.appID
        fields["mch_id"] = settings.merchantID
        fields["nonce_str"] = Self.nonce()
        fields["sign_type"] = settings.signType.rawValue
        fields["sign"] = WeChatPaySignature.sign(fields, key: key, kind: settings.signType)
        let url = settings.gateway.hasSuffix("/") ? settings.gateway + path : settings.gateway + "/" + path
        let body = try await http.post(url, body: Data(WeChatPayXML.encode(fields).utf8), contentType: "text/xml", timeout: .seconds(20))
        return try WeChatPayXML.decode(String(decoding: body, as: UTF8.self))
    }

    private static func nonce() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
