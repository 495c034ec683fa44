import Retail

/// How the kiosk reads WeChat Pay's answers, in the documented order: the return code (did the
/// call get through), the signature, the result code, then the error code or trade state. Pure.
public enum WeChatPayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// return_code FAIL: the gateway did not take the call (its message says why).
    case gatewayRefused(String)
    /// The answer's signature is missing or wrong: it is never believed.
    case badSignature
    /// The answer lacks a field the rules require.
    case incomplete(String)
    /// The gateway says an amount other than the one asked.
    case amountMismatch(asked: Int64, paid: String)
    /// A result the kiosk cannot take as an outcome (SYSTEMERROR on a query...).
    case unsure(String)

    public var description: String {
        switch self {
        case .gatewayRefused(let message): return "WeChat Pay refused the call: \(message)"
        case .badSignature: return "WeChat Pay answer with a bad signature"
        case .incomplete(let field): return "WeChat Pay answer without \(field)"
        case .amountMismatch(let asked, let paid): return "WeChat Pay paid \(paid), asked \(asked)"
        case .unsure(let code): return "WeChat Pay cannot say yet: \(code)"
        }
    }
}

enum WeChatPayAnswers {
    /// What a micropay answer means.
    enum Micropay: Equatable {
        case paid(transactionID: String)
        /// The shopper confirms on the phone: poll the order.
        case userPaying
        /// SYSTEMERROR, BANKERROR, ORDERPAID...: only the order query can tell.
        case query(String)
        /// Definitely not paid (an expired code, not enough balance...).
        case refused(code: String, message: String)
    }

    static let unsureCodes: Set<String> = ["SYSTEMERROR", "BANKERROR", "ORDERPAID", "ORDERREVERSED"]

    static func micropay(_ fields: [String: String], key: String, kind: WeChatPaySignature.Kind, fee: Int64) throws(WeChatPayError) -> Micropay {
        try checked(fields, key: key, kind: kind)
        if fields["result_code"] == "SUCCESS" {
            return .paid(transactionID: try paid(fields, fee: fee))
        }
        let code = fields["err_code"] ?? "UNKNOWN"
        if code == "USERPAYING" { return .userPaying }
        if unsureCodes.contains(code) || fields["result_code"] != "FAIL" { return .query(code) }
        return .refused(code: code, message: fields["err_code_des"] ?? code)
    }

    /// What an orderquery answer says about the order.
    static func query(_ fields: [String: String], key: String, kind: WeChatPaySignature.Kind, fee: Int64?) throws(WeChatPayError) -> TerminalAnswer {
        try checked(fields, key: key, kind: kind)
        guard fields["result_code"] == "SUCCESS" else {
            if fields["err_code"] == "ORDERNOTEXIST" { return .notFound }
            throw .unsure(fields["err_code"] ?? "UNKNOWN")
        }
        switch fields["trade_state"] {
        case "SUCCESS"?, "REFUND"?: return .approved(reference: try paid(fields, fee: fee), tender: WalletKind.wechatPay.rawValue)
        case "USERPAYING"?: return .inProgress
        case "NOTPAY"?, "CLOSED"?, "REVOKED"?, "PAYERROR"?:
            return .declined(reason: "WeChat Pay: payment not completed (\(fields["trade_state"]!)). You have not been charged.")
        case let state: throw .unsure("trade_state \(state ?? "missing")")
        }
    }

    /// Whether a reverse answer says the order is closed (false: "recall", ask again).
    static func reversed(_ fields: [String: String], key: String, kind: WeChatPaySignature.Kind) throws(WeChatPayError) -> Bool {
        try checked(fields, key: key, kind: kind)
        if fields["result_code"] == "SUCCESS" { return true }
        if fields["recall"] == "Y" || unsureCodes.contains(fields["err_code"] ?? "") { return false }
        throw .unsure("reverse \(fields["err_code"] ?? "UNKNOWN")")
    }

    private static func checked(_ fields: [String: String], key: String, kind: WeChatPaySignature.Kind) throws(WeChatPayError) {
        guard fields["return_code"] == "SUCCESS" else { throw .gatewayRefused(fields["return_msg"] ?? "no message") }
        guard WeChatPaySignature.verify(fields, key: key, kind: kind) else { throw .badSignature }
    }

    private static func paid(_ fields: [String: String], fee: Int64?) throws(WeChatPayError) -> String {
        guard let transaction = fields["transaction_id"], !transaction.isEmpty else { throw .incomplete("transaction_id") }
        if let fee, fields["total_fee"] != String(fee) { throw .amountMismatch(asked: fee, paid: fields["total_fee"] ?? "none") }
        return transaction
    }
}
