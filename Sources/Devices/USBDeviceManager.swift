import Logging
import Peripherals

/// A USB device as the kiosk sees it: which profile and driver took it, and how it is doing.
public struct AttachedDevice: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// A driver claimed it and runs it.
        case running
        /// No profile in devices/ matches it: the kiosk leaves it alone.
        case unknownModel = "unknown-model"
        /// A profile matches but the driver could not take it (see `problem`).
        case failed
    }

    public let usb: USBDeviceInfo
    public let profile: String?
    public let model: String?
    public let driver: String?
    public var state: State
    public var problem: String?
}

/// Discovery apart from claiming: libusb reports arrivals and departures, the profile catalog says
/// which driver (if any) takes each device, and the manager starts and stops those drivers.
/// Scanners feed `deliver`; the newest printer is `printer`. `onChange` hears every change.
public actor USBDeviceManager {
    let context: USBContext
    let catalog: DeviceProfileCatalog
    let keyboardLayout: KeyboardLayout?
    let logger: Logger
    private var devices: [String: AttachedDevice] = [:]
    private var scannerTasks: [String: Task<Void, Never>] = [:]
    private var printers: [String: USBReceiptPrinter] = [:]
    private var printerOrder: [String] = []

    /// `keyboardLayout` overrides the profiles' layout for every keyboard-wedge scanner (the
    /// store programs its scanners for its own keyboard layout).
    public init(context: USBContext, catalog: DeviceProfileCatalog, keyboardLayout: KeyboardLayout? = nil, logger: Logger) {
        self.context = context
        self.catalog = catalog
        self.keyboardLayout = keyboardLayout
        self.logger = logger
    }

    public var attached: [AttachedDevice] { devices.values.sorted { $0.usb.port < $1.usb.port } }
    /// The printer plugged in last, if any.
    public var printer: USBReceiptPrinter? { printerOrder.last.flatMap { printers[$0] } }
    public var scannerCount: Int { scannerTasks.count }
    /// A USB scanner has been attached since start: from then on, none attached means "missing".
    public private(set) var sawScanner = false

    /// Follows hotplug events until the task is cancelled.
    public func run(deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome,
                    onChange: @escaping @Sendable () async -> Void) async throws(USBError) {
        let events = try context.hotplugEvents()
        for await event in events {
            switch event {
            case .arrived(let device): await arrived(device, deliver: deliver)
            case .left(let info): left(info)
            }
            await onChange()
        }
        for task in scannerTasks.values { task.cancel() }
    }

    func arrived(_ device: USBDevice, deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome) async {
        let info = device.info
        guard devices[info.port] == nil || devices[info.port]?.state != .running else { return } // enumerated twice
        guard let profile = catalog.profile(for: info), let match = profile.usb else {
            devices[info.port] = AttachedDevice(usb: info, profile: nil, model: nil, driver: nil, state: .unknownModel)
            return
        }
        var entry = AttachedDevice(usb: info, profile: profile.id, model: profile.name, driver: profile.driver.rawValue, state: .running)
        do {
            let name = "\(profile.name) (usb \(info.port))"
            let (handle, interface) = try Self.open(device, interface: match.interface)
            if profile.driver.isScanner {
                let scanner = try makeScanner(name: name, profile: profile, handle: handle, interface: interface)
                sawScanner = true
                scannerTasks[info.port] = Task { [logger] in
                    do {
                        try await scanner.run(deliver: deliver)
                    } catch {
                        logger.warning("scanner stopped", metadata: ["scanner": "\(name)", "error": "\(error)"])
                    }
                }
            } else {
                guard let output = interface.endpoints.first(where: { !$0.isIn && $0.type == .bulk }) else {
                    throw USBError(code: -5, operation: "find a bulk OUT endpoint on interface \(interface.number)", device: info.description)
                }
                let input = interface.endpoints.first { $0.isIn && $0.type == .bulk }
                let printer = USBReceiptPrinter(name: name, profile: profile, handle: handle, output: output, input: input, logger: logger)
                let id = await printer.identify()
                logger.info("printer attached", metadata: ["printer": "\(name)", "id": "\(id?.fields ?? [:])"])
                printers[info.port] = printer
                printerOrder.append(info.port)
            }
        } catch {
            entry.state = .failed
            entry.problem = "\(error)"
            logger.error("device not taken", metadata: ["device": "\(info)", "error": "\(error)"])
        }
        devices[info.port] = entry
    }

    func left(_ info: USBDeviceInfo) {
        devices[info.port] = nil
        scannerTasks.removeValue(forKey: info.port)?.cancel()
        printers[info.port] = nil
        printerOrder.removeAll { $0 == info.port }
        logger.notice("device unplugged", metadata: ["device": "\(info)"])
    }

    /// What is attached and what the kiosk would make of it, trying each profiled device's
    /// interface claim (and a printer's device id) the way the drivers do, then letting go.
    public static func survey(context: USBContext, catalog: DeviceProfileCatalog) async throws(USBError) -> [AttachedDevice] {
        var found: [AttachedDevice] = []
        for device in try context.attachedDevices() {
            let info = device.info
            guard let profile = catalog.profile(for: info), let match = profile.usb else {
                found.append(AttachedDevice(usb: info, profile: nil, model: nil, driver: nil, state: .unknownModel))
                continue
            }
            var entry = AttachedDevice(usb: info, profile: profile.id, model: profile.name, driver: profile.driver.rawValue, state: .running)
            do {
                _ = try open(device, interface: match.interface)
            } catch {
                entry.state = .failed
                entry.problem = error.description
            }
            found.append(entry)
        }
        return found.sorted { $0.usb.port < $1.usb.port }
    }

    /// Opens the first attached printer that has a profile, for a one-off job (a test print).
    public static func firstPrinter(context: USBContext, catalog: DeviceProfileCatalog, logger: Logger) async throws(USBError) -> USBReceiptPrinter? {
        for device in try context.attachedDevices() {
            guard let profile = catalog.profile(for: device.info), !profile.driver.isScanner, let match = profile.usb else { continue }
            let (handle, interface) = try open(device, interface: match.interface)
            guard let output = interface.endpoints.first(where: { !$0.isIn && $0.type == .bulk }) else { continue }
            let input = interface.endpoints.first { $0.isIn && $0.type == .bulk }
            let printer = USBReceiptPrinter(name: "\(profile.name) (usb \(device.info.port))", profile: profile, handle: handle,
                                            output: output, input: input, logger: logger)
            _ = await printer.identify()
            return printer
        }
        return nil
    }

    static func open(_ device: USBDevice, interface number: Int) throws(USBError) -> (USBDeviceHandle, USBInterfaceDescription) {
        let handle = try device.open()
        guard let interface = try handle.interfaces().first(where: { $0.number == number }) else {
            throw USBError(code: -5, operation: "find interface \(number)", device: device.info.description)
        }
        try handle.claim(interface: number)
        return (handle, interface)
    }

    func makeScanner(name: String, profile: DeviceProfile, handle: USBDeviceHandle,
                     interface: USBInterfaceDescription) throws(USBError) -> USBScanner {
        guard let input = interface.endpoints.first(where: { $0.isIn && $0.type == .interrupt }) else {
            throw USBError(code: -5, operation: "find an interrupt IN endpoint on interface \(interface.number)", device: handle.name)
        }
        let layout = keyboardLayout ?? profile.keyboardLayout
        let makeDecoder: @Sendable () -> any ScanReportDecoder
        if profile.driver == .hidPOSScanner {
            makeDecoder = { HIDPOSDecoder() }
        } else {
            makeDecoder = { KeyboardWedgeDecoder(layout: layout, terminator: profile.terminator, prefix: profile.prefix, suffix: profile.suffix) }
        }
        return USBScanner(name: name, handle: handle, endpoint: input, makeDecoder: makeDecoder, logger: logger)
    }
}
