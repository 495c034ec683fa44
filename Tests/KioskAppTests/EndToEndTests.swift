import Checkout
import Foundation
import Journal
import KioskTestSupport
import Testing

/// The whole lane as a store runs it: the real executable, HTTP and WebSocket, the journal on
/// disk, a SIGKILL in the middle of a cart, and the receipt files of the simulated printer.

@Suite(.serialized) struct EndToEndTests {

    @Test func buyKillRestoreAndPay() async throws {
        let stateDir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stateDir) }

        var kiosk = try await KioskProcess(stateDirectory: stateDir, extraArguments: try terminalConfig(in: stateDir, neverAnswerCents: nil))
        var api = APIClient(base: kiosk.baseURL)

        // The page's WebSocket sees every change.
        let socket = try await PageSocket.open(port: kiosk.port, origin: kiosk.baseURL)
        #expect(socket.status == 101)

        let demo = try await api.get("/api/demo/items")
        let items = try #require(JSONSerialization.jsonObject(with: Data(demo.text.utf8)) as? [[String: Any]])
        func code(hint: String?) throws -> String {
            try #require(items.first { ($0["hint"] as? String) == hint }?["code"] as? String)
        }
        let plain = try code(hint: nil)
        let multiBuy = try code(hint: "3for2")
        let weighed = try code(hint: "weighed")

        #expect(try await api.scan(plain).status == 200)
        for _ in 0..<3 { #expect(try await api.scan(multiBuy).status == 200) }
        #expect(try await api.scan(weighed).status == 200)

        // Bad input is refused with a reason and changes nothing.
        let unknown = try await api.scan(try code(hint: "not found"))
        #expect(unknown.status == 422)
        #expect((unknown.json["error"] as? [String: Any])?["code"] as? String == "unknown-item")
        let malformed = try await api.scan("12345<script>")
        #expect(malformed.status == 422)
        #expect(try await api.post("/api/scan", "{not json").status == 400)
        #expect(try await api.post("/api/finish").status == 409)

        let before = try await api.get("/api/state").json
        let linesBefore = try #require(before["lines"] as? [[String: Any]])
        #expect(linesBefore.count == 3)
        #expect((before["discounts"] as? [Any])?.count == 1)
        let totalBefore = try #require((before["totals"] as? [String: Any])?["total"] as? String)

        // The WebSocket pushed the growing cart.
        #expect(await socket.waitForMessage { Self.lineCount(inStateMessage: $0) == 3 } != nil)
        socket.disconnect()

        // Power cut in the middle of the cart. The lane comes back with a terminal that will never
        // answer this total, so the payment below stays in progress for as long as the test needs.
        kiosk.kill9()
        let totalCents = try #require(Int(String(totalBefore.filter(\.isNumber).suffix(2))))
        kiosk = try await KioskProcess(stateDirectory: stateDir, extraArguments: try terminalConfig(in: stateDir, neverAnswerCents: totalCents))
        api = APIClient(base: kiosk.baseURL)
        let restored = try await api.get("/api/state").json
        #expect(restored["phase"] as? String == "shopping")
        #expect((restored["lines"] as? [[String: Any]])?.count == 3)
        #expect((restored["totals"] as? [String: Any])?["total"] as? String == totalBefore)
        #expect(restored["sessionID"] as? String == before["sessionID"] as? String)

        // The shopper's page, rendered by a real browser, shows the restored cart and its total.
        let page = try renderedPage(kiosk.baseURL)
        for line in linesBefore {
            let name = try #require((line["name"] as? [String: Any])?["en"] as? String)
            #expect(page.contains(name), "page lacks \(name)")
        }
        #expect(page.contains("id=\"totals-total\">\(totalBefore)<"))

        // Pay; the terminal does not answer, and the lane takes no scan while it waits.
        #expect(try await api.post("/api/pay").status == 200)
        #expect(try await api.scan(plain).status == 409)

        // Power cut in the middle of the payment. Back up, the lane asks the terminal, which
        // charged nothing, and returns the shopper to the cart to pay again.
        kiosk.kill9()
        kiosk = try await KioskProcess(stateDirectory: stateDir, extraArguments: try terminalConfig(in: stateDir, neverAnswerCents: nil))
        api = APIClient(base: kiosk.baseURL)
        let unpaid = try #require(try await api.waitForState { $0["phase"] as? String == "shopping" })
        #expect((unpaid["notice"] as? [String: Any])?["kind"] as? String == "paymentDeclined")
        #expect((unpaid["lines"] as? [[String: Any]])?.count == 3)

        // Pay again: the terminal approves, the receipt prints.
        #expect(try await api.post("/api/pay").status == 200)
        let done = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" })
        let sale = try #require(done["sale"] as? [String: Any])
        let saleID = try #require(sale["id"] as? String)
        #expect(sale["total"] as? String == totalBefore)
        #expect(sale["receiptPrinted"] as? Bool == true)

        let receiptText = try String(contentsOf: stateDir.appendingPathComponent("receipts/\(saleID).txt"), encoding: .utf8)
        #expect(receiptText.contains("TOTAL"))
        #expect(receiptText.contains(totalBefore))
        let escpos = try Data(contentsOf: stateDir.appendingPathComponent("receipts/\(saleID).escpos"))
        #expect(escpos.prefix(2) == Data([0x1B, 0x40]))
        // The page's receipt link carries the sale's link secret; without it there is nothing to see.
        let textLink = try #require(sale["receiptText"] as? String)
        #expect(try await api.get(textLink).text == receiptText)
        #expect(try await api.get("/receipts/\(saleID).txt").status == 404)
        #expect(try await api.get(try #require(sale["receiptPicture"] as? String)).text.contains("<svg"))

        #expect(try await api.post("/api/finish").status == 200)
        #expect(kiosk.terminate() == 0)

        // The journal holds the sale, once, behind an intact hash chain.
        let journal = try LaneJournal(path: stateDir.appendingPathComponent("journal.sqlite").path)
        #expect(try journal.verifyChain() > 5)
        let sales = try journal.recentSales()
        #expect(sales.map(\.id) == [saleID])
        #expect(sales.first?.total.description == totalBefore)
        #expect(try journal.openSession() == nil)
        let recorded = try #require(try journal.sale(id: saleID))
        #expect(recorded.lines.count == 3)
    }

    /// `--config` for a demo lane whose simulated terminal approves at once, or never answers
    /// totals ending in `neverAnswerCents` (as if the request never reached it).
    func terminalConfig(in folder: URL, neverAnswerCents: Int?) throws -> [String] {
        let config = folder.appendingPathComponent("terminal-\(neverAnswerCents.map(String.init) ?? "approves").json")
        let never = neverAnswerCents.map { "[\($0)]" } ?? "[]"
        try Data(#"""
            {"usbDevices": false, "paymentTimeoutSeconds": 600,
             "simulatedTerminal": {"approvalDelayMilliseconds": 0, "declineWhenCentsAre": [], "noAnswerWhenCentsAre": \#(never)}}
            """#.utf8).write(to: config)
        return ["--config", config.path]
    }

    /// The cart size of a pushed `{"type": "state", "state": VIEW}` message, nil for anything else.
    static func lineCount(inStateMessage text: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              object["type"] as? String == "state", let state = object["state"] as? [String: Any] else { return nil }
        return (state["lines"] as? [Any])?.count
    }

    /// The page's DOM after its scripts ran, from headless Chromium (which scripts/setup installs).
    func renderedPage(_ url: String) throws -> String {
        try runTool(URL(fileURLWithPath: "/usr/bin/chromium"),
                    ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", url]).output
    }

    @Test func corruptConfigIsRefusedWithItsReason() async throws {
        let stateDir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stateDir) }
        let config = stateDir.appendingPathComponent("kiosk.json")
        try Data("{\"laneID\": \"L01\", \"paymentTimeoutSecs\": 5}".utf8).write(to: config)
        do {
            _ = try await KioskProcess(stateDirectory: stateDir, extraArguments: ["--config", config.path])
            Issue.record("the kiosk started on a corrupt config")
        } catch KioskProcessError.notReady(let log) {
            #expect(log.contains("unknown setting \"paymentTimeoutSecs\""))
        }
    }
}
