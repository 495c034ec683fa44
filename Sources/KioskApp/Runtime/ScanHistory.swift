/// The scanner's recent reads for the maintenance screen: the last few with their kind,
/// symbology and time, and the reads of the last minute. Only item codes are kept as they were
/// read: wallet and coupon codes, staff badges and unreadable input are secrets or noise, so
/// only their kind shows.
struct ScanHistory: Sendable, Equatable {
    struct Read: Encodable, Sendable, Equatable {
        /// `LaneMetrics.ScanKind`: item, member-card, coupon, wallet, staff-badge, unreadable.
        let kind: String
        let code: String?
        let symbology: String?
        /// Milliseconds since the epoch.
        let at: Int64
        let accepted: Bool
    }

    struct Summary: Encodable, Sendable, Equatable {
        let recent: [Read]
        let readsPerMinute: Int
    }

    static let kept = 10
    private(set) var recent: [Read] = []
    /// Times of the reads of the last minute (ms), oldest first.
    private var lastMinute: [Int64] = []

    mutating func record(kind: LaneMetrics.ScanKind, code: String, symbology: String?, accepted: Bool, at now: Int64) {
        recent.insert(Read(kind: kind.rawValue, code: kind == .item ? code : nil, symbology: symbology, at: now,
                           accepted: accepted), at: 0)
        if recent.count > Self.kept { recent.removeLast() }
        lastMinute.append(now)
        forget(before: now - 60_000)
    }

    mutating func summary(at now: Int64) -> Summary {
        forget(before: now - 60_000)
        return Summary(recent: recent, readsPerMinute: lastMinute.count)
    }

    private mutating func forget(before cutoff: Int64) {
        if let first = lastMinute.firstIndex(where: { $0 > cutoff }) { lastMinute.removeFirst(first) } else { lastMinute.removeAll() }
    }
}
