/// Which driver takes a USB device, and why. Pure: the USB layer reads the descriptors and probes
/// the interfaces `probes` asks for; this decides from what they said.
///
/// The decision table (docs: devices/README.md):
/// 1. A profile for the VID:PID takes it. When several profiles share the VID:PID (one model in
///    keyboard, HID POS and vendor modes), the one whose driver fits the interface descriptors wins.
/// 2. Without one, a printer-class interface (7/1/1 or 7/1/2, bulk OUT) whose IEEE 1284 device id
///    lists ESC/POS, or that answers a DLE EOT status query like ESC/POS, gets the generic printer.
/// 3. A HID interface whose report descriptor declares the POS barcode scanner page (0x8C) gets
///    the generic HID POS driver.
/// 4. A boot keyboard (3/1/1) without a profile is never taken: it may be a real keyboard.
/// 5. Anything else is left alone.
public enum DriverSelection {
    /// The profiles that drive unprofiled devices, by file name in devices/.
    public static let genericHIDPOS = "generic-hid-pos"
    public static let genericPrinter = "generic-escpos-80mm"

    public struct Choice: Sendable, Hashable {
        public let profile: DeviceProfile
        public let interface: Int
        public let reason: String
    }

    public enum Decision: Sendable, Hashable {
        case take(Choice)
        /// Not taken; `hint` tells how to make the kiosk take it, when it could.
        case leave(reason: String, hint: String?)
    }

    /// What the kiosk learned by asking one interface.
    public struct Evidence: Sendable, Hashable {
        public var deviceID: IEEE1284DeviceID?
        /// A DLE EOT query got an answer shaped like ESC/POS real-time status.
        public var answersESCPOSStatus = false
        public var reportDescriptor: HIDReportDescriptor?

        public init(deviceID: IEEE1284DeviceID? = nil, answersESCPOSStatus: Bool = false, reportDescriptor: HIDReportDescriptor? = nil) {
            self.deviceID = deviceID
            self.answersESCPOSStatus = answersESCPOSStatus
            self.reportDescriptor = reportDescriptor
        }
    }

    public enum Probe: Sendable, Hashable {
        /// GET_DEVICE_ID, then (only if it names no command set) a status query.
        case printer(interface: Int)
        /// The HID report descriptor (from sysfs).
        case hid(interface: Int)
    }

    /// The profile for a VID:PID, chosen among several by the interface descriptors. Nil: no profile.
    public static func byID(_ device: USBDeviceInfo, interfaces: [USBInterfaceDescription],
                            catalog: DeviceProfileCatalog) -> Choice? {
        // A serial scanner's USB id is for the record: cdc_acm keeps it, the kiosk reads its tty.
        let candidates = catalog.profiles(for: device).filter { $0.driver != .serialScanner }
        guard let first = candidates.first, let firstMatch = first.usb else { return nil }
        if candidates.count == 1 {
            return Choice(profile: first, interface: firstMatch.interface, reason: "profile \(first.id) lists \(device.id)")
        }
        for profile in candidates {
            guard let match = profile.usb, let interface = interfaces.first(where: { $0.number == match.interface }),
                  fits(profile.driver, interface) else { continue }
            return Choice(profile: profile, interface: match.interface,
                          reason: "profile \(profile.id) lists \(device.id), and interface \(match.interface) is \(describe(interface))")
        }
        return Choice(profile: first, interface: firstMatch.interface,
                      reason: "profile \(first.id) lists \(device.id) (no listed mode fits the interfaces; the first is used)")
    }

    /// What to ask a device that has no profile.
    public static func probes(_ interfaces: [USBInterfaceDescription]) -> [Probe] {
        interfaces.compactMap { interface in
            if isPrinter(interface) { return .printer(interface: interface.number) }
            if isNonBootHID(interface) { return .hid(interface: interface.number) }
            return nil
        }
    }

