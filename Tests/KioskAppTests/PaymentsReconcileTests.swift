import Foundation
import KioskTestSupport
import Testing

/// `kiosk payments reconcile`: a lane pays by card (nexo terminal simulator) and by WeChat Pay
/// code (gateway simulator); the day's attempts agree with both providers' records. Then a
/// mismatch is seeded in the terminal's own ledger (the charge the journal has is gone): the
/// command names that attempt and exits 1.
@Suite(.serialized) struct PaymentsReconcileTests {

    @Test func theDaysAttemptsAreMatchedWithTheProvidersRecords() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        for name in ["nexo", "wechat"] { try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true) }
        let nexo = try await NexoSimulatorRig(folder: folder.appendingPathComponent("nexo"))
        let wechat = try await WeChatPaySimulatorRig(folder: folder.appendingPathComponent("wechat"))
        let config = folder.appendingPathComponent("kiosk.json")
        try Data(#"""
            {"usbDevices": false, "paymentTimeoutSeconds": 600, "nexoTerminal": \#(nexo.nexoSettings()), "wechatPay": \#(wechat.settings())}
            """#.utf8).write(to: config)

        let kiosk = try await KioskProcess(stateDirectory: state, extraArguments: ["--config", config.path])
        let api = APIClient(base: kiosk.baseURL)
        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        let plain = try #require(items.first { $0["hint"] == nil }?["code"] as? String)
        #expect(try await api.scan(plain).status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        #expect(try await api.waitForState { $0["phase"] as? String == "receipt" } != nil)
        #expect(try await api.post("/api/finish").status == 200)
        #expect(try await api.scan(plain).status == 200)
        #expect(try await api.scan("134567890123456789").status == 200)
        #expect(try await api.waitForState { $0["phase"] as? String == "receipt" } != nil)
        #expect(try await api.post("/api/finish").status == 200)
        #expect(await kiosk.stop() == 0)

        let reconcile = [KioskProcess.binary.path, "payments", "reconcile", "--state-dir", state.path, "--config", config.path]
        let agreed = try await run(reconcile[0], Array(reconcile.dropFirst()), in: folder, mergingErrors: true)
        #expect(agreed.status == 0, "\(agreed.output)")
        #expect(agreed.output.contains("2 payment attempts, 0 differences"), "\(agreed.output)")

        // The terminal's own record of the card payment is gone (a terminal swapped, a ledger lost).
        let card = try #require(try nexo.simulator.payments().first?["TransactionID"] as? String)
        nexo.simulator.kill9()
        var ledger = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: nexo.simulator.ledger)) as? [String: Any])
        ledger["payments"] = []
        try JSONSerialization.data(withJSONObject: ledger).write(to: nexo.simulator.ledger)
        try await nexo.simulator.start()
        let differs = try await run(reconcile[0], Array(reconcile.dropFirst()), in: folder, mergingErrors: true)
        #expect(differs.status == 1, "\(differs.output)")
        #expect(differs.output.contains("journal-paid-provider-not  \(card)  journal: approved SIMNEXO00000001  provider: not found"), "\(differs.output)")
        #expect(differs.output.contains("2 payment attempts, 1 differences"), "\(differs.output)")

        // A day without payments has nothing to differ; a date that is not one is refused.
        let empty = try await run(reconcile[0], Array(reconcile.dropFirst()) + ["--date", "2020-01-01"], in: folder, mergingErrors: true)
        #expect(empty.status == 0 && empty.output.contains("2020-01-01: 0 payment attempts, 0 differences"), "\(empty.output)")
        let bad = try await run(reconcile[0], Array(reconcile.dropFirst()) + ["--date", "2026-02-30"], in: folder, mergingErrors: true)
        #expect(bad.status != 0 && bad.output.contains("is not a date"), "\(bad.output)")
    }
}
