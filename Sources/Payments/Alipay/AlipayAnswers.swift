import Foundation
import Retail
import _CryptoExtras

/// How the kiosk reads Alipay's answers, in the documented order: the signature over the answer's
/// own text, then `code`, then `sub_code`, then `trade_status`. Pure.
public enum AlipayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Alipay did not take the call (a code other than success, waiting, unknown or business failure).
    case gatewayRefused(code: String, subCode: String)
    /// The answer's signature is missing or wrong: it is never believed.
    case badSignature
    /// The answer is not what the rules say (no `<method>_response`, no trade_no...).
    case incomplete(String)
    /// Alipay says an amount other than the one asked.
    case amountMismatch(asked: String, paid: String)
    /// A result the kiosk cannot take as an outcome.
    case unsure(String)

    public var description: String {
        switch self {
        case .gatewayRefused(let code, let subCode): return "Alipay refused the call: \(code) \(subCode)"
        case .badSignature: return "Alipay answer with a bad signature"
        case .incomplete(let what): return "Alipay answer without \(what)"
        case .amountMismatch(let asked, let paid): return "Alipay paid \(paid), asked \(asked)"
        case .unsure(let code): return "Alipay cannot say yet: \(code)"
        }
    }
}

enum AlipayAnswers {
    /// What an alipay.trade.pay answer means.
    enum Pay: Equatable {
        case paid(tradeNo: String)
        /// 10003: the shopper confirms on the phone; poll the order.
        case waiting
        /// 20000 or a business failure that may hide a payment: only the query can tell.
        case query(String)
        /// Definitely not paid (an invalid code, not enough balance...).
        case refused(subCode: String, message: String)
    }

    /// Business failures (40004) after which the order's state is unknown or already decided.
    static let unsureSubCodes: Set<String> = ["ACQ.SYSTEM_ERROR", "ACQ.TRADE_HAS_SUCCESS", "ACQ.TRADE_HAS_CLOSE", "ACQ.TRADE_STATUS_ERROR"]

    /// The `<method>_response` member's fields (strings only) once its signature checks out.
    static func fields(of body: [UInt8], method: String, key: _RSA.Signing.PublicKey) throws -> [String: String] {
        let members = try AlipayJSON.members(body)
        let node = method.replacingOccurrences(of: ".", with: "_") + "_response"
        guard let text = members[node] ?? members["error_response"] else { throw AlipayError.incomplete(node) }
        guard let signature = members["sign"].flatMap({ try? JSONSerialization.jsonObject(with: Data($0), options: .fragmentsAllowed) as? String }),
              AlipaySignature.verify(text, signature: signature, key: key) else { throw AlipayError.badSignature }
        guard let object = try JSONSerialization.jsonObject(with: Data(text)) as? [String: Any] else { throw AlipayError.incomplete(node) }
        return object.compactMapValues { $0 as? String }
    }

    static func pay(_ fields: [String: String], amount: String) throws(AlipayError) -> Pay {
        switch fields["code"] {
        case "10000"?: return .paid(tradeNo: try paid(fields, amount: amount))
        case "10003"?: return .waiting
        case "20000"?: return .query("20000 \(fields["sub_code"] ?? "")")
        case "40004"?:
            let subCode = fields["sub_code"] ?? "UNKNOWN"
            if unsureSubCodes.contains(subCode) { return .query(subCode) }
            return .refused(subCode: subCode, message: fields["sub_msg"] ?? subCode)
        case let code: throw .gatewayRefused(code: code ?? "none", subCode: fields["sub_code"] ?? "")
        }
    }

    /// What an alipay.trade.query answer says about the order.
    static func query(_ fields: [String: String], amount: String?) throws(AlipayError) -> TerminalAnswer {
        guard fields["code"] == "10000" else {
            if fields["code"] == "40004", fields["sub_code"] == "ACQ.TRADE_NOT_EXIST" { return .notFound }
            throw .unsure("query \(fields["code"] ?? "none") \(fields["sub_code"] ?? "")")
        }
        switch fields["trade_status"] {
        case "TRADE_SUCCESS"?, "TRADE_FINISHED"?: return .approved(reference: try paid(fields, amount: amount), tender: WalletKind.alipay.rawValue)
        case "WAIT_BUYER_PAY"?: return .inProgress
        case "TRADE_CLOSED"?: return .declined(reason: "Alipay: payment not completed (TRADE_CLOSED). You have not been charged.")
        case let status: throw .unsure("trade_status \(status ?? "missing")")
        }
    }

    /// Whether an alipay.trade.cancel answer says the order is closed (false: retry_flag Y, ask again).
    static func cancelled(_ fields: [String: String]) throws(AlipayError) -> Bool {
        if fields["retry_flag"] == "Y" { return false }
        if fields["code"] == "10000" { return true }
        throw .unsure("cancel \(fields["code"] ?? "none") \(fields["sub_code"] ?? "")")
    }

    private static func paid(_ fields: [String: String], amount: String?) throws(AlipayError) -> String {
        guard let tradeNo = fields["trade_no"], !tradeNo.isEmpty else { throw .incomplete("trade_no") }
        if let amount, fields["total_amount"] != amount { throw .amountMismatch(asked: amount, paid: fields["total_amount"] ?? "none") }
        return tradeNo
    }

    /// Alipay's total_amount: yuan with two decimals.
    static func yuan(_ minorUnits: Int64) -> String {
        String(format: "%lld.%02lld", minorUnits / 100, minorUnits % 100)
    }
}
