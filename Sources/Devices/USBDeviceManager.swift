import Logging
import Peripherals

/// A USB device as the kiosk sees it: which profile and driver took it, why, and how it is doing.
public struct AttachedDevice: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// A driver claimed it and runs it.
        case running
        /// No driver takes it (see `reason`): the kiosk leaves it alone.
        case leftAlone = "left-alone"
        /// A driver was chosen but could not take it (see `problem`).
        case failed
    }

    public let usb: USBDeviceInfo
    public let profile: String?
    public let model: String?
    public let driver: String?
    public var state: State
    public var problem: String?
    /// Why this driver was chosen, or why none was.
    public var reason: String?
    /// How to make the kiosk take a device it left alone, when it could.
    public var hint: String?
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
        var (entry, claimed) = await Self.select(device, catalog: catalog)
        if let claimed {
            do {
                try await start(claimed, info: info, deliver: deliver)
            } catch {
                entry.state = .failed
                entry.problem = "\(error)"
                logger.error("device not taken", metadata: ["device": "\(info)", "error": "\(error)"])
            }
        }
        devices[info.port] = entry
    }

    private func start(_ claimed: Claimed, info: USBDeviceInfo,
                       deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome) async throws(USBError) {
        let profile = claimed.choice.profile
        let name = "\(profile.name) (usb \(info.port))"
        if profile.driver.isScanner {
            let scanner = try makeScanner(name: name, profile: profile, handle: claimed.handle, interface: claimed.interface)
            sawScanner = true
            scannerTasks[info.port] = Task { [logger] in
                do {
                    try await scanner.run(deliver: deliver)
                } catch {
                    logger.warning("scanner stopped", metadata: ["scanner": "\(name)", "error": "\(error)"])
                }
            }
        } else {
            let printer = try Self.makePrinter(name: name, claimed: claimed, logger: logger)
            let id = await printer.identify()
            logger.info("printer attached", metadata: ["printer": "\(name)", "id": "\(id?.fields ?? [:])", "why": "\(claimed.choice.reason)"])
            printers[info.port] = printer
            printerOrder.append(info.port)
        }
    }

    func left(_ info: USBDeviceInfo) {
        devices[info.port] = nil
        scannerTasks.removeValue(forKey: info.port)?.cancel()
        printers[info.port] = nil
        printerOrder.removeAll { $0 == info.port }
        logger.notice("device unplugged", metadata: ["device": "\(info)"])
    }

    /// What is attached and what the kiosk would make of it, choosing and claiming each device's
    /// driver the way `run` does, then letting go.
    public static func survey(context: USBContext, catalog: DeviceProfileCatalog) async throws(USBError) -> [AttachedDevice] {
        var found: [AttachedDevice] = []
        for device in try context.attachedDevices() {
            found.append(await select(device, catalog: catalog).entry)
        }
        return found.sorted { $0.usb.port < $1.usb.port }
    }

    /// Opens the first attached printer a driver takes, for a one-off job (a test print).
    public static func firstPrinter(context: USBContext, catalog: DeviceProfileCatalog, logger: Logger) async throws(USBError) -> USBReceiptPrinter? {
        for device in try context.attachedDevices() {
            guard let claimed = await select(device, catalog: catalog).claimed, !claimed.choice.profile.driver.isScanner else { continue }
            let printer = try makePrinter(name: "\(claimed.choice.profile.name) (usb \(device.info.port))", claimed: claimed, logger: logger)
            _ = await printer.identify()
            return printer
        }
        return nil
    }

    /// An interface a driver was chosen for, claimed on an open handle.
    struct Claimed {
        let handle: USBDeviceHandle
        let interface: USBInterfaceDescription
        let choice: DriverSelection.Choice
    }

    /// Chooses the driver (by profile, else by what the device says it is: `DriverSelection`) and
    /// claims its interface. A device no driver takes is closed again, its kernel drivers untouched
    /// unless a probe had to claim an interface nothing held.
    static func select(_ device: USBDevice, catalog: DeviceProfileCatalog) async -> (entry: AttachedDevice, claimed: Claimed?) {
        let info = device.info
        var entry = AttachedDevice(usb: info, profile: nil, model: nil, driver: nil, state: .leftAlone)
        let interfaces: [USBInterfaceDescription]
        do {
            interfaces = try device.interfaces()
        } catch {
            entry.problem = error.description
            entry.reason = "its descriptors cannot be read"
            return (entry, nil)
        }
        var handle: USBDeviceHandle?
        let choice: DriverSelection.Choice
        if let byID = DriverSelection.byID(info, interfaces: interfaces, catalog: catalog) {
            choice = byID
        } else {
            let probes = DriverSelection.probes(interfaces)
            var evidence: [Int: DriverSelection.Evidence] = [:]
            if !probes.isEmpty {
                do {
                    handle = try device.open()
                } catch {
                    entry.problem = error.description
                }
                if let handle { evidence = await DeviceProbe.evidence(probes, handle: handle, interfaces: interfaces) }
            }
            switch DriverSelection.decide(info, interfaces: interfaces, evidence: evidence, catalog: catalog) {
            case .take(let chosen): choice = chosen
            case .leave(let reason, let hint):
                entry.reason = reason
                entry.hint = hint
                return (entry, nil)
            }
        }
        entry = AttachedDevice(usb: info, profile: choice.profile.id, model: choice.profile.name, driver: choice.profile.driver.rawValue,
                               state: .running, reason: choice.reason)
        do throws(USBError) {
            guard let interface = interfaces.first(where: { $0.number == choice.interface }) else {
                throw USBError(code: -5, operation: "find interface \(choice.interface)", device: info.description)
            }
            let open: USBDeviceHandle
            if let handle { open = handle } else { open = try device.open() }
            try open.claim(interface: interface.number)
            return (entry, Claimed(handle: open, interface: interface, choice: choice))
        } catch {
            entry.state = .failed
            entry.problem = error.description
            return (entry, nil)
        }
    }

    static func makePrinter(name: String, claimed: Claimed, logger: Logger) throws(USBError) -> USBReceiptPrinter {
        let interface = claimed.interface
        guard let output = interface.endpoints.first(where: { !$0.isIn && $0.type == .bulk }) else {
            throw USBError(code: -5, operation: "find a bulk OUT endpoint on interface \(interface.number)", device: claimed.handle.name)
        }
        let input = interface.endpoints.first { $0.isIn && $0.type == .bulk }
        return USBReceiptPrinter(name: name, profile: claimed.choice.profile, handle: claimed.handle, interface: interface.number,
                                 output: output, input: input, logger: logger)
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
