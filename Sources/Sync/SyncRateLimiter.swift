import Synchronization

/// Failed sign-ins per remote address: after `maxFailures` failures within `window` the address
/// is refused for `coolDown` without its credentials even being looked at. Tokens are 256-bit
/// random values, so guessing is hopeless anyway; this keeps a misconfigured or hostile client
/// from filling the log and the CPU (a TLS handshake and a hash per try).
///
/// Memory is bounded: at most `capacity` addresses are tracked. When full, entries whose window
/// and cool-down are over are dropped, then the one with the oldest failure. An attacker with more
/// addresses than that can get one of its blocked addresses forgotten; that is the price of the
/// bound, and each try still costs it a failure in the log.
public final class SyncRateLimiter: Sendable {
    public struct Policy: Sendable, Equatable {
        public var maxFailures: Int
        public var window: Duration
        public var coolDown: Duration
        public var capacity: Int

        public init(maxFailures: Int, window: Duration, coolDown: Duration, capacity: Int) {
            self.maxFailures = maxFailures
            self.window = window
            self.coolDown = coolDown
            self.capacity = capacity
        }

        /// 10 failures in a minute block an address for 5 minutes; 4096 addresses tracked.
        /// Head office's collector retries on a schedule, so a legitimate client with a revoked
        /// token fails a few times a minute at most and never trips this.
        public static let standard = Policy(maxFailures: 10, window: .seconds(60), coolDown: .seconds(300), capacity: 4096)
    }

    private struct Entry {
        var windowStart: ContinuousClock.Instant
        var failures: Int
        var blockedUntil: ContinuousClock.Instant?
        var lastFailure: ContinuousClock.Instant
    }

    public let policy: Policy
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[String: Entry]>([:])

    /// - Parameter now: the clock; tests pass one they move by hand.
    public init(policy: Policy = .standard, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        precondition(policy.maxFailures > 0 && policy.capacity > 0)
        self.policy = policy
        self.now = now
    }

    /// How long `address` is still refused, or nil if it may try.
    public func blocked(_ address: String) -> Duration? {
        let now = now()
        return entries.withLock { entries in
            guard let until = entries[address]?.blockedUntil, until > now else { return nil }
            return until - now
        }
    }

    /// Counts a failure; returns the cool-down if this failure started one.
    @discardableResult
    public func recordFailure(_ address: String) -> Duration? {
        let now = now()
        return entries.withLock { entries in
            var entry = entries[address] ?? Entry(windowStart: now, failures: 0, blockedUntil: nil, lastFailure: now)
            if entry.windowStart + policy.window <= now || entry.blockedUntil.map({ $0 <= now }) == true {
                entry = Entry(windowStart: now, failures: 0, blockedUntil: nil, lastFailure: now)
            }
            entry.failures += 1
            entry.lastFailure = now
            var started: Duration?
            if entry.failures >= policy.maxFailures && entry.blockedUntil == nil {
                entry.blockedUntil = now + policy.coolDown
                started = policy.coolDown
            }
            if entries[address] == nil && entries.count >= policy.capacity { Self.makeRoom(in: &entries, now: now, policy: policy) }
            entries[address] = entry
            return started
        }
    }

    /// A success forgets the address's earlier failures.
    public func recordSuccess(_ address: String) {
        _ = entries.withLock { $0.removeValue(forKey: address) }
    }

    /// A wait as a Retry-After value: whole seconds, rounded up, at least 1.
    public static func retryAfter(_ wait: Duration) -> String {
        "\(max(1, wait.components.seconds + (wait.components.attoseconds > 0 ? 1 : 0)))"
    }

    /// How many addresses are tracked (for tests of the bound).
    public var trackedAddresses: Int { entries.withLock { $0.count } }

    private static func makeRoom(in entries: inout [String: Entry], now: ContinuousClock.Instant, policy: Policy) {
        entries = entries.filter { _, entry in
            entry.windowStart + policy.window > now || entry.blockedUntil.map { $0 > now } == true
        }
        if entries.count >= policy.capacity, let oldest = entries.min(by: { $0.value.lastFailure < $1.value.lastFailure })?.key {
            entries.removeValue(forKey: oldest)
        }
    }
}
