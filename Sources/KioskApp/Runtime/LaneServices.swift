import Devices
import Logging
import Peripherals
import ServiceLifecycle

/// Drives inactivity timeouts: the reducer has no clock, so time arrives as a tick each second.
/// When systemd watches the kiosk, the ticker also feeds its watchdog, each ping only after a
/// round trip through the lane actor: a hung actor stops the pings, and systemd restarts the kiosk.
struct LaneTicker: Service {
    let runtime: LaneRuntime
    var watchdog: SystemdNotifier? = nil

    func run() async {
        // Ends quietly on shutdown: a thrown CancellationError would count as a failed service.
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock(), start = clock.now
            var schedule = TickerSchedule(tickEvery: .seconds(1), pingEvery: watchdog?.settings.watchdogInterval)
            while !Task.isCancelled {
                try? await Task.sleep(until: start + schedule.nextWake, clock: clock)
                guard !Task.isCancelled else { break }
                let due = schedule.due(at: clock.now - start)
                if due.tick { await runtime.tick() }
                if due.ping, let watchdog {
                    await runtime.answer()
                    watchdog.send(.watchdog)
                }
            }
        }
    }
}

/// Runs the USB drivers: scans go to the lane, the printer to the lane's printer, and device
/// presence (attached, missing) to the page. Printer status is `PrinterStatusService`'s.
struct USBDeviceService: Service {
    let manager: USBDeviceManager
    let runtime: LaneRuntime
    let printer: LanePrinter
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            do {
                try await manager.run(deliver: { code in await runtime.scan(code) }, onChange: {
                    await printer.attach(await manager.printer)
                    let scanners = await manager.scannerCount, sawScanner = await manager.sawScanner
                    await runtime.setDeviceStatus(scanner: scanners > 0 ? .usb : (sawScanner ? .missing : nil),
                                                  printer: await printer.state())
                })
            } catch {
                // No hotplug on this machine: the lane carries on without USB devices (simulated ones in demo mode).
                logger.warning("USB devices not available: no USB scanner or printer will be used", metadata: ["reason": "\(error)"])
            }
        }
    }
}

/// Polls the lane's printer (USB or network) every second: its state goes to the page, and
/// receipts missed while it could not print are printed when it is ready again.
struct PrinterStatusService: Service {
    let runtime: LaneRuntime
    let printer: LanePrinter

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var last: DeviceState?
            while !Task.isCancelled {
                let state = await printer.state()
                if state != last {
                    await runtime.setDeviceStatus(printer: state)
                    if [.ready, .paperNearEnd, .simulated].contains(state) {
                        await runtime.reprintMissedReceipts()
                    }
                    last = state
                }
                try? await Task.sleep(for: .seconds(1)) // ends quietly at shutdown
            }
        }
    }
}

/// Reads a serial scanner until shutdown: "usb" on the page while its tty is open, "missing"
/// while it is not (unplugged), opened again every second until it is back.
struct SerialScannerService: Service {
    let scanner: SerialScanner
    let runtime: LaneRuntime
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await scanner.run { code in await runtime.scan(code) } onOpen: { await runtime.setDeviceStatus(scanner: .usb) }
                } catch {
                    logger.warning("serial scanner not available", metadata: ["scanner": "\(scanner.name)", "error": "\(error)"])
                    await runtime.setDeviceStatus(scanner: .missing)
                }
                try? await Task.sleep(for: .seconds(1)) // ends quietly at shutdown
            }
        }
    }
}

/// Feeds a scanner's codes to the lane until shutdown.
struct ScannerService: Service {
    let scanner: any BarcodeScanner
    let runtime: LaneRuntime
    /// Told what became of each code (the camera's reads are counted apart).
    var outcomes: @Sendable (ScanOutcome) -> Void = { _ in }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await scanner.run { code in
                let outcome = await runtime.scan(code)
                outcomes(outcome)
                return outcome
            }
        }
    }
}
