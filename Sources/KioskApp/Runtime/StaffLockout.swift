/// Wrong PINs and what they lock, as pure state: per badge on the staff list, one shared record
/// for every badge that is not on it, and one for the whole lane. Times are wall-clock
/// in milliseconds, so that a lockout survives a restart (`StaffFiles` saves this).
///
/// - A listed badge: 5 wrong PINs lock it for 5 minutes.
/// - Badges not on the list share one record (so guessing with made-up badges remembers
///   nothing new): 5 wrong lock them all for 5 minutes.
/// - The lane: 10 wrong PINs in a row, whatever the badges, lock the staff form for 1 minute,
///   doubling with each further 10 (2, 4, ... at most 30 minutes); the doubling starts over
///   after a day without a lane lockout.
public struct StaffLockout: Equatable, Sendable {
    public struct Record: Equatable, Sendable {
        public var failures = 0
        public var lockedUntil: Int64?
    }

    public enum Key: Hashable, Sendable {
        case badge(String)
        case unknown
    }

    public enum State: Equatable, Sendable { case open, locked, laneLocked }

    public private(set) var badges: [String: Record] = [:]
    public private(set) var unknown = Record()
    /// `failures` counts wrong PINs in a row across the lane; `lockouts` how often that locked it.
    public private(set) var lane = Record()
    public private(set) var laneLockouts = 0

    static let badgeFailures = 5
    static let badgeLockout: Int64 = 300_000
    static let laneFailures = 10
    static let laneLockout: Int64 = 60_000
    static let longestLaneLockout: Int64 = 1_800_000
    static let escalationMemory: Int64 = 86_400_000

    public init() {}

    init(badges: [String: Record], unknown: Record, lane: Record, laneLockouts: Int) {
        self.badges = badges
        self.unknown = unknown
        self.lane = lane
        self.laneLockouts = laneLockouts
    }

    public func state(of key: Key, now: Int64) -> State {
        if lane.lockedUntil.map({ now < $0 }) ?? false { return .laneLocked }
        return record(key).lockedUntil.map { now < $0 } ?? false ? .locked : .open
    }

    /// No lock ends later than its longest from `now`: a saved lockout read after the wall clock
    /// was set back cannot last for years.
    func clamped(now: Int64) -> StaffLockout {
        func clamp(_ record: Record, _ longest: Int64) -> Record {
            Record(failures: record.failures, lockedUntil: record.lockedUntil.map { min($0, now + longest) })
        }
        return StaffLockout(badges: badges.mapValues { clamp($0, Self.badgeLockout) }, unknown: clamp(unknown, Self.badgeLockout),
                            lane: clamp(lane, Self.longestLaneLockout), laneLockouts: laneLockouts)
    }

    public mutating func failed(_ key: Key, now: Int64) {
        var record = record(key)
        record.failures += 1
        if record.failures >= Self.badgeFailures { record = Record(failures: 0, lockedUntil: now + Self.badgeLockout) }
        set(key, record)
        lane.failures += 1
        if lane.failures >= Self.laneFailures {
            // The doubling is forgotten after a day without a lane lockout, not by a right PIN:
            // an attacker gains nothing from staff logging in between his guesses.
            if let last = lane.lockedUntil, now - last > Self.escalationMemory { laneLockouts = 0 }
            laneLockouts += 1
            let length = min(Self.laneLockout << min(laneLockouts - 1, 16), Self.longestLaneLockout)
            lane = Record(failures: 0, lockedUntil: now + length)
        }
    }

    /// A right PIN: its badge starts over, and the lane's count of wrong PINs in a row (its
    /// lockout and how long the next one lasts stay). True when that changed anything.
    public mutating func succeeded(_ key: Key) -> Bool {
        let before = self
        set(key, Record())
        lane.failures = 0
        return self != before
    }

    /// Drops the records of badges no longer listed (they now count as unknown badges).
    mutating func forget(except listed: Set<String>) {
        badges = badges.filter { listed.contains($0.key) }
    }

    private func record(_ key: Key) -> Record {
        switch key {
        case .badge(let badge): return badges[badge] ?? Record()
        case .unknown: return unknown
        }
    }

    private mutating func set(_ key: Key, _ record: Record) {
        switch key {
        case .badge(let badge): badges[badge] = record == Record() ? nil : record
        case .unknown: unknown = record
        }
    }
}