    /// The decision for a device without a profile, from its interfaces and the probes' answers.
    public static func decide(_ device: USBDeviceInfo, interfaces: [USBInterfaceDescription], evidence: [Int: Evidence],
                              catalog: DeviceProfileCatalog) -> Decision {
        for interface in interfaces {
            let found = evidence[interface.number] ?? Evidence()
            if isPrinter(interface), let profile = catalog.profile(named: genericPrinter) {
                if let id = found.deviceID, id.commandSets.contains(where: isESCPOS) {
                    return .take(Choice(profile: profile, interface: interface.number,
                                        reason: "printer class \(describe(interface)) whose IEEE 1284 id lists CMD:\(id.commandSets.joined(separator: ","))"))
                }
                if found.answersESCPOSStatus {
                    return .take(Choice(profile: profile, interface: interface.number,
                                        reason: "printer class \(describe(interface)) that answers DLE EOT status like ESC/POS"))
                }
            }
            if isHID(interface), found.reportDescriptor?.declaresBarcodeScanner == true, let profile = catalog.profile(named: genericHIDPOS) {
                return .take(Choice(profile: profile, interface: interface.number,
                                    reason: "HID interface \(interface.number) whose report descriptor declares usage page 0x8C (POS barcode scanner)"))
            }
        }
        if let keyboard = interfaces.first(where: isBootKeyboard) {
            return .leave(reason: "boot keyboard (interface \(keyboard.number), 3/1/1) with no profile: it may be a real keyboard, so it is left alone",
                          hint: claimHint(device, interface: keyboard.number))
        }
        if let printer = interfaces.first(where: isPrinter) {
            let id = evidence[printer.number]?.deviceID
            let commands = id.map { $0.commandSets.isEmpty ? "no CMD" : "CMD:\($0.commandSets.joined(separator: ","))" } ?? "no device id"
            return .leave(reason: "printer class \(describe(printer)) that does not speak ESC/POS (\(commands), no status answer)", hint: nil)
        }
        if let hid = interfaces.first(where: { isNonBootHID($0) && evidence[$0.number]?.reportDescriptor == nil }) {
            return .leave(reason: "HID interface \(hid.number) whose report descriptor cannot be read (usbhid not bound?)",
                          hint: "a HID POS scanner here needs a profile with driver hid-pos-scanner")
        }
        let classes = interfaces.map(describe).joined(separator: ", ")
        return .leave(reason: "no profile for \(device.id) and no interface the kiosk drives by class (\(classes.isEmpty ? "none" : classes))", hint: nil)
    }

    /// The one-line profile that makes the kiosk read a keyboard-mode scanner.
    public static func claimHint(_ device: USBDeviceInfo, interface: Int) -> String {
        let vendor = USBDeviceInfo.hex(device.vendorID), product = USBDeviceInfo.hex(device.productID)
        return "if it is a scanner in keyboard mode, save as devices/scanners/usb-\(vendor)-\(product).json: "
            + "{\"inherits\": \"generic-keyboard-wedge\", \"name\": \"Scanner \(vendor):\(product)\", "
            + "\"usb\": {\"vendorID\": \"\(vendor)\", \"productID\": \"\(product)\", \"interface\": \(interface)}}"
    }

    /// Whether a driver can run on an interface, from its class, subclass and protocol.
    static func fits(_ driver: DeviceDriverKind, _ interface: USBInterfaceDescription) -> Bool {
        switch driver {
        case .escposUSBPrinter: return isPrinter(interface)
        case .keyboardWedgeScanner: return isBootKeyboard(interface)
        case .hidPOSScanner: return isNonBootHID(interface)
        case .serialScanner: return false
        }
    }

    static func isPrinter(_ interface: USBInterfaceDescription) -> Bool {
        interface.interfaceClass == 7 && interface.subclass == 1 && (1...2).contains(interface.interfaceProtocol)
            && interface.endpoints.contains { !$0.isIn && $0.type == .bulk }
    }

    static func isHID(_ interface: USBInterfaceDescription) -> Bool {
        interface.interfaceClass == 3 && interface.endpoints.contains { $0.isIn && $0.type == .interrupt }
    }

    static func isBootKeyboard(_ interface: USBInterfaceDescription) -> Bool {
        isHID(interface) && interface.subclass == 1 && interface.interfaceProtocol == 1
    }

    /// HID that is neither boot keyboard nor boot mouse: where a HID POS scanner is.
    static func isNonBootHID(_ interface: USBInterfaceDescription) -> Bool {
        isHID(interface) && !(interface.subclass == 1 && interface.interfaceProtocol != 0)
    }

    /// "ESC/POS", "ESCPOS", "ESC/POS(Star)"... as vendors spell it.
    static func isESCPOS(_ command: String) -> Bool {
        command.uppercased().filter { $0.isLetter }.hasPrefix("ESCPOS")
    }

    static func describe(_ interface: USBInterfaceDescription) -> String {
        "\(interface.interfaceClass)/\(interface.subclass)/\(interface.interfaceProtocol)"
    }
}
