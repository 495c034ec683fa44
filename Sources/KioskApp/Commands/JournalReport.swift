import Checkout
import Foundation
import Journal

/// The text `kiosk journal show` prints: the chain check, recent sales, and the newest entries.
public struct JournalReport {
    let journal: LaneJournal

    public init(path: String) throws {
        journal = try LaneJournal(path: path)
    }

    public func render(limit: Int) throws -> String {
        var out: [String] = []
        do {
            let count = try journal.verifyChain()
            out.append("hash chain: intact, \(count) entries")
        } catch {
            out.append("hash chain: BROKEN: \(error)")
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
        case .staffApproved(let staff), .staffRejected(let staff): return "\(kind) by \(staff)"
        case .paperReceipt(let wanted): return "\(kind) wanted=\(wanted)"
        case .cancelRequested, .payRequested, .finish, .tick: return kind
        }
    }
}
