import Journal

/// Where head office stands with one lane: the last event it stored (seq and hash) and the
/// newest signed head the lane ever showed it (which may be ahead of the stored events).
public struct LaneCursor: Sendable, Equatable {
    public let seq: Int64
    /// The stored event's hash; the chain's genesis (32 zero bytes) before the first.
    public let hash: [UInt8]
    public let newestHead: SignedHead?
    public let quarantineReason: String?

    public init(seq: Int64, hash: [UInt8], newestHead: SignedHead?, quarantineReason: String? = nil) {
        self.seq = seq
        self.hash = hash
        self.newestHead = newestHead
        self.quarantineReason = quarantineReason
    }

    /// A lane enrolled and never collected.
    public static let empty = LaneCursor(seq: 0, hash: LaneJournal.genesis, newestHead: nil)
}
