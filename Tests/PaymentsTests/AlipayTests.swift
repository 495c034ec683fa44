import Foundation
import KioskTestSupport
@testable import Payments
import Retail
import Testing
import _CryptoExtras

/// Alipay face-to-face: RSA2 signatures checked against an independent implementation (Python's
/// `cryptography`), answers believed only over their exact signed text, and the adapter against
/// the gateway simulator (a separate process that checks every request's signature itself).
/// What every adapter must do (lost answers, restarts, the same attempt twice) is in
/// PaymentTerminalContractTests.
@Suite(.serialized) struct AlipayTests {
    final class Rig: @unchecked Sendable {
        let folder: URL
        let gatewayRig: AlipaySimulatorRig
        var simulator: TerminalSimulatorProcess { gatewayRig.simulator }

        init(faults: String = "") async throws {
            folder = try temporaryDirectory()
            gatewayRig = try await AlipaySimulatorRig(folder: folder, faults: faults)
        }

        func gateway(privateKeyFile: String? = nil) throws -> AlipayGateway {
            var settings = try JSONDecoder().decode(AlipaySettings.self, from: Data(gatewayRig.settings().utf8))
            if let privateKeyFile { settings.privateKeyFile = privateKeyFile }
            settings.userPayingSeconds = 5
            return try AlipayGateway(settings: settings, pollInterval: .milliseconds(200))
        }

        func charged() throws -> Set<String> { Set(try gatewayRig.charges().keys) }

