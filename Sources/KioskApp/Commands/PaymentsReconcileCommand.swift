import Foundation
import Journal
import Payments

/// `kiosk payments reconcile [--date]`: asks the lane's payment providers (from its settings)
/// about every attempt the journal holds for the day, and lists where they disagree.
public enum PaymentsReconcileCommand {
    /// The report and whether anything differs.
    public static func run(stateDirectory: URL, configFile: URL?, day: String?) async throws -> (text: String, differs: Bool) {
        let path = stateDirectory.appendingPathComponent("journal.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { throw KioskSetupError.state("no journal at \(path)") }
        let config = try KioskConfig.forCommand(configFile)
        guard config.nexoTerminal != nil || config.wechatPay != nil || config.alipay != nil else {
            throw KioskSetupError.config("--config", "names no payment terminal or wallet (nexoTerminal, wechatPay, alipay) to reconcile with")
        }
        let reportDay: ReportDay
        do { reportDay = try ReportDay(day) } catch { throw KioskSetupError.config("--date", error.description) }
        let attempts = try LaneJournal(path: path).paymentAttempts(requestedIn: reportDay.range)
        let provider = try PaymentSetup.terminal(config, demo: false, state: stateDirectory).terminal
        var views: [String: PaymentReconciliation.ProviderView] = [:]
        for attempt in attempts {
            do { views[attempt.id] = .answer(try await provider.status(of: attempt.id)) } catch { views[attempt.id] = .failure("\(error)") }
        }
        let differences = PaymentReconciliation.differences(attempts, provider: views)
        return (PaymentReconciliation.text(differences, attempts: attempts.count, day: reportDay.text), !differences.isEmpty)
    }
}
