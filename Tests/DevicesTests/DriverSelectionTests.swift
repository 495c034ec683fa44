@testable import Devices
import Foundation
import KioskTestSupport
import Testing

/// Which driver takes a device without a profile, from its descriptors and what probing said.
@Suite struct DriverSelectionTests {
    static let catalog = Result { try DeviceProfileCatalog.load(from: repositoryRoot.appendingPathComponent("devices")) }
    static let unknown = USBDeviceInfo(vendorID: 0x1209, productID: 0x0001, bus: 1, address: 9, port: "1-20")

    static func interface(_ triple: (UInt8, UInt8, UInt8), number: Int = 0) -> USBInterfaceDescription {
        let endpoints: [USBEndpoint] = triple.0 == 7
            ? [USBEndpoint(address: 0x01, type: .bulk, maxPacketSize: 64), USBEndpoint(address: 0x82, type: .bulk, maxPacketSize: 64)]
            : [USBEndpoint(address: 0x81, type: .interrupt, maxPacketSize: 64)]
        return USBInterfaceDescription(number: number, interfaceClass: triple.0, subclass: triple.1, interfaceProtocol: triple.2,
                                       endpoints: endpoints)
    }

    static func deviceID(_ text: String) -> IEEE1284DeviceID? {
        IEEE1284DeviceID(response: [0, UInt8(text.utf8.count + 2)] + Array(text.utf8))
    }

    static let posScannerReport: [UInt8] = [0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x75, 0x08, 0x95, 0x3F, 0x09, 0xFE, 0x81, 0x02, 0xC0]
    static let keyboardReport: [UInt8] = [0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x81, 0x02, 0xC0]

    func decide(_ interfaces: [USBInterfaceDescription], _ evidence: [Int: DriverSelection.Evidence]) throws -> DriverSelection.Decision {
        try DriverSelection.decide(Self.unknown, interfaces: interfaces, evidence: evidence, catalog: Self.catalog.get())
    }

    @Test func reportDescriptorsTellAScannerFromAKeyboard() throws {
        let scanner = try #require(HIDReportDescriptor(Self.posScannerReport))
        #expect(scanner.applications == [.init(usagePage: 0x8C, usage: 0x02)])
        #expect(scanner.declaresBarcodeScanner)
        let keyboard = try #require(HIDReportDescriptor(Self.keyboardReport))
        #expect(keyboard.applications == [.init(usagePage: 0x01, usage: 0x06)])
        #expect(!keyboard.declaresBarcodeScanner)
        // A 4-byte usage carries its page: 0x008C0002 is the scanner without a Usage Page item.
        #expect(HIDReportDescriptor([0x0B, 0x02, 0x00, 0x8C, 0x00, 0xA1, 0x01, 0xC0])?.declaresBarcodeScanner == true)
        // A page declared only inside a collection is not the application's.
        #expect(HIDReportDescriptor([0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x8C, 0xC0])?.declaresBarcodeScanner == false)
        // Malformed: an item running past the end, an unopened End Collection.
        #expect(HIDReportDescriptor([0x05, 0x8C, 0x26, 0xFF]) == nil)
        #expect(HIDReportDescriptor([0xC0]) == nil)
        #expect(HIDReportDescriptor([])?.applications == [])
    }

    @Test func aPrinterClassDeviceSayingESCPOSGetsTheConservativeGenericPrinter() throws {
        let printer = Self.interface((7, 1, 2))
        guard case .take(let choice) = try decide([printer], [0: .init(deviceID: Self.deviceID("MFG:ACME;CMD:ESC/POS;MDL:X1;"))]) else {
            Issue.record("not taken")
            return
        }
        #expect(choice.profile.id == "generic-escpos-80mm")
        #expect(choice.profile.driver == .escposUSBPrinter)
        #expect(choice.profile.printer?.paperWidth == .mm80)
        #expect(choice.profile.printer?.columns == 42 && choice.profile.printer?.dotsPerLine == 512, "fits 180 and 203 dpi heads")
        #expect(choice.profile.printer?.nativeQR == false && choice.profile.printer?.supportsChinese == false)
        #expect(choice.reason.contains("7/1/2") && choice.reason.contains("ESC/POS"))
        // Vendors' spellings; unidirectional 7/1/1 too.
        for text in ["CMD:ESCPOS;", "COMMAND SET:ESC/POS(Star);", "CMD:PJL,ESC/POS;"] {
            let decision = try decide([Self.interface((7, 1, 1))], [0: .init(deviceID: Self.deviceID(text))])
            guard case .take = decision else { Issue.record("\(text): \(decision)"); continue }
        }
    }

