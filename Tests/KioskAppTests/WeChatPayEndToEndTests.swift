import Foundation
import KioskTestSupport
import Testing

/// A wallet code pays through the WeChat Pay adapter against the gateway simulator (a separate
/// process), the gateway's answer lost once; charged once. The merchant's API key and the full
/// payment code reach neither the kiosk's log nor any file in its state folder.
@Suite(.serialized) struct WeChatPayEndToEndTests {
    static let apiKey = "Secr3tMerchantKeyNeverInTheLogs0"
    static let code = "134567890123456789"

    @Test func aWalletCodePaysOnceAndTheKeyIsNeverWrittenDown() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let rig = try await WeChatPaySimulatorRig(folder: folder, faults: "drop-after-charge:1", apiKey: Self.apiKey)
        let simulator = rig.simulator
        defer { simulator.kill9() }
        let config = folder.appendingPathComponent("kiosk.json")
        try Data(#"{"usbDevices": false, "paymentTimeoutSeconds": 600, "wechatPay": \#(rig.settings())}"#.utf8).write(to: config)
        let kiosk = try await KioskProcess(stateDirectory: state, extraArguments: ["--config", config.path, "--log-level", "debug"])
        let api = APIClient(base: kiosk.baseURL)
        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        #expect(try await api.scan(try #require(items.first { $0["hint"] == nil }?["code"] as? String)).status == 200)
        #expect(try await api.scan(Self.code).status == 200)
        let paid = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" })
        #expect((paid["sale"] as? [String: Any])?["id"] != nil)
        #expect(try await api.post("/api/finish").status == 200)
        #expect(await kiosk.stop() == 0)

        let ledger = try JSONSerialization.jsonObject(with: Data(contentsOf: simulator.ledger)) as? [String: Any]
        let orders = try #require(ledger?["orders"] as? [String: [String: Any]])
        #expect(orders.count == 1 && orders.values.first?["state"] as? String == "SUCCESS")

        for text in writtenDown(log: kiosk.log, stateFolder: state) {
            #expect(!text.contains(Self.apiKey), "the merchant key was written down")
            #expect(!text.contains(Self.code), "the full payment code was written down")
        }
    }
}
