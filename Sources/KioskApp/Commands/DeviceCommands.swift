import Peripherals
import Devices
import Foundation
import Logging

/// `kiosk devices ...`: what is plugged in and which profile and driver take it, and udev rules.
public struct DeviceCommands: Sendable {
    public let catalog: DeviceProfileCatalog

    /// devices/ beside the assets folder, as in a checkout or an installed tree.
    public init(assets: String?) throws {
        let folder = try AssetLocator.find(explicit: assets).deletingLastPathComponent().appendingPathComponent("devices")
        do {
            catalog = try DeviceProfileCatalog.load(from: folder)
        } catch {
            throw KioskSetupError.config(folder.path, error.description)
        }
    }

    public func list() async throws -> [AttachedDevice] {
        try await USBDeviceManager.survey(context: USBContext(), catalog: catalog)
    }

    public static func table(_ devices: [AttachedDevice]) -> String {
        guard !devices.isEmpty else { return "no USB devices attached\n" }
        return devices.map { device in
            var line = "\(device.usb.port)  \(device.usb.id)  "
            if let model = device.model, let profile = device.profile, let driver = device.driver {
                line += "\(model) [\(profile)] driver \(driver): "
                line += device.state == .running ? "can be claimed" : "NOT usable: \(device.problem ?? "unknown problem")"
            } else {
                line += "left alone"
            }
            if let reason = device.reason { line += "\n      why: \(reason)" }
            if let hint = device.hint { line += "\n      to use it: \(hint)" }
            return line
        }.joined(separator: "\n") + "\n"
    }

    public static func json(_ devices: [AttachedDevice]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(devices), as: UTF8.self) + "\n"
    }
}

extension DeviceCommands {
    /// `kiosk devices watch`: runs the USB drivers and prints each event (a device attached or
    /// unplugged, a scan, a printer status change) as it happens, one line each, until stopped.
    /// Staff use it to smoke-test real hardware; the device tests use it on emulated devices.
    public func watch(json: Bool, keyboardLayout: KeyboardLayout?, logger: Logger,
                      emit: @escaping @Sendable (String) -> Void) async throws {
        let manager = USBDeviceManager(context: try USBContext(), catalog: catalog, keyboardLayout: keyboardLayout, logger: logger)
        let seen = SeenDevices()
        @Sendable func line(_ fields: [String: String]) -> String {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                return String(decoding: (try? encoder.encode(fields)) ?? Data(), as: UTF8.self)
            }
            return fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await manager.run(deliver: { code in
                    emit(line(["event": "scan", "data": code.data, "symbology": code.symbology ?? "", "source": code.source]))
                    return .accepted
                }, onChange: {
                    let now = await manager.attached
                    for change in await seen.update(now) {
                        switch change {
                        case .attached(let device):
                            emit(line(["event": "attached", "port": device.usb.port, "id": device.usb.id, "profile": device.profile ?? "",
                                       "driver": device.driver ?? "", "state": device.state.rawValue, "problem": device.problem ?? "",
                                       "reason": device.reason ?? ""]))
                        case .left(let port):
                            emit(line(["event": "left", "port": port]))
                        }
                    }
                })
            }
            group.addTask {
                // Printer status, polled the way the lane does: changes only.
                var last: PrinterStatus?
                while !Task.isCancelled {
                    if let printer = await manager.printer {
                        let status = await printer.status()
                        if status != last { emit(line(["event": "printer", "printer": printer.name, "status": status.rawValue])) }
                        last = status
                    } else {
                        last = nil
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Tells what changed between two snapshots of the attached devices.
actor SeenDevices {
    enum Change { case attached(AttachedDevice), left(String) }
    private var known: [String: AttachedDevice] = [:]

    func update(_ devices: [AttachedDevice]) -> [Change] {
        let now = Dictionary(devices.map { ($0.usb.port, $0) }, uniquingKeysWith: { $1 })
        var changes: [Change] = known.keys.filter { now[$0] == nil }.sorted().map { .left($0) }
        changes += devices.filter { known[$0.usb.port] != $0 }.map { .attached($0) }
        known = now
        return changes
    }
}