    @Test func aPrinterWithoutADeviceIDIsTakenOnlyIfItAnswersStatusLikeESCPOS() throws {
        let printer = Self.interface((7, 1, 2))
        guard case .take(let choice) = try decide([printer], [0: .init(answersESCPOSStatus: true)]) else {
            Issue.record("not taken")
            return
        }
        #expect(choice.reason.contains("DLE EOT"))
        guard case .leave(let reason, _) = try decide([printer], [0: .init(deviceID: Self.deviceID("MFG:HP;CMD:PCL,PJL;"))]) else {
            Issue.record("an office printer was taken")
            return
        }
        #expect(reason.contains("CMD:PCL,PJL"))
        guard case .leave = try decide([printer], [:]) else { Issue.record("taken with no evidence"); return }
    }

    @Test func aHIDPOSScannerIsTakenAndABootKeyboardIsLeftAloneWithAHint() throws {
        let descriptor = try #require(HIDReportDescriptor(Self.posScannerReport))
        guard case .take(let choice) = try decide([Self.interface((3, 0, 0))], [0: .init(reportDescriptor: descriptor)]) else {
            Issue.record("not taken")
            return
        }
        #expect(choice.profile.id == "generic-hid-pos" && choice.profile.driver == .hidPOSScanner)
        #expect(choice.reason.contains("0x8C"))
        // A non-boot HID device that is not a scanner (a touchscreen) is left alone.
        let touch = try #require(HIDReportDescriptor([0x05, 0x0D, 0x09, 0x04, 0xA1, 0x01, 0xC0]))
        guard case .leave = try decide([Self.interface((3, 0, 0))], [0: .init(reportDescriptor: touch)]) else {
            Issue.record("a touchscreen was taken")
            return
        }
        guard case .leave(let reason, let hint) = try decide([Self.interface((3, 1, 1))], [:]) else {
            Issue.record("a keyboard was taken")
            return
        }
        #expect(reason.contains("boot keyboard"))
        let line = try #require(hint)
        #expect(line.contains("devices/scanners/usb-1209-0001.json"))
        // The hint is a profile that loads and claims the keyboard as a wedge scanner.
        let json = String(line[line.firstIndex(of: "{")!...])
        let folder = try temporaryDirectory("hint")
        defer { try? FileManager.default.removeItem(at: folder) }
        for sub in ["scanners", "printers"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("devices/scanners/generic-keyboard-wedge.json"),
                                         to: folder.appendingPathComponent("scanners/generic-keyboard-wedge.json"))
        try Data(json.utf8).write(to: folder.appendingPathComponent("scanners/usb-1209-0001.json"))
        let claimed = try DeviceProfileCatalog.load(from: folder)
        let chosen = try #require(DriverSelection.byID(Self.unknown, interfaces: [Self.interface((3, 1, 1))], catalog: claimed))
        #expect(chosen.profile.driver == .keyboardWedgeScanner)
    }

    @Test func onlyPrintersAndNonBootHIDInterfacesAreProbed() {
        let interfaces = [Self.interface((3, 1, 1), number: 0), Self.interface((3, 1, 2), number: 1), Self.interface((3, 0, 0), number: 2),
                          Self.interface((7, 1, 2), number: 3), Self.interface((8, 6, 80), number: 4)]
        #expect(DriverSelection.probes(interfaces) == [.hid(interface: 2), .printer(interface: 3)])
    }

