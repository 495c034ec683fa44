/// A scanner on a serial port (`serialScanner` in the settings): its tty, and the profile in
/// devices/scanners whose terminator, prefix and suffix it is programmed with.
public struct SerialScannerSettings: Codable, Sendable, Equatable {
    /// "/dev/ttyACM0", or better a stable "/dev/serial/by-id/usb-..." name.
    public var device: String
    public var profile = "generic-serial-scanner"

    enum CodingKeys: String, CodingKey, CaseIterable { case device, profile }

    public init(device: String, profile: String = "generic-serial-scanner") {
        self.device = device
        self.profile = profile
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decode(String.self, forKey: .device)
        profile = try c.decodeIfPresent(String.self, forKey: .profile) ?? "generic-serial-scanner"
    }

    /// Nil when fine, else what is wrong, naming the setting.
    func problem() -> String? {
        if !device.hasPrefix("/dev/") || device.contains("..") || device.contains("\0") {
            return "serialScanner.device must be a tty under /dev/, e.g. \"/dev/ttyACM0\""
        }
        if profile.isEmpty || !profile.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            return "serialScanner.profile must name a file in devices/scanners (letters, digits, - and _)"
        }
        return nil
    }
}
