import ArgumentParser
import Devices
import Foundation
import KioskApp
import Logging

extension KeyboardLayout: ExpressibleByArgument {}

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "USB scanners and printers: what is attached, and udev rules.",
        subcommands: [List.self, Watch.self, UdevRules.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List attached USB devices with the profile and driver that take each (trying the claim).")

        @Flag(help: "JSON instead of a table.")
        var json = false

        @Option(help: "The assets folder; devices/ is beside it (found automatically in a checkout).")
        var assets: String?

        func run() async throws {
            let devices = try await DeviceCommands(assets: assets).list()
            print(json ? try DeviceCommands.json(devices) : DeviceCommands.table(devices), terminator: "")
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the USB drivers and print every device event and scan as it happens (Ctrl-C stops).")

        @Flag(help: "One JSON object per line.")
        var json = false

        @Option(name: .customLong("keyboard-layout"), help: "Layout keyboard-wedge scanners type in: us, de or fr (default: the profile's).")
        var keyboardLayout: KeyboardLayout?

        @Option(help: "The assets folder; devices/ is beside it.")
        var assets: String?

        func run() async throws {
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            let logger = Logger(label: "kiosk-devices")
            try await DeviceCommands(assets: assets).watch(json: json, keyboardLayout: keyboardLayout, logger: logger) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
    }

    struct UdevRules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "udev-rules",
            abstract: "Print udev rules giving the kiosk's user access to every profiled device (no root needed).")

        @Option(help: "The group the kiosk's user is in.")
        var group = "plugdev"

        @Option(help: "The assets folder; devices/ is beside it.")
        var assets: String?

        func run() async throws {
            print(try DeviceCommands(assets: assets).catalog.udevRules(group: group), terminator: "")
        }
    }
}
