import Devices
import Foundation
import KioskTestSupport
import Testing

/// The real libusb code path (the `kiosk` executable) against USB devices emulated with umockdev.
@Suite(.serialized)
struct USBDeviceTests {
    /// `kiosk ARGS` under the emulator, collecting its output.
    final class Command: @unchecked Sendable {
        let process = Process()
        let output: OutputCollector

        init(_ arguments: [String], emulator: USBEmulator) throws {
            process.executableURL = KioskProcess.binary
            process.arguments = arguments + ["--assets", repositoryRoot.appendingPathComponent("assets").path]
            process.environment = emulator.clientEnvironment
            output = OutputCollector(process: process)
            try process.run()
        }

        func finish() -> String {
            process.waitUntilExit()
            _ = output.waitForLine(containing: "\u{0}", timeout: 2) // let the reader drain
            return output.text
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        /// The JSON lines printed so far.
        var events: [[String: String]] {
            output.text.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String]
            }
        }

        /// Every 100 ms: each look parses the whole output again, which with hundreds of scan lines
        /// under a loaded suite took enough CPU to slow the scans it waited for past the timeout.
        func waitForEvents(timeout: TimeInterval = 180, _ condition: ([[String: String]]) -> Bool) async -> [[String: String]]? {
            await poll(timeout, every: .milliseconds(100)) {
                let now = events
                return condition(now) ? now : nil
            }
        }
    }

    @Test func listsAndClaimsDevicesDetachingAndReattachingKernelDrivers() async throws {
        let emulator = try USBEmulator()
        try emulator.plug("printer", model: "epson-tm-t20iii", kernelDriver: "usblp")
        try emulator.plug("scanner", model: "honeywell-voyager-1400g", kernelDriver: "usbhid")
        try emulator.plug("wedge", model: "zebra-symbol-ls2208", kernelDriver: "usbhid")
        let output = try Command(["devices", "list", "--json"], emulator: emulator).finish()
        let json = output.firstIndex(of: "[").map { String(output[$0...]) } ?? output
        let devices = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], "\(output)")
        #expect(devices.count == 3)
        let byProfile = Dictionary(uniqueKeysWithValues: devices.map { ($0["profile"] as? String ?? "", $0) })
        for (profile, driver) in [("epson-tm-t20iii", "escpos-usb-printer"), ("honeywell-voyager-1400g", "hid-pos-scanner"),
                                  ("zebra-symbol-ls2208", "keyboard-wedge-scanner")] {
            #expect(byProfile[profile]?["driver"] as? String == driver)
            #expect(byProfile[profile]?["state"] as? String == "running", "\(output)")
        }
        // The kernel drivers were detached to claim the interfaces and are back after release.
        #expect(try emulator.send("driver printer 0") == "usblp")
        #expect(try emulator.send("driver scanner 0") == "usbhid")
    }

    @Test func readsAThousandScansFromHIDPOSAndKeyboardWedgeScannersInTwoLayouts() async throws {
        let emulator = try USBEmulator()
        try emulator.plug("scanner", model: "honeywell-voyager-1400g", kernelDriver: "usbhid")
        try emulator.plug("wedge", model: "zebra-symbol-ls2208", kernelDriver: "usbhid")

        // HID POS: EAN-13s and long GS1 element strings spanning two or three reports.
        var hidCodes: [String] = []
        for i in 0..<400 {
            if i % 4 == 0 {
                hidCodes.append("0109501101530003" + "17261231" + "10BATCH\(i)\u{1D}" + "21" + String(repeating: "S", count: 40 + i % 90))
            } else {
                hidCodes.append(String(format: "40063813%05d", i))
            }
        }
        // Keyboard wedge: digits and the characters that garble between layouts.
        let wedgeCodes = (0..<300).map { i in i % 3 == 0 ? "ABC-\(i)/x_y.z" : String(format: "9780201%06d", i) }

        let watch = try Command(["devices", "watch", "--json"], emulator: emulator)
        defer { watch.stop() }
        _ = try #require(await watch.waitForEvents { $0.filter { $0["event"] == "attached" }.count == 2 }, "\(watch.output.text)")
        for i in 0..<400 {
            for report in ScannerReports.hidPOS(hidCodes[i], aim: i % 4 == 0 ? "]C1" : "]E0") { try emulator.report("scanner", report) }
            if i < 300 { for report in ScannerReports.keyboard(wedgeCodes[i], layout: .us) { try emulator.report("wedge", report) } }
            if i == 100 {
                // Broken reports: dropped with a reason, and the next scan is whole.
                try emulator.report("scanner", [2, 9])
                try emulator.report("wedge", [0, 0, 1, 1, 1, 1, 1, 1])
            }
        }
        let events = try #require(await watch.waitForEvents { $0.filter { $0["event"] == "scan" }.count >= 700 },
                                  "scans: \(watch.events.filter { $0["event"] == "scan" }.count)")
        let scans = events.filter { $0["event"] == "scan" }
        #expect(scans.count == 700)
        #expect(scans.filter { $0["source"]?.contains("Honeywell") == true }.map { $0["data"] ?? "" } == hidCodes)
        #expect(scans.filter { $0["source"]?.contains("Honeywell") == true }.map { $0["symbology"] ?? "" }
            == (0..<400).map { $0 % 4 == 0 ? "]C1" : "]E0" })
        #expect(scans.filter { $0["source"]?.contains("Zebra") == true }.map { $0["data"] ?? "" } == wedgeCodes)
        #expect(watch.output.text.contains("truncated report"))
        #expect(watch.output.text.contains("rollover"))
        watch.stop()
        // Replugged, so no transfer of the stopped program is left waiting for data.
        try emulator.send("remove wedge")
        try emulator.plug("wedge", model: "zebra-symbol-ls2208", kernelDriver: "usbhid")

        // The same scanner programmed for a German keyboard, read with the German layout.
        let german = try Command(["devices", "watch", "--json", "--keyboard-layout", "de"], emulator: emulator)
        defer { german.stop() }
        _ = try #require(await german.waitForEvents { $0.filter { $0["event"] == "attached" }.count == 2 })
        for code in wedgeCodes { for report in ScannerReports.keyboard(code, layout: .de) { try emulator.report("wedge", report) } }
        let germanScans = try #require(await german.waitForEvents { $0.filter { $0["event"] == "scan" }.count >= 300 },
                                       "scans: \(german.events.filter { $0["event"] == "scan" }.count)\n\(german.output.text.suffix(2000))")
        #expect(germanScans.filter { $0["event"] == "scan" }.map { $0["data"] ?? "" } == wedgeCodes)
    }

    @Test func printsTheExactReceiptBytesAndReportsPaperAndCoverStatus() async throws {
        let emulator = try USBEmulator()
        try emulator.plug("printer", model: "epson-tm-t20iii", kernelDriver: "usblp")
        try emulator.send("device-id printer MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;")
        try emulator.send("status printer 2 12")
        try emulator.send("status printer 4 12")

        let state = try temporaryDirectory("usb-print")
        let expectedFile = state.appendingPathComponent("expected.escpos")
        defer { try? FileManager.default.removeItem(at: state) }
        let reference = try Command(["receipt", "test-print", "--profile", "epson-tm-t20iii", "--output", expectedFile.path,
                                     "--state-dir", state.path], emulator: emulator).finish()
        let expected = try #require(try? Data(contentsOf: expectedFile), "\(reference)")
        let printed = try Command(["receipt", "test-print", "--state-dir", state.path], emulator: emulator).finish()
        #expect(printed.contains("printed by Epson TM-T20III"), "\(printed)")
        let received = try emulator.printed("printer")
        #expect(received.count == expected.count)
        #expect(received == Array(expected))
        #expect(Int(try emulator.send("status-queries printer")) ?? 0 >= 4) // before and after the receipt

        // Status changes while the driver watches: paper out, cover open, no answer, ready.
        let watch = try Command(["devices", "watch", "--json"], emulator: emulator)
        defer { watch.stop() }
        func waitForStatus(_ status: String) async -> Bool {
            await watch.waitForEvents { $0.last(where: { $0["event"] == "printer" })?["status"] == status } != nil
        }
        #expect(await waitForStatus("ready"))
        try emulator.send("status printer 4 72")
        #expect(await waitForStatus("paper-out"))
        try emulator.send("status printer 4 1e")
        #expect(await waitForStatus("paper-near-end"))
        try emulator.send("status printer 2 16")
        #expect(await waitForStatus("cover-open"))
        try emulator.send("status printer 2 none")
        #expect(await waitForStatus("unknown"))
        try emulator.send("status printer 2 12")
        try emulator.send("status printer 4 12")
        #expect(await waitForStatus("ready"))
    }

    @Test func survivesUnplugWithATransferPendingAndResumesOnReplug() async throws {
        let emulator = try USBEmulator()
        try emulator.plug("scanner", model: "newland-nls-fr40", kernelDriver: "usbhid")
        let watch = try Command(["devices", "watch", "--json"], emulator: emulator)
        defer { watch.stop() }
        _ = try #require(await watch.waitForEvents { $0.contains { $0["event"] == "attached" } })
        // The driver keeps an interrupt transfer pending; unplugging ends it with ENODEV.
        #expect(await watch.waitForEvents { _ in (try? emulator.send("pending scanner 81")) == "1" } != nil)
        try emulator.send("remove scanner")
        _ = try #require(await watch.waitForEvents { $0.contains { $0["event"] == "left" } }, "\(watch.output.text)")
        // The pending read ends either with LIBUSB_ERROR_NO_DEVICE (reaped first) or cancelled by the
        // driver on the hotplug "left" (seen first): a race, as with real hardware. Both end cleanly.
        #expect(watch.output.text.contains("LIBUSB_ERROR_NO_DEVICE") || watch.output.text.contains("device unplugged"))
        try emulator.plug("scanner", model: "newland-nls-fr40", kernelDriver: "usbhid")
        _ = try #require(await watch.waitForEvents { $0.filter { $0["event"] == "attached" }.count == 2 }, "\(watch.output.text)")
        for report in ScannerReports.hidPOS("5012345678900") { try emulator.report("scanner", report) }
        let events = try #require(await watch.waitForEvents { $0.contains { $0["event"] == "scan" } })
        #expect(events.first { $0["event"] == "scan" }?["data"] == "5012345678900")
        #expect(watch.process.isRunning)
    }

    @Test func theLaneScansFromUSBShowsMissingDevicesAndReprintsAReceiptCutShortByPaperOut() async throws {
        let emulator = try USBEmulator()
        try emulator.plug("scanner", model: "honeywell-voyager-1400g", kernelDriver: "usbhid")
        try emulator.plug("printer", model: "epson-tm-t20iii", kernelDriver: "usblp")
        try emulator.send("status printer 2 12")
        try emulator.send("status printer 4 12")
        let state = try temporaryDirectory("usb-lane")
        defer { try? FileManager.default.removeItem(at: state) }
        let (kiosk, api) = try await emulator.startLane(state: state)
        defer { _ = kiosk.terminate() }

        // A unit item from the demo catalog, scanned on the USB scanner, lands in the cart.
        for report in ScannerReports.hidPOS("6907674936533") { try emulator.report("scanner", report) }
        let shopping = try #require(try await api.waitForState { ($0["lines"] as? [Any])?.count == 1 })
        #expect(shopping["phase"] as? String == "shopping")
        let latency = try await api.get("/api/maintenance/scan-latency").json
        #expect(latency["count"] as? Int == 1)

        // Unplugged: missing on the page; plugged back: scanning again within 2 s.
        try emulator.send("remove scanner")
        _ = try #require(try await api.waitForState(timeout: 180) { USBEmulator.devices($0)["scanner"] == "missing" })
        try emulator.plug("scanner", model: "honeywell-voyager-1400g", kernelDriver: "usbhid")
        let replugged = Date()
        _ = try #require(try await api.waitForState(timeout: 180) { USBEmulator.devices($0)["scanner"] == "usb" })
        #expect(Date().timeIntervalSince(replugged) < 2)

        // Paper runs out while the receipt prints: the sale is complete, the page offers the
        // e-receipt, and the receipt prints once paper is back.
        _ = try emulator.printed("printer")
        try emulator.send("status-after printer 200 4 72")
        #expect(try await api.post("/api/pay").status == 200)
        let receiptState = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" }, "\(kiosk.log)")
        #expect((receiptState["sale"] as? [String: Any])?["receiptPrinted"] as? Bool == false, "\(receiptState)")
        _ = try #require(try await api.waitForState(timeout: 180) { USBEmulator.devices($0)["printer"] == "paper-out" })
        let cutShort = try emulator.printed("printer").count
        #expect(cutShort > 200)
        try emulator.send("status printer 4 12")
        #expect(await eventually(180, every: .milliseconds(200)) { kiosk.log.contains("missed receipt printed") }, "\(kiosk.log)")
        let reprinted = try emulator.printed("printer").count
        #expect(reprinted >= cutShort, "the whole receipt printed again once paper was back")
    }
}
