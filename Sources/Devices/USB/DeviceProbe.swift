import Foundation

/// Asks a device without a profile what it is, for `DriverSelection`: a printer its IEEE 1284
/// device id (and, only when that names no command set, a DLE EOT status query); a HID interface
/// its report descriptor, from sysfs, where the kernel's usbhid put it: so a touchscreen or a
/// keyboard is never detached to be looked at (without usbhid bound, a scanner needs a profile).
enum DeviceProbe {
    static let timeout: Duration = .milliseconds(500)

    static func evidence(_ probes: [DriverSelection.Probe], handle: USBDeviceHandle,
                         interfaces: [USBInterfaceDescription]) async -> [Int: DriverSelection.Evidence] {
        var found: [Int: DriverSelection.Evidence] = [:]
        for probe in probes {
            switch probe {
            case .printer(let number):
                let deviceID = try? await USBReceiptPrinter.deviceID(handle: handle, interface: number)
                var evidence = DriverSelection.Evidence(deviceID: deviceID ?? nil)
                if evidence.deviceID?.commandSets.isEmpty ?? true, let interface = interfaces.first(where: { $0.number == number }) {
                    evidence.answersESCPOSStatus = await answersStatus(handle: handle, interface: interface)
                }
                found[number] = evidence
            case .hid(let number):
                let bytes = sysfsReportDescriptor(port: handle.device.info.port, interface: number)
                found[number] = DriverSelection.Evidence(reportDescriptor: bytes.flatMap(HIDReportDescriptor.init))
            }
        }
        return found
    }

    /// DLE EOT 2 on bulk OUT, one byte back on bulk IN within the timeout, shaped like an answer.
    static func answersStatus(handle: USBDeviceHandle, interface: USBInterfaceDescription) async -> Bool {
        guard let output = interface.endpoints.first(where: { !$0.isIn && $0.type == .bulk }),
              let input = interface.endpoints.first(where: { $0.isIn && $0.type == .bulk }) else { return false }
        do {
            try handle.claim(interface: interface.number)
            try await handle.write(output, RealTimeStatus.query(RealTimeStatus.offlineCause), timeout: timeout)
            let answer = try await handle.read(input, length: max(input.maxPacketSize, 1), timeout: timeout)
            return answer.count == 1 && RealTimeStatus.isStatusByte(answer[0])
        } catch {
            return false
        }
    }

    /// The descriptor the kernel read when usbhid bound the interface:
    /// /sys/bus/usb/devices/PORT:CONFIG.INTERFACE/BUS:VID:PID.N/report_descriptor.
    static func sysfsReportDescriptor(port: String, interface: Int) -> [UInt8]? {
        let root = URL(fileURLWithPath: "/sys/bus/usb/devices")
        let files = FileManager.default
        guard let entries = try? files.contentsOfDirectory(atPath: root.path) else { return nil }
        for entry in entries.sorted() where entry.hasPrefix(port + ":") && entry.hasSuffix(".\(interface)") {
            let folder = root.appendingPathComponent(entry)
            for child in (try? files.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] {
                if let data = try? Data(contentsOf: folder.appendingPathComponent(child).appendingPathComponent("report_descriptor")),
                   !data.isEmpty {
                    return Array(data)
                }
            }
        }
        return nil
    }
}
