import Foundation
import KioskTestSupport
import Testing

/// A lane reading a serial scanner (USB CDC-ACM "USB COM" mode) from its tty, here a pty.
@Suite struct SerialScannerLaneTests {
    @Test func scansFromTheTTYReachTheCartAndAHangUpShowsTheScannerMissing() async throws {
        let tty = try PseudoTerminal()
        let folder = try temporaryDirectory("serial-lane")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("kiosk.json")
        try Data(#"{"serialScanner": {"device": "\#(tty.path)"}, "usbDevices": false}"#.utf8).write(to: config)
        let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), extraArguments: ["--config", config.path])
        defer { _ = kiosk.terminate() }
        let api = APIClient(base: kiosk.baseURL)
        func scanner(_ state: [String: Any]) -> String? { (state["devices"] as? [String: String])?["scanner"] }
        _ = try #require(try await api.waitForState { scanner($0) == "usb" }, "\(kiosk.log)")
        try tty.send("6907674936533\r\n")
        _ = try #require(try await api.waitForState { ($0["lines"] as? [Any])?.count == 1 }, "\(kiosk.log)")
        tty.hangUp()
        _ = try #require(try await api.waitForState { scanner($0) == "missing" }, "\(kiosk.log)")
    }
}
