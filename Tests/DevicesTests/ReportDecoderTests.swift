import Devices
import Foundation
import KioskTestSupport
import Peripherals
import Testing

/// HID POS report: report id 2, length, AIM id, data, continuation flag at byte 63.
func hidPOS(_ data: String, aim: String = "]E0", more: Bool = false) -> [UInt8] {
    var report = [UInt8](repeating: 0, count: 64)
    report[0] = 2
    report[1] = UInt8(data.utf8.count)
    report.replaceSubrange(2..<5, with: Array(aim.utf8))
    report.replaceSubrange(5..<(5 + data.utf8.count), with: Array(data.utf8))
    report[63] = more ? 1 : 0
    return report
}

func key(_ usage: UInt8, _ modifiers: UInt8 = 0) -> [[UInt8]] {
    [[modifiers, 0, usage, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]
}

@Suite struct HIDPOSDecoderTests {
    @Test func aWholeCodeInOneReport() {
        var decoder = HIDPOSDecoder()
        #expect(decoder.feed(hidPOS("4006381333931")) == .code("4006381333931", symbology: "]E0"))
    }

    @Test func aCodeSpanningReportsKeepsTheFirstSymbology() {
        var decoder = HIDPOSDecoder()
        let long = String(repeating: "A", count: 56)
        #expect(decoder.feed(hidPOS(long, aim: "]Q1", more: true)) == .pending)
        #expect(decoder.feed(hidPOS(long, aim: "]Q1", more: true)) == .pending)
        #expect(decoder.feed(hidPOS("END", aim: "]Q1")) == .code(long + long + "END", symbology: "]Q1"))
    }

    @Test func brokenReportsAreDroppedWithAReasonAndDoNotDisturbTheNextCode() {
        var decoder = HIDPOSDecoder()
        #expect(decoder.feed(hidPOS("PART", more: true)) == .pending)
        guard case .dropped(let reason) = decoder.feed([2, 9]) else { Issue.record("not dropped"); return }
        #expect(reason.contains("truncated") && reason.contains("4 bytes of an unfinished code"))
        var tooLong = hidPOS("X")
        tooLong[1] = 57
        guard case .dropped(let why) = decoder.feed(tooLong) else { Issue.record("not dropped"); return }
        #expect(why.contains("57"))
        var otherReport = hidPOS("X")
        otherReport[0] = 4
        guard case .dropped = decoder.feed(otherReport) else { Issue.record("not dropped"); return }
        #expect(decoder.feed(hidPOS("5012345678900")) == .code("5012345678900", symbology: "]E0"))
    }

    @Test func noAIMIdentifierMeansNoSymbology() {
        var decoder = HIDPOSDecoder()
        #expect(decoder.feed(hidPOS("12345670", aim: "\0\0\0")) == .code("12345670", symbology: nil))
    }
}

@Suite struct KeyboardWedgeDecoderTests {
    func type(_ reports: [[UInt8]], layout: KeyboardLayout, prefix: String = "", suffix: String = "") -> [ReportResult] {
        var decoder = KeyboardWedgeDecoder(layout: layout, prefix: prefix, suffix: suffix)
        return reports.map { decoder.feed($0) }.filter { $0 != .pending }
    }

    @Test func digitsAndEnterMakeACode() {
        let reports = [0x1E, 0x1F, 0x27, 0x28].flatMap { key(UInt8($0)) }
        #expect(type(reports, layout: .us) == [.code("120", symbology: nil)])
    }

    @Test func theSameKeysMeanDifferentCharactersInEachLayout() {
        // "-" on US is the key that types "ß" on German; "y" and "z" swap; AZERTY digits need shift.
        let reports = key(0x2D) + key(0x1C) + key(0x1E, 0x02) + key(0x28)
        #expect(type(reports, layout: .us) == [.code("-y!", symbology: nil)])
        #expect(type(reports, layout: .de) == [.code("ßz!", symbology: nil)])
        #expect(type(reports, layout: .fr) == [.code(")y1", symbology: nil)])
    }

    @Test func altGrAndCtrlGiveTheirCharacters() {
        let reports = key(0x14, 0x40) + key(0x30, 0x01) + key(0x28) // AltGr+Q = @ (de), Ctrl+] = GS
        #expect(type(reports, layout: .de) == [.code("@\u{1D}", symbology: nil)])
    }

    @Test func prefixAndSuffixAreTakenOff() {
        let reports = [0x04, 0x1E, 0x1F, 0x05, 0x28].flatMap { key(UInt8($0)) }
        #expect(type(reports, layout: .us, prefix: "a", suffix: "b") == [.code("12", symbology: nil)])
    }

    @Test func aKeyTheLayoutLacksGarblesTheWholeCodeInsteadOfSendingAWrongOne() {
        let reports = key(0x1E) + key(0x64) + key(0x1F) + key(0x28) + key(0x20) + key(0x28)
        let results = type(reports, layout: .us)
        guard case .dropped(let reason)? = results.first else { Issue.record("\(results)"); return }
        #expect(reason.contains("0x64") && reason.contains("layout us"))
        #expect(results.last == .code("3", symbology: nil))
    }

    @Test func malformedAndRolloverReportsAreDropped() {
        var decoder = KeyboardWedgeDecoder(layout: .us)
        _ = decoder.feed([0, 0, 0x1E, 0, 0, 0, 0, 0])
        guard case .dropped = decoder.feed([0, 0, 0x1E]) else { Issue.record("short report kept"); return }
        guard case .dropped = decoder.feed([0, 0, 1, 1, 1, 1, 1, 1]) else { Issue.record("rollover kept"); return }
        for report in key(0x20) + key(0x28) { _ = decoder.feed(report) }
        var fresh = KeyboardWedgeDecoder(layout: .us)
        let results = (key(0x21) + key(0x28)).map { fresh.feed($0) }
        #expect(results.contains(.code("4", symbology: nil)))
    }

    @Test func aHeldKeyCountsOnce() {
        var decoder = KeyboardWedgeDecoder(layout: .us)
        let held: [UInt8] = [0, 0, 0x1E, 0, 0, 0, 0, 0]
        _ = decoder.feed(held)
        _ = decoder.feed(held)
        _ = decoder.feed([0, 0, 0, 0, 0, 0, 0, 0])
        #expect(decoder.feed([0, 0, 0x28, 0, 0, 0, 0, 0]) == .code("1", symbology: nil))
    }
}

@Suite struct PrinterStatusTests {
    @Test func realTimeStatusBits() {
        #expect(RealTimeStatus.status(offlineCause: 0x12, paperSensor: 0x12) == .ready)
        #expect(RealTimeStatus.status(offlineCause: 0x12, paperSensor: 0x1E) == .paperNearEnd)
        #expect(RealTimeStatus.status(offlineCause: 0x12, paperSensor: 0x72) == .paperOut)
        #expect(RealTimeStatus.status(offlineCause: 0x32, paperSensor: 0x12) == .paperOut)
        #expect(RealTimeStatus.status(offlineCause: 0x16, paperSensor: 0x72) == .coverOpen)
    }

    @Test func noAnswerOrANonStatusByteIsUnknownNeverReady() {
        #expect(RealTimeStatus.status(offlineCause: nil, paperSensor: 0x12) == .unknown)
        #expect(RealTimeStatus.status(offlineCause: 0x12, paperSensor: nil) == .unknown)
        #expect(RealTimeStatus.status(offlineCause: 0x41, paperSensor: 0x12) == .unknown)
        #expect(RealTimeStatus.status(offlineCause: 0x92, paperSensor: 0x12) == .unknown)
    }

    @Test func deviceIDFields() throws {
        let text = "MFG:EPSON;CMD:ESC/POS,ESC/POS-T;MDL:TM-T20III;CLS:PRINTER;"
        let id = try #require(IEEE1284DeviceID(response: [0, UInt8(text.utf8.count + 2)] + Array(text.utf8)))
        #expect(id.manufacturer == "EPSON")
        #expect(id.model == "TM-T20III")
        #expect(id.commandSets == ["ESC/POS", "ESC/POS-T"])
        #expect(IEEE1284DeviceID(response: [0]) == nil)
        #expect(IEEE1284DeviceID(response: [0, 2]) == nil)
    }
}

@Suite struct DeviceProfileTests {
    static var devices: URL {
        repositoryRoot.appendingPathComponent("devices")
    }

    @Test func theShippedProfilesLoadWithInheritance() throws {
        let catalog = try DeviceProfileCatalog.load(from: Self.devices)
        #expect(catalog.scanners.filter { $0.usb != nil }.count >= 5)
        #expect(catalog.printers.filter { $0.usb != nil }.count >= 4)
        let honeywell = try #require(catalog.profile(for: USBDeviceInfo(vendorID: 0x0C2E, productID: 0x0B81, bus: 1, address: 2, port: "1-1")))
        #expect(honeywell.driver == .hidPOSScanner)
        let bixolon = try #require(catalog.profile(named: "bixolon-srp-350iii"))
        #expect(bixolon.printer?.paperWidth == .mm80, "paper width inherited from generic-80mm")
        #expect(bixolon.printer?.supportsChinese == false, "overridden")
        // Every profiled model has an emulation fixture.
        for profile in catalog.all where profile.usb != nil {
            #expect(FileManager.default.fileExists(atPath: Self.devices.appendingPathComponent("fixtures/\(profile.id)/device.umockdev").path),
                    "\(profile.id) has no fixture: run scripts/make-usb-fixtures")
        }
        let rules = catalog.udevRules(group: "kiosk")
        #expect(rules.contains(#"ATTR{idVendor}=="04b8", ATTR{idProduct}=="0e28", MODE="0660", GROUP="kiosk""#))
    }

    @Test func brokenProfilesAreClearErrors() throws {
        let folder = try temporaryDirectory("profiles")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scanners"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("printers"), withIntermediateDirectories: true)
        func expectError(_ json: String, _ fragment: String) throws {
            try Data(json.utf8).write(to: folder.appendingPathComponent("scanners/bad.json"))
            #expect {
                _ = try DeviceProfileCatalog.load(from: folder)
            } throws: { error in
                "\(error)".contains(fragment) && "\(error)".contains("bad.json")
            }
        }
        try expectError(#"{"name":"x","driver":"hid-pos-scanner","keyboardLayot":"de"}"#, "unknown setting \"keyboardLayot\"")
        try expectError(#"{"name":"x","driver":"laser"}"#, "unknown driver")
        try expectError(#"{"name":"x","driver":"hid-pos-scanner","usb":{"vendorID":"xyz","productID":"0001"}}"#, "4 hex digits")
        try expectError(#"{"inherits":"bad","name":"x","driver":"hid-pos-scanner"}"#, "loop")
        try expectError(#"{"name":"x","driver":"keyboard-wedge-scanner","keyboardLayout":"klingon"}"#, "unknown keyboardLayout")
        try expectError("{not json", "not valid JSON")
        // Found by fuzzing (scripts/fuzz profiles): a printer whose lines are -148 characters wide
        // was taken, and its first receipt layout would have trapped.
        for (key, value) in [("columns", -148), ("columns", 0), ("columns", 4_000), ("dotsPerLine", 7)] {
            try expectError(#"{"name":"x","driver":"escpos-usb-printer","paperWidth":"mm80","supportsChinese":true,"cutter":true,"\#(key)":\#(value)}"#,
                            "\(key) must be")
        }
    }
}
