import Foundation
import Retail

/// The terminal's answers the kiosk reads: a `SaleToPOIResponse` with a PaymentResponse or a
/// TransactionStatusResponse, or (for a request it could not take) a `SaleToPOIRequest` carrying
/// an EventNotification. Unknown fields are ignored, as Adyen adds fields over time.
struct NexoResponse: Decodable {
    struct Result: Decodable {
        var result: String
        var errorCondition: String?
    }
    struct PaymentBody: Decodable {
        struct POIData: Decodable { var poiTransactionID: NexoTransactionID }
        struct SaleData: Decodable { var saleTransactionID: NexoTransactionID }
        struct PaymentResult: Decodable {
            struct AmountsResp: Decodable {
                var currency: String?
                var authorizedAmount: Decimal
            }
            var amountsResp: AmountsResp?
        }
        var response: Result
        var saleData: SaleData?
        var poiData: POIData?
        var paymentResult: PaymentResult?
    }
    struct StatusBody: Decodable {
        struct Repeated: Decodable {
            struct Body: Decodable { var paymentResponse: PaymentBody? }
            var repeatedResponseMessageBody: Body?
        }
        var response: Result
        var repeatedMessageResponse: Repeated?
    }
    struct ReversalBody: Decodable {
        var response: Result
    }
    struct Message: Decodable {
        var messageHeader: NexoHeader
        var paymentResponse: PaymentBody?
        var transactionStatusResponse: StatusBody?
        var reversalResponse: ReversalBody?
    }
    struct Event: Decodable {
        struct Notification: Decodable {
            var eventToNotify: String
            var eventDetails: String?
        }
        var eventNotification: Notification?
    }
    var saleToPOIResponse: Message?
    var saleToPOIRequest: Event?

    static func parse(_ data: Data) throws(NexoError) -> NexoResponse {
        do { return try NexoCoding.decoder().decode(NexoResponse.self, from: data) } catch {
            throw .malformed("\(error)")
        }
    }
}

public enum NexoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The answer is not a nexo message the kiosk understands.
    case malformed(String)
    /// The answer is for another request (ServiceID, SaleID or POIID differ): never trusted.
    case mismatched(String)
    /// The terminal refused the request itself (an EventNotification "Reject").
    case rejected(String)
    /// The terminal approved an amount other than the one asked: staff must look.
    case amountMismatch(asked: String, approved: String)
    /// The terminal answered with an HTTP status other than 200.
    case httpStatus(Int)

    public var description: String {
        switch self {
        case .malformed(let why): return "nexo answer unreadable: \(why)"
        case .mismatched(let why): return "nexo answer for another request: \(why)"
        case .rejected(let why): return "nexo request rejected: \(why)"
        case .amountMismatch(let asked, let approved): return "nexo approved \(approved), asked \(asked)"
        case .httpStatus(let code): return "nexo terminal answered HTTP \(code)"
        }
    }
}

/// Reads an answer into what the kiosk needs. Pure.
enum NexoAnswers {
    /// The answer to a PaymentRequest.
    static func payment(_ response: NexoResponse, to request: NexoRequest, amount: Money) throws(NexoError) -> TerminalAnswer {
        let message = try matching(response, request)
        guard let body = message.paymentResponse else { throw .malformed("no PaymentResponse") }
        return try answer(body, attemptID: request.saleToPOIRequest.paymentRequest!.saleData.saleTransactionID.transactionID, amount: amount)
    }

    /// The answer to a TransactionStatusRequest about the payment of `attemptID`.
    static func status(_ response: NexoResponse, to request: NexoRequest, attemptID: String, amount: Money?) throws(NexoError) -> TerminalAnswer {
        let message = try matching(response, request)
        guard let body = message.transactionStatusResponse else { throw .malformed("no TransactionStatusResponse") }
        switch (body.response.result, body.response.errorCondition) {
        case ("Success", _):
            guard let payment = body.repeatedMessageResponse?.repeatedResponseMessageBody?.paymentResponse else {
                throw .malformed("status Success without the repeated PaymentResponse")
            }
            return try answer(payment, attemptID: attemptID, amount: amount)
        case (_, "InProgress"?): return .inProgress
        case (_, "NotFound"?): return .notFound
        case (let result, let condition): throw .rejected("status \(result) \(condition ?? "")")
        }
    }

    /// The terminal's POITransactionID of the approved payment a status answer repeats; nil when
    /// the answer is not an approval.
    static func approvedTransaction(_ response: NexoResponse, to request: NexoRequest) throws(NexoError) -> NexoTransactionID? {
        let body = try matching(response, request).transactionStatusResponse?.repeatedMessageResponse?.repeatedResponseMessageBody?.paymentResponse
        guard let body, body.response.result == "Success" else { return nil }
        return body.poiData?.poiTransactionID
    }

    /// Whether the terminal reversed the payment (a Failure is its refusal, with the reason).
    static func reversal(_ response: NexoResponse, to request: NexoRequest) throws(NexoError) {
        guard let body = try matching(response, request).reversalResponse else { throw .malformed("no ReversalResponse") }
        guard body.response.result == "Success" else { throw .rejected("reversal \(body.response.errorCondition ?? body.response.result)") }
    }

    /// The header must answer exactly this request; an EventNotification is a rejection.
    private static func matching(_ response: NexoResponse, _ request: NexoRequest) throws(NexoError) -> NexoResponse.Message {
        if let event = response.saleToPOIRequest?.eventNotification {
            throw .rejected("\(event.eventToNotify) \(event.eventDetails ?? "")")
        }
        guard let message = response.saleToPOIResponse else { throw .malformed("neither SaleToPOIResponse nor EventNotification") }
        let asked = request.header, got = message.messageHeader
        guard got.serviceID == asked.serviceID, got.saleID == asked.saleID, got.poiID == asked.poiID,
              got.messageCategory == asked.messageCategory, got.messageType == "Response" else {
            throw .mismatched("asked \(asked.messageCategory) \(asked.serviceID), got \(got.messageCategory) \(got.serviceID)")
        }
        return message
    }

    private static func answer(_ body: NexoResponse.PaymentBody, attemptID: String, amount: Money?) throws(NexoError) -> TerminalAnswer {
        if let sale = body.saleData?.saleTransactionID, sale.transactionID != attemptID {
            throw .mismatched("payment of \(sale.transactionID), asked about \(attemptID)")
        }
        guard body.response.result == "Success" || body.response.result == "Partial" else {
            let condition = body.response.errorCondition ?? "Failure"
            return .declined(reason: "Card payment not completed (\(condition)). You have not been charged.")
        }
        guard let reference = body.poiData?.poiTransactionID.transactionID, !reference.isEmpty else {
            throw .malformed("approval without POITransactionID")
        }
        if let amount, let approved = body.paymentResult?.amountsResp?.authorizedAmount {
            let asked = Decimal(string: amount.decimalString, locale: Locale(identifier: "en_US_POSIX"))!
            if approved != asked || body.response.result == "Partial" {
                throw .amountMismatch(asked: amount.decimalString, approved: "\(approved)")
            }
        }
        return .approved(reference: reference, tender: "card")
    }
}
