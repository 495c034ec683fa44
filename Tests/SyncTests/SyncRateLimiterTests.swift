import NIOCore
import Testing
@testable import Sync

@Suite struct SyncRateLimiterTests {
    let clock = ManualClock()
    let policy = SyncRateLimiter.Policy(maxFailures: 3, window: .seconds(60), coolDown: .seconds(300), capacity: 4)

    func limiter() -> SyncRateLimiter {
        let clock = clock
        return SyncRateLimiter(policy: policy, now: { clock.now })
    }

    @Test func theLastFailureAllowedStartsTheCoolDown() {
        let limiter = limiter()
        #expect(limiter.recordFailure("10.0.0.1") == nil)
        #expect(limiter.recordFailure("10.0.0.1") == nil)
        #expect(limiter.blocked("10.0.0.1") == nil)
        #expect(limiter.recordFailure("10.0.0.1") == .seconds(300))
        #expect(limiter.blocked("10.0.0.1") == .seconds(300))
        // Other addresses are not affected.
        #expect(limiter.blocked("10.0.0.2") == nil)
    }

    @Test func theCoolDownEnds() {
        let limiter = limiter()
        for _ in 0..<3 { limiter.recordFailure("10.0.0.1") }
        clock.advance(.seconds(299))
        #expect(limiter.blocked("10.0.0.1") == .seconds(1))
        clock.advance(.seconds(1))
        #expect(limiter.blocked("10.0.0.1") == nil)
        // And the count starts again from zero.
        #expect(limiter.recordFailure("10.0.0.1") == nil)
        #expect(limiter.recordFailure("10.0.0.1") == nil)
        #expect(limiter.blocked("10.0.0.1") == nil)
    }

    @Test func failuresOutsideTheWindowDoNotAddUp() {
        let limiter = limiter()
        limiter.recordFailure("10.0.0.1")
        limiter.recordFailure("10.0.0.1")
        clock.advance(.seconds(60))
        #expect(limiter.recordFailure("10.0.0.1") == nil)
        #expect(limiter.blocked("10.0.0.1") == nil)
    }

    @Test func aSuccessForgetsEarlierFailures() {
        let limiter = limiter()
        limiter.recordFailure("10.0.0.1")
        limiter.recordFailure("10.0.0.1")
        limiter.recordSuccess("10.0.0.1")
        #expect(limiter.recordFailure("10.0.0.1") == nil)
        #expect(limiter.blocked("10.0.0.1") == nil)
    }

    @Test func memoryIsBoundedAndTheOldestGoesFirst() {
        let limiter = limiter()
        for i in 1...4 {
            limiter.recordFailure("10.0.0.\(i)")
            clock.advance(.seconds(1))
        }
        for _ in 0..<2 { limiter.recordFailure("10.0.0.2") }
        #expect(limiter.blocked("10.0.0.2") != nil)
        limiter.recordFailure("10.0.0.5")
        #expect(limiter.trackedAddresses == 4)
        // 10.0.0.1 failed longest ago: it was forgotten; its next failure counts as its first.
        #expect(limiter.recordFailure("10.0.0.1") == nil)
        #expect(limiter.trackedAddresses == 4)
        #expect(limiter.blocked("10.0.0.2") != nil)
    }

    @Test func entriesWhoseWindowIsOverAreDroppedFirst() {
        let limiter = limiter()
        for _ in 0..<3 { limiter.recordFailure("10.0.0.1") }   // blocked for 300 s
        for i in 2...4 { limiter.recordFailure("10.0.0.\(i)") }
        clock.advance(.seconds(61))
        for i in 5...7 { limiter.recordFailure("10.0.0.\(i)") }
        #expect(limiter.trackedAddresses == 4)
        // The blocked address outlived the three stale ones although it is older.
        #expect(limiter.blocked("10.0.0.1") == .seconds(239))
    }

    @Test func ipv6AddressesCountBySlash64AndMappedIPv4ByItsAddress() throws {
        #expect(rateLimitKey(try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == "192.0.2.7")
        #expect(rateLimitKey(try SocketAddress(ipAddress: "2001:db8:1:2:aaaa::1", port: 1)) == "2001:db8:1:2::/64")
        #expect(rateLimitKey(try SocketAddress(ipAddress: "2001:db8:1:2:bbbb::9", port: 1)) == "2001:db8:1:2::/64")
        #expect(rateLimitKey(try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 1)) == "192.0.2.7")
        #expect(rateLimitKey(nil) == "unknown")
    }
}