    @Test func oneIDInSeveralModesIsToldApartByTheInterfaceDescriptors() throws {
        let folder = try temporaryDirectory("modes")
        defer { try? FileManager.default.removeItem(at: folder) }
        for sub in ["scanners", "printers"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let usb = #""usb": {"vendorID": "1209", "productID": "0001", "interface": 0}"#
        try Data(#"{"name": "Scanner, keyboard mode", "driver": "keyboard-wedge-scanner", \#(usb)}"#.utf8)
            .write(to: folder.appendingPathComponent("scanners/a-keyboard.json"))
        try Data(#"{"name": "Scanner, HID POS mode", "driver": "hid-pos-scanner", \#(usb)}"#.utf8)
            .write(to: folder.appendingPathComponent("scanners/b-hid-pos.json"))
        let catalog = try DeviceProfileCatalog.load(from: folder)
        #expect(DriverSelection.byID(Self.unknown, interfaces: [Self.interface((3, 0, 0))], catalog: catalog)?.profile.id == "b-hid-pos")
        #expect(DriverSelection.byID(Self.unknown, interfaces: [Self.interface((3, 1, 1))], catalog: catalog)?.profile.id == "a-keyboard")
        let other = USBDeviceInfo(vendorID: 0x1209, productID: 0x0009, bus: 1, address: 3, port: "1-3")
        #expect(DriverSelection.byID(other, interfaces: [Self.interface((3, 1, 1))], catalog: catalog) == nil)
    }

    /// A store checks a model against the file: each shipped id says where it comes from, in the
    /// file itself (an inherited source would be another model's).
    @Test func everyShippedUSBIDNamesItsSource() throws {
        let folder = repositoryRoot.appendingPathComponent("devices")
        var checked = 0
        for kind in ["scanners", "printers"] {
            for file in try FileManager.default.contentsOfDirectory(at: folder.appendingPathComponent(kind), includingPropertiesForKeys: nil)
            where file.pathExtension == "json" {
                let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
                guard json["usb"] != nil else { continue }
                let source = json["source"] as? String ?? ""
                #expect(source.count > 20, "\(kind)/\(file.lastPathComponent) needs a \"source\" for its USB id")
                checked += 1
            }
        }
        #expect(checked >= 16)
        let bad = #"{"name": "x", "source": 7, "driver": "hid-pos-scanner"}"#
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bad.utf8)) as? [String: Any])
        #expect(throws: DeviceProfileError.invalid(file: "x.json", reason: "\"source\" must be text")) {
            try DeviceProfile.make(id: "x", file: "x.json", json: object)
        }
    }

    @Test func theEpsonTMT88FamilyHasAProfileAndPrinterClassDevicesGetUdevAccess() throws {
        let catalog = try Self.catalog.get()
        let tm88 = try #require(catalog.profile(for: USBDeviceInfo(vendorID: 0x04B8, productID: 0x0202, bus: 1, address: 2, port: "1-1")))
        #expect(tm88.id == "epson-tm-t88")
        #expect(tm88.printer?.columns == 42 && tm88.printer?.dotsPerLine == 512)
        #expect(catalog.udevRules(group: "kiosk").contains(#"ENV{ID_USB_INTERFACES}=="*:07010[12]:*", MODE="0660", GROUP="kiosk""#))
    }
}

@Suite struct NetworkPrinterAddressTests {
    @Test func addressesAreHostsWithAnOptionalPort() {
        func parsed(_ text: String) -> String? { NetworkPrinterAddress(text)?.description }
        #expect(parsed("192.168.1.40") == "192.168.1.40:9100")
        #expect(parsed("printer.local:9101") == "printer.local:9101")
        #expect(parsed("fd00::7") == "[fd00::7]:9100")
        #expect(parsed("[fd00::7]:9200") == "[fd00::7]:9200")
        for bad in ["", "printer:0", "printer:65536", "printer:", "a b", "x:9100:1", "[fd00::7", "[fd00::7]9100", "host/path", "ünï"] {
            #expect(NetworkPrinterAddress(bad) == nil, "\(bad)")
        }
    }
}
