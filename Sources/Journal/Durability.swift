import Checkout

/// How far an append gets before it returns (docs/journal-format.md, "Durability").
///
/// Every append is in SQLite's write-ahead log when it returns, so a crash of the kiosk (SIGKILL,
/// a panic, an out-of-memory kill) never loses one. Only a power cut can lose what the operating
/// system had not yet written to the disk; an fsync per append closes that too, at a cost the
/// shopper feels on every scan (most of a scan's p99 on a busy box).
public enum Durability: Sendable, Equatable {
    /// On the disk when the append returns (synchronous=FULL): survives a power cut.
    case powerCut
    /// In the log, on the disk with the next `.powerCut` append (its fsync covers the whole log):
    /// survives a crash; a power cut can lose it while it is the newest thing the lane did.
    case crash

    /// Only cart edits that cause nothing are `.crash`: losing the newest of them to a power cut
    /// gives back the cart as it was a scan earlier, which the shopper sees and scans again.
    /// Everything that involves money or leaves the lane (a payment handed over, a sale, a
    /// receipt, a session's end, staff decisions, administrative events) waits for the disk.
    public static func of(_ event: LaneEvent, effects: [Effect]) -> Durability {
        guard effects.isEmpty else { return .powerCut }
        switch event {
        case .itemScanned, .removeLine, .memberCardScanned, .couponScanned, .scanRejected, .paperReceipt:
            return .crash
        default:
            return .powerCut
        }
    }
}
