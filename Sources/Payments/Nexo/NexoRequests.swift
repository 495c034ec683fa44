import Foundation
import Retail

/// The requests of Adyen's Terminal API (nexo, protocol 3.0) that the kiosk sends, as Adyen's
/// local integration documents them: a `SaleToPOIRequest` with a MessageHeader and one body.
/// Only the fields the kiosk uses; names follow nexo (see NexoCoding).
struct NexoHeader: Codable, Equatable {
    var protocolVersion = "3.0"
    var messageClass = "Service"
    var messageCategory: String
    var messageType: String
    var serviceID: String
    var saleID: String
    var poiID: String
}

struct NexoTransactionID: Codable, Equatable {
    var transactionID: String
    var timeStamp: String
}

struct NexoMessageReference: Codable, Equatable {
    var messageCategory: String
    var serviceID: String
    var saleID: String
    var poiID: String
}

struct NexoPaymentBody: Encodable {
    struct SaleData: Encodable { var saleTransactionID: NexoTransactionID }
    struct AmountsReq: Encodable {
        var currency: String
        /// A decimal in major units ("10.99"), written exactly (no binary floating point).
        var requestedAmount: Decimal
    }
    struct PaymentTransaction: Encodable { var amountsReq: AmountsReq }
    var saleData: SaleData
    var paymentTransaction: PaymentTransaction
}

struct NexoStatusBody: Encodable {
    var receiptReprintFlag = false
    var documentQualifier = ["CashierReceipt", "CustomerReceipt"]
    var messageReference: NexoMessageReference
}

struct NexoAbortBody: Encodable {
    var abortReason = "MerchantAbort"
    var messageReference: NexoMessageReference
}

/// Gives back an approved payment, named by the terminal's own POITransactionID.
struct NexoReversalBody: Encodable {
    struct OriginalPOITransaction: Encodable {
        var saleID: String
        var poiID: String
        var poiTransactionID: NexoTransactionID
    }
    var originalPOITransaction: OriginalPOITransaction
    var reversalReason = "MerchantCancel"
}

struct NexoRequest: Encodable {
    struct Message: Encodable {
        var messageHeader: NexoHeader
        var paymentRequest: NexoPaymentBody?
        var transactionStatusRequest: NexoStatusBody?
        var abortRequest: NexoAbortBody?
        var reversalRequest: NexoReversalBody?
    }
    var saleToPOIRequest: Message

    var header: NexoHeader { saleToPOIRequest.messageHeader }

    func json() throws -> Data { try NexoCoding.encoder().encode(self) }
}

/// Who the kiosk is to the terminal and which terminal it talks to.
struct NexoParties: Sendable, Equatable {
    let saleID: String
    let poiID: String
}

/// Builds the requests. Pure: the time and fresh ServiceIDs come from the caller.
enum NexoRequests {
    static func payment(_ request: PaymentRequest, parties: NexoParties, at time: Date) -> NexoRequest {
        let header = NexoHeader(messageCategory: "Payment", messageType: "Request",
                                serviceID: NexoServiceID.payment(attemptID: request.attemptID),
                                saleID: parties.saleID, poiID: parties.poiID)
        let amount = Decimal(string: request.amount.decimalString, locale: Locale(identifier: "en_US_POSIX"))!
        let body = NexoPaymentBody(
            saleData: .init(saleTransactionID: NexoTransactionID(transactionID: request.attemptID, timeStamp: timestamp(time))),
            paymentTransaction: .init(amountsReq: .init(currency: request.amount.currency.code, requestedAmount: amount)))
        return NexoRequest(saleToPOIRequest: .init(messageHeader: header, paymentRequest: body))
    }

    static func status(of attemptID: String, serviceID: String, parties: NexoParties) -> NexoRequest {
        let header = NexoHeader(messageCategory: "TransactionStatus", messageType: "Request", serviceID: serviceID,
                                saleID: parties.saleID, poiID: parties.poiID)
        let reference = paymentReference(attemptID, parties: parties)
        return NexoRequest(saleToPOIRequest: .init(messageHeader: header, transactionStatusRequest: NexoStatusBody(messageReference: reference)))
    }

    static func abort(of attemptID: String, serviceID: String, parties: NexoParties) -> NexoRequest {
        let header = NexoHeader(messageCategory: "Abort", messageType: "Request", serviceID: serviceID,
                                saleID: parties.saleID, poiID: parties.poiID)
        return NexoRequest(saleToPOIRequest: .init(messageHeader: header, abortRequest: NexoAbortBody(messageReference: paymentReference(attemptID, parties: parties))))
    }

    static func reversal(of transaction: NexoTransactionID, serviceID: String, parties: NexoParties) -> NexoRequest {
        let header = NexoHeader(messageCategory: "Reversal", messageType: "Request", serviceID: serviceID,
                                saleID: parties.saleID, poiID: parties.poiID)
        let original = NexoReversalBody.OriginalPOITransaction(saleID: parties.saleID, poiID: parties.poiID, poiTransactionID: transaction)
        return NexoRequest(saleToPOIRequest: .init(messageHeader: header, reversalRequest: NexoReversalBody(originalPOITransaction: original)))
    }

    static func paymentReference(_ attemptID: String, parties: NexoParties) -> NexoMessageReference {
        NexoMessageReference(messageCategory: "Payment", serviceID: NexoServiceID.payment(attemptID: attemptID),
                             saleID: parties.saleID, poiID: parties.poiID)
    }

    /// ISO 8601 in UTC with milliseconds, as nexo's TimeStamp.
    static func timestamp(_ time: Date) -> String {
        time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
