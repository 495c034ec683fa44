import Foundation

/// Every device model in devices/scanners/ and devices/printers/: the registry that tells which
/// profile, and so which driver, takes a USB device.
public struct DeviceProfileCatalog: Sendable {
    public let scanners: [DeviceProfile]
    public let printers: [DeviceProfile]

    public init(scanners: [DeviceProfile], printers: [DeviceProfile]) {
        self.scanners = scanners
        self.printers = printers
    }

    public var all: [DeviceProfile] { scanners + printers }

    /// Loads devices/ (the folder holding scanners/ and printers/). A broken file is an error
    /// naming the file: the kiosk must not start with half its device knowledge.
    public static func load(from devices: URL) throws(DeviceProfileError) -> DeviceProfileCatalog {
        try DeviceProfileCatalog(scanners: loadFolder(devices.appendingPathComponent("scanners")),
                                 printers: loadFolder(devices.appendingPathComponent("printers")))
    }

    /// The profile for a device, by vendor and product id.
    public func profile(for device: USBDeviceInfo) -> DeviceProfile? {
        profiles(for: device).first
    }

    /// Every profile listing the device's vendor and product id: more than one when a model
    /// keeps its id across modes (keyboard, HID POS), told apart by the interface descriptors.
    public func profiles(for device: USBDeviceInfo) -> [DeviceProfile] {
        all.filter { $0.usb?.vendorID == device.vendorID && $0.usb?.productID == device.productID }
    }

    public func profile(named id: String) -> DeviceProfile? {
        all.first { $0.id == id }
    }

    /// udev rules that let the kiosk's user open every profiled device without root
    /// (`TAG+="uaccess"` for a desktop session, the group for a service account).
    public func udevRules(group: String) -> String {
        var lines = ["# Written by `kiosk devices udev-rules` from devices/: one line per USB model the kiosk drives.",
                     "# Install: sudo cp THIS /etc/udev/rules.d/70-kiosk.rules && sudo udevadm control --reload && sudo udevadm trigger"]
        for profile in all {
            guard let usb = profile.usb else { continue }
            lines.append("# \(profile.name) (\(profile.driver.rawValue))")
            lines.append("SUBSYSTEM==\"usb\", ATTR{idVendor}==\"\(USBDeviceInfo.hex(usb.vendorID))\", ATTR{idProduct}==\"\(USBDeviceInfo.hex(usb.productID))\", MODE=\"0660\", GROUP=\"\(group)\", TAG+=\"uaccess\"")
        }
        lines.append("# Any printer-class device (7/1/1, 7/1/2): an ESC/POS printer without a profile is driven by class")
        lines.append("SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ENV{ID_USB_INTERFACES}==\"*:07010[12]:*\", MODE=\"0660\", GROUP=\"\(group)\", TAG+=\"uaccess\"")
        return lines.joined(separator: "\n") + "\n"
    }

    static func loadFolder(_ folder: URL) throws(DeviceProfileError) -> [DeviceProfile] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw .unreadable(file: folder.path, reason: "\(error.localizedDescription)")
        }
        var raw: [String: [String: Any]] = [:]
        for file in files {
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
            } catch {
                throw .unreadable(file: file.path, reason: "not valid JSON")
            }
            guard let json = object as? [String: Any] else { throw .invalid(file: file.path, reason: "must be a JSON object") }
            raw[file.deletingPathExtension().lastPathComponent] = json
        }
        var profiles: [DeviceProfile] = []
        for id in raw.keys.sorted() {
            let file = folder.appendingPathComponent(id + ".json").path
            profiles.append(try DeviceProfile.make(id: id, file: file, json: merged(id, raw: raw, file: file, seen: [])))
        }
        return profiles
    }

    /// A profile's settings over those of the profile it `inherits`, recursively.
    static func merged(_ id: String, raw: [String: [String: Any]], file: String, seen: [String]) throws(DeviceProfileError) -> [String: Any] {
        guard var json = raw[id] else { throw .invalid(file: file, reason: "inherits \"\(id)\", which is not in the same folder") }
        guard let parent = json.removeValue(forKey: "inherits") else { return json }
        guard let parentID = parent as? String else { throw .invalid(file: file, reason: "\"inherits\" must name a profile") }
        guard !seen.contains(parentID), parentID != id else {
            throw .invalid(file: file, reason: "inherits in a loop: \((seen + [id, parentID]).joined(separator: " -> "))")
        }
        var base = try merged(parentID, raw: raw, file: file, seen: seen + [id])
        for (key, value) in json { base[key] = value }
        return base
    }
}
