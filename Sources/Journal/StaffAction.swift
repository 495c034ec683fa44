/// One thing a member of staff did in maintenance mode, journaled as `staff-action`: who (the
/// badge; never the PIN), what (a code), on which sale, and how it came out (a code).
public struct StaffAction: Hashable, Sendable {
    public let badge: String
    public let action: Action
    /// The sale (or payment attempt's session) the action was about.
    public let saleID: String?
    /// How it came out, as a code: `printed`, `paper-out`, `ok`, `chain-broken`, `timeout`, ...
    public let result: String?

    public init(badge: String, action: Action, saleID: String? = nil, result: String? = nil) {
        self.badge = badge
        self.action = action
        self.saleID = saleID
        self.result = result
    }

    /// Stable codes: head office and the Z report count them.
    public enum Action: String, Hashable, Sendable, CaseIterable {
        /// Badge and PIN opened the maintenance screen.
        case modeOpened = "mode-opened"
        /// It closed: `result` says why (`left`, `timeout`, `shopper-scan`).
        case modeClosed = "mode-closed"
        case laneClosed = "lane-closed"
        case laneOpened = "lane-opened"
        case testPrint = "test-print"
        case paperFed = "paper-fed"
        /// A receipt printed again, marked as a copy.
        case receiptCopy = "receipt-copy"
        /// The terminal asked again about the unresolved payment; `result` is its answer.
        case paymentQueried = "payment-queried"
        /// Staff decided the unresolved payment was not taken, and the lane asked the provider to
        /// give back anything it charged; `result`: `reversed`, `nothing-charged`, `not-possible`, `unknown`.
        case paymentReversed = "payment-reversed"
        case journalVerified = "journal-verified"
    }
}
