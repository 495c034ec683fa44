import Foundation
import KioskTestSupport
@testable import Payments
import Retail
import Testing

/// The Terminal API messages the adapter writes and reads, without a network.
@Suite struct NexoMessageTests {
    let parties = NexoParties(saleID: "L01", poiID: "V400m-324688179")

    func object(_ request: NexoRequest) throws -> [String: Any] {
        let json = try #require(JSONSerialization.jsonObject(with: try request.json()) as? [String: Any])
        return try #require(json["SaleToPOIRequest"] as? [String: Any])
    }

    @Test func aPaymentRequestCarriesTheExactAmountAndTheAttemptAsSaleTransaction() throws {
        let pay = PaymentRequest(attemptID: "S7-P1", amount: yuan(1_099))
        let message = NexoRequests.payment(pay, parties: parties, at: Date(timeIntervalSince1970: 1_800_000_000))
        let text = String(decoding: try message.json(), as: UTF8.self)
        // Exact decimal in major units, never a binary float's 10.990000000000002.
        #expect(text.contains(#""RequestedAmount":10.99"#))
        let request = try object(message)
        let header = try #require(request["MessageHeader"] as? [String: String])
        #expect(header == ["ProtocolVersion": "3.0", "MessageClass": "Service", "MessageCategory": "Payment", "MessageType": "Request",
                           "SaleID": "L01", "POIID": "V400m-324688179", "ServiceID": NexoServiceID.payment(attemptID: "S7-P1")])
        let body = try #require(request["PaymentRequest"] as? [String: Any])
        let sale = try #require((body["SaleData"] as? [String: Any])?["SaleTransactionID"] as? [String: String])
        #expect(sale == ["TransactionID": "S7-P1", "TimeStamp": "2027-01-15T08:00:00.000Z"])
        let amounts = try #require((body["PaymentTransaction"] as? [String: Any])?["AmountsReq"] as? [String: Any])
        #expect(amounts["Currency"] as? String == "CNY")
    }

    @Test(arguments: [Int64(1), 5, 100, 99_999_999_99])
    func amountsAreWrittenExactly(minorUnits: Int64) throws {
        let money = yuan(minorUnits)
        let message = NexoRequests.payment(PaymentRequest(attemptID: "A", amount: money), parties: parties, at: Date())
        let text = String(decoding: try message.json(), as: UTF8.self)
        let written = try #require(text.firstMatch(of: #/"RequestedAmount":([0-9.]+)/#)?.output.1)
        #expect(Decimal(string: String(written)) == Decimal(string: money.decimalString))
    }

    @Test func serviceIDsFitNexoAndNeverCollideWithAPaymentsOwn() {
        var generator = SplitMix64(seed: 7)
        var payments = Set<String>()
        for index in 0..<2_000 {
            let id = NexoServiceID.payment(attemptID: "S\(index)-P1")
            #expect(id.count == 10 && id.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) })
            #expect(NexoServiceID.payment(attemptID: "S\(index)-P1") == id)
            payments.insert(id)
            let fresh = NexoServiceID.fresh(using: &generator)
            #expect(fresh.count == 10 && fresh.hasPrefix("s") && !payments.contains(fresh))
        }
        #expect(payments.count == 2_000)
    }

    @Test func statusAndAbortNameThePaymentsServiceID() throws {
        let status = try object(NexoRequests.status(of: "S7-P1", serviceID: "s000000001", parties: parties))
        let reference = try #require((status["TransactionStatusRequest"] as? [String: Any])?["MessageReference"] as? [String: String])
        #expect(reference == ["MessageCategory": "Payment", "ServiceID": NexoServiceID.payment(attemptID: "S7-P1"), "SaleID": "L01",
                              "POIID": "V400m-324688179"])
        #expect((status["MessageHeader"] as? [String: String])?["ServiceID"] == "s000000001")
        let abort = try object(NexoRequests.abort(of: "S7-P1", serviceID: "s000000002", parties: parties))
        #expect((abort["AbortRequest"] as? [String: Any])?["AbortReason"] as? String == "MerchantAbort")
    }

    func reply(_ request: NexoRequest, _ body: String, category: String = "Payment", serviceID: String? = nil) throws -> NexoResponse {
        let h = request.header
        return try NexoResponse.parse(Data(#"""
            {"SaleToPOIResponse": {"MessageHeader": {"ProtocolVersion": "3.0", "MessageClass": "Service", "MessageCategory": "\#(category)",
             "MessageType": "Response", "ServiceID": "\#(serviceID ?? h.serviceID)", "SaleID": "\#(h.saleID)", "POIID": "\#(h.poiID)"}, \#(body)}}
            """#.utf8))
    }

    @Test func answersAreReadByResultThenCondition() throws {
        let amount = yuan(1_099)
        let pay = NexoRequests.payment(PaymentRequest(attemptID: "S7-P1", amount: amount), parties: parties, at: Date())
        let approved = try reply(pay, #""PaymentResponse": {"Response": {"Result": "Success"}, "POIData": {"POITransactionID": {"TransactionID": "X1", "TimeStamp": "t"}}, "PaymentResult": {"AmountsResp": {"AuthorizedAmount": 10.99}}}"#)
        #expect(try NexoAnswers.payment(approved, to: pay, amount: amount) == .approved(reference: "X1", tender: "card"))
        let refused = try reply(pay, #""PaymentResponse": {"Response": {"Result": "Failure", "ErrorCondition": "Refusal"}}"#)
        guard case .declined(let reason) = try NexoAnswers.payment(refused, to: pay, amount: amount) else { Issue.record("not declined"); return }
        #expect(reason.contains("Refusal"))
        // Another amount approved: never taken as this payment's approval.
        let other = try reply(pay, #""PaymentResponse": {"Response": {"Result": "Success"}, "POIData": {"POITransactionID": {"TransactionID": "X1", "TimeStamp": "t"}}, "PaymentResult": {"AmountsResp": {"AuthorizedAmount": 1.99}}}"#)
        #expect(throws: NexoError.amountMismatch(asked: "10.99", approved: "1.99")) { try NexoAnswers.payment(other, to: pay, amount: amount) }
        // An answer to another request is not this one's.
        let stale = try reply(pay, #""PaymentResponse": {"Response": {"Result": "Success"}}"#, serviceID: "OTHER")
        #expect(throws: NexoError.self) { try NexoAnswers.payment(stale, to: pay, amount: amount) }

        let status = NexoRequests.status(of: "S7-P1", serviceID: "s1", parties: parties)
        for (condition, answer) in [("InProgress", TerminalAnswer.inProgress), ("NotFound", .notFound)] {
            let response = try reply(status, #""TransactionStatusResponse": {"Response": {"Result": "Failure", "ErrorCondition": "\#(condition)"}}"#,
                                     category: "TransactionStatus")
            #expect(try NexoAnswers.status(response, to: status, attemptID: "S7-P1", amount: nil) == answer)
        }
        let repeated = try reply(status, #"""
            "TransactionStatusResponse": {"Response": {"Result": "Success"}, "RepeatedMessageResponse": {"RepeatedResponseMessageBody":
             {"PaymentResponse": {"Response": {"Result": "Success"}, "SaleData": {"SaleTransactionID": {"TransactionID": "S7-P1", "TimeStamp": "t"}},
              "POIData": {"POITransactionID": {"TransactionID": "X1", "TimeStamp": "t"}}}}}}
            """#, category: "TransactionStatus")
        #expect(try NexoAnswers.status(repeated, to: status, attemptID: "S7-P1", amount: nil) == .approved(reference: "X1", tender: "card"))
        #expect(throws: NexoError.self) { try NexoAnswers.status(repeated, to: status, attemptID: "S8-P1", amount: nil) }
    }

    @Test func aRejectionOrGarbageIsAnErrorNotADecline() throws {
        let reject = try NexoResponse.parse(Data(#"{"SaleToPOIRequest": {"EventNotification": {"EventToNotify": "Reject", "EventDetails": "message=bad"}}}"#.utf8))
        let pay = NexoRequests.payment(PaymentRequest(attemptID: "S7-P1", amount: yuan(5)), parties: parties, at: Date())
        #expect(throws: NexoError.rejected("Reject message=bad")) { try NexoAnswers.payment(reject, to: pay, amount: yuan(5)) }
        for garbage in ["", "null", "[]", "{\"SaleToPOIResponse\": 3}", String(repeating: "{", count: 10_000)] {
            #expect(throws: NexoError.self) { _ = try NexoResponse.parse(Data(garbage.utf8)) }
        }
    }

    /// The envelope opens what it sealed, and refuses a changed blob, trailer or key.
    @Test func theEncryptionEnvelopeRoundTripsAndRefusesTampering() throws {
        let security = try NexoSecurity(keyIdentifier: "k1", keyVersion: 1, passphrase: "pass phrase")
        let message = try NexoRequests.payment(PaymentRequest(attemptID: "S7-P1", amount: yuan(1_099)), parties: parties, at: Date()).json()
        let sealed = try security.seal(message, nonce: Array(repeating: 7, count: 16))
        let text = String(decoding: sealed, as: UTF8.self)
        #expect(!text.contains("10.99") && !text.contains("S7-P1"), "the body travels encrypted")
        #expect(text.contains("\"POIID\":\"V400m-324688179\""), "the header stays readable")
        #expect(try security.open(sealed) == message)
        // Another nonce: another blob for the same message.
        #expect(try security.seal(message, nonce: Array(repeating: 8, count: 16)) != sealed)

        var object = try #require(JSONSerialization.jsonObject(with: sealed) as? [String: [String: Any]])
        var body = try #require(object["SaleToPOIRequest"])
        var blob = try #require(Data(base64Encoded: body["NexoBlob"] as! String))
        blob[blob.count - 20] ^= 1
        body["NexoBlob"] = blob.base64EncodedString()
        object["SaleToPOIRequest"] = body
        #expect(throws: NexoSecurity.Failure.self) { try security.open(try JSONSerialization.data(withJSONObject: object)) }
        let other = try NexoSecurity(keyIdentifier: "k1", keyVersion: 1, passphrase: "another phrase")
        #expect(throws: NexoSecurity.Failure.self) { try other.open(sealed) }
        #expect(throws: NexoSecurity.Failure.self) { try security.open(message) }
    }
}
