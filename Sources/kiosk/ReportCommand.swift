import ArgumentParser
import Foundation
import KioskApp

extension ZReportCommand.Format: ExpressibleByArgument {}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports from the lane's journal.", subcommands: [Z.self])

    struct Z: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The end-of-day (Z) report: sales, tax per rate, tenders, discounts, coupons, voids, cancellations, refusals, staff actions.")

        @OptionGroup var state: StateOption

        @Option(help: "The day, yyyy-MM-dd in this machine's time zone (default: today).")
        var date: String?

        @Option(help: "text or json (money in minor units).")
        var format: ZReportCommand.Format = .text

        @Option(help: "Settings file, as for `kiosk run` (lane id, store currency).")
        var config: String?

        @Option(help: "The assets folder; found automatically in a checkout.")
        var assets: String?

        func run() async throws {
            do {
                print(try ZReportCommand.render(stateDirectory: state.url, configFile: config.map { URL(fileURLWithPath: $0) },
                                                assets: assets, day: date, format: format))
            } catch let error as KioskSetupError {
                throw ValidationError(error.description)
            }
        }
    }
}
