/// Why a payment was declined, as a code the page translates (`decline.<code>`). The journal
/// keeps the reason's text as it came; the lane's own reasons are fixed texts, so each maps back
/// to its code exactly, and a terminal's or gateway's own words are `declined` (they go to the
/// journal and the logs, never to the shopper's screen).
public enum DeclineCode: String, CaseIterable, Sendable {
    case declined = "declined"
    case terminalUnreachable = "terminal-unreachable"
    case notReceived = "not-received"
    case staffNotTaken = "staff-not-taken"

    /// The journaled text of the lane's own reasons.
    public var laneText: String? {
        switch self {
        case .declined: nil
        case .terminalUnreachable: "The payment terminal cannot be reached. You have not been charged."
        case .notReceived: "The terminal did not receive the payment. You have not been charged."
        case .staffNotTaken: "staff confirmed the payment was not taken"
        }
    }

    public init(reason: String) {
        self = Self.allCases.first { $0.laneText == reason } ?? .declined
    }
}
