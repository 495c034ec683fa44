import Journal

/// Why head office stopped trusting a lane. Each is kept with its evidence; nothing the lane sent
/// is stored, and the lane is not pulled again until staff release it (`kiosk-hq lanes release`).
public enum QuarantineReason: String, Sendable, CaseIterable {
    /// The lane is not the one enrolled: another lane id or public key.
    case identityMismatch = "identity-mismatch"
    /// A signed head that does not verify with the enrolled key.
    case badSignature = "bad-signature"
    /// A signed head, valid, that names another event than the page's last one.
    case headMismatch = "head-mismatch"
    /// Another hash at a seq head office already has (stored, or signed by the lane earlier).
    case fork
    /// An event whose hash does not follow from the one before it (a corrupted page).
    case chainBroken = "chain-broken"
    /// Seqs that do not run on from the cursor without a hole.
    case gap
    /// The lane's journal ends before what head office already stored or saw signed: rolled back
    /// or truncated.
    case rolledBack = "rolled-back"
    /// An event time no month partition can hold (before 1970 or after 9999).
    case timeOutOfRange = "time-out-of-range"
}

/// A quarantine finding: the reason and what shows it, kept as found (the evidence is JSON).
public struct QuarantineFinding: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: QuarantineReason
    public let evidence: [String: JSONValue]

    public init(_ reason: QuarantineReason, _ evidence: [String: JSONValue]) {
        self.reason = reason
        self.evidence = evidence
    }

    public var description: String { "\(reason.rawValue) \(JSONValue.object(evidence).text)" }
}

extension JSONValue {
    static func hex(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }
}