        deinit {
            simulator.kill9()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    func pay(_ id: String, _ minorUnits: Int64, code: String = "2800123456789012") -> PaymentRequest {
        PaymentRequest(attemptID: id, amount: yuan(minorUnits), wallet: WalletCode(digits: code))
    }

    /// The signed text as Alipay's rules define it: sorted by name, empty values and sign left out.
    @Test func theSignedTextFollowsTheDocumentedRule() {
        let parameters = ["method": "alipay.trade.pay", "app_id": "2014072300007148", "sign": "x", "charset": "utf-8",
                          "biz_content": #"{"a":"1"}"#, "notify_url": "", "version": "1.0"]
        #expect(AlipaySignature.content(parameters)
                == #"app_id=2014072300007148&biz_content={"a":"1"}&charset=utf-8&method=alipay.trade.pay&version=1.0"#)
    }

    /// The adapter's RSA2 signature verifies with Python's `cryptography` (SHA256withRSA,
    /// PKCS#1 v1.5), and since that padding is deterministic, Python's own signature with the same
    /// key over the same text is the same bytes; a changed text does not verify.
    @Test func theSignatureVerifiesWithAnIndependentImplementation() async throws {
        try await withTemporaryDirectory { folder in
            let keyFile = folder.appendingPathComponent("app.key")
            let made = try await run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyFile.path],
                                     in: folder, mergingErrors: true)
            #expect(made.status == 0)
            let key = try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOf: keyFile, encoding: .utf8))
            let parameters = ["app_id": "2021000000000001", "method": "alipay.trade.pay", "charset": "utf-8", "sign_type": "RSA2",
                              "timestamp": "2026-12-07 10:00:00", "version": "1.0",
                              "biz_content": #"{"auth_code":"2800123456789012","out_trade_no":"L01_P1","subject":"买菜","total_amount":"12.50"}"#]
            let signature = try AlipaySignature.sign(parameters, key: key)
            try Data(AlipaySignature.content(parameters).utf8).write(to: folder.appendingPathComponent("content"))
            let script = """
                import base64, sys
                from cryptography.hazmat.primitives import hashes, serialization
                from cryptography.hazmat.primitives.asymmetric import padding
                key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
                content = open(sys.argv[2], "rb").read()
                given = base64.b64decode(sys.argv[3])
                key.public_key().verify(given, content, padding.PKCS1v15(), hashes.SHA256())
                print("same" if key.sign(content, padding.PKCS1v15(), hashes.SHA256()) == given else "different")
                try:
                    key.public_key().verify(given, content + b"x", padding.PKCS1v15(), hashes.SHA256())
                    print("tampered verified")
                except Exception:
                    print("tampered refused")
                """
            let result = try await run("/usr/bin/python3", ["-c", script, keyFile.path, folder.appendingPathComponent("content").path, signature],
                                       in: folder, mergingErrors: true)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output == "same\ntampered refused\n")
        }
    }

    /// An answer is believed over the exact text of its `<method>_response` member: the same
    /// fields spaced differently, a changed value, a missing or duplicated signature are refused.
    @Test func answersAreVerifiedOverTheirExactText() throws {
        let alipay = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let node = #"{ "code":"10000", "msg":"Success","trade_status":"TRADE_SUCCESS","trade_no":"2026001","total_amount":"1.00"}"#
        func answer(_ signed: String, _ sent: String) throws -> [UInt8] {
            let signature = try alipay.signature(for: Array(signed.utf8), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
            return Array(#"{"alipay_trade_query_response": \#(sent) , "sign":"\#(signature)"}"#.utf8)
        }
        let fields = try AlipayAnswers.fields(of: answer(node, node), method: "alipay.trade.query", key: alipay.publicKey)
        #expect(fields["trade_status"] == "TRADE_SUCCESS" && fields["trade_no"] == "2026001")
        #expect(try AlipayAnswers.query(fields, amount: "1.00") == .approved(reference: "2026001", tender: "alipay"))
        let respaced = node.replacingOccurrences(of: "{ ", with: "{")
        #expect(throws: AlipayError.badSignature) { _ = try AlipayAnswers.fields(of: answer(node, respaced), method: "alipay.trade.query", key: alipay.publicKey) }
        let changed = node.replacingOccurrences(of: "2026001", with: "2026002")
        #expect(throws: AlipayError.badSignature) { _ = try AlipayAnswers.fields(of: answer(node, changed), method: "alipay.trade.query", key: alipay.publicKey) }
        let unsigned = Array(#"{"alipay_trade_query_response":\#(node)}"#.utf8)
        #expect(throws: AlipayError.badSignature) { _ = try AlipayAnswers.fields(of: unsigned, method: "alipay.trade.query", key: alipay.publicKey) }
        #expect(throws: AlipayError.incomplete("alipay_trade_pay_response")) {
            _ = try AlipayAnswers.fields(of: answer(node, node), method: "alipay.trade.pay", key: alipay.publicKey)
        }
        for bad in ["", "[]", "{", #"{"a":1,"a":2}"#, "{\"alipay_trade_query_response\":{}} trailing"] {
            #expect(throws: (any Error).self) { _ = try AlipayAnswers.fields(of: Array(bad.utf8), method: "alipay.trade.query", key: alipay.publicKey) }
        }
    }

    /// code, then sub_code, then trade_status, as Alipay's rules order them.
    @Test func answersAreReadCodeThenSubCodeThenTradeStatus() throws {
        #expect(try AlipayAnswers.pay(["code": "10000", "trade_no": "T1", "total_amount": "12.50"], amount: "12.50") == .paid(tradeNo: "T1"))
        #expect(throws: AlipayError.amountMismatch(asked: "12.50", paid: "1.25")) {
            _ = try AlipayAnswers.pay(["code": "10000", "trade_no": "T1", "total_amount": "1.25"], amount: "12.50")
        }
        #expect(try AlipayAnswers.pay(["code": "10003"], amount: "1.00") == .waiting)
        #expect(try AlipayAnswers.pay(["code": "20000"], amount: "1.00") == .query("20000 "))
        #expect(try AlipayAnswers.pay(["code": "40004", "sub_code": "ACQ.SYSTEM_ERROR"], amount: "1.00") == .query("ACQ.SYSTEM_ERROR"))
        #expect(try AlipayAnswers.pay(["code": "40004", "sub_code": "ACQ.PAYMENT_AUTH_CODE_INVALID", "sub_msg": "expired"], amount: "1.00")
                == .refused(subCode: "ACQ.PAYMENT_AUTH_CODE_INVALID", message: "expired"))
        #expect(throws: AlipayError.gatewayRefused(code: "40002", subCode: "isv.invalid-signature")) {
            _ = try AlipayAnswers.pay(["code": "40002", "sub_code": "isv.invalid-signature"], amount: "1.00")
        }
        #expect(try AlipayAnswers.query(["code": "40004", "sub_code": "ACQ.TRADE_NOT_EXIST"], amount: nil) == .notFound)
        #expect(try AlipayAnswers.query(["code": "10000", "trade_status": "WAIT_BUYER_PAY"], amount: nil) == .inProgress)
        #expect(throws: AlipayError.self) { _ = try AlipayAnswers.query(["code": "20000"], amount: nil) }
        #expect(try AlipayAnswers.cancelled(["code": "10000", "retry_flag": "N"]))
        #expect(try !AlipayAnswers.cancelled(["code": "20000", "retry_flag": "Y"]))
        #expect(AlipayAnswers.yuan(1_250) == "12.50" && AlipayAnswers.yuan(5) == "0.05")
        #expect(AlipayGateway.outTradeNo("L01_1733_P1") == "L01_1733_P1")
        #expect(AlipayGateway.outTradeNo("L01-1733-P1").hasPrefix("K"))
    }

    @Test func aCodeIsChargedOnce() async throws {
        let rig = try await Rig()
        let answer = try await rig.gateway().authorize(pay("A1_P1", 1_250))
        guard case .approved(let reference, "alipay") = answer else { Issue.record("not approved: \(answer)"); return }
        #expect(reference.hasPrefix("2026"))
        #expect(try rig.charged() == ["A1_P1"])
    }

    /// Requests signed with a key that is not the app's are refused by the gateway; nothing charged.
    @Test func aWrongKeyIsRefusedByTheGatewayAndNothingIsCharged() async throws {
        let rig = try await Rig()
        await #expect(throws: AlipayError.gatewayRefused(code: "40002", subCode: "isv.invalid-signature")) {
            try await rig.gateway(privateKeyFile: rig.gatewayRig.alipayPrivateKey).authorize(pay("A2_P1", 100))
        }
        #expect(try rig.charged().isEmpty)
    }

    @Test func anExpiredCodeIsDeclined() async throws {
        let rig = try await Rig()
        guard case .declined(let reason) = try await rig.gateway().authorize(pay("A3_P1", 100, code: "2800123456780000")) else {
            Issue.record("not declined"); return
        }
        #expect(reason.contains("ACQ.PAYMENT_AUTH_CODE_INVALID"))
        #expect(try rig.charged().isEmpty)
    }

    /// 10003: the order is polled until the shopper confirmed.
    @Test func waitingForTheShopperIsPolledUntilPaid() async throws {
        let rig = try await Rig(faults: "userpaying:2")
        guard case .approved = try await rig.gateway().authorize(pay("A4_P1", 800)) else { Issue.record("not approved"); return }
        #expect(try rig.charged() == ["A4_P1"])
    }

    /// 20000 after the charge: the same out_trade_no is queried and found paid, once.
    @Test func anUnknownResultIsQueriedNotRepaid() async throws {
        let rig = try await Rig(faults: "systemerror-after-charge:1")
        guard case .approved = try await rig.gateway().authorize(pay("A5_P1", 900)) else { Issue.record("not approved"); return }
        #expect(try rig.charged() == ["A5_P1"])
    }

    /// A shopper who never confirms: after the wait the order is cancelled (asked again while
    /// Alipay answers retry_flag Y), and nothing stays charged.
    @Test func anOrderStillOpenAfterTheWaitIsCancelled() async throws {
        let rig = try await Rig(faults: "userpaying:1000,retry:1")
        guard case .declined(let reason) = try await rig.gateway().authorize(pay("A6_P1", 600)) else { Issue.record("not declined"); return }
        #expect(reason.contains("TRADE_CLOSED"))
        #expect(try rig.charged().isEmpty)
    }

    @Test func settingsAreChecked() {
        var settings = AlipaySettings(gateway: "https://openapi.alipay.com/gateway.do", appID: "2021000000000001",
                                      privateKeyFile: "/etc/kiosk/alipay-app.key", alipayPublicKeyFile: "/etc/kiosk/alipay.pub")
        #expect(settings.problem() == nil)
        settings.gateway = "http://openapi.alipay.com/gateway.do"
        #expect(settings.problem()?.hasPrefix("alipay.gateway") == true)
        settings.gateway = "https://openapi.alipay.com/gateway.do"
        settings.appID = "wx123"
        #expect(settings.problem()?.hasPrefix("alipay.appID") == true)
        settings.appID = "2021000000000001"
        settings.privateKeyFile = "alipay-app.key"
        #expect(settings.problem()?.hasPrefix("alipay.privateKeyFile") == true)
    }
}
