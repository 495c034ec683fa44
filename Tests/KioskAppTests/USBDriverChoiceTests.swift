import Devices
import Foundation
import KioskTestSupport
import Testing

/// Devices no profile lists, driven by what they are (printer class, HID POS report descriptor),
/// through the real libusb path against the umockdev emulator; a boot keyboard is left alone.
@Suite(.serialized)
struct USBDriverChoiceTests {
    typealias Command = USBDeviceTests.Command

    func plugUnprofiledDevices(_ emulator: USBEmulator) throws {
        try emulator.plug("printer", model: "unprofiled-escpos-printer", kernelDriver: "usblp")
        try emulator.send("device-id printer MFG:ACME;CMD:ESC/POS;MDL:R80;")
        try emulator.send("status printer 2 12")
        try emulator.send("status printer 4 12")
        try emulator.plug("scanner", model: "unprofiled-hid-pos-scanner", kernelDriver: "usbhid")
        try emulator.plug("keyboard", model: "unprofiled-boot-keyboard", kernelDriver: "usbhid")
    }

    @Test func devicesListSaysWhichDriverTakesEachDeviceAndWhy() async throws {
        let emulator = try USBEmulator()
        try plugUnprofiledDevices(emulator)
        try emulator.plug("tm88", model: "epson-tm-t88", kernelDriver: "usblp")
        let output = try Command(["devices", "list", "--json"], emulator: emulator).finish()
        let json = output.firstIndex(of: "[").map { String(output[$0...]) } ?? output
        let devices = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], "\(output)")
        let byID = Dictionary(uniqueKeysWithValues: devices.map { device -> (Int, [String: Any]) in
            ((device["usb"] as? [String: Any])?["productID"] as? Int ?? -1, device)
        })
        #expect(byID[1]?["profile"] as? String == "generic-escpos-80mm")
        #expect(byID[1]?["state"] as? String == "running")
        #expect((byID[1]?["reason"] as? String)?.contains("CMD:ESC/POS") == true, "\(output)")
        #expect(byID[2]?["profile"] as? String == "generic-hid-pos")
        #expect((byID[2]?["reason"] as? String)?.contains("0x8C") == true, "\(output)")
        #expect(byID[3]?["state"] as? String == "left-alone")
        #expect(byID[3]?["profile"] == nil)
        #expect((byID[3]?["hint"] as? String)?.contains("usb-1209-0003.json") == true, "\(output)")
        #expect(byID[0x0202]?["profile"] as? String == "epson-tm-t88")
        #expect((byID[0x0202]?["reason"] as? String)?.contains("lists 04b8:0202") == true)

        let table = try Command(["devices", "list"], emulator: emulator).finish()
        #expect(table.contains("why: boot keyboard"), "\(table)")
        #expect(table.contains("to use it: if it is a scanner in keyboard mode"))
        // Everything was let go; the keyboard was never detached from usbhid.
        #expect(try emulator.send("driver keyboard 0") == "usbhid")
        #expect(try emulator.send("driver scanner 0") == "usbhid")
        #expect(try emulator.send("driver printer 0") == "usblp")
    }

    @Test func theLaneScansFromAnUnprofiledHIDPOSScannerAndPrintsOnAnUnprofiledPrinter() async throws {
        let emulator = try USBEmulator()
        try plugUnprofiledDevices(emulator)
        let state = try temporaryDirectory("usb-class-lane")
        defer { try? FileManager.default.removeItem(at: state) }
        let (kiosk, api) = try await emulator.startLane(state: state)
        defer { _ = kiosk.terminate() }
        // The keyboard stays with usbhid while the lane runs: never claimed.
        #expect(try emulator.send("claimed keyboard") == "")
        #expect(try emulator.send("driver keyboard 0") == "usbhid")
        #expect(try emulator.send("claimed scanner") == "0")

        for report in ScannerReports.hidPOS("6907674936533") { try emulator.report("scanner", report) }
        _ = try #require(try await api.waitForState { ($0["lines"] as? [Any])?.count == 1 }, "\(kiosk.log)")
        // Nothing reads the keyboard: no transfer waits on it, so no key it types reaches a cart.
        #expect(try emulator.send("pending keyboard 81") == "0")

        _ = try emulator.printed("printer")
        #expect(try await api.post("/api/pay").status == 200)
        let receipt = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" }, "\(kiosk.log)")
        #expect((receipt["sale"] as? [String: Any])?["receiptPrinted"] as? Bool == true, "\(receipt)\n\(kiosk.log)")
        let printed = try emulator.printed("printer")
        #expect(printed.starts(with: [0x1B, 0x40]), "a receipt starts with ESC @")
        #expect(printed.count > 200)
        #expect(kiosk.log.contains("generic-escpos-80mm") || kiosk.log.contains("ESC/POS printer without a profile"), "\(kiosk.log)")
    }
}
