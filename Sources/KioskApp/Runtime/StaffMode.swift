/// Who has the maintenance screen open, as pure state kept by the lane runtime. Staff mode lies
/// over the lane: the shopper's cart and phase stay as they were underneath. The page proves it
/// is the one that logged in with the session's token (random, never journaled or logged); the
/// session ends after `inactivityTimeout` without a staff action. Times are the lane clock's ms.
struct StaffMode: Sendable {
    struct Session: Sendable, Equatable {
        let badge: String
        let name: String
        let token: String
        var lastActivity: Int64
    }

    static let defaultTimeout: Int64 = 120_000

    /// Milliseconds without a staff action after which the session ends (`staffModeTimeoutSeconds`).
    let inactivityTimeout: Int64
    private(set) var session: Session?

    init(inactivityTimeout: Int64 = Self.defaultTimeout) {
        self.inactivityTimeout = inactivityTimeout
    }

    /// Opens a session for `member`; returns the one it replaced (whose close the caller journals).
    mutating func open(badge: String, name: String, token: String, now: Int64) -> Session? {
        let replaced = session
        session = Session(badge: badge, name: name, token: token, lastActivity: now)
        return replaced
    }

    enum Check: Equatable {
        case valid(Session)
        /// The token was right but the session timed out: it is closed now.
        case expired(Session)
        case invalid
    }

    /// A staff request carrying `token` at `now`: a valid one counts as activity.
    mutating func check(token: String, now: Int64) -> Check {
        guard let current = session,
              StaffDirectory.constantTimeEqual(Array(token.utf8), Array(current.token.utf8)) else { return .invalid }
        if isExpired(current, now: now) {
            session = nil
            return .expired(current)
        }
        session?.lastActivity = now
        return .valid(current)
    }

    /// Closes a session that timed out at `now`, and returns it.
    mutating func expire(now: Int64) -> Session? {
        guard let current = session, isExpired(current, now: now) else { return nil }
        session = nil
        return current
    }

    /// Closes the session, whatever its state, and returns it.
    mutating func close() -> Session? {
        defer { session = nil }
        return session
    }

    private func isExpired(_ session: Session, now: Int64) -> Bool {
        now - session.lastActivity >= inactivityTimeout
    }
}
