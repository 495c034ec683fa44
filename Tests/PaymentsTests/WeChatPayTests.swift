import Foundation
import KioskTestSupport
@testable import Payments
import Retail
import Testing

/// WeChat Pay micropay: the signature against the example in WeChat Pay's own security rules,
/// the XML reader against hostile input, and the adapter against the gateway simulator (a
/// separate process that checks every signature with its own implementation). What every adapter
/// must do (lost answers, restarts, the same attempt twice) is in PaymentTerminalContractTests.
@Suite(.serialized) struct WeChatPayTests {

    /// The worked example of WeChat Pay's signature rules (API v2), both algorithms.
    @Test func signaturesMatchTheDocumentedExample() {
        let fields = ["appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000", "body": "test",
                      "nonce_str": "ibuaiVcKdpRxkhJA", "empty": ""]
        let key = "192006250b4c09247ec02edce69f6a2d"
        #expect(WeChatPaySignature.sign(fields, key: key, kind: .md5) == "9A0A8659F005D6984697E2CA0A9CF3B7")
        #expect(WeChatPaySignature.sign(fields, key: key, kind: .hmacSHA256)
                == "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6")
        var signed = fields
        signed["sign"] = "9A0A8659F005D6984697E2CA0A9CF3B7"
        #expect(WeChatPaySignature.verify(signed, key: key, kind: .md5))
        signed["body"] = "tampered"
        #expect(!WeChatPaySignature.verify(signed, key: key, kind: .md5))
    }

    @Test func xmlRoundTripsAndRefusesAnythingButFlatFields() throws {
        let fields = ["a": "1", "b": "x]]>y", "c": "<&>"]
        #expect(try WeChatPayXML.decode(WeChatPayXML.encode(fields)) == fields)
        #expect(try WeChatPayXML.decode("<?xml version=\"1.0\"?>\n<xml><a>1 &amp; 2</a></xml>") == ["a": "1 & 2"])
        for bad in ["", "<xml>", "<!DOCTYPE x [<!ENTITY e \"boom\">]><xml><a>&e;</a></xml>", "<xml><a><b>1</b></a></xml>",
                    "<xml><a>1</a><a>2</a></xml>", "<xml><a>1</b></xml>", "<xml></xml>trailing", "<xml><a>&e;</a></xml>"] {
            #expect(throws: WeChatPayXML.Malformed.self) { _ = try WeChatPayXML.decode(bad) }
        }
    }

    @Test func outTradeNumbersFitWeChatsRules() {
        #expect(WeChatPayGateway.outTradeNo("L01-1733-P1") == "L01-1733-P1")
        let long = WeChatPayGateway.outTradeNo(String(repeating: "x", count: 40))
        #expect(long.count == 31 && long.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(WeChatPayGateway.outTradeNo("a b") != WeChatPayGateway.outTradeNo("a_b"))
    }

    final class Rig: @unchecked Sendable {
        let folder: URL
        let gatewayRig: WeChatPaySimulatorRig
        var simulator: TerminalSimulatorProcess { gatewayRig.simulator }

        init(faults: String = "") async throws {
            folder = try temporaryDirectory()
            gatewayRig = try await WeChatPaySimulatorRig(folder: folder, faults: faults)
        }

        func gateway(signType: WeChatPaySignature.Kind = .hmacSHA256, key: String? = nil) throws -> WeChatPayGateway {
            var settings = try JSONDecoder().decode(WeChatPaySettings.self, from: Data(gatewayRig.settings().utf8))
            if let key {
                settings.keyFile = folder.appendingPathComponent("other.key").path
                try Data(key.utf8).write(to: URL(fileURLWithPath: settings.keyFile))
            }
            settings.signType = signType
            settings.userPayingSeconds = 5
            return try WeChatPayGateway(settings: settings, pollInterval: .milliseconds(200))
        }

        /// Orders the simulator charged and did not reverse, by out_trade_no.
        func charged() throws -> Set<String> { Set(try gatewayRig.charges().keys) }

        deinit {
            simulator.kill9()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    func pay(_ id: String, _ minorUnits: Int64, code: String = "134567890123456789") -> PaymentRequest {
        PaymentRequest(attemptID: id, amount: yuan(minorUnits), wallet: WalletCode(digits: code))
    }

    @Test(arguments: [WeChatPaySignature.Kind.md5, .hmacSHA256])
    func aCodeIsChargedOnceWithEitherSignature(kind: WeChatPaySignature.Kind) async throws {
        let rig = try await Rig()
        let gateway = try rig.gateway(signType: kind)
        let answer = try await gateway.authorize(pay("W1-P1", 1_250))
        guard case .approved(let reference, "wechat-pay") = answer else { Issue.record("not approved: \(answer)"); return }
        #expect(reference.hasPrefix("42000"))
        #expect(try rig.charged() == ["W1-P1"])
    }

    @Test func aWrongKeyIsRefusedByTheGatewayAndNothingIsCharged() async throws {
        let rig = try await Rig()
        await #expect(throws: WeChatPayError.gatewayRefused("SIGNERROR")) {
            try await rig.gateway(key: "not-the-merchant-key").authorize(pay("W2-P1", 100))
        }
        #expect(try rig.charged().isEmpty)
    }

    @Test func anExpiredCodeIsDeclined() async throws {
        let rig = try await Rig()
        guard case .declined(let reason) = try await rig.gateway().authorize(pay("W3-P1", 100, code: "134567890123450000")) else {
            Issue.record("not declined"); return
        }
        #expect(reason.contains("AUTHCODEEXPIRE"))
        #expect(try rig.charged().isEmpty)
    }

    /// USERPAYING: the order is polled until the shopper confirmed.
    @Test func userPayingIsPolledUntilPaid() async throws {
        let rig = try await Rig(faults: "userpaying:2")
        guard case .approved = try await rig.gateway().authorize(pay("W4-P1", 800)) else { Issue.record("not approved"); return }
        #expect(try rig.charged() == ["W4-P1"])
    }

    /// SYSTEMERROR after the charge: the same out_trade_no is queried and found paid, once.
    @Test func systemErrorIsQueriedNotRepaid() async throws {
        let rig = try await Rig(faults: "systemerror-after-charge:1")
        guard case .approved = try await rig.gateway().authorize(pay("W5-P1", 900)) else { Issue.record("not approved"); return }
        #expect(try rig.charged() == ["W5-P1"])
    }

    /// A shopper who never confirms: after the wait the order is reversed (asked again while the
    /// gateway says "recall"), and nothing stays charged.
    @Test func anOrderStillOpenAfterTheWaitIsReversed() async throws {
        let rig = try await Rig(faults: "userpaying:1000,recall:1")
        guard case .declined(let reason) = try await rig.gateway().authorize(pay("W7-P1", 600)) else { Issue.record("not declined"); return }
        #expect(reason.contains("REVOKED"))
        #expect(try rig.charged().isEmpty)
    }
}
