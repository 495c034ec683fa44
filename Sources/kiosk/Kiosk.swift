import ArgumentParser
import Foundation
import KioskApp
import Logging

@main
struct KioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "A self-checkout lane: scanners, printer, payment, journal and the shopper's page.",
        version: KioskVersion.current,
        subcommands: [Run.self, Scan.self, Explain.self, JournalCommand.self, ReceiptCommand.self, CouponCommand.self, DecodeCommand.self,
                      DevicesCommand.self, CatalogCommand.self, LaneCommand.self, SyncCommand.self, StaffCommand.self,
                      ReportCommand.self, PaymentsCommand.self])
}

struct StateOption: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "Where the journal and receipts live (default: $STATE_DIRECTORY, else $XDG_STATE_HOME/kiosk, else ~/.local/state/kiosk).")
    var stateDir: String?

    var url: URL { stateDir.map { URL(fileURLWithPath: $0) } ?? RunOptions.defaultStateDirectory }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the lane and serve its page.")

    @Flag(help: "Demo and training mode: demo panel on the page, demo staff badge 1001 / PIN 1234.")
    var demo = false

    @OptionGroup var state: StateOption

    @Option(help: "HOST:PORT to serve the page and API on (port 0 picks a free one).")
    var listen = "127.0.0.1:8080"

    @Option(help: "Settings file (JSON), naming the store and catalog (default outside --demo: /etc/kiosk/kiosk.json; with --demo and no file: the demo store).")
    var config: String?

    @Option(help: "The assets folder (web/, l10n/, demo/); found automatically in a checkout.")
    var assets: String?

    @Option(help: "The least important lines logged: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port), colon != listen.startIndex else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080")
        }
        var options = RunOptions(stateDirectory: state.url)
        options.demo = demo
        options.host = String(listen[..<colon])
        options.port = port
        options.configFile = config.map { URL(fileURLWithPath: $0) }
        options.assets = assets
        Logger.bootstrapLane(level: logLevel)
        do {
            try await Kiosk.run(options, logger: Logger(label: "kiosk.lane"))
        } catch let error as KioskSetupError {
            // A settings or data problem, not a usage mistake: say what is wrong, without the usage text.
            FileHandle.standardError.write(Data("kiosk: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Scan a code on a running kiosk's simulated scanner.")

    @Argument(help: "The barcode data, e.g. 6901234567892.")
    var code: String

    @Option(help: "The running kiosk.")
    var url = "http://127.0.0.1:8080"

    func run() async throws {
        let reply = try await LocalAPI(base: url).post("/api/scan", json: ["code": code])
        if let error = reply.error {
            print("refused (\(error.code)): \(error.message)")
            throw ExitCode(2)
        }
        print("accepted: \(reply.summary)")
    }
}

struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Read and verify the lane's journal.", subcommands: [Show.self, Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain, the signed heads and that every sale table matches its events (exit 1 if not).")

        @OptionGroup var state: StateOption

        func run() async throws {
            let path = state.url.appendingPathComponent("journal.sqlite").path
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no journal at \(path)") }
            do {
                print(try JournalReport.verify(stateDirectory: state.url))
            } catch {
                FileHandle.standardError.write(Data("journal verification FAILED: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest journal entries and sales, and verify the hash chain.")

        @OptionGroup var state: StateOption

        @Option(help: "How many entries to list.")
        var limit = 50

        func run() async throws {
            let path = state.url.appendingPathComponent("journal.sqlite").path
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no journal at \(path)")
            }
            print(try JournalReport(path: path).render(limit: max(1, limit)))
        }
    }
}

extension ReceiptCommands.Format: ExpressibleByArgument {}

struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Preview and test-print receipts.", subcommands: [Preview.self, TestPrint.self])

    struct Common: ParsableArguments {
        @OptionGroup var state: StateOption

        @Option(help: "Settings file, as for `kiosk run`.")
        var config: String?

        @Option(help: "The assets folder; found automatically in a checkout.")
        var assets: String?

        @Option(help: "Printer profile (a file name in devices/printers) instead of the configured one.")
        var profile: String?

        @Option(help: "Write to this file instead of standard output.")
        var output: String?

        func commands() throws -> ReceiptCommands {
            do {
                return try ReceiptCommands(configFile: config.map { URL(fileURLWithPath: $0) }, assets: assets,
                                           stateDirectory: state.url, profile: profile)
            } catch let error as KioskSetupError {
                throw ValidationError(error.description)
            }
        }

        func emit(_ bytes: [UInt8]) throws {
            if let output {
                try Data(bytes).write(to: URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Render a recorded sale's receipt.")

        @Argument(help: "The sale id, e.g. L01-1795611092153.")
        var sale: String

        @Option(help: "text, svg, png or escpos.")
        var format: ReceiptCommands.Format = .text

        @OptionGroup var common: Common

        func run() async throws {
            try common.emit(try common.commands().preview(saleID: sale, format: format))
        }
    }

    struct TestPrint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-print",
            abstract: "Render the built-in sample receipt: to the lane's printer, or with --output to a file.")

        @Option(help: "escpos, text, svg or png (with --output or to standard output).")
        var format: ReceiptCommands.Format = .escpos

        @OptionGroup var common: Common

        func run() async throws {
            let commands = try common.commands()
            if common.output != nil || format != .escpos {
                try common.emit(try commands.sample(format: format))
                return
            }
            print(try await commands.printSampleToLanePrinter())
        }
    }
}

struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain what the lane makes of a code: kind, GTIN, GS1 AIs, price, or what is wrong and where.")

    @Argument(help: "The scanned data, e.g. 6901234567892, ']d201095060001343521726123110ABC', a GS1 Digital Link URL, a KC1. coupon, a wallet payment code or STAFF:1001. Write GS (FNC1) as \\x1D.")
    var data: String

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Settings file, as for `kiosk run` (store currency and catalog).")
    var config: String?

    @Option(help: "The assets folder; found automatically in a checkout.")
    var assets: String?

    func run() async throws {
        let (interpreter, catalog) = try ScanExplanation.explainer(configFile: config.map { URL(fileURLWithPath: $0) }, assets: assets)
        let explanation = ScanExplanation(data.replacingOccurrences(of: "\\x1D", with: "\u{1D}"), interpreter: interpreter, catalog: catalog)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(explanation), as: UTF8.self))
        } else {
            print(explanation.text)
        }
        if !explanation.understood { throw ExitCode(2) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
