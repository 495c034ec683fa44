import Checkout
import Devices
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Journal
import Logging
import Payments
import Receipts
import Retail
import ServiceLifecycle
import Sync

/// What `kiosk run` needs to start a lane.
public struct RunOptions: Sendable {
    public var demo = false
    public var stateDirectory: URL
    public var host = "127.0.0.1"
    /// 0 picks a free port; the ready line says which.
    public var port = 8080
    public var configFile: URL?
    public var assets: String?

    public init(stateDirectory: URL) {
        self.stateDirectory = stateDirectory
    }

    /// Where a store's lane keeps its settings when `--config` does not say.
    public static let defaultConfigFile = URL(fileURLWithPath: "/etc/kiosk/kiosk.json")

    public static var defaultStateDirectory: URL {
        defaultStateDirectory(environment: ProcessInfo.processInfo.environment, home: FileManager.default.homeDirectoryForCurrentUser)
    }

    /// `$STATE_DIRECTORY` (systemd's `StateDirectory=`, the first when it names several), else
    /// `$XDG_STATE_HOME/kiosk`, else `~/.local/state/kiosk`. Relative paths are ignored.
    static func defaultStateDirectory(environment: [String: String], home: URL) -> URL {
        if let first = environment["STATE_DIRECTORY"]?.split(separator: ":").first, first.hasPrefix("/") {
            return URL(fileURLWithPath: String(first))
        }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("kiosk")
        }
        return home.appendingPathComponent(".local/state/kiosk")
    }
}

public enum Kiosk {
    /// How a run ended: stopped (SIGTERM, SIGINT), or staff asked for a restart.
    public enum RunEnd: Sendable, Equatable { case stopped, restartRequested }

    /// `kiosk run`'s exit status when staff restart the service (EX_TEMPFAIL): the unit's
    /// `Restart=always` starts it again, and the journal says who asked.
    public static let restartExitCode: Int32 = 75

