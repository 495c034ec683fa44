import ArgumentParser
import Foundation
import KioskApp

struct PaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments", abstract: "The lane's payments against its providers' own records.", subcommands: [Reconcile.self])

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the payment terminal and wallets about every payment attempt of the day; list where they and the journal differ (exit 1 if any).")

        @OptionGroup var state: StateOption

        @Option(help: "The day, yyyy-MM-dd in this machine's time zone (default: today).")
        var date: String?

        @Option(help: "Settings file naming the terminal and wallets, as for `kiosk run` (default: /etc/kiosk/kiosk.json).")
        var config: String?

        func run() async throws {
            let report: (text: String, differs: Bool)
            do {
                report = try await PaymentsReconcileCommand.run(stateDirectory: state.url, configFile: config.map { URL(fileURLWithPath: $0) },
                                                                day: date)
            } catch let error as KioskSetupError {
                throw ValidationError(error.description)
            }
            print(report.text)
            if report.differs { throw ExitCode(1) }
        }
    }
}
