import Checkout
import Foundation
import Journal

/// What the maintenance screen shows: the lane, its devices, the payment waiting for staff, the
/// receipts that did not print (the journal's queue, so it survives restarts), the catalog in
/// use and head office's backlog. Amounts are preformatted, states are codes.
struct MaintenanceStatus: Encodable, Sendable {
    struct Payment: Encodable, Sendable {
        let attemptID: String
        let amount: String
    }

    struct Sale: Encodable, Sendable {
        let id: String
        let total: String
        let completedAt: Int64
    }

    struct CatalogInfo: Encodable, Sendable {
        /// Nil for the settings' CSV (no import yet).
        let version: Int64?
        let items: Int
        let rejectedRows: Int
        let source: String
        let importedAt: Int64?
    }

    /// The terminal's last answer to a payment or a status query, as a code.
    struct TerminalAnswer: Encodable, Sendable, Equatable {
        /// `approved`, `declined` or `unknown`.
        let result: String
        /// Milliseconds since the epoch.
        let at: Int64

        init(_ outcome: PaymentOutcome, at: Int64) {
            result = LaneMetrics.PaymentResult(outcome).rawValue
            self.at = at
        }
    }

    let laneID: String
    let laneClosed: Bool
    let phase: String
    let devices: LaneView.Devices
    let printerStatus: String
    let printer: String
    let terminal: String
    let unresolvedPayment: Payment?
    let missedReceipts: [String]
    let recentSales: [Sale]
    let catalog: CatalogInfo
    let sync: SyncBacklog
    let scanLatency: LatencySummary
    let scans: ScanHistory.Summary
    let terminalAnswer: TerminalAnswer?
    /// When head office last pulled events (ms since the epoch); nil before its first pull.
    let lastPullAt: Int64?
}

extension LaneRuntime {
    func maintenanceStatus() async throws -> MaintenanceStatus {
        let printerStatus = await printer.status().rawValue
        var unresolved: MaintenanceStatus.Payment?
        if case .attendantNeeded(.paymentUnresolved(let attempt)) = state.phase {
            unresolved = .init(attemptID: attempt.id, amount: attempt.amount.description)
        }
        let catalogInfo: MaintenanceStatus.CatalogInfo
        if let version = try catalog.store.currentVersion() {
            catalogInfo = .init(version: version.id, items: version.itemCount, rejectedRows: version.rejectedRows,
                                source: version.source, importedAt: Int64(version.importedAt.timeIntervalSince1970 * 1000))
        } else {
            catalogInfo = .init(version: nil, items: catalog.csv.items.count, rejectedRows: 0, source: "settings", importedAt: nil)
        }
        return MaintenanceStatus(
            laneID: lane.config.laneID, laneClosed: laneClosed, phase: view().phase, devices: devices,
            printerStatus: printerStatus, printer: printer.name, terminal: terminal.name, unresolvedPayment: unresolved,
            missedReceipts: try journal.missedReceipts().map(\.id),
            recentSales: try journal.recentSales(limit: 10).map { .init(id: $0.id, total: $0.total.description, completedAt: $0.completedAt) },
            catalog: catalogInfo, sync: SyncBacklog(try journal.pullStatus()), scanLatency: scanLatencySummary(),
            scans: scanHistory.summary(at: clock.now()), terminalAnswer: lastTerminalAnswer, lastPullAt: lastPullAt)
    }
}