    /// Starts the lane and serves it until SIGTERM or SIGINT, or a staff restart. Prints "kiosk
    /// ready on URL" once the page can be loaded.
    @discardableResult
    public static func run(_ options: RunOptions, logger: Logger) async throws -> RunEnd {
        let config = try settings(options)
        var logger = logger
        logger[metadataKey: "lane"] = "\(config.laneID)"
        // Before anything else: a page listener the settings do not allow stops the start here.
        let listener = try PageListener(host: options.host, config: config, configFile: options.configFile)
        let assets = try AssetLocator.find(explicit: options.assets)
        let setup = try StoreSetup.load(store: AssetLocator.resolve(config.storeOrDemo, in: assets),
                                        catalog: AssetLocator.resolve(config.catalogOrDemo, in: assets))
        for row in setup.rejectedRows { logger.error("catalog row skipped", metadata: ["row": "\(row)"]) }
        logger.info("catalog loaded", metadata: ["items": "\(setup.catalog.count)", "rejected": "\(setup.rejectedRows.count)"])

        let state = options.stateDirectory
        do { try StateFolder.makePrivate(state) } catch { throw KioskSetupError.state("\(error)") }
        let identity: LaneIdentity, linkKey: ReceiptLinkKey
        do {
            identity = try LaneIdentity.loadOrCreate(stateDirectory: state, laneID: config.laneID)
            linkKey = try ReceiptLinkKey.loadOrCreate(stateDirectory: state)
        } catch {
            throw KioskSetupError.state("\(error)")
        }
        logger.info("lane identity", metadata: ["lane": "\(identity.laneID)", "fingerprint": "\(identity.fingerprint)"])
        let journal = try LaneJournal(path: state.appendingPathComponent("journal.sqlite").path, identity: identity)
        let (terminal, terminalState) = try PaymentSetup.terminal(config, demo: options.demo, state: state)
        // Simulated printing is demo and training only: without a USB printer a real lane's receipts wait as missed.
        let printer = LanePrinter(simulated: options.demo ? try SimulatedPrinter(folder: state.appendingPathComponent("receipts")) : nil,
                                  network: try networkPrinter(config, assets: assets, configFile: options.configFile, logger: logger))
        // Demo and training only: outside --demo nothing can inject scans.
        let scanner = options.demo ? SimulatedScanner() : nil
        let receipts = try receiptComposer(config: config, store: setup.profile, assets: assets, options: options, linkKey: linkKey,
                                           logger: logger)

        let lane = Lane(config: LaneConfig(
            laneID: config.laneID, pricing: setup.profile.pricingRules,
            emptyCartTimeout: Timestamp(config.emptyCartTimeoutSeconds) * 1000,
            abandonedCartTimeout: Timestamp(config.abandonedCartTimeoutSeconds) * 1000,
            receiptTimeout: Timestamp(config.receiptTimeoutSeconds) * 1000))
        // The state folder's catalog store and head office's pushes (coupon keys, staff) take
        // precedence over the settings; the runtime reads them.
        let runtime = try LaneRuntime(
            lane: lane, journal: journal, stateDirectory: state, profile: setup.profile, catalog: setup.catalog,
            staff: config.staff, demoCouponKey: try CouponSigner.demo(assets: assets).publicKey,
            terminal: terminal, printer: printer, scanner: scanner == nil ? .missing : .simulated,
            terminalState: terminalState, receipts: receipts,
            paymentTimeout: .seconds(config.paymentTimeoutSeconds), demo: options.demo, logger: logger,
            staffModeTimeout: Int64(config.staffModeTimeoutSeconds) * 1000,
            catalogNames: try CatalogNames.load(config.catalogNames, assets: assets, logger: logger.subsystem(.catalog)))
        await runtime.setDeviceStatus(printer: await printer.state())
        let replayed = await runtime.resume()
        if replayed > 0 { logger.notice("restored the interrupted session", metadata: ["events": "\(replayed)"]) }

        let demo = scanner.map { scanner in
            let extras = DemoItems.extras(store: setup.profile, catalog: setup.catalog, assets: assets)
            return (scanner, DemoItems.pick(from: setup.catalog, layout: setup.profile.variableMeasure, extras: extras))
        }
        // Before anything listens: a bad TLS certificate or key stops the start here.
        let sync = try syncServer(config, configFile: options.configFile, logger: logger,
                                  routes: HeadOfficeRoutes(runtime: runtime, journal: journal, identity: identity, assets: assets,
                                                           stateDirectory: state, scanInjectors: Set(config.sync?.scanInjectors ?? [])))
        let web = WebServer(runtime: runtime, journal: journal, receipts: receipts, demo: demo,
                            assets: assets, listener: listener, logger: logger.subsystem(.web))
        let systemd = SystemdNotifier(logger: logger)
        let app = try application(web.router(), listener: listener, options: options, logger: logger.subsystem(.web),
                                  onReady: { systemd?.send(.ready) })

        let usb = usbServices(config, assets: assets, runtime: runtime, printer: printer, logger: logger)
        let services: [any Service] = [app, runtime.effects, LaneTicker(runtime: runtime, watchdog: systemd)] + (sync.map { [$0] } ?? [])
            + (scanner.map { [ScannerService(scanner: $0, runtime: runtime)] } ?? [])
            + cameraServices(config.camera, runtime: runtime, logger: logger)
            + usb + (usb.isEmpty && printer.network == nil ? [] : [PrinterStatusService(runtime: runtime, printer: printer)])
            + (try serialScannerServices(config, assets: assets, runtime: runtime, configFile: options.configFile, logger: logger))
            + (systemd.map { [SystemdStoppingNotice(notifier: $0)] } ?? [])
        // A staff restart ends the watcher, and its end shuts the whole group down gracefully.
        let restart = ServiceGroupConfiguration.ServiceConfiguration(service: RestartWatcher(requests: runtime.restartRequests.stream),
                                                                     successTerminationBehavior: .gracefullyShutdownGroup)
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) } + [restart],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        let end: RunEnd = await runtime.restartRequested ? .restartRequested : .stopped
        logger.info(end == .stopped ? "kiosk stopped" : "kiosk stopped for a restart")
        return end
    }

    /// The settings a lane runs on. In demo mode without a file: the embedded demo store. Outside
    /// demo mode the file (`--config`, else /etc/kiosk/kiosk.json) must exist and name the store
    /// and catalog: a store's lane never falls back to the demo catalog.
    static func settings(_ options: RunOptions) throws -> KioskConfig {
        guard let file = options.configFile ?? (options.demo ? nil : RunOptions.defaultConfigFile) else {
            var config = KioskConfig()
            config.staff = [.demoSupervisor]
            return config
        }
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw KioskSetupError.config(file.path, "does not exist: a lane outside --demo needs settings naming its store and "
                                         + "catalog (see the README's \"Running a store's lane\"), or run with --demo")
        }
        var config = try KioskConfig.load(file)
        if options.demo {
            if config.staff.isEmpty { config.staff = [.demoSupervisor] }
        } else if config.store == nil || config.catalog == nil {
            throw KioskSetupError.config(file.path, "must name the lane's \"store\" and \"catalog\": outside --demo there is no demo store")
        }
        return config
    }

    /// The HTTP and WebSocket server; prints "kiosk ready on URL" once it listens (unbuffered,
    /// so scripts and tests waiting for the line see it at once), then calls `onReady`.
    static func application(_ router: Router<PageRequestContext>, listener: PageListener, options: RunOptions,
                            logger: Logger, onReady: @escaping @Sendable () -> Void) throws -> any Service {
        let host = options.host
        return Application(
            router: router,
            server: try listener.tls.map { try .tls(.http1WebSocketUpgrade(webSocketRouter: router), configuration: $0) }
                ?? .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: options.port), serverName: "kiosk"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                let urlHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
                FileHandle.standardOutput.write(Data("kiosk ready on \(listener.scheme)://\(urlHost):\(port)\n".utf8))
                onReady()
            },
            logger: logger)
    }

    /// Head office's sync listener, when `sync` is configured, on its own address; prints
    /// "kiosk sync ready on URL" once it listens, like the page's ready line.
    static func syncServer(_ config: KioskConfig, configFile: URL?, logger: Logger, routes: HeadOfficeRoutes) throws -> SyncServer? {
        guard let settings = config.sync else { return nil }
        do {
            return try SyncServer(settings: settings, logger: logger.subsystem(.sync), onServerRunning: { endpoint in
                FileHandle.standardOutput.write(Data("kiosk sync ready on \(endpoint.url)\n".utf8))
            }, routes: routes.add(to:))
        } catch let error as SyncSettingsError {
            throw KioskSetupError.config(configFile?.path ?? "(none)", error.message)
        }
    }

    /// The USB drivers, when enabled and the machine has USB; otherwise the lane runs without
    /// them (on its simulated devices in demo mode), and says so in the log.
    static func usbServices(_ config: KioskConfig, assets: URL, runtime: LaneRuntime, printer: LanePrinter,
                            logger: Logger) -> [any Service] {
        guard config.usbDevices else { return [] }
        let logger = logger.subsystem(.usb)
        let folder = assets.deletingLastPathComponent().appendingPathComponent("devices")
        do {
            let catalog = try DeviceProfileCatalog.load(from: folder)
            let manager = USBDeviceManager(context: try USBContext(), catalog: catalog,
                                           keyboardLayout: config.scannerKeyboardLayout, logger: logger)
            return [USBDeviceService(manager: manager, runtime: runtime, printer: printer, logger: logger)]
        } catch {
            logger.warning("USB devices not available: no USB scanner or printer will be used", metadata: ["reason": "\(error)"])
            return []
        }
    }

    /// The serial scanner's reader, when `serialScanner` is set; its profile must be a serial scanner.
    static func serialScannerServices(_ config: KioskConfig, assets: URL, runtime: LaneRuntime, configFile: URL?,
                                      logger: Logger) throws -> [any Service] {
        guard let settings = config.serialScanner else { return [] }
        let profile = try deviceProfile(settings.profile, assets: assets)
        guard profile?.driver == .serialScanner, let profile else {
            throw KioskSetupError.config(configFile?.path ?? "(settings)",
                                         "serialScanner.profile \"\(settings.profile)\" is not a serial-scanner profile in devices/scanners")
        }
        let scanner = SerialScanner(path: settings.device, profile: profile, logger: logger.subsystem(.usb))
        return [SerialScannerService(scanner: scanner, runtime: runtime, logger: logger.subsystem(.usb))]
    }

    /// A profile from devices/ (beside the assets folder) by file name; a broken devices/ stops the start.
    static func deviceProfile(_ name: String, assets: URL) throws -> DeviceProfile? {
        let folder = assets.deletingLastPathComponent().appendingPathComponent("devices")
        do { return try DeviceProfileCatalog.load(from: folder).profile(named: name) } catch {
            throw KioskSetupError.config(folder.path, error.description)
        }
    }

    /// The network receipt printer, when `networkPrinter` is set; it prints with `printerProfile`.
    static func networkPrinter(_ config: KioskConfig, assets: URL, configFile: URL?, logger: Logger) throws -> NetworkReceiptPrinter? {
        guard let text = config.networkPrinter else { return nil }
        let source = configFile?.path ?? "(settings)"
        guard let address = NetworkPrinterAddress(text) else { throw KioskSetupError.config(source, "networkPrinter \"\(text)\" is not HOST or HOST:PORT") }
        guard let profile = try deviceProfile(config.printerProfile, assets: assets), profile.printer != nil else {
            throw KioskSetupError.config(source, "printerProfile \"\(config.printerProfile)\" is not a printer in devices/printers")
        }
        return NetworkReceiptPrinter(address: address, profile: profile, logger: logger.subsystem(.printer))
    }

    static func receiptComposer(config: KioskConfig, store: StoreProfile, assets: URL, options: RunOptions,
                                linkKey: ReceiptLinkKey, logger: Logger) throws -> ReceiptComposer {
        // devices/ sits beside assets/ in a checkout and in an installed tree alike.
        let profile = try ReceiptResources.profile(named: config.printerProfile,
                                                   devices: assets.deletingLastPathComponent().appendingPathComponent("devices"))
        var logo: MonochromeImage?
        do {
            logo = try ReceiptResources.logo(at: assets.appendingPathComponent("receipt/logo.pgm"), profile: profile)
        } catch {
            logger.warning("receipts print without a logo", metadata: ["reason": "\(error)"])
        }
        // In demo mode the kiosk serves its own e-receipts, reachable where it listens.
        let demoBase = options.demo && options.port != 0 ? "http://\(options.host):\(options.port)/receipts/" : nil
        let translations = try Translations.load(config.receiptLanguages, from: assets.appendingPathComponent("l10n"))
        return ReceiptComposer(store: store, profile: profile, logo: logo, eReceiptBase: config.eReceiptBaseURL ?? demoBase,
                               linkKey: linkKey, words: try ReceiptWords(translations, languages: config.receiptLanguages))
    }
}
