import Devices
import Foundation
import Payments
import Sync

/// The kiosk's settings file (`--config FILE`, JSON; `/etc/kiosk/kiosk.json` outside --demo).
/// Every field but `store` and `catalog` has a default; a lane outside --demo must name those two
/// (`Kiosk.settings`). Unknown fields are an error, not silently ignored: a typo in a setting must
/// not go unnoticed.
public struct KioskConfig: Codable, Sendable, Equatable {
    public var laneID = "L01"
    /// Store profile and catalog; relative paths are relative to the assets folder. Unnamed, the
    /// demo store and catalog stand in: in demo mode and for the developer commands, never for a
    /// lane outside --demo.
    public var store: String?
    public var catalog: String?
    /// The receipt printer's profile: a file name (without .json) in devices/printers/.
    public var printerProfile = "generic-80mm"
    /// A network receipt printer (raw TCP, ESC/POS), "HOST" or "HOST:PORT" (port 9100 unless
    /// given); it prints with `printerProfile` and takes precedence over USB printers.
    public var networkPrinter: String?
    /// A scanner on a serial port (SerialScannerSettings.swift); none when absent.
    public var serialScanner: SerialScannerSettings?
    /// Where e-receipts live, e.g. "https://receipts.example.com/r/": the receipt's QR code and the
    /// page link to `<base><sale id>?k=<the sale's link secret>` (ReceiptLinkKey.swift). Without it (and outside demo mode) no QR is printed.
    public var eReceiptBaseURL: String?
    /// Who may approve age checks, voids and cancellations. Empty outside demo mode unless configured.
    public var staff: [StaffMember] = []
    public var simulatedTerminal = SimulatedTerminalRules()
    /// A card terminal speaking Adyen's Terminal API (NexoTerminalSettings.swift). When set it takes
    /// the payments, in --demo too; when absent, --demo uses the simulated terminal above.
    public var nexoTerminal: NexoTerminalSettings?
    /// A WeChat Pay merchant account for payment codes (WeChatPaySettings.swift); none when absent.
    public var wechatPay: WeChatPaySettings?
    /// An Alipay app for face-to-face payments with payment codes (AlipaySettings.swift); none when absent.
    public var alipay: AlipaySettings?
    /// Seconds the kiosk waits for the terminal before asking it for the payment's status.
    public var paymentTimeoutSeconds = 60
    public var emptyCartTimeoutSeconds = 60
    public var abandonedCartTimeoutSeconds = 300
    public var receiptTimeoutSeconds = 15
    /// The maintenance screen closes after this long without a staff action.
    public var staffModeTimeoutSeconds = 120
    /// A camera that reads barcodes (CameraConfig.swift); none when absent.
    public var camera: CameraConfig?
    /// Drive USB scanners and printers that devices/ has profiles for (off: simulated devices only).
    public var usbDevices = true
    /// The layout keyboard-wedge scanners are programmed to type in, when not the profiles' "us".
    public var scannerKeyboardLayout: KeyboardLayout?
    /// Head office's sync listener (SyncSettings.swift); none when absent.
    public var sync: SyncSettings?
    /// Permission for the page's listener to be reached from the network (PageNetworkSettings.swift).
    public var pageNetwork: PageNetworkSettings?

    public init() {}

