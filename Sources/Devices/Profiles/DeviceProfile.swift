import Foundation
import Receipts

/// Which driver runs a device.
public enum DeviceDriverKind: String, Codable, Sendable, Hashable, CaseIterable {
    case hidPOSScanner = "hid-pos-scanner"
    case keyboardWedgeScanner = "keyboard-wedge-scanner"
    case escposUSBPrinter = "escpos-usb-printer"
    /// A scanner on a tty (USB CDC-ACM, RS-232), named in the settings: never claimed over libusb.
    case serialScanner = "serial-scanner"

    public var isScanner: Bool { self != .escposUSBPrinter }
}

/// The USB identity a profile claims: vendor and product id, and the interface its driver uses.
public struct USBMatch: Sendable, Hashable {
    public let vendorID: UInt16
    public let productID: UInt16
    public let interface: Int

    public var id: String { USBDeviceInfo.hex(vendorID) + ":" + USBDeviceInfo.hex(productID) }
}

/// How a keyboard-wedge scanner ends a code.
public enum WedgeTerminator: String, Codable, Sendable, Hashable {
    case enter, tab
}

/// One device model, from a file in devices/scanners/ or devices/printers/ (after `inherits`).
public struct DeviceProfile: Sendable, Hashable {
    /// The file name without `.json`.
    public let id: String
    public let name: String
    public let driver: DeviceDriverKind
    /// Nil for generic profiles that only exist to be inherited.
    public let usb: USBMatch?
    // Keyboard-wedge scanners
    public let keyboardLayout: KeyboardLayout
    public let terminator: WedgeTerminator
    public let prefix: String
    public let suffix: String
    // Printers
    public let printer: PrinterProfile?
    /// How long to wait for the answer to a real-time status request.
    public let statusTimeout: Duration
    /// Bytes per bulk OUT transfer: small enough that a status check between chunks comes soon.
    public let chunkSize: Int
    /// False for models that never answer DLE EOT over USB: their status is always "unknown".
    public let answersStatus: Bool
}

public enum DeviceProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(file: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): return "\(file): cannot be read: \(reason)"
        case .invalid(let file, let reason): return "\(file): \(reason)"
        }
    }
}

extension DeviceProfile {
    static let commonKeys: Set<String> = ["inherits", "name", "source", "driver", "usb"]
    static let scannerKeys: Set<String> = ["keyboardLayout", "terminator", "prefix", "suffix"]
    static let printerKeys: Set<String> = [
        "paperWidth", "columns", "dotsPerLine", "supportsChinese", "cutter", "nativeQR", "nativeBarcode", "raster",
        "cashDrawer", "codePages", "statusTimeoutMilliseconds", "chunkSize", "answersStatus",
    ]

    /// Builds a profile from its merged JSON object. Unknown keys are an error, so a typo in a
    /// device file cannot silently fall back to a default.
    static func make(id: String, file: String, json: [String: Any]) throws(DeviceProfileError) -> DeviceProfile {
        func invalid(_ reason: String) -> DeviceProfileError { .invalid(file: file, reason: reason) }
        guard let name = json["name"] as? String, !name.isEmpty else { throw invalid("needs a \"name\"") }
        // Where the model's USB id and capabilities come from: for the people who read the file.
        if let source = json["source"], (source as? String)?.isEmpty != false { throw invalid("\"source\" must be text") }
        guard let driverName = json["driver"] as? String else { throw invalid("needs a \"driver\"") }
        guard let driver = DeviceDriverKind(rawValue: driverName) else {
            throw invalid("unknown driver \"\(driverName)\" (known: \(DeviceDriverKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let allowed = commonKeys.union(driver.isScanner ? scannerKeys : printerKeys)
        if let unknown = json.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw invalid("unknown setting \"\(unknown)\" for a \(driver.rawValue) device")
        }

        var usb: USBMatch?
        if let section = json["usb"] {
            guard let section = section as? [String: Any],
                  let vendor = (section["vendorID"] as? String).flatMap(Self.hexID),
                  let product = (section["productID"] as? String).flatMap(Self.hexID) else {
                throw invalid("\"usb\" needs \"vendorID\" and \"productID\" as 4 hex digits, e.g. \"04b8\"")
            }
            let interface = section["interface"] as? Int ?? 0
            guard (0...31).contains(interface), Set(section.keys).isSubset(of: ["vendorID", "productID", "interface"]) else {
                throw invalid("\"usb\" has an unknown key or a bad \"interface\"")
            }
            usb = USBMatch(vendorID: vendor, productID: product, interface: interface)
        }

        let layoutName = json["keyboardLayout"] as? String ?? "us"
        guard let layout = KeyboardLayout(rawValue: layoutName) else {
            throw invalid("unknown keyboardLayout \"\(layoutName)\" (known: \(KeyboardLayout.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let terminatorName = json["terminator"] as? String ?? "enter"
        guard let terminator = WedgeTerminator(rawValue: terminatorName) else { throw invalid("terminator must be \"enter\" or \"tab\"") }

        var printer: PrinterProfile?
        if !driver.isScanner {
            do {
                let data = try JSONSerialization.data(withJSONObject: json)
                printer = try JSONDecoder().decode(PrinterProfile.self, from: data)
            } catch {
                throw invalid("not a valid printer profile: \(error)")
            }
        }
        let timeout = json["statusTimeoutMilliseconds"] as? Int ?? 500
        let chunk = json["chunkSize"] as? Int ?? 4096
        guard (50...10_000).contains(timeout), (64...65_536).contains(chunk) else {
            throw invalid("statusTimeoutMilliseconds must be 50-10000 and chunkSize 64-65536")
        }
        return DeviceProfile(
            id: id, name: name, driver: driver, usb: usb, keyboardLayout: layout, terminator: terminator,
            prefix: json["prefix"] as? String ?? "", suffix: json["suffix"] as? String ?? "",
            printer: printer,
            statusTimeout: .milliseconds(timeout), chunkSize: chunk, answersStatus: json["answersStatus"] as? Bool ?? true)
    }

    static func hexID(_ text: String) -> UInt16? {
        guard text.count == 4 else { return nil }
        return UInt16(text, radix: 16)
    }
}
