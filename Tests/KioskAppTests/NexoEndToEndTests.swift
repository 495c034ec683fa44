import Foundation
import KioskTestSupport
import Testing

/// The real kiosk paying through the nexo adapter against the terminal simulator, both separate
/// processes: a lost answer, and a power cut in the middle of a payment. The check at the end
/// compares the simulator's own ledger with the journal: every charge has exactly one sale of the
/// same amount, and no attempt was charged twice.
@Suite(.serialized) struct NexoEndToEndTests {

    @Test func theLanePaysThroughTheTerminalAndSurvivesLostAnswersAndPowerCuts() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let rig = try await NexoSimulatorRig(folder: folder, faults: "drop-after-charge:1")
        let simulator = rig.simulator
        let arguments = try rig.kioskArguments()
        var kiosk = try await KioskProcess(stateDirectory: state, extraArguments: arguments)
        var api = APIClient(base: kiosk.baseURL)
        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        let plain = try #require(items.first { $0["hint"] == nil }?["code"] as? String)

        // 1. The terminal charges and its answer is lost: the status query finds the charge.
        #expect(try await api.scan(plain).status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        let paid = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" })
        #expect((paid["sale"] as? [String: Any])?["id"] != nil)
        #expect(try await api.post("/api/finish").status == 200)

        // 2. A power cut while the shopper is at the terminal (which takes 3 s to approve). Back
        //    up, the lane asks the terminal and ends the payment as the terminal says.
        simulator.kill9()
        try await simulator.start(faults: "delay-ms:3000")
        #expect(try await api.scan(plain).status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        kiosk.kill9()
        kiosk = try await KioskProcess(stateDirectory: state, extraArguments: arguments)
        api = APIClient(base: kiosk.baseURL)
        let settled = try #require(try await api.waitForState { ["receipt", "shopping"].contains($0["phase"] as? String) })
        if settled["phase"] as? String == "shopping" {
            // The terminal never saw it: pay again.
            #expect(try await api.post("/api/pay").status == 200)
            #expect(try await api.waitForState { $0["phase"] as? String == "receipt" } != nil)
        }
        #expect(try await api.post("/api/finish").status == 200)
        #expect(await kiosk.stop() == 0)

        // The ledger and the journal agree, independently of what the kiosk believed.
        let check = try LedgerJournalCheck(journalPath: state.appendingPathComponent("journal.sqlite").path, ledger: try simulator.payments())
        #expect(check.problems == [])
        #expect(check.sales == 2 && check.charges == 2)

        // The terminal's passphrase reaches neither the log nor the state folder.
        #expect(writtenDown(log: kiosk.log, stateFolder: state).allSatisfy { !$0.contains("a terminal's passphrase") })
    }
}