    public static let demoStore = "demo/store.json"
    public static let demoCatalog = "demo/catalog.csv"
    public var storeOrDemo: String { store ?? Self.demoStore }
    public var catalogOrDemo: String { catalog ?? Self.demoCatalog }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case laneID, store, catalog, printerProfile, eReceiptBaseURL, staff, simulatedTerminal, nexoTerminal, wechatPay, alipay, paymentTimeoutSeconds
        case emptyCartTimeoutSeconds, abandonedCartTimeoutSeconds, receiptTimeoutSeconds, staffModeTimeoutSeconds, camera
        case usbDevices, scannerKeyboardLayout, sync, pageNetwork, networkPrinter, serialScanner
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = KioskConfig()
        laneID = try c.decodeIfPresent(String.self, forKey: .laneID) ?? defaults.laneID
        store = try c.decodeIfPresent(String.self, forKey: .store)
        catalog = try c.decodeIfPresent(String.self, forKey: .catalog)
        printerProfile = try c.decodeIfPresent(String.self, forKey: .printerProfile) ?? defaults.printerProfile
        eReceiptBaseURL = try c.decodeIfPresent(String.self, forKey: .eReceiptBaseURL)
        staff = try c.decodeIfPresent([StaffMember].self, forKey: .staff) ?? defaults.staff
        simulatedTerminal = try c.decodeIfPresent(SimulatedTerminalRules.self, forKey: .simulatedTerminal) ?? defaults.simulatedTerminal
        nexoTerminal = try c.decodeIfPresent(NexoTerminalSettings.self, forKey: .nexoTerminal)
        wechatPay = try c.decodeIfPresent(WeChatPaySettings.self, forKey: .wechatPay)
        alipay = try c.decodeIfPresent(AlipaySettings.self, forKey: .alipay)
        paymentTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .paymentTimeoutSeconds) ?? defaults.paymentTimeoutSeconds
        emptyCartTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .emptyCartTimeoutSeconds) ?? defaults.emptyCartTimeoutSeconds
        abandonedCartTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .abandonedCartTimeoutSeconds) ?? defaults.abandonedCartTimeoutSeconds
        receiptTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .receiptTimeoutSeconds) ?? defaults.receiptTimeoutSeconds
        staffModeTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .staffModeTimeoutSeconds) ?? defaults.staffModeTimeoutSeconds
        camera = try c.decodeIfPresent(CameraConfig.self, forKey: .camera)
        usbDevices = try c.decodeIfPresent(Bool.self, forKey: .usbDevices) ?? defaults.usbDevices
        scannerKeyboardLayout = try c.decodeIfPresent(KeyboardLayout.self, forKey: .scannerKeyboardLayout)
        sync = try c.decodeIfPresent(SyncSettings.self, forKey: .sync)
        pageNetwork = try c.decodeIfPresent(PageNetworkSettings.self, forKey: .pageNetwork)
        networkPrinter = try c.decodeIfPresent(String.self, forKey: .networkPrinter)
        serialScanner = try c.decodeIfPresent(SerialScannerSettings.self, forKey: .serialScanner)
    }

    /// Reads and checks a settings file; every problem is reported with the file's name.
    public static func load(_ url: URL) throws -> KioskConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KioskSetupError.config(url.path, "cannot be read")
        }
        return try parse(data, source: url.path)
    }

    /// The settings of the commands beside `kiosk run` (import, explain, receipts...): the file
    /// given, else the store lane's /etc/kiosk/kiosk.json when there is one, else the defaults
    /// (the demo store: a checkout's developer tools).
    public static func forCommand(_ file: URL?) throws -> KioskConfig {
        let installed = RunOptions.defaultConfigFile
        guard let file = file ?? (FileManager.default.fileExists(atPath: installed.path) ? installed : nil) else { return KioskConfig() }
        return try load(file)
    }

    /// Parses and checks a settings file's bytes; `source` names it in every problem.
    public static func parse(_ data: Data, source: String) throws -> KioskConfig {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw KioskSetupError.config(source, "is not valid JSON")
        }
        guard let fields = object as? [String: Any] else { throw KioskSetupError.config(source, "must be a JSON object") }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw KioskSetupError.config(source, "has an unknown setting \"\(unknown)\"")
        }
        let config: KioskConfig
        do { config = try JSONDecoder().decode(KioskConfig.self, from: data) } catch let error as DecodingError {
            throw KioskSetupError.config(source, error.readable)
        }
        try config.validate(source: source)
        return config
    }

    public func validate(source: String) throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw KioskSetupError.config(source, message) }
        }
        try check(!laneID.isEmpty && laneID.utf8.count <= 16 && laneID.allSatisfy { $0.isLetter || $0.isNumber },
                  "laneID must be 1 to 16 letters or digits")
        try check(!printerProfile.isEmpty && printerProfile.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" },
                  "printerProfile must name a file in devices/printers (letters, digits, - and _)")
        if let base = eReceiptBaseURL {
            try check((base.hasPrefix("https://") || base.hasPrefix("http://")) && !base.contains(" "),
                      "eReceiptBaseURL must be an http(s) URL")
        }
        try check(paymentTimeoutSeconds >= 5 && paymentTimeoutSeconds <= 600, "paymentTimeoutSeconds must be 5...600")
        try check(emptyCartTimeoutSeconds >= 5, "emptyCartTimeoutSeconds must be at least 5")
        try check(abandonedCartTimeoutSeconds >= 30, "abandonedCartTimeoutSeconds must be at least 30")
        try check(receiptTimeoutSeconds >= 3, "receiptTimeoutSeconds must be at least 3")
        try check(staffModeTimeoutSeconds >= 10 && staffModeTimeoutSeconds <= 3600, "staffModeTimeoutSeconds must be 10...3600")
        try check(simulatedTerminal.approvalDelayMilliseconds >= 0, "simulatedTerminal.approvalDelayMilliseconds must not be negative")
        if let problem = nexoTerminal?.problem() ?? wechatPay?.problem() ?? alipay?.problem() { throw KioskSetupError.config(source, problem) }
        if let problem = StaffMember.problem(in: staff) { throw KioskSetupError.config(source, "\(problem.field): \(problem.message)") }
        try camera?.validate(source: source)
        if let networkPrinter {
            try check(NetworkPrinterAddress(networkPrinter) != nil,
                      "networkPrinter must be HOST or HOST:PORT (a name or IP address, port 1-65535), e.g. \"192.168.1.40:9100\"")
        }
        if let problem = pageNetwork?.problem() { throw KioskSetupError.config(source, problem) }
        if let problem = serialScanner?.problem() { throw KioskSetupError.config(source, problem) }
        do { try sync?.validate() } catch let error as SyncSettingsError {
            throw KioskSetupError.config(source, error.message)
        }
    }
}

public enum KioskSetupError: Error, CustomStringConvertible {
    case config(String, String)
    case store(String, String)
    case catalog(String, String)
    case assets(String)
    /// The state folder or the lane's key cannot be used.
    case state(String)
    /// `--listen` names an address the settings do not allow.
    case listen(String)

    public var description: String {
        switch self {
        case .config(let file, let message): return "config \(file) \(message)"
        case .store(let file, let message): return "store profile \(file): \(message)"
        case .catalog(let file, let message): return "catalog \(file): \(message)"
        case .assets(let message), .state(let message), .listen(let message): return message
        }
    }
}

extension DecodingError {
    /// "staff[0].badge: expected String" rather than Foundation's debug dump.
    var readable: String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
        }
        switch self {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): missing \(type)"
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}
