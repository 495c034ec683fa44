import Checkout
import Foundation
import Journal

/// The text `kiosk journal show` prints: the chain check, head office's backlog, recent sales,
/// and the newest entries.
public struct JournalReport {
    let journal: LaneJournal

    public init(path: String) throws {
        journal = try LaneJournal(path: path)
    }

    /// `kiosk journal verify`: the chain, the signatures (with the lane's key from the state
    /// folder) and the derived tables. Throws `JournalError` at the first problem.
    public static func verify(stateDirectory: URL) throws -> String {
        let identity = try LaneIdentity.existing(stateDirectory: stateDirectory, laneID: "")
        let journal = try LaneJournal(path: stateDirectory.appendingPathComponent("journal.sqlite").path, identity: identity)
        let report = try journal.verify()
        var out = ["journal verified: \(report.events) entries, hash chain intact",
                   identity.map { "signed heads: \(report.signedHeads) checked with key \($0.fingerprint)" }
                       ?? "signed heads: not checked (no lane key in the state folder)",
                   "derived tables: \(report.derivedRows) rows match what the events wrote"]
        if report.legacyEvents > 0 {
            out.append("entries 1...\(report.legacyEvents) were written before events carried their writes: their sale rows are not covered by the hash")
        }
        return out.joined(separator: "\n")
    }

    public func render(limit: Int) throws -> String {
        var out: [String] = []
        do {
            let count = try journal.verifyChain()
            out.append("hash chain: intact, \(count) entries")
        } catch {
            out.append("hash chain: BROKEN: \(error)")
        }
        let pull = try journal.pullStatus()
        if pull.acknowledgedSeq == 0 {
            out.append("head office: nothing acknowledged yet; \(pull.backlog) entries waiting")
        } else {
            out.append("head office: acknowledged up to #\(pull.acknowledgedSeq); \(pull.backlog) entries waiting"
                       + (pull.oldestUnacknowledgedAt.map { ", the oldest from \(ReceiptComposer.format($0))" } ?? ""))
        }
        if let open = try journal.openSession() {
            out.append("open session: \(open.id) (\(open.entries.count) events, restored on next start)")
        }
        out.append("")
        out.append("recent sales:")
        let sales = try journal.recentSales(limit: 10)
        if sales.isEmpty { out.append("  none") }
        for sale in sales {
            out.append("  #\(sale.seq) \(ReceiptComposer.format(sale.completedAt)) \(sale.id) \(sale.itemCount) items \(sale.total) \(sale.tender) \(sale.reference)")
        }
        out.append("")
        out.append("entries:")
        for entry in try journal.lastEntries(limit) {
            out.append("  #\(entry.seq) \(ReceiptComposer.format(entry.at)) \(entry.session ?? "-") \(Self.describe(entry.event))")
        }
        return out.joined(separator: "\n")
    }

    static func describe(_ event: JournalEvent) -> String {
        switch event {
        case .lane(let event): return describe(event)
        case .admin(let event): return describe(event)
        }
    }

    static func describe(_ event: AdminEvent) -> String {
        switch event {
        case .receiptReprinted(let saleID): return "\(event.kind) \(saleID)"
        case .syncAcknowledged(let seq, _, let client): return "\(event.kind) up to #\(seq) by \(client)"
        case .catalogInstalled(let install):
            return "\(event.kind) \(install.version) (\(install.items) items, \(install.rejected) rejected) by \(install.client)"
        case .couponKeysInstalled(let keys, let client):
            return "\(event.kind) \(keys.isEmpty ? "no keys" : keys.map(\.id).joined(separator: ", ")) by \(client)"
        case .staffListInstalled(let badges, _, let client): return "\(event.kind) \(badges.count) staff by \(client)"
        case .couponsRedeemedElsewhere(let ids, let client): return "\(event.kind) \(ids.count) coupons by \(client)"
        case .staffAction(let action):
            return "\(event.kind) \(action.action.rawValue) by \(action.badge)" + (action.saleID.map { " sale \($0)" } ?? "")
                + (action.result.map { ": \($0)" } ?? "")
        case .zReport(let number, let day, let badge, _):
            return "\(event.kind) #\(number) for \(day)" + (badge.map { " by \($0)" } ?? "")
        }
    }

    static func describe(_ event: LaneEvent) -> String {
        let kind = JournalFormat.kind(of: event)
        switch event {
        case .itemScanned(let item, let price): return "\(kind) \(item.gtin.displayForm) \(item.name.en)" + (price.map { " \($0)" } ?? "")
        case .memberCardScanned(let member): return "\(kind) \(member)"
        case .couponScanned(let coupon): return "\(kind) \(coupon.id) \(coupon)"
        case .walletCodeScanned(let wallet): return "\(kind) \(wallet)"
        case .scanRejected(let code, let reason, _): return "\(kind) \(code): \(reason)"
        case .removeLine(let id): return "\(kind) \(id)"
        case .paymentFinished(let id, let outcome): return "\(kind) \(id) \(outcome)"
        case .receiptFinished(let id, let printed): return "\(kind) \(id) printed=\(printed)"
        case .staffApproved(let staff), .staffRejected(let staff), .staffModeClosed(let staff): return "\(kind) by \(staff)"
        case .paperReceipt(let wanted): return "\(kind) wanted=\(wanted)"
        case .cancelRequested, .payRequested, .finish, .tick: return kind
        }
    }
}
