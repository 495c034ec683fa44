import Foundation
import KioskApp
import KioskTestSupport
import Testing

/// A lane whose receipt printer is on the network (raw TCP, ESC/POS), against a loopback
/// printer that records bytes and answers DLE EOT status.
@Suite(.serialized)
struct NetworkPrinterTests {
    func config(_ printer: String, in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent("kiosk.json")
        try Data(#"{"networkPrinter": "\#(printer)", "usbDevices": false, "receiptTimeoutSeconds": 600}"#.utf8).write(to: file)
        return file
    }

    @Test func printsReportsPaperOutGoesMissingWhenUnreachableAndResumesWhenBack() async throws {
        let printer = try NetworkPrinterServer()
        printer.answer(2, with: 0x12)
        printer.answer(4, with: 0x12)
        let folder = try temporaryDirectory("network-printer")
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let kiosk = try await KioskProcess(stateDirectory: state, extraArguments: ["--config", try config("127.0.0.1:\(printer.port)", in: folder).path])
        defer { _ = kiosk.terminate() }
        let api = APIClient(base: kiosk.baseURL)
        func printerState(_ state: [String: Any]) -> String? { (state["devices"] as? [String: String])?["printer"] }
        _ = try #require(try await api.waitForState { printerState($0) == "ready" }, "\(kiosk.log)")

        // A sale prints its receipt over TCP.
        #expect(try await api.scan("6907674936533").status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        let receipt = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" }, "\(kiosk.log)")
        #expect((receipt["sale"] as? [String: Any])?["receiptPrinted"] as? Bool == true, "\(receipt)\n\(kiosk.log)")
        let printed = printer.takeReceived()
        #expect(printed.starts(with: [0x1B, 0x40]), "a receipt starts with ESC @")
        #expect(printed.count > 200)
        #expect(printer.statusQueries >= 4, "status asked before and after the receipt")
        // The shopper is done (the receipt screen stays until then: a short timeout raced the polls).
        #expect(try await api.post("/api/finish").status == 200)

        // Paper out, told over the socket; a printer that stops answering is unknown, not ready.
        printer.answer(4, with: 0x72)
        #expect(try await api.waitForState { printerState($0) == "paper-out" } != nil)
        printer.answer(4, with: nil)
        #expect(try await api.waitForState { printerState($0) == "unknown" } != nil)
        printer.answer(4, with: 0x12)
        #expect(try await api.waitForState { printerState($0) == "ready" } != nil)

        // The network goes: missing. A sale completes without its receipt, which prints when the
        // printer is back, on a new connection.
        printer.stop()
        _ = try #require(try await api.waitForState { printerState($0) == "missing" }, "\(kiosk.log)")
        #expect(try await api.scan("6907674936533").status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        let missed = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" }, "\(kiosk.log)")
        #expect((missed["sale"] as? [String: Any])?["receiptPrinted"] as? Bool == false, "\(missed)")
        try printer.start()
        #expect(try await api.waitForState { printerState($0) == "ready" } != nil)
        #expect(await eventually(180, every: .milliseconds(200)) { kiosk.log.contains("missed receipt printed") }, "\(kiosk.log)")
        let reprinted = printer.takeReceived()
        #expect(reprinted.starts(with: [0x1B, 0x40]) && reprinted.count > 200)
    }

    @Test func aBadAddressIsAClearSettingsError() async throws {
        let folder = try temporaryDirectory("network-printer-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        for bad in ["printer:0", "printer:99999", "a b", "", "[fd00::1", "x:9100:1"] {
            let file = try config(bad, in: folder)
            #expect("\(bad)") {
                _ = try KioskConfig.load(file)
            } throws: { error in
                "\(error)".contains("networkPrinter must be HOST or HOST:PORT")
            }
        }
    }
}
