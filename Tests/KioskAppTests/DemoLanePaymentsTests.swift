import Foundation
import KioskTestSupport
import Testing

/// The demo lane as scripts/run starts it (scripts/demo-lane): a card payment goes through the
/// nexo adapter to the terminal simulator, a WeChat Pay code and an Alipay code through their
/// adapters to their gateway simulators, all separate processes whose own ledgers show the
/// charges; when the lane is killed, the simulators end with it.
@Suite(.serialized) struct DemoLanePaymentsTests {

    @Test func theDemoLanePaysThroughTheSimulatorProcessesAndStopsThem() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let payments = folder.appendingPathComponent("state-demo-payments")
        let kiosk = try await KioskProcess(stateDirectory: state, demoLane: true)
        // SIGKILL, and the exit awaited off the cooperative pool (not KioskProcess.kill9's blocking wait).
        func killLane() async -> Bool {
            kill(kiosk.process.processIdentifier, SIGKILL)
            return await eventually(60, every: .milliseconds(50)) { !kiosk.process.isRunning }
        }
        defer { kill(kiosk.process.processIdentifier, SIGKILL) }
        let api = APIClient(base: kiosk.baseURL)
        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        let plain = try #require(items.first { $0["hint"] == nil }?["code"] as? String)

        /// Scans an item, then starts the payment with `pay` and follows the sale to its end: the
        /// receipt screen (finished), or the lane back to idle when that screen ended by itself after
        /// its 15 s, which this test can sleep through while CPU-bound suites hold the test process's
        /// threads. Returns the cart's total as the page showed it before paying.
        func sell(_ payment: String, pay: () async throws -> Void) async throws -> String? {
            #expect(try await api.scan(plain).status == 200)
            let total = (try await api.get("/api/state").json["totals"] as? [String: Any])?["total"] as? String
            try await pay()
            guard let end = try await api.waitForState({ ["receipt", "idle"].contains($0["phase"] as? String) }) else {
                // Where it stopped: the lane's state and the simulators' logs.
                let logs = ["nexo-terminal", "wechat-pay", "alipay"].map { (name: String) -> String in
                    let log = try? String(contentsOf: payments.appendingPathComponent("\(name).log"), encoding: .utf8)
                    return "\(name): \(log ?? "no log")"
                }
                let state = try await api.get("/api/state").text
                Issue.record("\(payment) never ended; the lane's state: \(state)\n\(logs.joined(separator: "\n"))")
                throw TimedOut(seconds: 180)
            }
            if end["phase"] as? String == "receipt" {
                let finished = try await api.post("/api/finish").status
                let phase = try await api.get("/api/state").json["phase"] as? String
                #expect(finished == 200 || phase == "idle", "\(payment): finish answered \(finished) in phase \(phase ?? "?")")
            }
            return total
        }

        // A card: the page's pay button, the nexo terminal simulator.
        let cardTotal = try await sell("the card payment") {
            let paying = try await api.post("/api/pay").status
            #expect(paying == 200)
        }
        // A WeChat Pay code from the demo panel, the WeChat Pay gateway simulator.
        let walletTotal = try await sell("the WeChat Pay payment") {
            let scanned = try await api.scan("134567890123456789").status
            #expect(scanned == 200)
        }
        // An Alipay code, the Alipay gateway simulator.
        let alipayTotal = try await sell("the Alipay payment") {
            let scanned = try await api.scan("2800123456789012").status
            #expect(scanned == 200)
        }

        let nexo = try ledger(payments.appendingPathComponent("nexo-terminal-ledger.json"))["payments"] as? [[String: Any]] ?? []
        let charged = nexo.filter { $0["approved"] as? Bool == true }
        #expect(charged.count == 1)
        #expect(charged.first.flatMap { minorUnits($0["Amount"] as? String) } == minorUnits(cardTotal))
        let orders = try ledger(payments.appendingPathComponent("wechat-pay-ledger.json"))["orders"] as? [String: [String: Any]] ?? [:]
        #expect(orders.count == 1 && orders.values.first?["state"] as? String == "SUCCESS")
        #expect(orders.values.first?["total_fee"] as? Int == minorUnits(walletTotal))
        let trades = try ledger(payments.appendingPathComponent("alipay-ledger.json"))["orders"] as? [String: [String: Any]] ?? [:]
        #expect(trades.count == 1 && trades.values.first?["state"] as? String == "TRADE_SUCCESS")
        #expect(minorUnits(trades.values.first?["total_amount"] as? String) == minorUnits(alipayTotal))

        // Killing the lane (as killing scripts/run does) ends both simulators.
        let settings = try ledger(payments.appendingPathComponent("kiosk-demo.json"))
        let addresses = [(settings["nexoTerminal"] as? [String: Any])?["address"], (settings["wechatPay"] as? [String: Any])?["gateway"],
                         (settings["alipay"] as? [String: Any])?["gateway"]].compactMap { $0 as? String }
        #expect(addresses.count == 3)
        #expect(await killLane())
        // The lane recorded the three sales, each with its tender and total (a sale that ended on
        // the idle path showed no receipt screen to the test).
        let journal = try runTool(KioskProcess.binary, ["journal", "show", "--state-dir", state.path]).output
        let sales = journal.components(separatedBy: "recent sales:").last?.components(separatedBy: "\n\n").first?
            .split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? []
        #expect(sales.count == 3, "\(journal)")
        for (tender, total) in [("card", cardTotal), ("wechat-pay", walletTotal), ("alipay", alipayTotal)] {
            #expect(sales.contains { $0.contains(" \(tender) ") && total.map($0.contains) == true }, "\(tender) \(total ?? "?"): \(sales)")
        }
        for address in addresses {
            // curl's exit status 7: nothing accepts the connection any more.
            #expect(await eventually(60, every: .milliseconds(200)) {
                (try? await run("curl", ["-sk", "--max-time", "5", "-o", "/dev/null", address], in: folder).status) == 7
            }, "\(address) still answers after the lane was killed")
        }
    }

    private func ledger(_ file: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
    }

    /// "¥12.50" or "12.5" as 1250.
    private func minorUnits(_ text: String?) -> Int? {
        guard let text, let value = Decimal(string: String(text.filter { $0.isNumber || $0 == "." })) else { return nil }
        return NSDecimalNumber(decimal: value * 100).intValue
    }
}
