/// Why a lane refuses to sell: a code for the page and the API (`outOfService.reason.<code>` in
/// every language), and the journal entry where the problem is. The details are in the log.
public struct OutOfService: Sendable, Hashable, Codable {
    /// `chain-broken`, `signature-invalid`, `entries-removed`, `chain-rewritten`, `unreadable`,
    /// `journal-unreadable` or `restore-failed`.
    public let reason: String
    public let seq: Int64

    public static let reasons = ["chain-broken", "signature-invalid", "entries-removed", "chain-rewritten",
                                 "derived-mismatch", "unreadable", "journal-unreadable", "restore-failed"]
}

/// Thrown to callers that would add to the journal of a lane that is out of service.
public struct OutOfServiceError: Error, CustomStringConvertible {
    public var description: String { "the lane is out of service: its journal is not to be added to" }
}
